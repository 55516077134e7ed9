//! What makes harbor-mock a mock rather than a Harbor: the instances (the main one and
//! isolated sessions) with their clocks, request journals and fault rules, the control API
//! under `/_mock` that steers them, the dashboard at `/_mock/ui` that shows them, the state
//! store (`--state-file`, SQLite), and the in-process harness for Rust tests.

pub mod clock;
pub mod control;
pub mod faults;
pub mod harness;
pub mod instance;
pub mod journal;
pub mod persist;
pub mod sessions;
pub mod state;
pub mod token;
pub mod ui;

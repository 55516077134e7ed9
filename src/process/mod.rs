//! The binary's process plumbing: the command line and environment ([`config`]), start-up and
//! signals ([`server`]), log output ([`logging`]) and the container health probe
//! ([`healthcheck`]).

pub mod config;
pub mod healthcheck;
pub mod logging;
pub mod server;

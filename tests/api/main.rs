//! Integration tests: one binary, one module per concern (zero2prod style).

mod helpers;

mod access;
mod auth;
mod control;
mod create;
mod determinism;
mod errors;
mod get;
mod list;
mod query;
mod refresh_delete;
mod robustness;
mod socket;
mod update;

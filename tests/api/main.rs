//! Integration tests: one binary, one module per concern (zero2prod style).

mod helpers;

mod access;
mod auth;
mod configurations;
mod control;
mod create;
mod database;
mod determinism;
mod errors;
mod get;
mod gojson;
mod list;
mod members;
mod permissions;
mod persistence;
mod projects;
mod query;
mod refresh_delete;
mod robustness;
mod search;
mod socket;
mod system;
mod ui;
mod update;
mod users;

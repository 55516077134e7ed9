//! Harbor's own rules, with no HTTP in them: who is calling ([`auth`]), what they may do
//! ([`access`], [`rbac`]), what a robot request must look like ([`robots`]), how secrets are
//! made and checked ([`secret`]), the rules for projects, users and the system configuration
//! ([`projects`], [`users`], [`configurations`]), the project and robot name pattern
//! ([`names`]), and the errors Harbor answers with
//! ([`error`]). Each file names the Harbor source it follows.

pub mod access;
pub mod auth;
pub mod configurations;
pub mod error;
pub mod names;
pub mod projects;
pub mod rbac;
pub mod robots;
pub mod secret;
pub mod users;

/// Harbor's default `robot_name_prefix`.
pub const DEFAULT_ROBOT_PREFIX: &str = "robot$";

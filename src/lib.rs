//! harbor-mock: Harbor's `/api/v2.0/robots` API over an in-memory store.

pub mod model;
pub mod query;

//! harbor-mock: Harbor's `/api/v2.0/robots` API over an in-memory store, faithful enough that
//! a Harbor client cannot tell it from a real Harbor 2.x.
//!
//! Layout:
//! - [`store`] holds users, projects, memberships and robots behind one lock; no HTTP here.
//! - [`routes`] has one handler per swagger operation; [`extract`] and [`body`] do the
//!   go-swagger binding; [`validate`] and [`auth`] Harbor's checks; [`query`] the `q`/`sort`
//!   language; [`pagination`] the list headers; [`error`] the one error type.
//! - [`middleware`] is the layer stack in front of routing.

pub mod auth;
pub mod body;
pub mod clock;
pub mod config;
pub mod error;
pub mod extract;
pub mod fixtures;
pub mod healthcheck;
pub mod middleware;
pub mod model;
pub mod pagination;
pub mod query;
pub mod rbac;
pub mod routes;
pub mod secret;
pub mod server;
pub mod sessions;
pub mod store;
pub mod validate;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state, map_response};
use parking_lot::Mutex;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::sync::Arc;

use crate::sessions::Sessions;
use crate::store::Store;

/// Everything handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The default state, served at `/api/v2.0`.
    pub store: Arc<Store>,
    /// Isolated states served at `/sessions/<id>/api/v2.0`.
    pub sessions: Arc<Sessions>,
    request_ids: Arc<Mutex<StdRng>>,
}

impl AppState {
    /// State around a store; `seed` makes generated request ids reproducible.
    pub fn new(store: Arc<Store>, seed: Option<u64>) -> AppState {
        let rng = match seed {
            // A different stream from the store's, so request ids don't shift secrets.
            Some(seed) => StdRng::seed_from_u64(seed ^ 0x5eed_1d5),
            None => rand::make_rng(),
        };
        AppState {
            store,
            sessions: Arc::new(Sessions::default()),
            request_ids: Arc::new(Mutex::new(rng)),
        }
    }

    /// A fresh UUID v4 for a request that came without `X-Request-Id`.
    pub fn new_request_id(&self) -> String {
        let mut bytes = [0u8; 16];
        rand::Rng::fill_bytes(&mut *self.request_ids.lock(), &mut bytes);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }
}

/// The whole application. Path clean-up has to run before routing, so the routes live in an
/// inner router that the outer one reaches through its fallback.
pub fn app(state: AppState) -> Router {
    let inner = Router::new()
        .nest("/api/v2.0", routes::router())
        .fallback(middleware::not_found)
        .with_state(state.clone());
    // `layer` wraps inside-out: the last one added runs first.
    Router::new()
        .fallback_service(inner)
        .layer(map_response(middleware::strip_allow))
        .layer(from_fn(middleware::access_log))
        .layer(from_fn_with_state(state.clone(), middleware::request_id))
        .layer(from_fn_with_state(state, middleware::clean_path))
        .layer(from_fn(middleware::check_query))
}

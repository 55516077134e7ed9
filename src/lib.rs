//! harbor-mock: Harbor's `/api/v2.0/robots` API over an in-memory store, faithful enough that
//! a Harbor client cannot tell it from a real Harbor 2.x.
//!
//! Layout:
//! - [`store`] holds users, projects, memberships and robots behind one lock; no HTTP here.
//! - [`routes`] has one handler per swagger operation; [`extract`] and [`body`] do the
//!   go-swagger binding; [`validate`] and [`auth`] Harbor's checks; [`query`] the `q`/`sort`
//!   language; [`pagination`] the list headers; [`error`] the one error type.
//! - [`middleware`] holds [`Front`], the one service in front of routing (request id, access
//!   log, sessions, faults, journal).

pub mod auth;
pub mod body;
pub mod clock;
pub mod config;
pub mod control;
pub mod error;
pub mod extract;
pub mod faults;
pub mod fixtures;
pub mod harness;
pub mod healthcheck;
pub mod instance;
pub mod journal;
pub mod logging;
pub mod middleware;
pub mod model;
pub mod pagination;
pub mod persist;
pub mod query;
pub mod rbac;
pub mod routes;
pub mod secret;
pub mod server;
pub mod sessions;
pub mod store;
pub mod validate;

pub use harness::MockHarbor;
pub use instance::Settings;
pub use middleware::Front;

use axum::Router;
use axum::http::HeaderValue;
use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

use crate::fixtures::{Fixtures, FixturesError, InvalidEntry, UserFixture};
use crate::instance::Instance;
use crate::sessions::Sessions;
use crate::store::Store;

/// Everything handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The main instance, served at `/api/v2.0`.
    pub main: Arc<Instance>,
    /// Isolated instances served at `/sessions/<id>/api/v2.0`.
    pub sessions: Arc<Sessions>,
    pub settings: Arc<Settings>,
    /// Request and session ids; seeded in deterministic mode.
    ids: Arc<Mutex<StdRng>>,
}

impl AppState {
    /// Builds the main instance from `fixtures`.
    pub fn new(fixtures: Fixtures, settings: Settings) -> Result<AppState, InvalidEntry> {
        let main = Instance::new(fixtures, &settings, settings.seed)?;
        Ok(AppState::around(main, settings))
    }

    /// Builds the main instance from the text of the fixtures file `path` (see
    /// [`Store::from_source`]); also returns the file's users.
    pub fn from_source(
        text: Arc<String>,
        path: &str,
        settings: Settings,
    ) -> Result<(AppState, Vec<UserFixture>), FixturesError> {
        let (main, users) = Instance::from_source(text, path, &settings)?;
        Ok((AppState::around(main, settings), users))
    }

    fn around(main: Instance, settings: Settings) -> AppState {
        let ids = match settings.seed {
            // A different stream from the store's, so request ids don't shift secrets.
            Some(seed) => StdRng::seed_from_u64(seed ^ 0x05ee_d1d5),
            None => rand::make_rng(),
        };
        AppState {
            main: Arc::new(main),
            sessions: Arc::new(Sessions::default()),
            settings: Arc::new(settings),
            ids: Arc::new(Mutex::new(ids)),
        }
    }

    /// The main instance's store.
    pub fn store(&self) -> &Arc<Store> {
        &self.main.store
    }

    /// A fresh UUID v4 for a request that came without `X-Request-Id`.
    pub fn new_request_id(&self) -> HeaderValue {
        let mut bytes = [0u8; 16];
        self.ids.lock().fill_bytes(&mut bytes);
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        let text = uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .encode_lower(&mut text);
        HeaderValue::from_str(text).expect("a UUID is a valid header value")
    }

    /// Starts an isolated session holding `fixtures` (the main instance's initial fixtures
    /// when `None`); returns its id.
    pub fn create_session(
        &self,
        fixtures: Option<Fixtures>,
    ) -> Result<String, sessions::SessionError> {
        let fixtures = fixtures.unwrap_or_else(|| self.main.store.initial());
        let (id, seed) = {
            let mut rng = self.ids.lock();
            let id = format!("{:016x}", rng.next_u64());
            let seed = self.settings.seed.map(|_| rng.next_u64());
            (id, seed)
        };
        let instance = Instance::new(fixtures, &self.settings, seed)
            .map_err(sessions::SessionError::Fixtures)?;
        self.sessions.insert(id.clone(), Arc::new(instance))?;
        Ok(id)
    }
}

/// The whole application: a tower service (serve it with `axum::serve(listener, app(state))`,
/// or call it in-process with `tower::ServiceExt::oneshot`).
/// Path clean-up has to run before routing, so [`Front`] does it and then calls the router.
pub fn app(state: AppState) -> Front {
    let routes = Router::new()
        .merge(routes::router())
        .nest("/_mock", control::router(&state.settings))
        .fallback(middleware::not_found)
        .with_state(state.clone());
    Front::new(state, routes)
}

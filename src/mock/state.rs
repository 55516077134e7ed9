//! What the whole server shares: the main instance, the sessions, the settings every instance
//! is built with, and the generator of request and session ids.

use axum::http::HeaderValue;
use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

use super::instance::{Instance, Settings};
use super::sessions::{SessionError, Sessions};
use crate::store::Store;
use crate::store::fixtures::{Fixtures, FixturesError, InvalidEntry, UserFixture};

/// The server's instances; cheap to clone (everything is shared).
#[derive(Clone)]
pub struct Instances {
    /// The main instance, served at `/api/v2.0`.
    pub main: Arc<Instance>,
    /// Isolated instances served at `/sessions/<id>/api/v2.0`.
    pub sessions: Arc<Sessions>,
    /// How instances are built.
    pub settings: Arc<Settings>,
    /// Request and session ids; seeded in deterministic mode.
    ids: Arc<Mutex<StdRng>>,
}

impl Instances {
    /// Builds the main instance from `fixtures`.
    pub fn new(fixtures: Fixtures, settings: Settings) -> Result<Instances, InvalidEntry> {
        let main = Instance::new(fixtures, &settings, settings.seed)?;
        Ok(Instances::around(main, settings))
    }

    /// Builds the main instance from the text of the fixtures file `path` (see
    /// [`Store::from_source`]); also returns the file's users.
    pub fn from_source(
        text: Arc<String>,
        path: &str,
        settings: Settings,
    ) -> Result<(Instances, Vec<UserFixture>), FixturesError> {
        let (main, users) = Instance::from_source(text, path, &settings)?;
        Ok((Instances::around(main, settings), users))
    }

    fn around(main: Instance, settings: Settings) -> Instances {
        let ids = match settings.seed {
            // A different stream from the store's, so request ids don't shift secrets.
            Some(seed) => StdRng::seed_from_u64(seed ^ 0x05ee_d1d5),
            None => rand::make_rng(),
        };
        Instances {
            main: Arc::new(main),
            sessions: Arc::new(Sessions::new(settings.session_ttl)),
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
    pub fn create_session(&self, fixtures: Option<Fixtures>) -> Result<String, SessionError> {
        let (id, seed) = {
            let mut rng = self.ids.lock();
            let id = format!("{:016x}", rng.next_u64());
            let seed = self.settings.seed.map(|_| rng.next_u64());
            (id, seed)
        };
        let instance = match fixtures {
            // Shares the main instance's fixtures: nothing is copied.
            None => Instance::fork(&self.main, &self.settings, seed),
            Some(fixtures) => Instance::new(fixtures, &self.settings, seed)?,
        };
        self.sessions.insert(id.clone(), Arc::new(instance))?;
        Ok(id)
    }
}

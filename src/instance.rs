//! One mock Harbor: its store (state and clock), request journal and fault rules. The server
//! has a main instance at `/api/v2.0` and one per session at `/sessions/<id>/api/v2.0`.

use std::sync::Arc;

use crate::clock::Clock;
use crate::faults::Faults;
use crate::fixtures::{Fixtures, FixturesError, InvalidEntry, UserFixture};
use crate::journal::Journal;
use crate::store::{Store, StoreOptions};

/// How instances are built.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Robot name prefix (`robot$`).
    pub robot_prefix: String,
    /// Seed for secrets, salts, request and session ids; `None` draws from the OS.
    pub seed: Option<u64>,
    /// Start the clock frozen at this time (Unix ms); `None` follows the system clock.
    pub clock: Option<i64>,
    /// Requests each journal keeps.
    pub journal_size: usize,
    /// Serve the control API under `/_mock`.
    pub control: bool,
    /// Require `Authorization: Bearer <token>` on the control API.
    pub control_token: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            robot_prefix: "robot$".into(),
            seed: None,
            clock: None,
            journal_size: 1000,
            control: true,
            control_token: None,
        }
    }
}

/// A store with its journal and faults.
#[derive(Debug)]
pub struct Instance {
    pub store: Arc<Store>,
    pub journal: Journal,
    pub faults: Faults,
    initial_clock: Option<i64>,
}

impl Instance {
    /// Builds an instance holding `fixtures`; `seed` overrides the settings' seed.
    pub fn new(
        fixtures: Fixtures,
        settings: &Settings,
        seed: Option<u64>,
    ) -> Result<Instance, InvalidEntry> {
        let (clock, options) = Instance::store_settings(settings, seed);
        let store = Store::new(fixtures, clock, options)?;
        Ok(Instance::around(store, settings))
    }

    /// Builds an instance from the text of the fixtures file `path`; also returns the file's
    /// users. See [`Store::from_source`].
    pub fn from_source(
        text: Arc<String>,
        path: &str,
        settings: &Settings,
    ) -> Result<(Instance, Vec<UserFixture>), FixturesError> {
        let (clock, options) = Instance::store_settings(settings, settings.seed);
        let (store, users) = Store::from_source(text, path, clock, options)?;
        Ok((Instance::around(store, settings), users))
    }

    fn store_settings(settings: &Settings, seed: Option<u64>) -> (Arc<Clock>, StoreOptions) {
        let clock = Arc::new(Clock::starting_at(settings.clock));
        let options = StoreOptions {
            robot_prefix: settings.robot_prefix.clone(),
            seed,
        };
        (clock, options)
    }

    fn around(store: Store, settings: &Settings) -> Instance {
        Instance {
            store: Arc::new(store),
            journal: Journal::new(settings.journal_size),
            faults: Faults::default(),
            initial_clock: settings.clock,
        }
    }

    /// Back to the fixtures, with an empty journal, no faults and the clock as at start.
    pub fn reset(&self) -> Result<(), InvalidEntry> {
        self.store.clock().restore(self.initial_clock);
        self.store.reset()?;
        self.journal.clear();
        self.faults.clear();
        Ok(())
    }
}

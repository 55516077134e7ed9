//! One mock Harbor: its state, clock, request journal and fault rules. The server has a main
//! instance at `/api/v2.0` and one per session at `/sessions/<id>/api/v2.0`.

use std::sync::Arc;

use super::clock::Clock;
use super::faults::Faults;
use super::journal::{self, Journal};
use crate::harbor::DEFAULT_ROBOT_PREFIX;
use crate::store::fixtures::{Fixtures, FixturesError, InvalidEntry, UserFixture};
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
    /// Bytes each journal's entries may hold.
    pub journal_bytes: usize,
    /// Sessions idle longer than this are dropped; `None` keeps them until deleted.
    pub session_ttl: Option<std::time::Duration>,
    /// Serve the control API under `/_mock`.
    pub control: bool,
    /// Require `Authorization: Bearer <token>` on the control API.
    pub control_token: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            robot_prefix: DEFAULT_ROBOT_PREFIX.into(),
            seed: None,
            clock: None,
            journal_size: 1000,
            journal_bytes: journal::DEFAULT_BUDGET,
            session_ttl: None,
            control: true,
            control_token: None,
        }
    }
}

/// A store with its clock, journal and faults.
#[derive(Debug)]
pub struct Instance {
    /// The state.
    pub store: Arc<Store>,
    /// The instance's "now": every timestamp and expiry check of its requests reads it.
    pub clock: Clock,
    /// The requests it served.
    pub journal: Journal,
    /// Its fault rules.
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
        let clock = Clock::starting_at(settings.clock);
        let store = Store::new(fixtures, store_options(settings, seed), clock.now_millis())?;
        Ok(Instance::around(store, clock, settings))
    }

    /// Builds an instance from the text of the fixtures file `path`; also returns the file's
    /// users. See [`Store::from_source`].
    pub fn from_source(
        text: Arc<String>,
        path: &str,
        settings: &Settings,
    ) -> Result<(Instance, Vec<UserFixture>), FixturesError> {
        let clock = Clock::starting_at(settings.clock);
        let options = store_options(settings, settings.seed);
        let (store, users) = Store::from_source(text, path, options, clock.now_millis())?;
        Ok((Instance::around(store, clock, settings), users))
    }

    fn around(store: Store, clock: Clock, settings: &Settings) -> Instance {
        Instance {
            store: Arc::new(store),
            clock,
            journal: Journal::with_budget(settings.journal_size, settings.journal_bytes),
            faults: Faults::default(),
            initial_clock: settings.clock,
        }
    }

    /// A new instance starting from `from`'s initial state (its tables shared, in O(1)),
    /// with its own clock, journal, faults and generator of secrets (`seed`).
    pub fn fork(from: &Instance, settings: &Settings, seed: Option<u64>) -> Instance {
        let clock = Clock::starting_at(settings.clock);
        Instance::around(from.store.fork_initial(seed), clock, settings)
    }

    /// Back to the fixtures, with an empty journal, no faults and the clock as at start.
    pub fn reset(&self) {
        self.clock.restore(self.initial_clock);
        self.store.reset();
        self.journal.clear();
        self.faults.clear();
    }
}

fn store_options(settings: &Settings, seed: Option<u64>) -> StoreOptions {
    StoreOptions {
        robot_prefix: settings.robot_prefix.clone(),
        seed,
    }
}

//! The state of one mock Harbor: users, projects, memberships and robots, behind one lock.
//!
//! Lock discipline: every public method of [`Store`] takes the lock, does its whole job and
//! releases it, so a request sees a consistent state and a failed write changes nothing
//! (Harbor rolls back every failed write). Writes go through one function, which also starts a
//! new generation (the list cache's validity) and hands the new state to the change hook
//! (`--state-file`).
//!
//! The store knows nothing about HTTP; it reports [`StoreError`]s that the edge maps to
//! Harbor's statuses. It has no clock: every operation that needs "now" is given it, by the
//! request that caused it. Randomness (secrets, salts) comes from one seedable generator.
//!
//! [`Store`]'s methods live here; the work is done on the tables by the files below, each
//! owning one part (none of them reaches back up here):
//! - `tables` and `records`: the tables and their rows, named after Harbor's;
//! - `identity`: users, projects, memberships, login;
//! - `robots`: robot writes, and permissions into policies;
//! - `listing`: `GET /robots` over `query::select`, with its cache;
//! - `views`: stored records as the wire shows them;
//! - `fixtures` and `snapshot`: the fixtures format, and the tables built from it and dumped
//!   into it.

mod error;
mod identity;
mod listing;
mod records;
mod robots;
mod snapshot;
mod tables;
#[cfg(test)]
mod testing;
mod views;

pub mod fixtures;

pub use error::StoreError;
pub use listing::Listing;
pub use records::{Project, RobotColumn, RobotRecord, User};
pub use robots::{NewRobot, RobotUpdate};
pub use snapshot::{LARGE_FIXTURES, release_later};
pub use views::wire_name;

use parking_lot::{Mutex, RwLock};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::harbor::DEFAULT_ROBOT_PREFIX;
use crate::harbor::access::Directory;
use crate::harbor::auth::Caller;
use crate::harbor::rbac::{Permission, Policy, Role};
use crate::harbor::secret;
use crate::query::{CompiledFilter, Paging, SortKey};
use crate::wire::{RobotCreated, RobotName};
use fixtures::{Fixtures, FixturesError, InvalidEntry, MemberFixture, ProjectFixture, UserFixture};
use listing::{ListCache, ListQuery};
use robots::NewSecret;
use snapshot::Initial;
use tables::Tables;

/// Sizes of the state, for the start-up line and the control API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Users.
    pub users: usize,
    /// Projects.
    pub projects: usize,
    /// Memberships whose project and user exist.
    pub members: usize,
    /// Robots.
    pub robots: usize,
}

/// Construction options.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// Harbor's `robot_name_prefix`.
    pub robot_prefix: String,
    /// Seed for secrets and salts; `None` draws from the OS.
    pub seed: Option<u64>,
}

impl StoreOptions {
    fn rng(&self) -> StdRng {
        match self.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => rand::make_rng(),
        }
    }
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            robot_prefix: DEFAULT_ROBOT_PREFIX.into(),
            seed: None,
        }
    }
}

/// Called after every successful change with the new state (used by `--state-file`).
pub type ChangeHook = Arc<dyn Fn(&Fixtures) + Send + Sync>;

/// The state of one instance.
pub struct Store {
    tables: RwLock<Tables>,
    /// What [`Store::reset`] returns to.
    initial: Initial,
    rng: Mutex<StdRng>,
    prefix: String,
    on_change: RwLock<Option<ChangeHook>>,
    /// Bumped under the write lock by every successful change; list results cached at one
    /// generation are valid until the next.
    generation: AtomicU64,
    list_cache: Mutex<ListCache>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Builds a store holding `fixtures`, which also become the state `reset` returns to;
    /// robots given without times are created at `now_ms`.
    pub fn new(
        fixtures: Fixtures,
        options: StoreOptions,
        now_ms: i64,
    ) -> Result<Store, InvalidEntry> {
        let mut rng = options.rng();
        let tables = Tables::from_fixtures(fixtures.clone(), &mut rng, now_ms)?;
        Ok(Store::around(
            tables,
            Initial::Parsed(fixtures),
            rng,
            options,
        ))
    }

    /// Builds a store from `text`, the content of the fixtures file `path`, streamed: each
    /// robot is stored as it is read (see [`fixtures::stream`]). The store keeps the text as
    /// what `reset` returns to, for a large file a fraction of the memory of parsed fixtures.
    /// Also returns the file's users, whose passwords the start-up line shows.
    pub fn from_source(
        text: Arc<String>,
        path: &str,
        options: StoreOptions,
        now_ms: i64,
    ) -> Result<(Store, Vec<UserFixture>), FixturesError> {
        let mut rng = options.rng();
        let (tables, users) = Tables::from_source(&text, path, &mut rng, now_ms)?;
        let store = Store::around(tables, Initial::Source(text), rng, options);
        Ok((store, users))
    }

    fn around(tables: Tables, initial: Initial, rng: StdRng, options: StoreOptions) -> Store {
        Store {
            tables: RwLock::new(tables),
            initial,
            rng: Mutex::new(rng),
            prefix: options.robot_prefix,
            on_change: RwLock::new(None),
            generation: AtomicU64::new(0),
            list_cache: Mutex::new(ListCache::default()),
        }
    }

    /// The configured robot name prefix (`robot$`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Installs the hook called after each successful change.
    pub fn set_change_hook(&self, hook: Option<ChangeHook>) {
        *self.on_change.write() = hook;
    }

    /// Runs `f` with the store's generator (secrets, salts).
    fn with_rng<T>(&self, f: impl FnOnce(&mut StdRng) -> T) -> T {
        f(&mut self.rng.lock())
    }

    /// Applies a change under the write lock; on success the change hook sees the new state.
    fn write<T, E>(&self, f: impl FnOnce(&mut Tables) -> Result<T, E>) -> Result<T, E> {
        let mut tables = self.tables.write();
        let out = f(&mut tables)?;
        self.generation.fetch_add(1, Ordering::Release);
        if let Some(hook) = self.on_change.read().as_ref() {
            // Persist while still holding the lock, so dumps are written in change order
            // and a write is acknowledged only after it is durable.
            hook(&tables.to_fixtures());
        }
        Ok(out)
    }

    // ---- identities -------------------------------------------------------------------

    /// Resolves basic-auth credentials at `now_ms`: a robot (its name with the prefix), a
    /// user, or anonymous when they name no one.
    pub fn authenticate(&self, username: &str, password: &str, now_ms: i64) -> Caller {
        self.tables
            .read()
            .authenticate(&self.prefix, username, password, now_ms)
    }

    /// Looks a project up by exact name: 400 for a name with a space, else 404 when missing.
    pub fn project_by_name(&self, name: &str) -> Result<Project, StoreError> {
        self.tables.read().project_by_name(name)
    }

    /// Adds a project at run time.
    pub fn add_project(&self, fixture: ProjectFixture) -> Result<Project, StoreError> {
        self.write(|tables| tables.add_project(&fixture).map_err(StoreError::Invalid))
    }

    /// Adds a user at run time; returns the id.
    pub fn add_user(&self, fixture: UserFixture) -> Result<i64, StoreError> {
        let salt = self.with_rng(secret::generate_salt);
        self.write(|tables| tables.add_user(&fixture, salt).map_err(StoreError::Invalid))
    }

    /// Adds or changes a membership at run time.
    pub fn add_member(&self, fixture: MemberFixture) -> Result<(), StoreError> {
        self.write(|tables| tables.add_member(&fixture).map_err(StoreError::Invalid))
    }

    // ---- robots -----------------------------------------------------------------------

    /// A copy of the stored robot: 404 when there is none.
    pub fn robot(&self, id: i64) -> Result<RobotRecord, StoreError> {
        self.tables.read().robot(id).cloned()
    }

    /// A robot's name on the wire and at login (see [`wire_name`]).
    pub fn wire_name<'a>(&'a self, record: &'a RobotRecord) -> RobotName<'a> {
        wire_name(&self.prefix, record)
    }

    /// The project id of robot `id` and its GET body (JSON and a newline), under one read lock
    /// and without copying the stored record.
    pub fn robot_json(&self, id: i64) -> Result<(i64, Vec<u8>), StoreError> {
        self.tables.read().robot_json(id, &self.prefix)
    }

    /// The robots matching `filter`, ordered by `sort` (ties by id), paged by `paging`.
    /// Results are cached until the next change.
    pub fn list_robots(
        &self,
        filter: &CompiledFilter<RobotColumn>,
        sort: &[SortKey<RobotColumn>],
        paging: Paging,
    ) -> Listing {
        let tables = self.tables.read();
        // Writers bump the generation under the write lock, so it matches what we read.
        let generation = self.generation.load(Ordering::Acquire);
        let query = ListQuery {
            filter,
            sort,
            paging,
        };
        listing::list_robots(&self.list_cache, &tables, generation, &self.prefix, query)
    }

    /// Creates a robot at `now_ms` with a generated secret, shown only in the answer. The id
    /// is used up even when the insert then fails, as in Harbor.
    pub fn create_robot(&self, new: NewRobot, now_ms: i64) -> Result<RobotCreated, StoreError> {
        let secret = self.with_rng(|rng| NewSecret {
            plain: secret::generate_secret(rng),
            salt: secret::generate_salt(rng),
        });
        self.write(|tables| tables.create_robot(new, secret, now_ms, &self.prefix))
    }

    /// Replaces the mutable fields of a robot (PUT) at `now_ms`. A changed duration counts
    /// from creation.
    pub fn update_robot(
        &self,
        id: i64,
        update: RobotUpdate,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(|tables| tables.update_robot(id, update, now_ms))
    }

    /// Sets a new secret (PATCH) at `now_ms`: the client's, or a generated one, which is
    /// returned (`None` when the client supplied it). The salt is kept, as in Harbor.
    pub fn refresh_secret(
        &self,
        id: i64,
        supplied: Option<String>,
        now_ms: i64,
    ) -> Result<Option<String>, StoreError> {
        let (plain, generated) = match supplied {
            Some(s) => (s, false),
            None => (self.with_rng(secret::generate_secret), true),
        };
        self.write(|tables| tables.set_secret(id, &plain, now_ms))?;
        Ok(generated.then_some(plain))
    }

    /// Deletes a robot and its permissions.
    pub fn delete_robot(&self, id: i64) -> Result<(), StoreError> {
        self.write(|tables| tables.delete_robot(id))
    }

    // ---- the whole state --------------------------------------------------------------

    /// The whole state in fixtures form (hashes only, never plaintext).
    pub fn dump(&self) -> Fixtures {
        self.tables.read().to_fixtures()
    }

    /// Replaces the whole state; robots without times are created at `now_ms`. On error
    /// nothing changes.
    pub fn load(&self, fixtures: Fixtures, now_ms: i64) -> Result<(), InvalidEntry> {
        let fresh = self.with_rng(|rng| Tables::from_fixtures(fixtures, rng, now_ms))?;
        self.replace(fresh);
        Ok(())
    }

    /// Replaces the whole state with the fixtures file `path` holds `text`; on error nothing
    /// changes. Like [`Store::from_source`], robots are parsed one at a time.
    pub fn load_source(&self, text: &str, path: &str, now_ms: i64) -> Result<(), FixturesError> {
        let (fresh, _) = self.with_rng(|rng| Tables::from_source(text, path, rng, now_ms))?;
        self.replace(fresh);
        Ok(())
    }

    /// Back to the fixtures the store was built with, robots without times created at
    /// `now_ms`.
    pub fn reset(&self, now_ms: i64) -> Result<(), InvalidEntry> {
        let fresh = self.with_rng(|rng| self.initial.build(rng, now_ms))?;
        self.replace(fresh);
        Ok(())
    }

    fn replace(&self, fresh: Tables) {
        let replaced: Result<(), std::convert::Infallible> = self.write(|tables| {
            *tables = fresh;
            Ok(())
        });
        let Ok(()) = replaced;
    }

    /// The fixtures [`Store::reset`] returns to.
    pub fn initial(&self) -> Fixtures {
        self.initial.fixtures()
    }

    /// How many users, projects, memberships and robots the state holds (as a dump would
    /// list them), without building the dump.
    pub fn counts(&self) -> Counts {
        let tables = self.tables.read();
        Counts {
            users: tables.users.len(),
            projects: tables.projects.len(),
            members: tables
                .members
                .keys()
                .filter(|(p, u)| tables.projects.contains_key(p) && tables.users.contains_key(u))
                .count(),
            robots: tables.robots.len(),
        }
    }

    /// Number of robots stored.
    pub fn robot_count(&self) -> usize {
        self.tables.read().robots.len()
    }
}

impl Directory for Store {
    fn role(&self, project_id: i64, user_id: i64) -> Option<Role> {
        self.tables.read().role(project_id, user_id)
    }

    fn project_id(&self, name: &str) -> Option<i64> {
        self.tables.read().project_id_by_name(name).ok()
    }

    fn has_project(&self, id: i64) -> bool {
        self.tables.read().projects.contains_key(&id)
    }

    fn permissions(&self, policies: &[Policy]) -> Vec<Permission> {
        self.tables.read().permissions_of(policies)
    }
}

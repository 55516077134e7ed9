//! The in-memory state: users, projects, memberships and robots, behind one lock.
//!
//! Every public method takes the lock, does its whole job and releases it, so a request sees a
//! consistent state and a failed write changes nothing (Harbor rolls back every failed write).
//! The store knows nothing about HTTP; it reports [`StoreError`]s that the edge maps to
//! Harbor's statuses. Time comes from [`Clock`], randomness from one seedable generator.

use compact_str::CompactString;
use parking_lot::{Mutex, RwLock, RwLockReadGuard};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::clock::Clock;
use crate::fixtures::{
    self, Fixtures, FixturesError, InvalidEntry, MemberFixture, ProjectFixture, RobotFixture,
    RoleSpec, Sink, UserFixture,
};
#[cfg(test)]
use crate::model::Robot;
use crate::model::{
    Permission, PermissionView, Policy, RobotCreated, RobotName, RobotRecord, RobotView, Scope,
    format_millis, parse_rfc3339_millis,
};
use crate::query::{self, CompiledFilter, SortKey};
use crate::rbac::Role;
use crate::secret;

const DAY_SECS: i64 = 86_400;

/// A Harbor project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    pub id: i64,
    pub name: String,
}

/// A Harbor user; the password is kept only as a salted digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub salt: String,
    pub password_hash: [u8; 32],
    pub sysadmin: bool,
}

/// Who made a request, as resolved from its credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    User {
        id: i64,
        username: String,
        sysadmin: bool,
    },
    Robot {
        id: i64,
        /// The full prefixed name the robot logged in with.
        name: String,
        project_id: i64,
        policies: Vec<Policy>,
    },
}

/// Failures of store operations; the HTTP edge maps each to Harbor's status and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("robot {0} not found")]
    RobotNotFound(i64),
    #[error("project {0} not found")]
    ProjectNotFound(String),
    #[error("invalid project name: '{0}'")]
    InvalidProjectName(String),
    #[error("robot account {project_id}:{name} already exists")]
    Conflict { project_id: i64, name: String },
    #[error("unknown namespace")]
    UnknownNamespace,
    /// Control-API misuse (duplicate user, unknown role, …).
    #[error("{0}")]
    Invalid(String),
}

/// What a create needs once the handler has validated the request.
#[derive(Clone, Debug)]
pub struct NewRobot {
    /// The short name from the request.
    pub name: String,
    /// `None` for a system robot.
    pub project: Option<Project>,
    pub description: String,
    pub duration: i64,
    pub permissions: Vec<Permission>,
    pub creator_type: String,
    pub creator_ref: i64,
}

/// The mutable fields a PUT replaces.
#[derive(Clone, Debug)]
pub struct RobotUpdate {
    pub description: String,
    pub disabled: bool,
    pub duration: i64,
    pub permissions: Vec<Permission>,
}

/// Sizes of the state, for the start-up line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub users: usize,
    pub projects: usize,
    pub members: usize,
    pub robots: usize,
}

/// Result of a list: the total before paging and the page as the response body (a JSON array
/// of [`Robot`]s and a newline).
pub struct Listing {
    pub total: usize,
    pub body: Vec<u8>,
}

/// `value` as JSON followed by a newline, as go-openapi writes bodies.
fn json_line<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    // Views are plain data: serialising them into memory cannot fail.
    let _ = serde_json::to_writer(&mut out, value);
    out.push(b'\n');
    out
}

/// The whole mutable state.
#[derive(Clone, Debug, Default)]
pub struct Inner {
    robots: BTreeMap<i64, RobotRecord>,
    /// Fx hashing: several times faster than SipHash on short names (collision attacks are no
    /// concern for a test double).
    robot_names: FxHashMap<CompactString, i64>,
    projects: BTreeMap<i64, Project>,
    project_names: HashMap<String, i64>,
    users: BTreeMap<i64, User>,
    user_names: HashMap<String, i64>,
    members: BTreeMap<(i64, i64), Role>,
    next_robot_id: i64,
}

/// Construction options.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub robot_prefix: String,
    /// Seed for secrets, salts and request ids; `None` draws from the OS.
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
            robot_prefix: "robot$".into(),
            seed: None,
        }
    }
}

/// Called after every successful change with the new state (used by `--state-file`).
pub type ChangeHook = Arc<dyn Fn(&Fixtures) + Send + Sync>;

/// The shared store.
pub struct Store {
    inner: RwLock<Inner>,
    /// The fixtures [`Store::reset`] returns to.
    initial: RwLock<Initial>,
    clock: Arc<Clock>,
    rng: Mutex<StdRng>,
    prefix: String,
    on_change: RwLock<Option<ChangeHook>>,
    /// Bumped under the write lock by every successful change; list results cached at one
    /// generation are valid until the next.
    generation: AtomicU64,
    list_cache: Mutex<ListCache>,
}

/// States with at least this many robots hand the memory freed while loading back to the
/// kernel (see [`release_later`]).
pub const LARGE_FIXTURES: usize = 10_000;

/// What [`Store::reset`] returns to: the fixtures as given, or the JSON text they were parsed
/// from, which for a large file takes a third of the memory of the parsed form and is only
/// read again on a reset or a new session.
enum Initial {
    Parsed(Fixtures),
    Source(Arc<String>),
}

/// Drops `garbage`, then [`release_freed_memory`], on another thread: after loading a large
/// state both take a while.
pub fn release_later<T: Send + 'static>(garbage: T) {
    let _ = std::thread::Builder::new()
        .name("release-memory".into())
        .spawn(move || {
            drop(garbage);
            release_freed_memory();
        });
}

/// Hands freed heap memory (what parsing the fixtures left behind) back to the kernel, so the
/// resident size after loading is what the state needs: glibc keeps freed small chunks for
/// reuse otherwise.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: `malloc_trim` only releases free pages of glibc's heap; it takes no pointer
        // and touches no live allocation.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// List queries kept in the cache, at most.
const LIST_CACHE_ENTRIES: usize = 32;
/// Robot ids held by all cached lists together, at most (8 bytes each).
const LIST_CACHE_IDS: usize = 1 << 20;
/// Queries matching more robots than this are not cached (their first page is found with a
/// partial sort instead of a full one).
const LIST_CACHE_MAX_HITS: usize = 100_000;

/// The full, sorted result of recent list queries (robot ids) and the bodies of a few of their
/// pages, keyed by compiled filter and sort, each valid for the store generation it was
/// computed at (every change starts a new one). Repeating a query on an unchanged store then
/// costs a lookup instead of a scan of every robot. Bounded in entries, ids and pages, so
/// memory stays flat whatever the queries.
#[derive(Default)]
struct ListCache {
    entries: VecDeque<CachedList>,
    ids: usize,
}

struct CachedList {
    key: String,
    generation: u64,
    ids: Arc<[i64]>,
    /// Bodies of recently served pages, by `[start, end)` window.
    pages: VecDeque<CachedPage>,
}

/// A page's `[start, end)` window and its body.
type CachedPage = ((usize, usize), Arc<[u8]>);

/// Stores with at least this many robots are scanned on two threads when a list is not cached.
const PARALLEL_SCAN: usize = 100_000;

/// Page bodies kept per cached list, at most.
const LIST_CACHE_PAGES: usize = 4;

impl ListCache {
    fn find(&mut self, key: &str, generation: u64) -> Option<&mut CachedList> {
        self.entries
            .iter_mut()
            .find(|e| e.generation == generation && e.key == key)
    }

    fn insert(&mut self, key: String, generation: u64, ids: Arc<[i64]>) {
        self.entries
            .retain(|e| e.generation == generation && e.key != key);
        self.ids = self.entries.iter().map(|e| e.ids.len()).sum();
        while self.entries.len() >= LIST_CACHE_ENTRIES
            || (self.ids + ids.len() > LIST_CACHE_IDS && !self.entries.is_empty())
        {
            if let Some(old) = self.entries.pop_front() {
                self.ids -= old.ids.len();
            }
        }
        self.ids += ids.len();
        self.entries.push_back(CachedList {
            key,
            generation,
            ids,
            pages: VecDeque::new(),
        });
    }
}

/// The `[start, end)` window of `total` sorted rows that `page`/`page_size` select, as
/// [`query::select`] pages: `page_size <= 0` is everything, `page <= 0` no offset.
fn page_window(total: usize, page: i64, page_size: i64) -> (usize, usize) {
    if page_size <= 0 {
        return (0, total);
    }
    let offset = if page > 0 {
        usize::try_from((page - 1).saturating_mul(page_size)).unwrap_or(usize::MAX)
    } else {
        0
    };
    if offset >= total {
        return (total, total);
    }
    let end = offset
        .saturating_add(usize::try_from(page_size).unwrap_or(usize::MAX))
        .min(total);
    (offset, end)
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Builds a store holding `fixtures`, which also become the state `reset` returns to.
    pub fn new(
        fixtures: Fixtures,
        clock: Arc<Clock>,
        options: StoreOptions,
    ) -> Result<Store, InvalidEntry> {
        let mut rng = options.rng();
        let inner = Inner::from_fixtures(fixtures.clone(), &mut rng, clock.now_millis())?;
        Ok(Store::around(
            inner,
            Initial::Parsed(fixtures),
            rng,
            clock,
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
        clock: Arc<Clock>,
        options: StoreOptions,
    ) -> Result<(Store, Vec<UserFixture>), FixturesError> {
        let mut rng = options.rng();
        let (inner, users) = Inner::from_source(&text, path, &mut rng, clock.now_millis())?;
        let store = Store::around(inner, Initial::Source(text), rng, clock, options);
        Ok((store, users))
    }

    fn around(
        inner: Inner,
        initial: Initial,
        rng: StdRng,
        clock: Arc<Clock>,
        options: StoreOptions,
    ) -> Store {
        Store {
            inner: RwLock::new(inner),
            initial: RwLock::new(initial),
            clock,
            rng: Mutex::new(rng),
            prefix: options.robot_prefix,
            on_change: RwLock::new(None),
            generation: AtomicU64::new(0),
            list_cache: Mutex::new(ListCache::default()),
        }
    }

    /// The clock every timestamp comes from.
    pub fn clock(&self) -> &Arc<Clock> {
        &self.clock
    }

    /// The configured robot name prefix (`robot$`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Installs the hook called after each successful change.
    pub fn set_change_hook(&self, hook: Option<ChangeHook>) {
        *self.on_change.write() = hook;
    }

    /// Runs `f` with the store's generator (secrets, salts, request ids).
    pub fn with_rng<T>(&self, f: impl FnOnce(&mut StdRng) -> T) -> T {
        f(&mut self.rng.lock())
    }

    /// Read access for listing and other multi-step reads.
    pub fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read()
    }

    /// Applies a change under the write lock; on success the change hook sees the new state.
    fn write<T, E>(&self, f: impl FnOnce(&mut Inner) -> Result<T, E>) -> Result<T, E> {
        let mut inner = self.inner.write();
        let out = f(&mut inner)?;
        self.generation.fetch_add(1, Ordering::Release);
        if let Some(hook) = self.on_change.read().as_ref() {
            // Persist while still holding the lock, so dumps are written in change order
            // and a write is acknowledged only after it is durable.
            hook(&inner.to_fixtures());
        }
        Ok(out)
    }

    // ---- identities -------------------------------------------------------------------

    /// Resolves basic-auth credentials. Any failure makes the caller anonymous, as in Harbor:
    /// nothing says why.
    pub fn authenticate(&self, username: &str, password: &str) -> Caller {
        let now = self.clock.now_secs();
        let inner = self.inner.read();
        if let Some(stored) = username.strip_prefix(self.prefix.as_str()) {
            if let Some(robot) = inner
                .robot_names
                .get(stored)
                .and_then(|id| inner.robots.get(id))
                && let Some(digest) = &robot.secret_hash
                && secret::verify_secret(&robot.salt, password, digest)
                && !robot.disabled
                && !robot.is_expired(now)
            {
                return Caller::Robot {
                    id: robot.id,
                    name: username.to_string(),
                    project_id: robot.project_id,
                    policies: robot.policies.clone(),
                };
            }
        }
        match inner
            .user_names
            .get(username)
            .and_then(|id| inner.users.get(id))
        {
            Some(user) if secret::verify_secret(&user.salt, password, &user.password_hash) => {
                Caller::User {
                    id: user.id,
                    username: user.username.clone(),
                    sysadmin: user.sysadmin,
                }
            }
            _ => Caller::Anonymous,
        }
    }

    /// The role of user `user_id` in project `project_id`.
    pub fn role(&self, project_id: i64, user_id: i64) -> Option<Role> {
        self.inner
            .read()
            .members
            .get(&(project_id, user_id))
            .copied()
    }

    /// Looks a project up by exact name.
    pub fn project_by_name(&self, name: &str) -> Result<Project, StoreError> {
        self.inner.read().project_by_name(name)
    }

    /// Looks a project up by id.
    pub fn project(&self, id: i64) -> Option<Project> {
        self.inner.read().projects.get(&id).cloned()
    }

    // ---- robots -----------------------------------------------------------------------

    /// A copy of the stored robot.
    pub fn robot(&self, id: i64) -> Result<RobotRecord, StoreError> {
        self.inner
            .read()
            .robots
            .get(&id)
            .cloned()
            .ok_or(StoreError::RobotNotFound(id))
    }

    /// The robot as GET returns it, built independently of [`Store::robot_json`] (tests).
    #[cfg(test)]
    pub fn robot_view(&self, record: &RobotRecord) -> Robot {
        self.inner.read().view(record, &self.prefix)
    }

    /// The project id of robot `id` and its GET body (JSON and a newline), under one read lock
    /// and without copying the stored record.
    pub fn robot_json(&self, id: i64) -> Result<(i64, Vec<u8>), StoreError> {
        let inner = self.inner.read();
        let record = inner.robots.get(&id).ok_or(StoreError::RobotNotFound(id))?;
        let body = json_line(&inner.view_ref(record, &self.prefix));
        Ok((record.project_id, body))
    }

    /// `GET /robots`: the robots matching `filter`, ordered by `sort` (ties by id), paged as
    /// [`query::select`] pages. `project_id` may name the project every match belongs to (the
    /// handler always adds an exact `ProjectID` clause): robots of other projects are then
    /// skipped before the filter runs. Results are cached until the next change.
    pub fn list(
        &self,
        filter: &CompiledFilter,
        project_id: Option<i64>,
        sort: &[SortKey],
        page: i64,
        page_size: i64,
    ) -> Listing {
        let key = format!("{filter:?}\u{0}{sort:?}");
        let inner = self.inner.read();
        // Writers bump the generation under the write lock, so it matches what we read.
        let generation = self.generation.load(Ordering::Acquire);
        let cached = {
            let mut cache = self.list_cache.lock();
            cache.find(&key, generation).map(|entry| {
                let window = page_window(entry.ids.len(), page, page_size);
                let body = entry.pages.iter().find(|(w, _)| *w == window);
                (entry.ids.clone(), window, body.map(|(_, b)| b.clone()))
            })
        };
        if let Some((ids, (start, end), body)) = cached {
            if let Some(body) = body {
                return Listing {
                    total: ids.len(),
                    body: body.to_vec(),
                };
            }
            let page = ids[start..end].iter().filter_map(|id| inner.robots.get(id));
            let body = self.page_json(&inner, page);
            if let Some(entry) = self.list_cache.lock().find(&key, generation) {
                if entry.pages.len() >= LIST_CACHE_PAGES {
                    entry.pages.pop_front();
                }
                entry
                    .pages
                    .push_back(((start, end), Arc::from(body.as_slice())));
            }
            return Listing {
                total: ids.len(),
                body,
            };
        }
        let parallel = inner.robots.len() >= PARALLEL_SCAN;
        let mut hits = inner.matching(filter, project_id, parallel);
        let total = hits.len();
        if total > LIST_CACHE_MAX_HITS {
            let everything = CompiledFilter::default();
            let (total, page) = query::select(hits.into_iter(), &everything, sort, page, page_size);
            return Listing {
                total,
                body: self.page_json(&inner, page.into_iter()),
            };
        }
        hits.sort_unstable_by(|a, b| query::compare(sort, a, b));
        let (start, end) = page_window(total, page, page_size);
        let body = self.page_json(&inner, hits[start..end].iter().copied());
        let ids: Arc<[i64]> = hits.iter().map(|r| r.id).collect();
        self.list_cache.lock().insert(key, generation, ids);
        Listing { total, body }
    }

    /// A page of robots as the list body: a JSON array and a newline.
    fn page_json<'a>(&self, inner: &Inner, page: impl Iterator<Item = &'a RobotRecord>) -> Vec<u8> {
        let views: Vec<RobotView<'_>> = page.map(|r| inner.view_ref(r, &self.prefix)).collect();
        json_line(&views)
    }

    /// Creates a robot. The id is used up even when the insert then fails, as in Harbor.
    pub fn create_robot(&self, new: NewRobot) -> Result<RobotCreated, StoreError> {
        let now_ms = self.clock.now_millis();
        let (plain, salt) =
            self.with_rng(|rng| (secret::generate_secret(rng), secret::generate_salt(rng)));
        self.write(|inner| {
            // Taken before any check can fail: a rejected insert still uses up the id.
            let id = inner.next_robot_id;
            inner.next_robot_id += 1;
            let (stored_name, project_id) = match &new.project {
                Some(p) => (format!("{}+{}", p.name, new.name), p.id),
                None => (new.name.clone(), 0),
            };
            if inner.robot_names.contains_key(stored_name.as_str()) {
                return Err(StoreError::Conflict {
                    project_id,
                    name: stored_name,
                });
            }
            let policies = inner.resolve_policies(new.permissions)?;
            let record = RobotRecord {
                id,
                name: stored_name.into(),
                description: new.description.into(),
                secret_hash: Some(secret::hash_secret(&salt, &plain)),
                salt: salt.into(),
                duration: new.duration,
                project_id,
                expires_at: expiry(now_ms.div_euclid(1000), new.duration),
                disabled: false,
                visible: true,
                creator_ref: new.creator_ref,
                creator_type: new.creator_type.into(),
                creation_time: now_ms,
                update_time: now_ms,
                policies,
            };
            let created = RobotCreated {
                creation_time: record.creation_time,
                expires_at: record.expires_at,
                id,
                name: format!("{}{}", self.prefix, record.name),
                secret: plain,
            };
            inner.insert_robot(record);
            Ok(created)
        })
    }

    /// Replaces the mutable fields of a robot (PUT). A changed duration counts from creation.
    pub fn update_robot(&self, id: i64, update: RobotUpdate) -> Result<(), StoreError> {
        let now_ms = self.clock.now_millis();
        self.write(|inner| {
            let policies = inner.resolve_policies(update.permissions)?;
            let robot = inner
                .robots
                .get_mut(&id)
                .ok_or(StoreError::RobotNotFound(id))?;
            if update.duration != robot.duration {
                robot.duration = update.duration;
                robot.expires_at = expiry(robot.creation_time.div_euclid(1000), update.duration);
            }
            robot.description = update.description.into();
            robot.disabled = update.disabled;
            robot.policies = policies;
            robot.update_time = now_ms;
            Ok(())
        })
    }

    /// Sets a new secret (PATCH). Returns the generated secret, or `None` when the client
    /// supplied it. The salt is kept, as in Harbor.
    pub fn refresh_secret(
        &self,
        id: i64,
        supplied: Option<String>,
    ) -> Result<Option<String>, StoreError> {
        let now_ms = self.clock.now_millis();
        let (plain, generated) = match supplied {
            Some(s) => (s, false),
            None => (self.with_rng(secret::generate_secret), true),
        };
        self.write(|inner| {
            let robot = inner
                .robots
                .get_mut(&id)
                .ok_or(StoreError::RobotNotFound(id))?;
            robot.secret_hash = Some(secret::hash_secret(&robot.salt, &plain));
            robot.update_time = now_ms;
            Ok(())
        })?;
        Ok(generated.then_some(plain))
    }

    /// Deletes a robot and its permissions.
    pub fn delete_robot(&self, id: i64) -> Result<(), StoreError> {
        self.write(|inner| {
            let robot = inner
                .robots
                .remove(&id)
                .ok_or(StoreError::RobotNotFound(id))?;
            inner.robot_names.remove(robot.name.as_str());
            Ok(())
        })
    }

    // ---- whole-state operations -------------------------------------------------------

    /// The whole state in fixtures form (hashes only, never plaintext).
    pub fn dump(&self) -> Fixtures {
        self.inner.read().to_fixtures()
    }

    /// Replaces the whole state; on error nothing changes.
    pub fn load(&self, fixtures: Fixtures) -> Result<(), InvalidEntry> {
        let now = self.clock.now_millis();
        let fresh = self.with_rng(|rng| Inner::from_fixtures(fixtures, rng, now))?;
        self.write(|inner| {
            *inner = fresh;
            Ok(())
        })
    }

    /// Replaces the whole state with the fixtures file `path` holds `text`; on error nothing
    /// changes. Like [`Store::from_source`], robots are parsed one at a time.
    pub fn load_source(&self, text: &str, path: &str) -> Result<(), FixturesError> {
        let now = self.clock.now_millis();
        let (fresh, _) = self.with_rng(|rng| Inner::from_source(text, path, rng, now))?;
        self.write(|inner| {
            *inner = fresh;
            Ok(())
        })
    }

    /// Back to the fixtures the store was built with.
    pub fn reset(&self) -> Result<(), InvalidEntry> {
        let initial = self.initial.read();
        match &*initial {
            Initial::Parsed(fixtures) => {
                let fixtures = fixtures.clone();
                drop(initial);
                self.load(fixtures)
            }
            // The text was valid when the store was built from it; it has not changed.
            Initial::Source(text) => {
                let text = text.clone();
                drop(initial);
                self.load_source(&text, "fixtures")
                    .map_err(|e| InvalidEntry {
                        section: "fixtures",
                        index: 0,
                        message: e.to_string(),
                    })
            }
        }
    }

    /// The fixtures [`Store::reset`] returns to.
    pub fn initial(&self) -> Fixtures {
        match &*self.initial.read() {
            Initial::Parsed(fixtures) => fixtures.clone(),
            Initial::Source(text) => {
                serde_json::from_str(text).expect("the text the initial fixtures came from")
            }
        }
    }

    /// Adds a project at run time.
    pub fn add_project(&self, fixture: ProjectFixture) -> Result<Project, StoreError> {
        self.write(|inner| {
            inner
                .add_project(&fixture)
                .map_err(|e| StoreError::Invalid(e.to_string()))
        })
    }

    /// Adds a user at run time.
    pub fn add_user(&self, fixture: UserFixture) -> Result<i64, StoreError> {
        let salt = self.with_rng(secret::generate_salt);
        self.write(|inner| inner.add_user(&fixture, salt).map_err(StoreError::Invalid))
    }

    /// Adds or changes a membership at run time.
    pub fn add_member(&self, fixture: MemberFixture) -> Result<(), StoreError> {
        self.write(|inner| inner.add_member(&fixture).map_err(StoreError::Invalid))
    }

    /// Wire permissions for stored policies, with current project names.
    pub fn permissions_of(&self, policies: &[Policy]) -> Vec<Permission> {
        self.inner.read().permissions_of(policies)
    }

    /// How many users, projects, memberships and robots the state holds (as a dump would
    /// list them), without building the dump.
    pub fn counts(&self) -> Counts {
        let inner = self.inner.read();
        Counts {
            users: inner.users.len(),
            projects: inner.projects.len(),
            members: inner
                .members
                .keys()
                .filter(|(p, u)| inner.projects.contains_key(p) && inner.users.contains_key(u))
                .count(),
            robots: inner.robots.len(),
        }
    }

    /// Number of robots stored.
    pub fn robot_count(&self) -> usize {
        self.inner.read().robots.len()
    }
}

/// `-1` for never, else `from_secs + days * 86400`.
fn expiry(from_secs: i64, duration_days: i64) -> i64 {
    if duration_days == -1 {
        -1
    } else {
        from_secs.saturating_add(duration_days.saturating_mul(DAY_SECS))
    }
}

impl Inner {
    /// Every stored robot in id order.
    pub fn robots(&self) -> impl Iterator<Item = &RobotRecord> {
        self.robots.values()
    }

    /// The robots matching `filter` (and belonging to `project_id` when given), in id order;
    /// with `parallel`, the two halves of the id range are scanned on two threads.
    fn matching<'a>(
        &'a self,
        filter: &CompiledFilter,
        project_id: Option<i64>,
        parallel: bool,
    ) -> Vec<&'a RobotRecord> {
        use std::ops::Bound;
        let scan = |from: Bound<i64>, to: Bound<i64>| -> Vec<&'a RobotRecord> {
            self.robots
                .range((from, to))
                .map(|(_, r)| r)
                .filter(|r| project_id.is_none_or(|p| r.project_id == p) && filter.matches(r))
                .collect()
        };
        let (Some(first), Some(last)) = (self.robots.keys().next(), self.robots.keys().next_back())
        else {
            return Vec::new();
        };
        if !parallel || first == last {
            return scan(Bound::Unbounded, Bound::Unbounded);
        }
        let mid = first + (last - first) / 2;
        std::thread::scope(|scope| {
            let upper = std::thread::Builder::new()
                .spawn_scoped(scope, || scan(Bound::Excluded(mid), Bound::Unbounded));
            let mut hits = scan(Bound::Unbounded, Bound::Included(mid));
            match upper.map(|handle| handle.join()) {
                Ok(Ok(rest)) => hits.extend(rest),
                _ => hits.extend(scan(Bound::Excluded(mid), Bound::Unbounded)),
            }
            hits
        })
    }

    fn project_by_name(&self, name: &str) -> Result<Project, StoreError> {
        let id = self.project_id_by_name(name)?;
        Ok(self.projects[&id].clone())
    }

    /// [`Inner::project_by_name`] without copying the project.
    fn project_id_by_name(&self, name: &str) -> Result<i64, StoreError> {
        if name.contains(' ') {
            return Err(StoreError::InvalidProjectName(name.to_string()));
        }
        self.project_names
            .get(name)
            .copied()
            .filter(|id| self.projects.contains_key(id))
            .ok_or_else(|| StoreError::ProjectNotFound(name.to_string()))
    }

    fn insert_robot(&mut self, record: RobotRecord) {
        self.robot_names.insert(record.name.clone(), record.id);
        self.robots.insert(record.id, record);
    }

    /// Turns request permissions into stored policies: one scope per entry, entries for the
    /// same scope merged, identical accesses collapsed.
    fn resolve_policies(&self, permissions: Vec<Permission>) -> Result<Vec<Policy>, StoreError> {
        // Sized exactly: a million stored robots make every spare slot count.
        let mut policies: Vec<Policy> = Vec::with_capacity(permissions.len());
        for permission in permissions {
            let scope = match permission.kind.as_str() {
                "system" if permission.namespace == "/" => Scope::System,
                "system" => return Err(StoreError::UnknownNamespace),
                _ if permission.namespace == "*" => Scope::AllProjects,
                _ => Scope::Project(self.project_id_by_name(&permission.namespace)?),
            };
            let group = match policies.iter_mut().position(|p| p.scope == scope) {
                Some(i) => &mut policies[i].access,
                None => {
                    policies.push(Policy {
                        scope,
                        access: Vec::with_capacity(permission.access.len()),
                    });
                    &mut policies.last_mut().expect("just pushed").access
                }
            };
            for access in permission.access {
                if !group.contains(&access) {
                    group.push(access);
                }
            }
        }
        for policy in &mut policies {
            policy.access.shrink_to_fit();
        }
        policies.shrink_to_fit();
        Ok(policies)
    }

    /// Policies back to wire permissions; scopes of deleted projects are left out.
    fn permissions_of(&self, policies: &[Policy]) -> Vec<Permission> {
        policies
            .iter()
            .filter_map(|p| {
                let (kind, namespace) = match p.scope {
                    Scope::System => ("system", "/".into()),
                    Scope::AllProjects => ("project", "*".into()),
                    Scope::Project(id) => ("project", self.projects.get(&id)?.name.as_str().into()),
                };
                Some(Permission {
                    access: p.access.clone(),
                    kind: kind.into(),
                    namespace,
                })
            })
            .collect()
    }

    /// [`Inner::view`] borrowing from the record: serialises to the same JSON.
    pub fn view_ref<'a>(&'a self, r: &'a RobotRecord, prefix: &'a str) -> RobotView<'a> {
        let permissions = r
            .policies
            .iter()
            .filter_map(|p| {
                let (kind, namespace) = match p.scope {
                    Scope::System => ("system", "/"),
                    Scope::AllProjects => ("project", "*"),
                    Scope::Project(id) => ("project", self.projects.get(&id)?.name.as_str()),
                };
                Some(PermissionView {
                    access: &p.access,
                    kind,
                    namespace,
                })
            })
            .collect();
        RobotView {
            creation_time: r.creation_time,
            creator_ref: r.creator_ref,
            creator_type: &r.creator_type,
            description: &r.description,
            disable: r.disabled,
            duration: r.duration,
            editable: r.editable(),
            expires_at: r.expires_at,
            id: r.id,
            level: r.level().as_str(),
            name: RobotName {
                prefix: if r.editable() { prefix } else { "" },
                stored: &r.name,
            },
            permissions,
            update_time: r.update_time,
        }
    }

    /// The wire form of a stored robot, owned (tests compare [`Inner::view_ref`] with it).
    #[cfg(test)]
    pub fn view(&self, r: &RobotRecord, prefix: &str) -> Robot {
        let name = if r.editable() {
            format!("{prefix}{}", r.name)
        } else {
            r.name.to_string()
        };
        Robot {
            creation_time: r.creation_time,
            creator_ref: r.creator_ref,
            creator_type: r.creator_type.to_string(),
            description: r.description.to_string(),
            disable: r.disabled,
            duration: r.duration,
            editable: r.editable(),
            expires_at: r.expires_at,
            id: r.id,
            level: r.level().as_str(),
            name,
            permissions: self.permissions_of(&r.policies),
            update_time: r.update_time,
        }
    }

    fn add_project(&mut self, p: &ProjectFixture) -> Result<Project, String> {
        if p.name.is_empty() || p.name.contains(' ') || p.name.contains('+') {
            return Err(format!("invalid project name {:?}", p.name));
        }
        if self.project_names.contains_key(&p.name) {
            return Err(format!("duplicate project name {:?}", p.name));
        }
        let id = p.id.unwrap_or_else(|| next_key(&self.projects));
        if id <= 0 || self.projects.contains_key(&id) {
            return Err(format!("project id {id} is not positive or already used"));
        }
        let project = Project {
            id,
            name: p.name.clone(),
        };
        self.project_names.insert(p.name.clone(), id);
        self.projects.insert(id, project.clone());
        Ok(project)
    }

    fn add_user(&mut self, u: &UserFixture, fresh_salt: String) -> Result<i64, String> {
        if u.username.is_empty() {
            return Err("username must not be empty".into());
        }
        if self.user_names.contains_key(&u.username) {
            return Err(format!("duplicate username {:?}", u.username));
        }
        let id = u.id.unwrap_or_else(|| next_key(&self.users));
        if id <= 0 || self.users.contains_key(&id) {
            return Err(format!("user id {id} is not positive or already used"));
        }
        let (salt, password_hash) = match (&u.password, &u.password_hash, &u.salt) {
            (Some(password), None, _) => {
                let salt = u.salt.clone().unwrap_or(fresh_salt);
                let hash = secret::hash_secret(&salt, password);
                (salt, hash)
            }
            (None, Some(hash), Some(salt)) => (
                salt.clone(),
                secret::from_hex(hash).ok_or("password_hash must be 64 hex digits")?,
            ),
            _ => return Err("give either password, or password_hash and salt".into()),
        };
        self.user_names.insert(u.username.clone(), id);
        self.users.insert(
            id,
            User {
                id,
                username: u.username.clone(),
                salt,
                password_hash,
                sysadmin: u.sysadmin,
            },
        );
        Ok(id)
    }

    fn add_member(&mut self, m: &MemberFixture) -> Result<(), String> {
        let project = *self
            .project_names
            .get(&m.project)
            .ok_or_else(|| format!("unknown project {:?}", m.project))?;
        let user = *self
            .user_names
            .get(&m.user)
            .ok_or_else(|| format!("unknown user {:?}", m.user))?;
        let role = match &m.role {
            RoleSpec::Id(id) => Role::from_id(*id),
            RoleSpec::Name(name) => Role::from_name(name),
        }
        .ok_or_else(|| {
            format!(
                "unknown role {:?} (projectAdmin, developer, guest, maintainer, limitedGuest or 1-5)",
                m.role
            )
        })?;
        self.members.insert((project, user), role);
        Ok(())
    }

    /// A fixture's robot as stored, its strings moved rather than copied. Ids and names are
    /// checked against `ids` and `self.robot_names`; the caller records both.
    fn robot_from_fixture(
        &self,
        f: RobotFixture,
        ids: &FxHashSet<i64>,
        rng: &mut StdRng,
        now_ms: i64,
    ) -> Result<RobotRecord, String> {
        if f.name.is_empty() {
            return Err("robot name must not be empty".into());
        }
        if self.robot_names.contains_key(f.name.as_str()) {
            return Err(format!("duplicate robot name {:?}", f.name));
        }
        if f.project_id != 0 && !self.projects.contains_key(&f.project_id) {
            return Err(format!(
                "project_id {} is not a known project",
                f.project_id
            ));
        }
        if f.duration != -1 && f.duration <= 0 {
            return Err(format!("duration {} must be -1 or positive", f.duration));
        }
        let id = f.id.unwrap_or(self.next_robot_id.max(1));
        if id <= 0 || ids.contains(&id) {
            return Err(format!("robot id {id} is not positive or already used"));
        }
        let time = |field: &str, value: &Option<CompactString>| -> Result<i64, String> {
            match value {
                None => Ok(now_ms),
                Some(text) => parse_rfc3339_millis(text)
                    .ok_or_else(|| format!("{field} {text:?} is not an RFC 3339 timestamp")),
            }
        };
        let creation_time = time("creation_time", &f.creation_time)?;
        let update_time = match &f.update_time {
            None => creation_time,
            some => time("update_time", some)?,
        };
        let given_salt = f.salt.is_some();
        let salt = f.salt.unwrap_or_else(|| secret::generate_salt(rng).into());
        let secret_hash = match (f.editable, &f.secret, &f.secret_hash) {
            (false, None, None) => None,
            (false, _, _) => return Err("a legacy robot (editable: false) has no secret".into()),
            (true, Some(_), Some(_)) => return Err("give secret or secret_hash, not both".into()),
            (true, Some(plain), None) => Some(secret::hash_secret(&salt, plain)),
            (true, None, Some(hex)) => {
                if !given_salt {
                    return Err("secret_hash needs its salt".into());
                }
                Some(secret::from_hex(hex).ok_or("secret_hash must be 64 hex digits")?)
            }
            (true, None, None) => Some(secret::hash_secret(&salt, &secret::generate_secret(rng))),
        };
        let policies = self
            .resolve_policies(f.permissions)
            .map_err(|e| format!("permissions: {e}"))?;
        Ok(RobotRecord {
            id,
            name: f.name,
            description: f.description,
            secret_hash,
            salt,
            duration: f.duration,
            project_id: f.project_id,
            expires_at: f
                .expires_at
                .unwrap_or_else(|| expiry(creation_time.div_euclid(1000), f.duration)),
            disabled: f.disable,
            visible: f.visible,
            creator_ref: f.creator_ref,
            creator_type: f.creator_type,
            creation_time,
            update_time,
            policies,
        })
    }

    /// Builds a state from fixtures, checking every entry.
    /// Builds a state from the text of the fixtures file `path`, streamed; errors say where in
    /// it. Also returns the file's users.
    fn from_source(
        text: &str,
        path: &str,
        rng: &mut StdRng,
        now_ms: i64,
    ) -> Result<(Inner, Vec<UserFixture>), FixturesError> {
        let mut builder = Builder::new(rng, now_ms, 0);
        let rest = fixtures::stream(text, path, &mut builder)?;
        let inner = builder
            .finish(rest.next_robot_id)
            .map_err(|e| fixtures::locate(&e, text, path))?;
        Ok((inner, rest.users))
    }

    pub fn from_fixtures(
        f: Fixtures,
        rng: &mut StdRng,
        now_ms: i64,
    ) -> Result<Inner, InvalidEntry> {
        let mut builder = Builder::new(rng, now_ms, f.robots.len());
        builder.sections(&f.users, &f.projects, &f.members)?;
        for (index, robot) in f.robots.into_iter().enumerate() {
            builder.robot(index, Ok(robot))?;
        }
        builder.finish(f.next_robot_id)
    }

    /// The state in fixtures form.
    pub fn to_fixtures(&self) -> Fixtures {
        let project_name = |id: i64| self.projects.get(&id).map(|p| p.name.clone());
        let user_name = |id: i64| self.users.get(&id).map(|u| u.username.clone());
        Fixtures {
            users: self
                .users
                .values()
                .map(|u| UserFixture {
                    id: Some(u.id),
                    username: u.username.clone(),
                    password: None,
                    password_hash: Some(secret::to_hex(&u.password_hash)),
                    salt: Some(u.salt.clone()),
                    sysadmin: u.sysadmin,
                })
                .collect(),
            projects: self
                .projects
                .values()
                .map(|p| ProjectFixture {
                    id: Some(p.id),
                    name: p.name.clone(),
                })
                .collect(),
            members: self
                .members
                .iter()
                .filter_map(|((pid, uid), role)| {
                    Some(MemberFixture {
                        project: project_name(*pid)?,
                        user: user_name(*uid)?,
                        role: RoleSpec::Name(role.name().to_string()),
                    })
                })
                .collect(),
            robots: self
                .robots
                .values()
                .map(|r| RobotFixture {
                    id: Some(r.id),
                    name: r.name.clone(),
                    project_id: r.project_id,
                    description: r.description.clone(),
                    duration: r.duration,
                    expires_at: Some(r.expires_at),
                    disable: r.disabled,
                    visible: r.visible,
                    editable: r.editable(),
                    creator_type: r.creator_type.clone(),
                    creator_ref: r.creator_ref,
                    creation_time: Some(format_millis(r.creation_time).into()),
                    update_time: Some(format_millis(r.update_time).into()),
                    secret: None,
                    secret_hash: r.secret_hash.as_ref().map(|h| secret::to_hex(h).into()),
                    salt: r.secret_hash.as_ref().map(|_| r.salt.clone()),
                    permissions: self.permissions_of(&r.policies),
                })
                .collect(),
            next_robot_id: Some(self.next_robot_id),
        }
    }
}

/// A state being built from fixtures, section by section, robot by robot.
struct Builder<'r> {
    inner: Inner,
    rng: &'r mut StdRng,
    now_ms: i64,
    ids: FxHashSet<i64>,
    /// Collected, then made into the map in one go: inserting ids in order would leave every
    /// B-tree node about half full, nearly doubling the map's memory.
    robots: Vec<(i64, RobotRecord)>,
}

impl<'r> Builder<'r> {
    fn new(rng: &'r mut StdRng, now_ms: i64, robots: usize) -> Builder<'r> {
        let mut inner = Inner {
            next_robot_id: 1,
            ..Inner::default()
        };
        inner.robot_names.reserve(robots);
        Builder {
            inner,
            rng,
            now_ms,
            ids: FxHashSet::with_capacity_and_hasher(robots, Default::default()),
            robots: Vec::with_capacity(robots),
        }
    }

    fn finish(mut self, next_robot_id: Option<i64>) -> Result<Inner, InvalidEntry> {
        self.inner.robots = self.robots.into_iter().collect();
        if let Some(next) = next_robot_id {
            if next < self.inner.next_robot_id {
                return Err(InvalidEntry {
                    section: "next_robot_id",
                    index: 0,
                    message: format!("{next} is not above every robot id"),
                });
            }
            self.inner.next_robot_id = next;
        }
        Ok(self.inner)
    }
}

fn bad(section: &'static str, index: usize, message: String) -> InvalidEntry {
    InvalidEntry {
        section,
        index,
        message,
    }
}

impl Sink for Builder<'_> {
    fn sections(
        &mut self,
        users: &[UserFixture],
        projects: &[ProjectFixture],
        members: &[MemberFixture],
    ) -> Result<(), InvalidEntry> {
        for (i, p) in projects.iter().enumerate() {
            self.inner
                .add_project(p)
                .map_err(|m| bad("projects", i, m))?;
        }
        for (i, u) in users.iter().enumerate() {
            let salt = secret::generate_salt(self.rng);
            self.inner
                .add_user(u, salt)
                .map_err(|m| bad("users", i, m))?;
        }
        for (i, m) in members.iter().enumerate() {
            self.inner.add_member(m).map_err(|e| bad("members", i, e))?;
        }
        Ok(())
    }

    /// Stores one robot. Each parsed robot's strings move into its record, and what is left of
    /// it is reused by the next one (parsing on a second thread measured twice as slow: glibc
    /// then frees another thread's allocations).
    fn robot(
        &mut self,
        index: usize,
        robot: Result<RobotFixture, String>,
    ) -> Result<(), InvalidEntry> {
        let inner = &mut self.inner;
        let record = robot
            .and_then(|r| inner.robot_from_fixture(r, &self.ids, self.rng, self.now_ms))
            .map_err(|m| bad("robots", index, m))?;
        inner.next_robot_id = inner.next_robot_id.max(record.id + 1);
        self.ids.insert(record.id);
        inner.robot_names.insert(record.name.clone(), record.id);
        self.robots.push((record.id, record));
        Ok(())
    }
}

/// One past the highest id in `map` (1 for an empty map): the id of an entry given without one.
fn next_key<V>(map: &BTreeMap<i64, V>) -> i64 {
    map.keys().next_back().copied().unwrap_or(0) + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Access;

    fn access(resource: &str, action: &str) -> Access {
        Access {
            resource: resource.into(),
            action: action.into(),
            effect: CompactString::default(),
        }
    }

    fn store() -> Store {
        let fixtures: Fixtures = serde_json::from_str(
            r#"{"users":[{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true}],
                "projects":[{"id":1,"name":"library"}]}"#,
        )
        .unwrap();
        Store::new(
            fixtures,
            Arc::new(Clock::frozen(1_787_292_000_123)),
            StoreOptions {
                seed: Some(1),
                ..StoreOptions::default()
            },
        )
        .unwrap()
    }

    fn project_robot(name: &str) -> NewRobot {
        NewRobot {
            name: name.into(),
            project: Some(Project {
                id: 1,
                name: "library".into(),
            }),
            description: String::new(),
            duration: 30,
            permissions: vec![Permission {
                kind: "project".into(),
                namespace: "library".into(),
                access: vec![access("repository", "pull"), access("repository", "pull")],
            }],
            creator_type: "local".into(),
            creator_ref: 1,
        }
    }

    #[test]
    fn create_stores_prefixed_name_expiry_and_merged_permissions() {
        let store = store();
        let created = store.create_robot(project_robot("ci")).unwrap();
        assert_eq!(created.name, "robot$library+ci");
        assert_eq!(created.expires_at, 1_787_292_000 + 30 * 86_400);
        let record = store.robot(created.id).unwrap();
        assert_eq!(record.name, "library+ci");
        assert_eq!(record.policies.len(), 1);
        assert_eq!(
            record.policies[0].access.len(),
            1,
            "identical accesses collapse"
        );
        assert!(matches!(
            store.authenticate("robot$library+ci", &created.secret),
            Caller::Robot { .. }
        ));
    }

    #[test]
    fn duplicate_uses_up_an_id_and_changes_nothing() {
        let store = store();
        let first = store.create_robot(project_robot("ci")).unwrap();
        let err = store.create_robot(project_robot("ci")).unwrap_err();
        assert_eq!(err.to_string(), "robot account 1:library+ci already exists");
        assert_eq!(store.robot_count(), 1);
        let next = store.create_robot(project_robot("cd")).unwrap();
        assert_eq!(next.id, first.id + 2);
    }

    #[test]
    fn failed_scope_resolution_rolls_back() {
        let store = store();
        let mut new = project_robot("ci");
        new.permissions.push(Permission {
            kind: "project".into(),
            namespace: "missing".into(),
            access: vec![access("repository", "pull")],
        });
        assert_eq!(
            store.create_robot(new).unwrap_err(),
            StoreError::ProjectNotFound("missing".into())
        );
        assert_eq!(store.robot_count(), 0);
    }

    #[test]
    fn update_counts_a_changed_duration_from_creation() {
        let store = store();
        let created = store.create_robot(project_robot("ci")).unwrap();
        store.clock().advance(40 * 86_400_000);
        let update = RobotUpdate {
            description: "d".into(),
            disabled: false,
            duration: 30,
            permissions: project_robot("x").permissions,
        };
        store.update_robot(created.id, update.clone()).unwrap();
        assert_eq!(
            store.robot(created.id).unwrap().expires_at,
            created.expires_at
        );
        store
            .update_robot(
                created.id,
                RobotUpdate {
                    duration: 10,
                    ..update
                },
            )
            .unwrap();
        let record = store.robot(created.id).unwrap();
        assert_eq!(record.expires_at, 1_787_292_000 + 10 * 86_400);
        assert!(record.is_expired(store.clock().now_secs()));
    }

    #[test]
    fn refresh_replaces_the_secret_and_keeps_the_salt() {
        let store = store();
        let created = store.create_robot(project_robot("ci")).unwrap();
        let salt = store.robot(created.id).unwrap().salt;
        let new = store.refresh_secret(created.id, None).unwrap().unwrap();
        assert_eq!(store.robot(created.id).unwrap().salt, salt);
        assert_eq!(
            store.authenticate("robot$library+ci", &created.secret),
            Caller::Anonymous
        );
        assert!(matches!(
            store.authenticate("robot$library+ci", &new),
            Caller::Robot { .. }
        ));
        assert_eq!(
            store
                .refresh_secret(created.id, Some("Own-secret-1".into()))
                .unwrap(),
            None
        );
    }

    #[test]
    fn dump_and_load_round_trip() {
        let store = store();
        let created = store.create_robot(project_robot("ci")).unwrap();
        let dump = store.dump();
        assert!(
            !serde_json::to_string(&dump)
                .unwrap()
                .contains(&created.secret)
        );
        let other = self::store();
        other.load(dump.clone()).unwrap();
        assert_eq!(other.dump(), dump);
        assert!(matches!(
            other.authenticate("robot$library+ci", &created.secret),
            Caller::Robot { .. }
        ));
        assert!(matches!(
            other.authenticate("admin", "Harbor12345"),
            Caller::User { sysadmin: true, .. }
        ));
    }

    #[test]
    fn initial_fixtures_come_back_exactly() {
        let text = format!(
            r#"{{"users":[{{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true}},
                {{"username":"h","password_hash":"{}","salt":"s"}}],
              "projects":[{{"id":1,"name":"library"}},{{"name":"other"}}],
              "members":[{{"project":"library","user":"admin","role":2}},
                {{"project":"other","user":"h","role":"limitedGuest"}}],
              "robots":[{{"id":7,"name":"library+ci","project_id":1,"duration":30,
                "secret":"Ci-Secret-123","description":"d","disable":true,"visible":false,
                "creator_type":"local","creator_ref":1,"expires_at":5,
                "creation_time":"2026-01-01T00:00:00.000Z","update_time":"2026-01-02T00:00:00Z",
                "permissions":[{{"kind":"project","namespace":"library","access":[
                  {{"resource":"repository","action":"pull","effect":"deny"}}]}}]}},
                {{"name":"legacy","editable":false}}],
              "next_robot_id":20}}"#,
            "0a".repeat(32)
        );
        let fixtures: Fixtures = serde_json::from_str(&text).unwrap();
        let clock = || Arc::new(Clock::frozen(1_787_292_000_123));
        let options = || StoreOptions {
            seed: Some(7),
            ..StoreOptions::default()
        };
        let parsed = Store::new(fixtures.clone(), clock(), options()).unwrap();
        let (source, users) =
            Store::from_source(Arc::new(text), "f.json", clock(), options()).unwrap();
        assert_eq!(users, fixtures.users);
        assert_eq!(parsed.initial(), fixtures);
        assert_eq!(source.initial(), fixtures);
        assert_eq!(
            serde_json::to_value(parsed.dump()).unwrap(),
            serde_json::to_value(source.dump()).unwrap(),
            "built the same from text as from parsed fixtures"
        );
        source.create_robot(project_robot("cd")).unwrap();
        source.reset().unwrap();
        assert_eq!(source.robot_count(), 2);
        let store = parsed;
        store.create_robot(project_robot("cd")).unwrap();
        store.reset().unwrap();
        assert_eq!(store.robot_count(), 2);
    }

    #[test]
    fn robots_streamed_or_deferred_build_the_same_state() {
        let sections = r#""users":[{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true}],
            "projects":[{"id":1,"name":"library"}],"members":[]"#;
        let robots = r#""robots":[{"name":"library+ci","project_id":1,"secret":"Ci-Secret-1",
            "permissions":[{"kind":"project","namespace":"library",
            "access":[{"resource":"repository","action":"pull"}]}]},{"name":"ops"}]"#;
        let build = |text: String| {
            let options = StoreOptions {
                seed: Some(3),
                ..StoreOptions::default()
            };
            let clock = Arc::new(Clock::frozen(1_787_292_000_123));
            Store::from_source(Arc::new(text), "f.json", clock, options).map(|(store, _)| store)
        };
        // Sections first: each robot is stored as it is read. Robots first: kept as text.
        let streamed = build(format!("{{{sections},{robots}}}")).unwrap();
        let deferred = build(format!("{{{robots},{sections}}}")).unwrap();
        assert_eq!(streamed.robot_count(), 2);
        assert_eq!(
            serde_json::to_value(streamed.dump()).unwrap(),
            serde_json::to_value(deferred.dump()).unwrap()
        );
        let streamed_error = |robots: &str| {
            build(format!(
                "{{{sections},\n\"robots\":[\n{{\"name\":\"a\"}},\n{robots}]}}"
            ))
            .err()
            .unwrap()
            .to_string()
        };
        assert_eq!(
            streamed_error(r#"{"name":"a"}"#),
            "f.json: line 5: robots[1]: duplicate robot name \"a\""
        );
        assert!(
            streamed_error(r#"{"name":7}"#)
                .starts_with("f.json: line 5, column 9: invalid type: integer `7`"),
            "{}",
            streamed_error(r#"{"name":7}"#)
        );
        assert!(build(format!("{{{sections},{robots},\"robots\":[]}}")).is_err());
    }

    #[test]
    fn list_pages_like_select_and_sees_every_change() {
        use crate::query::{compile, parse_q, parse_sort};
        let store = store();
        for name in ["ci-b", "ci-a", "cd", "ci-c", "x-ci", "ops"] {
            store.create_robot(project_robot(name)).unwrap();
        }
        let check = |q: &str, sort: &str| {
            let filter = compile(&parse_q(q).unwrap()).unwrap();
            let sort = parse_sort(sort);
            for (page, size) in [
                (1, 10),
                (1, 2),
                (2, 2),
                (3, 2),
                (9, 2),
                (0, 3),
                (-1, 2),
                (2, 0),
            ] {
                for project in [None, Some(1)] {
                    let listing = store.list(&filter, project, &sort, page, size);
                    let inner = store.read();
                    let (total, want) = query::select(inner.robots(), &filter, &sort, page, size);
                    let want: Vec<i64> = want.iter().map(|r| r.id).collect();
                    let rows: Vec<serde_json::Value> =
                        serde_json::from_slice(&listing.body).unwrap();
                    let got: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
                    assert_eq!((listing.total, got), (total, want), "{q} {page} {size}");
                }
            }
        };
        check("name=~ci", "-name");
        check("", "id");
        let inner = store.read();
        for q in ["", "name=~ci", "name=~zz"] {
            let filter = compile(&parse_q(q).unwrap()).unwrap();
            let ids = |v: Vec<&RobotRecord>| v.iter().map(|r| r.id).collect::<Vec<_>>();
            assert_eq!(
                ids(inner.matching(&filter, Some(1), true)),
                ids(inner.matching(&filter, Some(1), false)),
                "{q}"
            );
        }
        drop(inner);
        check("name=~ci", "-name"); // now from the cache
        let id = store.create_robot(project_robot("ci-d")).unwrap().id;
        check("name=~ci", "-name");
        store.delete_robot(id).unwrap();
        check("name=~ci", "-name");
        store.reset().unwrap();
        check("name=~ci", "-name");
    }

    #[test]
    fn borrowed_views_serialise_like_owned_ones() {
        let text = r#"{"users":[{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true}],
            "projects":[{"id":1,"name":"library"},{"id":2,"name":"p2"}],
            "robots":[
              {"id":1,"name":"library+ci","project_id":1,"secret":"Ci-Secret-123",
               "description":"quote \" backslash \\ tab \t é 🚀 <&>","creator_type":"local",
               "creator_ref":3,"duration":30,
               "permissions":[{"kind":"project","namespace":"library","access":[
                 {"resource":"repository","action":"pull"},{"resource":"artifact","action":"read","effect":"deny"}]}]},
              {"id":2,"name":"we\"ird\\né","disable":true,"expires_at":0,
               "permissions":[{"kind":"system","namespace":"/","access":[{"resource":"robot","action":"list"}]},
                 {"kind":"project","namespace":"*","access":[{"resource":"repository","action":"pull"}]},
                 {"kind":"project","namespace":"p2","access":[{"resource":"repository","action":"push"}]}]},
              {"id":3,"name":"legacy","editable":false,"visible":false}]}"#;
        let store = Store::new(
            serde_json::from_str(text).unwrap(),
            Arc::new(Clock::frozen(1_787_292_000_123)),
            StoreOptions::default(),
        )
        .unwrap();
        let inner = store.read();
        for r in inner.robots() {
            assert_eq!(
                serde_json::to_string(&inner.view_ref(r, "robot$")).unwrap(),
                serde_json::to_string(&inner.view(r, "robot$")).unwrap(),
                "robot {}",
                r.id
            );
        }
        drop(inner);
        let (project, body) = store.robot_json(2).unwrap();
        assert_eq!(project, 0);
        let owned = store.robot_view(&store.robot(2).unwrap());
        assert_eq!(
            body,
            format!("{}\n", serde_json::to_string(&owned).unwrap()).into_bytes()
        );
    }
}

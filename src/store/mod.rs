//! The state of one mock Harbor: users, projects, memberships, robots and the system
//! configuration, behind one lock.
//!
//! Lock discipline: every public method of [`Store`] takes the lock, does its whole job and
//! releases it, so a request sees a consistent state and a failed write changes nothing
//! (Harbor rolls back every failed write). Writes go through one function, which also starts a
//! new generation (the list cache's validity) and, when a state store is attached
//! (`--state-file`), hands the rows the write changed to it under the lock (so in change
//! order) and settles their durability after releasing it (see [`durability`]): reads never
//! wait for the disk.
//!
//! The store knows nothing about HTTP; it reports [`StoreError`]s that the edge maps to
//! Harbor's statuses. It has no clock: every operation that needs "now" is given it, by the
//! request that caused it. Randomness (secrets, salts) comes from one seedable generator.
//!
//! [`Store`]'s methods live here; the work is done on the tables by the files below, each
//! owning one part (none of them reaches back up here):
//! - `tables` and `records`: the tables and their rows, named after Harbor's;
//! - `users`: users and login;
//! - `projects`: projects and their members;
//! - `robots`: robot writes, and permissions into policies;
//! - `listing`: the lists (robots, with a cache; projects; members; the user search), all over
//!   `query::select`;
//! - `views`: stored records as the wire shows them;
//! - `postgres`: what Harbor's database columns accept (values it refuses are Harbor's 500s);
//! - `fixtures` and `snapshot`: the fixtures format, and the tables built from it and dumped
//!   into it;
//! - `changes`: what a write changed, as rows, for a state store; `durability`: a write
//!   acknowledged only once its state store has committed it.

pub mod changes;
pub mod durability;
mod error;
mod layered;
mod listing;
pub mod postgres;
mod projects;
mod records;
mod robots;
mod snapshot;
mod tables;
#[cfg(test)]
mod testing;
mod users;
mod views;

pub mod fixtures;

pub use changes::{Change, ChangeSink, Rows};
pub use error::StoreError;
pub use listing::{Listing, ProjectQuery};
pub use projects::{NewProject, ProjectUpdate};
pub use records::{
    CveAllowlist, MemberRecord, ProjectColumn, ProjectRecord, RobotColumn, RobotRecord, UserColumn,
    UserRecord,
};
pub use robots::{NewRobot, RobotUpdate};
pub use snapshot::{LARGE_FIXTURES, release_later};
pub use tables::Sequences;
pub use users::UserProfile;
pub use views::wire_name;

use parking_lot::{Mutex, RwLock};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::harbor::DEFAULT_ROBOT_PREFIX;
use crate::harbor::access::Directory;
use crate::harbor::auth::Caller;
use crate::harbor::configurations::{ConfigValue, Configurations};
use crate::harbor::projects::ProjectRef;
use crate::harbor::rbac::{Permission, Policy, Role};
use crate::harbor::secret;
use crate::query::{CompiledFilter, Paging, SortKey};
use crate::wire::{self, RobotCreated};
use fixtures::{Fixtures, FixturesError, InvalidEntry, MemberFixture, ProjectFixture, UserFixture};
use listing::{ListCache, ListQuery};
use robots::NewSecret;
use tables::Tables;

/// Sizes of the state, for the start-up line and the control API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Users.
    pub users: usize,
    /// Projects.
    pub projects: usize,
    /// Memberships.
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

/// The state of one instance.
pub struct Store {
    tables: RwLock<Tables>,
    /// What [`Store::reset`] returns to and sessions start from: the state built from the
    /// fixtures, frozen, its tables shared with every fork of it.
    initial: Tables,
    /// The robot name prefix the store was started with, for states loaded later.
    prefix: String,
    rng: Mutex<StdRng>,
    /// The state store every change goes to, if any.
    sink: RwLock<Option<Arc<dyn ChangeSink>>>,
    /// Bumped under the write lock by every successful change; list results cached at one
    /// generation are valid until the next.
    generation: AtomicU64,
    list_cache: Mutex<ListCache>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
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
        let prefix = &options.robot_prefix;
        let tables = Tables::from_fixtures(fixtures, prefix, &mut rng, now_ms)?;
        Ok(Store::around(tables, rng, options))
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
        let prefix = &options.robot_prefix;
        let (tables, users) = Tables::from_source(&text, path, prefix, &mut rng, now_ms)?;
        let store = Store::around(tables, rng, options);
        Ok((store, users))
    }

    fn around(tables: Tables, rng: StdRng, options: StoreOptions) -> Store {
        Store {
            initial: tables.fork(),
            tables: RwLock::new(tables),
            prefix: options.robot_prefix,
            rng: Mutex::new(rng),
            sink: RwLock::new(None),
            generation: AtomicU64::new(0),
            list_cache: Mutex::new(ListCache::default()),
        }
    }

    /// Attaches the state store every later change goes to (or detaches it).
    pub fn set_change_sink(&self, sink: Option<Arc<dyn ChangeSink>>) {
        *self.sink.write() = sink;
    }

    /// Runs `f` with the store's generator (secrets, salts).
    fn with_rng<T>(&self, f: impl FnOnce(&mut StdRng) -> T) -> T {
        f(&mut self.rng.lock())
    }

    /// Applies a change under the write lock and hands the rows it changed to the state
    /// store, if any, before releasing the lock; settles their durability after (see
    /// [`durability`]). A failed write may still have used up a sequence value, which is
    /// handed on too.
    fn write<T, E>(&self, f: impl FnOnce(&mut Tables) -> Result<T, E>) -> Result<T, E> {
        self.write_then(f, None)
    }

    /// [`Store::write`], with `whole` (the whole new state as rows) handed to the state store
    /// in place of the rows the marks name.
    fn write_then<T, E>(
        &self,
        f: impl FnOnce(&mut Tables) -> Result<T, E>,
        whole: Option<Rows>,
    ) -> Result<T, E> {
        let mut tables = self.tables.write();
        tables.touched.clear();
        let before = tables.next;
        let out = f(&mut tables);
        if out.is_ok() {
            self.generation.fetch_add(1, Ordering::Release);
        }
        let sink = self.sink.read().clone();
        let ticket = sink.and_then(|sink| {
            let changes = match whole {
                Some(rows) => vec![Change::Replaced(Box::new(rows))],
                None => tables.take_changes(before),
            };
            (!changes.is_empty()).then(|| sink.submit(changes))
        });
        drop(tables);
        if let Some(ticket) = ticket {
            durability::settle(ticket);
        }
        out
    }

    // ---- users -------------------------------------------------------------------------

    /// Resolves basic-auth credentials at `now_ms`: a robot (its name with the prefix), a
    /// user (by name or email), or anonymous when they name no one.
    pub fn authenticate(&self, username: &str, password: &str, now_ms: i64) -> Caller {
        self.tables.read().authenticate(username, password, now_ms)
    }

    /// A copy of user `id`: 404 `user <id> not found`.
    pub fn user(&self, id: i64) -> Result<UserRecord, StoreError> {
        self.tables.read().user(id).cloned()
    }

    /// The id of the user named exactly `username`.
    pub fn user_id(&self, username: &str) -> Option<i64> {
        self.tables.read().user_by_name(username).map(|u| u.id)
    }

    /// The `UserResp` body of user `id`.
    pub fn user_json(&self, id: i64) -> Result<Vec<u8>, StoreError> {
        let tables = self.tables.read();
        let user = tables.user(id)?;
        Ok(wire::json_line(&tables.user_view(user)))
    }

    /// Creates a user with `password` (hashed with a fresh salt) at `now_ms`; 409 when the
    /// name or email is taken. Returns the id.
    pub fn create_user(
        &self,
        profile: UserProfile,
        password: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let salt = self.with_rng(secret::generate_salt);
        self.write(|tables| tables.create_user(profile.into_new(password, salt, now_ms)))
    }

    /// Deletes user `id` and their memberships.
    pub fn delete_user(&self, id: i64) -> Result<(), StoreError> {
        self.write(|tables| tables.delete_user(id))
    }

    /// Replaces user `id`'s email, real name and comment at `now_ms`: 404 `user with id <id>
    /// not found`; another user's email is the 500 of Harbor's unique key.
    pub fn update_profile(
        &self,
        id: i64,
        profile: wire::UserProfileReq,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(|tables| tables.update_profile(id, profile, now_ms))
    }

    /// Sets or clears user `id`'s admin flag at `now_ms`: 404 `user with id <id> not found`.
    pub fn set_sysadmin(&self, id: i64, sysadmin: bool, now_ms: i64) -> Result<(), StoreError> {
        self.write(|tables| tables.set_sysadmin(id, sysadmin, now_ms))
    }

    /// `GET /users`: the users `filter` lets through, sorted and paged.
    pub fn list_users(
        &self,
        filter: &CompiledFilter<UserColumn>,
        sort: &[SortKey<UserColumn>],
        paging: Paging,
    ) -> Listing {
        listing::list_users(&self.tables.read(), filter, sort, paging)
    }

    /// Whether `password` is user `id`'s, compared in constant time.
    pub fn password_matches(&self, id: i64, password: &str) -> bool {
        self.tables
            .read()
            .users
            .get(&id)
            .is_some_and(|u| secret::verify_secret(&u.salt, password, &u.password_hash))
    }

    /// Sets user `id`'s password (hashed with a fresh salt) at `now_ms`: 404 `user with id
    /// <id> not found`.
    pub fn update_password(&self, id: i64, password: &str, now_ms: i64) -> Result<(), StoreError> {
        let salt = self.with_rng(secret::generate_salt);
        self.write(|tables| tables.update_password(id, password, salt, now_ms))
    }

    /// `GET /users/search`: see [`listing::search_users`].
    pub fn search_users(&self, username: &str, page_size: i64) -> Listing {
        listing::search_users(&self.tables.read(), username, page_size)
    }

    /// Whether user `id` is the projectAdmin of some project (`ListAdminRolesOfUser`).
    pub fn is_admin_of_some_project(&self, id: i64) -> bool {
        self.tables
            .read()
            .members
            .values()
            .any(|m| m.user_id == id && m.role() == Some(Role::ProjectAdmin))
    }

    /// Whether a user other than user 1 (`admin`) exists: Harbor then fixes the auth mode.
    pub fn has_users_besides_admin(&self) -> bool {
        self.tables.read().has_users_besides_admin()
    }

    /// The lowest-id sysadmin, who owns the projects robots create.
    pub fn first_sysadmin(&self) -> Option<i64> {
        self.tables.read().first_sysadmin()
    }

    /// Adds a user at run time (the control API); returns the id.
    pub fn add_user(&self, fixture: UserFixture, now_ms: i64) -> Result<i64, StoreError> {
        let salt = self.with_rng(secret::generate_salt);
        self.write(|tables| {
            tables
                .user_from_fixture(&fixture, salt, now_ms)
                .map_err(StoreError::Invalid)
        })
    }

    // ---- projects and members ------------------------------------------------------------

    /// The project `project` names: 400 for a name with a space, 404 when missing.
    pub fn project(&self, project: &ProjectRef) -> Result<ProjectRecord, StoreError> {
        let tables = self.tables.read();
        let id = tables.project_ref(project)?;
        tables.project(id).cloned()
    }

    /// Looks a project up by exact name: 400 for a name with a space, else 404 when missing.
    pub fn project_by_name(&self, name: &str) -> Result<ProjectRecord, StoreError> {
        self.project(&ProjectRef::Name(name.to_string()))
    }

    /// The id an access check uses for `project` (`RequireProjectAccess` resolves a name
    /// first, an id never): 0 for a project that does not exist; 400 for a name with a space,
    /// 500 for a name the database refuses.
    pub fn project_access_id(&self, project: &ProjectRef) -> Result<i64, StoreError> {
        match project {
            ProjectRef::Id(id) => Ok(*id),
            ProjectRef::Name(_) => match self.tables.read().project_ref(project) {
                Err(StoreError::ProjectNotFound(_)) => Ok(0),
                found => found,
            },
        }
    }

    /// The `Project` body of project `id` as `viewer` sees it.
    pub fn project_json(&self, id: i64, viewer: &Caller) -> Result<Vec<u8>, StoreError> {
        let tables = self.tables.read();
        let project = tables.project(id)?;
        Ok(wire::json_line(&tables.project_view(project, viewer, true)))
    }

    /// Creates a project; 409 when the name is taken. Returns the id.
    pub fn create_project(&self, new: NewProject) -> Result<i64, StoreError> {
        self.write(|tables| tables.create_project(new))
    }

    /// Upserts a project's metadata and replaces its allowlist.
    pub fn update_project(&self, id: i64, update: ProjectUpdate) -> Result<(), StoreError> {
        self.write(|tables| tables.update_project(id, update))
    }

    /// Deletes a project, its robots and its members.
    pub fn delete_project(&self, id: i64) -> Result<(), StoreError> {
        self.write(|tables| tables.delete_project(id))
    }

    /// `GET /projects`: the projects `filter` and `also` let through, sorted and paged, as
    /// `viewer` sees them (with details or not).
    pub fn list_projects(&self, query: ProjectQuery<'_>, viewer: &Caller, detail: bool) -> Listing {
        listing::list_projects(&self.tables.read(), query, viewer, detail)
    }

    /// The number of members of project `id` in each role, by role id 1–5.
    pub fn member_counts(&self, id: i64) -> [i64; 5] {
        let tables = self.tables.read();
        let mut counts = [0; 5];
        for member in tables.members_of(id) {
            if let Some(role) = member.role() {
                counts[role.id() as usize - 1] += 1;
            }
        }
        counts
    }

    /// `GET …/members`: see [`listing::list_members`].
    pub fn list_members(
        &self,
        project_id: i64,
        entityname: Option<&str>,
        paging: Paging,
    ) -> Listing {
        listing::list_members(&self.tables.read(), project_id, entityname, paging)
    }

    /// The `ProjectMemberEntity` body of member `member_id` of project `project_id`; `None`
    /// when it is none of its members (or its role is unknown). A negative id disables the id
    /// filter: the project's first member by name.
    pub fn member_json(
        &self,
        project_id: i64,
        member_id: i64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        postgres::int4("project_member.id", member_id)?;
        Ok(listing::member_json(
            &self.tables.read(),
            project_id,
            member_id,
        ))
    }

    /// Whether user `user_id` is a member of project `project_id`, whatever the role.
    pub fn is_member(&self, project_id: i64, user_id: i64) -> bool {
        self.tables
            .read()
            .member_ids
            .contains_key(&(project_id, user_id))
    }

    /// Makes user `user_id` a member of project `project_id`; 409 when they already are.
    pub fn add_member(
        &self,
        project_id: i64,
        user_id: i64,
        role_id: i64,
    ) -> Result<i64, StoreError> {
        self.write(|tables| tables.add_member(project_id, user_id, role_id, None))
    }

    /// Harbor's blind role update: any role id is stored, an unknown member is no error.
    pub fn set_member_role(
        &self,
        project_id: i64,
        member_id: i64,
        role_id: i64,
    ) -> Result<(), StoreError> {
        postgres::int4("project_member.id", member_id)?;
        postgres::int4("project_member.role", role_id)?;
        self.write(|tables| {
            tables.set_member_role(project_id, member_id, role_id);
            Ok(())
        })
    }

    /// Harbor's blind member removal: an unknown member is no error.
    pub fn remove_member(&self, project_id: i64, member_id: i64) -> Result<(), StoreError> {
        postgres::int4("project_member.id", member_id)?;
        self.write(|tables| {
            if tables
                .members
                .get(&member_id)
                .is_some_and(|m| m.project_id == project_id)
            {
                tables.remove_member(member_id);
            }
            Ok(())
        })
    }

    /// Adds a project at run time (the control API): private unless said otherwise.
    pub fn add_project(
        &self,
        fixture: ProjectFixture,
        now_ms: i64,
    ) -> Result<ProjectRecord, StoreError> {
        self.write(|tables| {
            let id = tables
                .project_from_fixture(&fixture, now_ms)
                .map_err(StoreError::Invalid)?;
            tables.project(id).cloned()
        })
    }

    /// Adds or changes a membership at run time (the control API).
    pub fn add_member_fixture(&self, fixture: MemberFixture) -> Result<(), StoreError> {
        self.write(|tables| {
            tables
                .member_from_fixture(&fixture)
                .map(|_| ())
                .map_err(StoreError::Invalid)
        })
    }

    // ---- configuration -------------------------------------------------------------------

    /// Whether Harbor is in read-only mode (`read_only`).
    pub fn read_only(&self) -> bool {
        self.tables.read().configurations.read_only()
    }

    /// A copy of the system configuration.
    pub fn configurations(&self) -> Configurations {
        self.tables.read().configurations.clone()
    }

    /// Changes the configuration with `f`, which is told whether users besides `admin`
    /// exist; on error nothing changes. A changed string holding NUL is refused as the
    /// `properties.v` column refuses it.
    pub fn update_configurations<E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Configurations, bool) -> Result<(), E>,
    ) -> Result<(), E> {
        self.write(|tables| {
            let users = tables.has_users_besides_admin();
            let mut next = tables.configurations.clone();
            f(&mut next, users)?;
            for (_, value) in next.changed_from(&tables.configurations) {
                if let ConfigValue::Str(text) = value {
                    postgres::text("properties.v", text).map_err(StoreError::from)?;
                }
            }
            tables.configurations = next;
            tables.touched.configurations();
            Ok(())
        })
    }

    // ---- robots -----------------------------------------------------------------------

    /// A copy of the stored robot: 404 when there is none.
    pub fn robot(&self, id: i64) -> Result<RobotRecord, StoreError> {
        self.tables.read().robot(id).cloned()
    }

    /// A robot's full name on the wire and at login, with the current prefix (see
    /// [`wire_name`]).
    pub fn full_name(&self, record: &RobotRecord) -> String {
        let tables = self.tables.read();
        wire_name(tables.configurations.robot_name_prefix(), record).to_string()
    }

    /// The project id of robot `id` and its GET body (JSON and a newline), under one read lock
    /// and without copying the stored record.
    pub fn robot_json(&self, id: i64) -> Result<(i64, Vec<u8>), StoreError> {
        self.tables.read().robot_json(id)
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
        listing::list_robots(&self.list_cache, &tables, generation, query)
    }

    /// Creates a robot at `now_ms` with a generated secret, shown only in the answer. The id
    /// is used up even when the insert then fails, as in Harbor.
    pub fn create_robot(&self, new: NewRobot, now_ms: i64) -> Result<RobotCreated, StoreError> {
        let secret = self.with_rng(|rng| NewSecret {
            plain: secret::generate_secret(rng),
            salt: secret::generate_salt(rng),
        });
        self.write(|tables| tables.create_robot(new, secret, now_ms))
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
        let prefix = &self.prefix;
        let fresh = self.with_rng(|rng| Tables::from_fixtures(fixtures, prefix, rng, now_ms))?;
        self.replace(fresh);
        Ok(())
    }

    /// Replaces the whole state with the fixtures file `path` holds `text`; on error nothing
    /// changes. Like [`Store::from_source`], robots are parsed one at a time.
    pub fn load_source(&self, text: &str, path: &str, now_ms: i64) -> Result<(), FixturesError> {
        let prefix = &self.prefix;
        let (fresh, _) =
            self.with_rng(|rng| Tables::from_source(text, path, prefix, rng, now_ms))?;
        self.replace(fresh);
        Ok(())
    }

    /// Back to the state the store was built with, in O(1): its tables are shared, not
    /// rebuilt, so fixture robots keep their times and secrets.
    pub fn reset(&self) {
        self.replace(self.initial.fork());
    }

    /// A new store starting from this one's initial state, sharing its tables (O(1)), with
    /// its own generator of secrets (`seed`, else drawn from the OS) and no change hook.
    pub fn fork_initial(&self, seed: Option<u64>) -> Store {
        let options = StoreOptions {
            robot_prefix: self.prefix.clone(),
            seed,
        };
        let rng = options.rng();
        Store::around(self.initial.fork(), rng, options)
    }

    /// Replaces the state with the rows a state store holds; on error nothing changes.
    pub fn restore(&self, rows: Rows) -> Result<(), InvalidEntry> {
        let fresh = Tables::from_rows(rows, &self.prefix)?;
        self.replace(fresh);
        Ok(())
    }

    /// The whole state as rows (hashes only, never plaintext).
    pub fn rows(&self) -> Rows {
        self.tables.read().rows()
    }

    fn replace(&self, fresh: Tables) {
        // The copy for the state store is made before taking the lock, and the old state is
        // dropped after releasing it: at a million robots either takes a while.
        let whole = self.sink.read().is_some().then(|| fresh.rows());
        let replaced: Result<Tables, std::convert::Infallible> =
            self.write_then(|tables| Ok(std::mem::replace(tables, fresh)), whole);
        let Ok(old) = replaced;
        drop(old);
    }

    /// How many users, projects, memberships and robots the state holds (as a dump would
    /// list them), without building the dump.
    pub fn counts(&self) -> Counts {
        let tables = self.tables.read();
        Counts {
            users: tables.users.len(),
            projects: tables.projects.len(),
            members: tables.members.len(),
            robots: tables.robots.len(),
        }
    }

    /// The usernames of the system administrators, in id order.
    pub fn sysadmin_names(&self) -> Vec<String> {
        let tables = self.tables.read();
        let admins = tables.users.values().filter(|u| u.sysadmin);
        admins.map(|u| u.username.clone()).collect()
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

    fn project_is_public(&self, id: i64) -> Option<bool> {
        self.tables
            .read()
            .projects
            .get(&id)
            .map(ProjectRecord::is_public)
    }

    fn permissions(&self, policies: &[Policy]) -> Vec<Permission> {
        self.tables.read().permissions_of(policies)
    }
}

//! The state in and out of the fixtures format: building the tables from a fixtures file
//! (streamed, one robot at a time) or from parsed fixtures, dumping them, loading a state over
//! them, and going back to the fixtures the store started from.

use compact_str::CompactString;
use rand::rngs::StdRng;
use rustc_hash::FxHashSet;

use std::collections::BTreeMap;

use super::fixtures::{
    self, Fixtures, FixturesError, InvalidEntry, MemberFixture, ProjectFixture, Rest, RobotFixture,
    RoleSpec, Sink, UserFixture,
};
use super::projects::NewProject;
use super::records::RobotRecord;
use super::robots::expiry;
use super::tables::Tables;
use super::users::{NewUser, Password};
use crate::datetime::{format_millis, parse_rfc3339_millis};
use crate::harbor::configurations::{self, ConfigKind, ConfigValue, Configurations};
use crate::harbor::rbac::Role;
use crate::harbor::secret;

/// States with at least this many robots hand the memory freed while loading back to the
/// kernel (see [`release_later`]).
pub const LARGE_FIXTURES: usize = 10_000;

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

impl Tables {
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
        let id = f.id.unwrap_or(self.next.robot.max(1));
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
                .unwrap_or_else(|| expiry(creation_time, f.duration)),
            disabled: f.disable,
            visible: f.visible,
            creator_ref: f.creator_ref,
            creator_type: f.creator_type,
            creation_time,
            update_time,
            policies,
        })
    }

    /// Builds a state from the text of the fixtures file `path`, streamed; errors say where in
    /// it. Also returns the file's users.
    pub(super) fn from_source(
        text: &str,
        path: &str,
        prefix: &str,
        rng: &mut StdRng,
        now_ms: i64,
    ) -> Result<(Tables, Vec<UserFixture>), FixturesError> {
        let mut builder = Builder::new(prefix, rng, now_ms, 0);
        let rest = fixtures::stream(text, path, &mut builder)?;
        let tables = builder
            .finish(rest.rest)
            .map_err(|e| fixtures::locate(&e, text, path))?;
        Ok((tables, rest.users))
    }

    /// Builds a state from parsed fixtures, checking every entry.
    pub(super) fn from_fixtures(
        f: Fixtures,
        prefix: &str,
        rng: &mut StdRng,
        now_ms: i64,
    ) -> Result<Tables, InvalidEntry> {
        let mut f = f;
        let rest = f.rest();
        let mut builder = Builder::new(prefix, rng, now_ms, f.robots.len());
        builder.sections(&f.users, &f.projects, &f.members)?;
        for (index, robot) in f.robots.into_iter().enumerate() {
            builder.robot(index, Ok(robot))?;
        }
        builder.finish(rest)
    }

    /// The state in fixtures form.
    pub(super) fn to_fixtures(&self) -> Fixtures {
        let project_name = |id: i64| self.projects.get(&id).map(|p| p.name.clone());
        let user_name = |id: i64| self.users.get(&id).map(|u| u.username.clone());
        Fixtures {
            users: self
                .users
                .values()
                .map(|u| UserFixture {
                    id: Some(u.id),
                    username: u.username.clone(),
                    email: u.email.clone(),
                    realname: u.realname.clone(),
                    comment: u.comment.clone(),
                    password: None,
                    password_hash: Some(secret::to_hex(&u.password_hash)),
                    salt: Some(u.salt.clone()),
                    sysadmin: u.sysadmin,
                    creation_time: Some(format_millis(u.creation_time)),
                    update_time: Some(format_millis(u.update_time)),
                })
                .collect(),
            projects: self
                .projects
                .values()
                .map(|p| ProjectFixture {
                    id: Some(p.id),
                    name: p.name.clone(),
                    public: None,
                    metadata: p.metadata.clone(),
                    owner: None,
                    owner_id: Some(p.owner_id),
                    creation_time: Some(format_millis(p.creation_time)),
                    update_time: Some(format_millis(p.update_time)),
                })
                .collect(),
            members: self
                .members
                .values()
                .filter_map(|m| {
                    Some(MemberFixture {
                        id: Some(m.id),
                        project: project_name(m.project_id)?,
                        user: user_name(m.user_id)?,
                        role: match m.role() {
                            Some(role) => RoleSpec::Name(role.name().to_string()),
                            None => RoleSpec::Id(m.role_id),
                        },
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
            configurations: self
                .configurations
                .changed()
                .into_iter()
                .map(|(key, value)| (key, value.to_json()))
                .collect(),
            next_robot_id: Some(self.next.robot),
            next_project_id: Some(self.next.project),
            next_user_id: Some(self.next.user),
            next_member_id: Some(self.next.member),
        }
    }

    /// A user from fixtures.
    pub(super) fn user_from_fixture(
        &mut self,
        u: &UserFixture,
        fresh_salt: String,
        now_ms: i64,
    ) -> Result<i64, String> {
        if u.username.is_empty() {
            return Err("username must not be empty".into());
        }
        if self.user_names.contains_key(&u.username) {
            return Err(format!("duplicate username {:?}", u.username));
        }
        let password = match (&u.password, &u.password_hash, &u.salt) {
            (Some(password), None, salt) => Password::Plain {
                password: password.clone(),
                salt: salt.clone().unwrap_or(fresh_salt),
            },
            (None, Some(hash), Some(salt)) => Password::Hashed {
                hash: secret::from_hex(hash).ok_or("password_hash must be 64 hex digits")?,
                salt: salt.clone(),
            },
            _ => return Err("give either password, or password_hash and salt".into()),
        };
        let creation_time = timestamp("creation_time", u.creation_time.as_deref(), now_ms)?;
        let update_time = timestamp("update_time", u.update_time.as_deref(), creation_time)?;
        let id = self
            .create_user(NewUser {
                id: u.id,
                username: u.username.clone(),
                email: u.email.clone(),
                realname: u.realname.clone(),
                comment: u.comment.clone(),
                password,
                sysadmin: u.sysadmin,
                creation_time,
            })
            .map_err(|e| e.to_string())?;
        if let Some(user) = self.users.get_mut(&id) {
            user.update_time = update_time;
        }
        Ok(id)
    }

    /// A project from fixtures: private unless said otherwise, owned by the first sysadmin
    /// unless said otherwise.
    pub(super) fn project_from_fixture(
        &mut self,
        p: &ProjectFixture,
        now_ms: i64,
    ) -> Result<i64, String> {
        if p.name.is_empty() || p.name.contains(' ') || p.name.contains('+') {
            return Err(format!("invalid project name {:?}", p.name));
        }
        if self.project_names.contains_key(&p.name) {
            return Err(format!("duplicate project name {:?}", p.name));
        }
        let owner_id = match (&p.owner, p.owner_id) {
            (Some(_), Some(_)) => return Err("give owner or owner_id, not both".into()),
            (Some(name), None) => self
                .user_by_name(name)
                .map(|u| u.id)
                .ok_or_else(|| format!("unknown owner {name:?}"))?,
            (None, Some(id)) => id,
            (None, None) => self.first_sysadmin().unwrap_or(0),
        };
        let mut metadata = p.metadata.clone();
        if let Some(public) = p.public {
            metadata.insert("public".into(), public.to_string());
        }
        metadata
            .entry("public".into())
            .or_insert_with(|| "false".into());
        let creation_time = timestamp("creation_time", p.creation_time.as_deref(), now_ms)?;
        let update_time = timestamp("update_time", p.update_time.as_deref(), creation_time)?;
        self.create_project(NewProject {
            id: p.id,
            name: p.name.clone(),
            owner_id,
            metadata,
            storage_limit: -1,
            creation_time,
            update_time,
            owner_is_member: false,
        })
        .map_err(|e| e.to_string())
    }

    /// A membership from fixtures; a later entry for the same user and project changes its
    /// role.
    pub(super) fn member_from_fixture(&mut self, m: &MemberFixture) -> Result<i64, String> {
        let project = self
            .project_names
            .get(&m.project)
            .copied()
            .ok_or_else(|| format!("unknown project {:?}", m.project))?;
        let user = self
            .user_by_name(&m.user)
            .map(|u| u.id)
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
        match self.member_ids.get(&(project, user)).copied() {
            Some(id) => {
                self.set_member_role(project, id, role.id());
                Ok(id)
            }
            None => self
                .add_member(project, user, role.id(), m.id)
                .map_err(|e| e.to_string()),
        }
    }

    /// Applies the fixtures' configuration items over the current ones, checked as
    /// `PUT /configurations` checks them.
    pub(super) fn configure(
        &mut self,
        items: &BTreeMap<String, serde_json::Value>,
    ) -> Result<(), String> {
        let mut changes = BTreeMap::new();
        for (key, value) in items {
            let (item, kind) = configurations::items()
                .find(|(item, _)| item == key)
                .ok_or_else(|| format!("unknown configuration item {key:?}"))?;
            let value = match (kind, value) {
                (ConfigKind::Str, serde_json::Value::String(s)) => ConfigValue::Str(s.clone()),
                (ConfigKind::Bool, serde_json::Value::Bool(b)) => ConfigValue::Bool(*b),
                (ConfigKind::Int, v) => match v.as_i64() {
                    Some(i) => ConfigValue::Int(i),
                    None => return Err(format!("{key}: {v} is not an integer")),
                },
                _ => return Err(format!("{key}: {value} is not a {kind:?}")),
            };
            changes.insert(item, value);
        }
        self.configurations
            .update(changes, false)
            .map_err(|e| e.to_string())
    }
}

/// An RFC 3339 fixture time in Unix milliseconds, `default` when absent.
fn timestamp(field: &str, value: Option<&str>, default: i64) -> Result<i64, String> {
    match value {
        None => Ok(default),
        Some(text) => parse_rfc3339_millis(text)
            .ok_or_else(|| format!("{field} {text:?} is not an RFC 3339 timestamp")),
    }
}

/// A state being built from fixtures, section by section, robot by robot.
struct Builder<'r> {
    tables: Tables,
    rng: &'r mut StdRng,
    now_ms: i64,
    ids: FxHashSet<i64>,
    /// Collected, then made into the map in one go: inserting ids in order would leave every
    /// B-tree node about half full, nearly doubling the map's memory.
    robots: Vec<(i64, RobotRecord)>,
}

impl<'r> Builder<'r> {
    fn new(prefix: &str, rng: &'r mut StdRng, now_ms: i64, robots: usize) -> Builder<'r> {
        let mut tables = Tables {
            configurations: Configurations::with_prefix(prefix),
            ..Tables::default()
        };
        tables.robot_names.reserve(robots);
        Builder {
            tables,
            rng,
            now_ms,
            ids: FxHashSet::with_capacity_and_hasher(robots, Default::default()),
            robots: Vec::with_capacity(robots),
        }
    }

    /// The tables, with the configuration and sequences of `rest` applied.
    fn finish(mut self, rest: Rest) -> Result<Tables, InvalidEntry> {
        self.tables.robots = self.robots.into_iter().collect();
        let tables = &mut self.tables;
        tables
            .configure(&rest.configurations)
            .map_err(|m| bad("configurations", 0, m))?;
        let sequences = [
            ("next_robot_id", rest.next_robot_id, &mut tables.next.robot),
            (
                "next_project_id",
                rest.next_project_id,
                &mut tables.next.project,
            ),
            ("next_user_id", rest.next_user_id, &mut tables.next.user),
            (
                "next_member_id",
                rest.next_member_id,
                &mut tables.next.member,
            ),
        ];
        for (section, given, next) in sequences {
            if let Some(given) = given {
                if given < *next {
                    return Err(InvalidEntry {
                        section,
                        index: 0,
                        message: format!("{given} is not above every id"),
                    });
                }
                *next = given;
            }
        }
        let mut tables = self.tables;
        tables.freeze();
        Ok(tables)
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
        // Users first: projects name their owner.
        for (i, u) in users.iter().enumerate() {
            let salt = secret::generate_salt(self.rng);
            self.tables
                .user_from_fixture(u, salt, self.now_ms)
                .map_err(|m| bad("users", i, m))?;
        }
        for (i, p) in projects.iter().enumerate() {
            self.tables
                .project_from_fixture(p, self.now_ms)
                .map_err(|m| bad("projects", i, m))?;
        }
        for (i, m) in members.iter().enumerate() {
            self.tables
                .member_from_fixture(m)
                .map_err(|e| bad("members", i, e))?;
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
        let tables = &mut self.tables;
        let record = robot
            .and_then(|r| tables.robot_from_fixture(r, &self.ids, self.rng, self.now_ms))
            .map_err(|m| bad("robots", index, m))?;
        tables.next.robot = tables.next.robot.max(record.id + 1);
        self.ids.insert(record.id);
        tables.robot_names.insert(record.name.clone(), record.id);
        self.robots.push((record.id, record));
        Ok(())
    }
}

#[cfg(test)]
mod tests;

//! The state in and out of the fixtures format: building the tables from a fixtures file
//! (streamed, one robot at a time) or from parsed fixtures, dumping them, loading a state over
//! them, and going back to the fixtures the store started from.

use compact_str::CompactString;
use rand::rngs::StdRng;
use rustc_hash::FxHashSet;
use std::sync::Arc;

use super::fixtures::{
    self, Fixtures, FixturesError, InvalidEntry, MemberFixture, ProjectFixture, RobotFixture,
    RoleSpec, Sink, UserFixture,
};
use super::records::RobotRecord;
use super::robots::expiry;
use super::tables::Tables;
use crate::datetime::{format_millis, parse_rfc3339_millis};
use crate::harbor::secret;

/// States with at least this many robots hand the memory freed while loading back to the
/// kernel (see [`release_later`]).
pub const LARGE_FIXTURES: usize = 10_000;

/// What [`Store::reset`] returns to: the fixtures as given, or the JSON text they were parsed
/// from, which for a large file takes a third of the memory of the parsed form and is only
/// read again on a reset or a new session.
pub(super) enum Initial {
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

impl Initial {
    /// The fixtures themselves.
    pub(super) fn fixtures(&self) -> Fixtures {
        match self {
            Initial::Parsed(fixtures) => fixtures.clone(),
            Initial::Source(text) => {
                serde_json::from_str(text).expect("the text the initial fixtures came from")
            }
        }
    }

    /// Builds the tables again from the fixtures, robots without times created at `now_ms`.
    pub(super) fn build(&self, rng: &mut StdRng, now_ms: i64) -> Result<Tables, InvalidEntry> {
        match self {
            Initial::Parsed(fixtures) => Tables::from_fixtures(fixtures.clone(), rng, now_ms),
            // The text was valid when the store was built from it; it has not changed.
            Initial::Source(text) => Tables::from_source(text, "fixtures", rng, now_ms)
                .map(|(tables, _)| tables)
                .map_err(|e| InvalidEntry {
                    section: "fixtures",
                    index: 0,
                    message: e.to_string(),
                }),
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
        rng: &mut StdRng,
        now_ms: i64,
    ) -> Result<(Tables, Vec<UserFixture>), FixturesError> {
        let mut builder = Builder::new(rng, now_ms, 0);
        let rest = fixtures::stream(text, path, &mut builder)?;
        let tables = builder
            .finish(rest.next_robot_id)
            .map_err(|e| fixtures::locate(&e, text, path))?;
        Ok((tables, rest.users))
    }

    /// Builds a state from parsed fixtures, checking every entry.
    pub(super) fn from_fixtures(
        f: Fixtures,
        rng: &mut StdRng,
        now_ms: i64,
    ) -> Result<Tables, InvalidEntry> {
        let mut builder = Builder::new(rng, now_ms, f.robots.len());
        builder.sections(&f.users, &f.projects, &f.members)?;
        for (index, robot) in f.robots.into_iter().enumerate() {
            builder.robot(index, Ok(robot))?;
        }
        builder.finish(f.next_robot_id)
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
    tables: Tables,
    rng: &'r mut StdRng,
    now_ms: i64,
    ids: FxHashSet<i64>,
    /// Collected, then made into the map in one go: inserting ids in order would leave every
    /// B-tree node about half full, nearly doubling the map's memory.
    robots: Vec<(i64, RobotRecord)>,
}

impl<'r> Builder<'r> {
    fn new(rng: &'r mut StdRng, now_ms: i64, robots: usize) -> Builder<'r> {
        let mut tables = Tables {
            next_robot_id: 1,
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

    fn finish(mut self, next_robot_id: Option<i64>) -> Result<Tables, InvalidEntry> {
        self.tables.robots = self.robots.into_iter().collect();
        if let Some(next) = next_robot_id {
            if next < self.tables.next_robot_id {
                return Err(InvalidEntry {
                    section: "next_robot_id",
                    index: 0,
                    message: format!("{next} is not above every robot id"),
                });
            }
            self.tables.next_robot_id = next;
        }
        Ok(self.tables)
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
            self.tables
                .add_project(p)
                .map_err(|m| bad("projects", i, m))?;
        }
        for (i, u) in users.iter().enumerate() {
            let salt = secret::generate_salt(self.rng);
            self.tables
                .add_user(u, salt)
                .map_err(|m| bad("users", i, m))?;
        }
        for (i, m) in members.iter().enumerate() {
            self.tables
                .add_member(m)
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
        tables.next_robot_id = tables.next_robot_id.max(record.id + 1);
        self.ids.insert(record.id);
        tables.robot_names.insert(record.name.clone(), record.id);
        self.robots.push((record.id, record));
        Ok(())
    }
}

#[cfg(test)]
mod tests;

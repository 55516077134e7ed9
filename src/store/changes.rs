//! What a write changed, as rows: the change events a state store persists, the whole state as
//! rows (what a store loads at start and writes after a reset), and the sink that receives them.
//!
//! The operations on the tables mark the keys they touch ([`Touched`]); when the write ends,
//! [`Tables::take_changes`] turns each key into the row's final value or its deletion. A write
//! therefore costs the persistence layer the rows it changed, whatever the size of the state,
//! and that layer never sees the in-memory containers (maps, indexes), only records.

use std::collections::BTreeMap;

use super::durability::Ticket;
use super::fixtures::InvalidEntry;
use super::records::{MemberRecord, ProjectRecord, RobotRecord, UserRecord};
use super::tables::{Sequences, Tables};
use crate::harbor::configurations::Configurations;

/// One changed row (or set of rows), with its value after the write.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A robot inserted or changed: the whole row, with its permissions.
    Robot(RobotRecord),
    /// A robot deleted, with its permissions.
    RobotDeleted(i64),
    /// A user inserted or changed.
    User(UserRecord),
    /// A user deleted.
    UserDeleted(i64),
    /// A project inserted or changed, with its metadata, allowlist and quota.
    Project(ProjectRecord),
    /// A project deleted, with its metadata, allowlist and quota.
    ProjectDeleted(i64),
    /// A membership inserted or changed.
    Member(MemberRecord),
    /// A membership deleted.
    MemberDeleted(i64),
    /// The configuration items that now differ from Harbor's defaults (the whole set: it
    /// replaces the previous one), as the fixtures' `configurations` holds them.
    Configurations(BTreeMap<String, serde_json::Value>),
    /// The next value of each sequence.
    Sequences(Sequences),
    /// The whole state replaced (reset, `PUT /_mock/state`).
    Replaced(Box<Rows>),
}

/// The whole state as rows, each table in id order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// `harbor_user`.
    pub users: Vec<UserRecord>,
    /// `project` with its metadata, allowlist and quota.
    pub projects: Vec<ProjectRecord>,
    /// `project_member`.
    pub members: Vec<MemberRecord>,
    /// `robot` with its permissions.
    pub robots: Vec<RobotRecord>,
    /// `properties`: the configuration items that differ from Harbor's defaults.
    pub configurations: BTreeMap<String, serde_json::Value>,
    /// The next value of each sequence.
    pub sequences: Sequences,
}

/// Receives every change of a store, in the order the changes were made.
pub trait ChangeSink: Send + Sync {
    /// Takes the changes of one write. Called under the store's write lock, so calls come in
    /// change order; must not wait for I/O. The ticket tells when the changes are durable.
    fn submit(&self, changes: Vec<Change>) -> Ticket;
}

/// The keys the write in progress touched, table by table.
#[derive(Clone, Debug, Default)]
pub(super) struct Touched {
    robots: Vec<i64>,
    users: Vec<i64>,
    projects: Vec<i64>,
    members: Vec<i64>,
    configurations: bool,
}

impl Touched {
    /// Robot `id` was inserted, changed or deleted.
    pub(super) fn robot(&mut self, id: i64) {
        self.robots.push(id);
    }

    /// User `id` was inserted, changed or deleted.
    pub(super) fn user(&mut self, id: i64) {
        self.users.push(id);
    }

    /// Project `id` was inserted, changed or deleted.
    pub(super) fn project(&mut self, id: i64) {
        self.projects.push(id);
    }

    /// Member `id` was inserted, changed or deleted.
    pub(super) fn member(&mut self, id: i64) {
        self.members.push(id);
    }

    /// The configuration changed.
    pub(super) fn configurations(&mut self) {
        self.configurations = true;
    }

    /// Forgets every mark (keeping the memory: the store clears them before every write).
    pub(super) fn clear(&mut self) {
        self.robots.clear();
        self.users.clear();
        self.projects.clear();
        self.members.clear();
        self.configurations = false;
    }
}

impl Tables {
    /// The rows the marks name, with their values now (a key no longer present is a deletion),
    /// and the sequences when they moved from `before`; clears the marks.
    pub(super) fn take_changes(&mut self, before: Sequences) -> Vec<Change> {
        let touched = std::mem::take(&mut self.touched);
        let mut changes = Vec::new();
        for id in unique(touched.users) {
            changes.push(match self.users.get(&id) {
                Some(user) => Change::User(user.clone()),
                None => Change::UserDeleted(id),
            });
        }
        for id in unique(touched.projects) {
            changes.push(match self.projects.get(&id) {
                Some(project) => Change::Project(project.clone()),
                None => Change::ProjectDeleted(id),
            });
        }
        for id in unique(touched.members) {
            changes.push(match self.members.get(&id) {
                Some(member) => Change::Member(*member),
                None => Change::MemberDeleted(id),
            });
        }
        for id in unique(touched.robots) {
            changes.push(match self.robots.get(&id) {
                Some(robot) => Change::Robot(robot.clone()),
                None => Change::RobotDeleted(id),
            });
        }
        if touched.configurations {
            changes.push(Change::Configurations(changed_items(&self.configurations)));
        }
        if self.next != before {
            changes.push(Change::Sequences(self.next));
        }
        changes
    }

    /// Every row, copied.
    pub(super) fn rows(&self) -> Rows {
        Rows {
            users: self.users.values().cloned().collect(),
            projects: self.projects.values().cloned().collect(),
            members: self.members.values().copied().collect(),
            robots: self.robots.values().cloned().collect(),
            configurations: changed_items(&self.configurations),
            sequences: self.next,
        }
    }

    /// The tables holding `rows`, robot names under `prefix` unless the rows configure
    /// another. Names must be unique, as the store keeps them.
    pub(super) fn from_rows(rows: Rows, prefix: &str) -> Result<Tables, InvalidEntry> {
        let duplicate = |section: &'static str, index: usize, what: &str| InvalidEntry {
            section,
            index,
            message: format!("duplicate {what}"),
        };
        let mut tables = Tables {
            configurations: Configurations::with_prefix(prefix),
            next: rows.sequences,
            ..Tables::default()
        };
        tables
            .configure(&rows.configurations)
            .map_err(|message| InvalidEntry {
                section: "configurations",
                index: 0,
                message,
            })?;
        for (i, user) in rows.users.into_iter().enumerate() {
            if tables.user_names.contains_key(&user.username) {
                return Err(duplicate("users", i, &user.username));
            }
            tables.user_names.insert(user.username.clone(), user.id);
            if !user.email.is_empty() {
                tables.user_emails.insert(user.email.clone(), user.id);
            }
            tables.users.insert(user.id, user);
        }
        for (i, project) in rows.projects.into_iter().enumerate() {
            if tables.project_names.contains_key(&project.name) {
                return Err(duplicate("projects", i, &project.name));
            }
            tables
                .project_names
                .insert(project.name.clone(), project.id);
            tables.projects.insert(project.id, project);
        }
        for member in rows.members {
            tables
                .member_ids
                .insert((member.project_id, member.user_id), member.id);
            tables.members.insert(member.id, member);
        }
        tables.robot_names.reserve(rows.robots.len());
        for (i, robot) in rows.robots.iter().enumerate() {
            if tables.robot_names.contains_key(robot.name.as_str()) {
                return Err(duplicate("robots", i, &robot.name));
            }
            tables.robot_names.insert(robot.name.clone(), robot.id);
        }
        // Built in one go from the rows in id order: inserting them one by one would leave
        // every B-tree node about half full.
        tables.robots = rows.robots.into_iter().map(|r| (r.id, r)).collect();
        tables.freeze();
        Ok(tables)
    }
}

/// The configuration items that differ from Harbor's defaults, as JSON values.
fn changed_items(configurations: &Configurations) -> BTreeMap<String, serde_json::Value> {
    configurations
        .changed()
        .into_iter()
        .map(|(key, value)| (key, value.to_json()))
        .collect()
}

fn unique(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests;

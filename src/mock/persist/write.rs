//! Changes into rows: the statements each [`Change`] runs, inside the caller's transaction.
//! A change costs its own rows: a robot is one `robot` row and one `role_permission` row per
//! access, a project its row, metadata, allowlist and quota.

use rusqlite::{Connection, Transaction, params};
use std::collections::HashMap;

use crate::datetime::format_millis;
use crate::harbor::configurations::{self, ConfigKind};
use crate::harbor::rbac::Scope;
use crate::harbor::secret;
use crate::store::{Change, MemberRecord, ProjectRecord, RobotRecord, Rows, Sequences, UserRecord};
use crate::wire::Access;

/// Harbor's `role_type` of a robot's permissions.
pub const ROBOT_ROLE: &str = "robotaccount";

/// Writes changes into a state store; keeps the `permission_policy` ids (shared by every
/// robot with the same grant, never deleted) and the next `role_permission` id.
pub struct Writer {
    /// By [`policy_key`].
    policies: HashMap<String, i64>,
    /// A [`policy_key`] being built, kept to reuse its memory.
    key: String,
    next_policy: i64,
    next_grant: i64,
    /// The sequences as last written: a write updates only those that moved.
    sequences: Option<Sequences>,
}

impl Writer {
    /// A writer for the store `conn` holds.
    pub fn new(conn: &Connection) -> rusqlite::Result<Writer> {
        let mut policies = HashMap::new();
        let mut stmt =
            conn.prepare("SELECT id, scope, resource, action, effect FROM permission_policy")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let (scope, resource, action, effect): (String, String, String, String) =
                (row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?);
            let mut key = String::new();
            policy_key(&mut key, &scope, &resource, &action, &effect);
            policies.insert(key, row.get(0)?);
        }
        let next_policy = policies.values().max().map_or(1, |id| id + 1);
        let next_grant: i64 = conn.query_row(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM role_permission",
            [],
            |r| r.get(0),
        )?;
        Ok(Writer {
            policies,
            key: String::new(),
            next_policy,
            next_grant,
            sequences: None,
        })
    }

    /// Runs the statements of `change`.
    pub fn apply(&mut self, tx: &Transaction<'_>, change: &Change) -> rusqlite::Result<()> {
        match change {
            Change::Robot(robot) => self.robot(tx, robot, true),
            Change::RobotDeleted(id) => delete_robot(tx, *id),
            Change::User(user) => self::user(tx, user),
            Change::UserDeleted(id) => tx
                .prepare_cached("DELETE FROM harbor_user WHERE user_id = ?1")?
                .execute([id])
                .map(drop),
            Change::Project(project) => self::project(tx, project, true),
            Change::ProjectDeleted(id) => delete_project(tx, *id),
            Change::Member(member) => self::member(tx, member),
            Change::MemberDeleted(id) => tx
                .prepare_cached("DELETE FROM project_member WHERE id = ?1")?
                .execute([id])
                .map(drop),
            Change::Configurations(items) => properties(tx, items),
            Change::Sequences(next) => self.sequences(tx, next),
            Change::Replaced(rows) => self.replace(tx, rows),
        }
    }

    /// Replaces every row with `rows` (the policies stay: they are shared and few).
    pub fn replace(&mut self, tx: &Transaction<'_>, rows: &Rows) -> rusqlite::Result<()> {
        tx.execute_batch(
            "DELETE FROM harbor_user; DELETE FROM project; DELETE FROM project_metadata;
             DELETE FROM cve_allowlist; DELETE FROM quota; DELETE FROM project_member;
             DELETE FROM robot; DELETE FROM role_permission; DELETE FROM properties;",
        )?;
        for user in &rows.users {
            self::user(tx, user)?;
        }
        for project in &rows.projects {
            self::project(tx, project, false)?;
        }
        for member in &rows.members {
            self::member(tx, member)?;
        }
        for robot in &rows.robots {
            self.robot(tx, robot, false)?;
        }
        properties(tx, &rows.configurations)?;
        self.sequences(tx, &rows.sequences)
    }

    /// Writes the sequences that moved since the last write.
    fn sequences(&mut self, tx: &Transaction<'_>, next: &Sequences) -> rusqlite::Result<()> {
        let (mut next, mut last) = (*next, self.sequences);
        for (name, field) in SEQUENCES {
            let value = *field(&mut next);
            if last.as_mut().is_some_and(|last| *field(last) == value) {
                continue;
            }
            tx.prepare_cached(
                "INSERT OR REPLACE INTO sequences (name, next_value) VALUES (?1, ?2)",
            )?
            .execute(params![name, value])?;
        }
        self.sequences = Some(next);
        Ok(())
    }

    /// Writes a robot row and its permissions; `replace`: drop the permissions it had.
    fn robot(
        &mut self,
        tx: &Transaction<'_>,
        robot: &RobotRecord,
        replace: bool,
    ) -> rusqlite::Result<()> {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO robot (id, name, description, secret, salt, duration,
             project_id, expiresat, disabled, visible, creator_ref, creator_type, creation_time,
             update_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            robot.id,
            robot.name.as_str(),
            robot.description.as_str(),
            robot.secret_hash.as_ref().map(secret::to_hex),
            robot.salt.as_str(),
            robot.duration,
            robot.project_id,
            robot.expires_at,
            robot.disabled,
            robot.visible,
            robot.creator_ref,
            robot.creator_type.as_str(),
            format_millis(robot.creation_time),
            format_millis(robot.update_time),
        ])?;
        if replace {
            delete_grants(tx, robot.id)?;
        }
        for policy in &robot.policies {
            let scope = scope_text(policy.scope);
            for access in &policy.access {
                let policy_id = self.policy_id(tx, &scope, access)?;
                tx.prepare_cached(
                    "INSERT INTO role_permission (role_type, role_id, id, permission_policy_id)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![
                    ROBOT_ROLE,
                    robot.id,
                    self.next_grant,
                    policy_id
                ])?;
                self.next_grant += 1;
            }
        }
        Ok(())
    }

    /// The id of the `permission_policy` row for `access` in `scope`, inserted when new.
    fn policy_id(
        &mut self,
        tx: &Transaction<'_>,
        scope: &str,
        access: &Access,
    ) -> rusqlite::Result<i64> {
        let (resource, action, effect) = (&access.resource, &access.action, &access.effect);
        policy_key(&mut self.key, scope, resource, action, effect);
        if let Some(id) = self.policies.get(&self.key) {
            return Ok(*id);
        }
        let id = self.next_policy;
        tx.prepare_cached(
            "INSERT INTO permission_policy (id, scope, resource, action, effect)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            id,
            scope,
            resource.as_str(),
            action.as_str(),
            effect.as_str()
        ])?;
        self.next_policy += 1;
        self.policies.insert(self.key.clone(), id);
        Ok(id)
    }
}

/// A `permission_policy` row's unique key, `(scope, resource, action, effect)`, as one text
/// (the parts cannot hold a newline) written into `key`.
fn policy_key(key: &mut String, scope: &str, resource: &str, action: &str, effect: &str) {
    key.clear();
    for part in [scope, resource, action, effect] {
        key.push_str(part);
        key.push('\n');
    }
}

/// Harbor's text of a scope: `/system`, `/project/*`, `/project/<id>`.
pub fn scope_text(scope: Scope) -> String {
    match scope {
        Scope::System => "/system".into(),
        Scope::AllProjects => "/project/*".into(),
        Scope::Project(id) => format!("/project/{id}"),
    }
}

fn delete_grants(tx: &Transaction<'_>, robot: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM role_permission WHERE role_id = ?1")?
        .execute([robot])
        .map(drop)
}

fn delete_robot(tx: &Transaction<'_>, id: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM robot WHERE id = ?1")?
        .execute([id])?;
    delete_grants(tx, id)
}

fn user(tx: &Transaction<'_>, user: &UserRecord) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO harbor_user (user_id, username, email, password, realname,
         comment, salt, sysadmin_flag, creation_time, update_time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        user.id,
        user.username,
        user.email,
        secret::to_hex(&user.password_hash),
        user.realname,
        user.comment,
        user.salt,
        user.sysadmin,
        format_millis(user.creation_time),
        format_millis(user.update_time),
    ])
    .map(drop)
}

/// Writes a project with its metadata, allowlist and quota; `replace`: drop the metadata it
/// had.
fn project(tx: &Transaction<'_>, project: &ProjectRecord, replace: bool) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO project (project_id, owner_id, name, creation_time, update_time,
         registry_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        project.id,
        project.owner_id,
        project.name,
        format_millis(project.creation_time),
        format_millis(project.update_time),
        project.registry_id,
    ])?;
    if replace {
        tx.prepare_cached("DELETE FROM project_metadata WHERE project_id = ?1")?
            .execute([project.id])?;
    }
    for (name, value) in &project.metadata {
        tx.prepare_cached(
            "INSERT INTO project_metadata (project_id, name, value) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![project.id, name, value])?;
    }
    let allowlist = &project.cve_allowlist;
    let items: Vec<serde_json::Value> = allowlist
        .items
        .iter()
        .map(|cve| serde_json::json!({ "cve_id": cve }))
        .collect();
    tx.prepare_cached(
        "INSERT OR REPLACE INTO cve_allowlist (id, project_id, expires_at, items)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        allowlist.id,
        project.id,
        allowlist.expires_at,
        serde_json::Value::Array(items).to_string(),
    ])?;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO quota (reference, reference_id, hard) VALUES ('project', ?1, ?2)",
    )?
    .execute(params![
        project.id.to_string(),
        serde_json::json!({ "storage": project.storage_limit }).to_string(),
    ])
    .map(drop)
}

fn delete_project(tx: &Transaction<'_>, id: i64) -> rusqlite::Result<()> {
    for sql in [
        "DELETE FROM project WHERE project_id = ?1",
        "DELETE FROM project_metadata WHERE project_id = ?1",
        "DELETE FROM cve_allowlist WHERE project_id = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([id])?;
    }
    tx.prepare_cached("DELETE FROM quota WHERE reference = 'project' AND reference_id = ?1")?
        .execute([id.to_string()])
        .map(drop)
}

fn member(tx: &Transaction<'_>, member: &MemberRecord) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO project_member (id, project_id, entity_id, entity_type, role)
         VALUES (?1, ?2, ?3, 'u', ?4)",
    )?
    .execute(params![
        member.id,
        member.project_id,
        member.user_id,
        member.role_id
    ])
    .map(drop)
}

/// Replaces the `properties` rows: one per item that differs from Harbor's default, its value
/// as Harbor stores it (`true`, `10`, text).
fn properties(
    tx: &Transaction<'_>,
    items: &std::collections::BTreeMap<String, serde_json::Value>,
) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM properties", [])?;
    for (key, value) in items {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        tx.prepare_cached("INSERT INTO properties (k, v) VALUES (?1, ?2)")?
            .execute(params![key, text])?;
    }
    Ok(())
}

/// A `properties` value back as the JSON value the fixtures would hold, by the item's type.
pub fn property_value(key: &str, text: &str) -> Result<serde_json::Value, String> {
    let kind = configurations::items()
        .find(|(item, _)| *item == key)
        .map(|(_, kind)| kind)
        .unwrap_or(ConfigKind::Str);
    let bad = || format!("properties: {key} = {text:?} is not a {kind:?}");
    Ok(match kind {
        ConfigKind::Str => serde_json::Value::String(text.to_string()),
        ConfigKind::Bool => serde_json::Value::Bool(text.parse().map_err(|_| bad())?),
        ConfigKind::Int => serde_json::Value::from(text.parse::<i64>().map_err(|_| bad())?),
    })
}

/// A sequence's field in [`Sequences`].
type SequenceField = fn(&mut Sequences) -> &mut i64;

/// The names of Harbor's sequences, with the field each is.
pub const SEQUENCES: [(&str, SequenceField); 5] = [
    ("robot_id_seq", |s| &mut s.robot),
    ("project_project_id_seq", |s| &mut s.project),
    ("harbor_user_user_id_seq", |s| &mut s.user),
    ("project_member_id_seq", |s| &mut s.member),
    ("cve_allowlist_id_seq", |s| &mut s.allowlist),
];

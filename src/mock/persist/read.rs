//! A state store's rows back into records, each table in one pass in id order; the robots'
//! permissions, in the order they were given, are read alongside and joined to them.

use compact_str::CompactString;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::write::{ROBOT_ROLE, SEQUENCES, property_value};
use crate::datetime::parse_rfc3339_millis;
use crate::harbor::rbac::{Policy, Scope};
use crate::harbor::secret;
use crate::store::{
    CveAllowlist, MemberRecord, ProjectRecord, RobotRecord, Rows, Sequences, UserRecord,
};
use crate::wire::Access;

/// Why the rows cannot be read: SQLite's error, or a value no version of the mock writes.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// SQLite failed.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// A value is not what its column holds, e.g. `robot 7: creation_time "x" is not an RFC
    /// 3339 time`.
    #[error("{0}")]
    Value(String),
}

type Result<T> = std::result::Result<T, ReadError>;

/// Every row of the store at `path`, which `conn` has open. The robots' permissions are read
/// on a second thread, over a second connection, while this one reads the robots.
pub fn rows(conn: &Connection, path: &Path) -> Result<Rows> {
    std::thread::scope(|scope| {
        let grants = std::thread::Builder::new()
            .name("read-grants".into())
            .spawn_scoped(scope, || grants(&reader(path)?))
            .map_err(|e| ReadError::Value(format!("cannot start a reader: {e}")))?;
        let mut robots = robots(conn)?;
        let rows = Rows {
            users: users(conn)?,
            projects: projects(conn)?,
            members: members(conn)?,
            robots: Vec::new(),
            configurations: configurations(conn)?,
            sequences: sequences(conn)?,
        };
        let grants = grants
            .join()
            .map_err(|_| ReadError::Value("the reader of role_permission failed".into()))??;
        join_grants(&mut robots, grants);
        Ok(Rows { robots, ..rows })
    })
}

/// A connection for reading a whole store: the file mapped, not copied page by page.
pub fn reader(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    map_whole_file(&conn)?;
    Ok(conn)
}

/// Reads through a memory map of the file (up to 64 GiB) rather than a page cache.
pub fn map_whole_file(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA mmap_size = 68719476736", [], |_| Ok(()))?;
    Ok(())
}

/// A text column (a `NULL` reads as empty).
fn text<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str> {
    match row.get_ref(i)? {
        ValueRef::Null => Ok(""),
        value => Ok(value.as_str().map_err(rusqlite::Error::from)?),
    }
}

fn time(table: &str, id: i64, column: &str, value: &str) -> Result<i64> {
    parse_rfc3339_millis(value).ok_or_else(|| {
        ReadError::Value(format!(
            "{table} {id}: {column} {value:?} is not an RFC 3339 time"
        ))
    })
}

fn digest(table: &str, id: i64, column: &str, value: &str) -> Result<[u8; 32]> {
    secret::from_hex(value)
        .ok_or_else(|| ReadError::Value(format!("{table} {id}: {column} is not 64 hex digits")))
}

fn users(conn: &Connection) -> Result<Vec<UserRecord>> {
    let mut stmt = conn.prepare(
        "SELECT user_id, username, email, password, realname, comment, salt, sysadmin_flag,
         creation_time, update_time FROM harbor_user ORDER BY user_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut users = Vec::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        users.push(UserRecord {
            id,
            username: text(row, 1)?.to_string(),
            email: text(row, 2)?.to_string(),
            password_hash: digest("harbor_user", id, "password", text(row, 3)?)?,
            realname: text(row, 4)?.to_string(),
            comment: text(row, 5)?.to_string(),
            salt: text(row, 6)?.to_string(),
            sysadmin: row.get(7)?,
            creation_time: time("harbor_user", id, "creation_time", text(row, 8)?)?,
            update_time: time("harbor_user", id, "update_time", text(row, 9)?)?,
        });
    }
    Ok(users)
}

fn projects(conn: &Connection) -> Result<Vec<ProjectRecord>> {
    let mut metadata: HashMap<i64, BTreeMap<String, String>> = HashMap::new();
    let mut stmt = conn.prepare("SELECT project_id, name, value FROM project_metadata")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        metadata
            .entry(row.get(0)?)
            .or_default()
            .insert(text(row, 1)?.to_string(), text(row, 2)?.to_string());
    }
    let mut allowlists: HashMap<i64, CveAllowlist> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, project_id, expires_at, items FROM cve_allowlist")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let items: Vec<serde_json::Value> = serde_json::from_str(text(row, 3)?)
            .map_err(|e| ReadError::Value(format!("cve_allowlist {id}: items: {e}")))?;
        let items = items
            .iter()
            .filter_map(|item| item["cve_id"].as_str().map(str::to_string))
            .collect();
        allowlists.insert(
            row.get(1)?,
            CveAllowlist {
                id,
                items,
                expires_at: row.get(2)?,
            },
        );
    }
    let mut quotas: HashMap<String, i64> = HashMap::new();
    let mut stmt =
        conn.prepare("SELECT reference_id, hard FROM quota WHERE reference = 'project'")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let project = text(row, 0)?.to_string();
        let hard: serde_json::Value = serde_json::from_str(text(row, 1)?)
            .map_err(|e| ReadError::Value(format!("quota {project}: hard: {e}")))?;
        quotas.insert(project, hard["storage"].as_i64().unwrap_or(-1));
    }
    let mut stmt = conn.prepare(
        "SELECT project_id, owner_id, name, creation_time, update_time, registry_id FROM project
         ORDER BY project_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut projects = Vec::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        projects.push(ProjectRecord {
            id,
            owner_id: row.get(1)?,
            name: text(row, 2)?.to_string(),
            creation_time: time("project", id, "creation_time", text(row, 3)?)?,
            update_time: time("project", id, "update_time", text(row, 4)?)?,
            registry_id: row.get(5)?,
            metadata: metadata.remove(&id).unwrap_or_default(),
            cve_allowlist: allowlists.remove(&id).unwrap_or_default(),
            storage_limit: quotas.get(&id.to_string()).copied().unwrap_or(-1),
        });
    }
    Ok(projects)
}

fn members(conn: &Connection) -> Result<Vec<MemberRecord>> {
    let mut stmt = conn.prepare(
        "SELECT id, project_id, entity_id, role FROM project_member WHERE entity_type = 'u'
         ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut members = Vec::new();
    while let Some(row) = rows.next()? {
        members.push(MemberRecord {
            id: row.get(0)?,
            project_id: row.get(1)?,
            user_id: row.get(2)?,
            role_id: row.get(3)?,
        });
    }
    Ok(members)
}

/// Harbor's scope text back: `/system`, `/project/*`, `/project/<id>`.
fn scope(text: &str) -> Option<Scope> {
    match text {
        "/system" => Some(Scope::System),
        "/project/*" => Some(Scope::AllProjects),
        _ => text
            .strip_prefix("/project/")?
            .parse()
            .ok()
            .map(Scope::Project),
    }
}

fn robots(conn: &Connection) -> Result<Vec<RobotRecord>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, description, secret, salt, duration, project_id, expiresat, disabled,
         visible, creator_ref, creator_type, creation_time, update_time FROM robot ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut robots = Vec::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let secret_hash = match text(row, 3)? {
            "" => None,
            hex => Some(digest("robot", id, "secret", hex)?),
        };
        robots.push(RobotRecord {
            id,
            name: CompactString::from(text(row, 1)?),
            description: CompactString::from(text(row, 2)?),
            secret_hash,
            salt: CompactString::from(text(row, 4)?),
            duration: row.get(5)?,
            project_id: row.get(6)?,
            expires_at: row.get(7)?,
            disabled: row.get(8)?,
            visible: row.get(9)?,
            creator_ref: row.get(10)?,
            creator_type: CompactString::from(text(row, 11)?),
            creation_time: time("robot", id, "creation_time", text(row, 12)?)?,
            update_time: time("robot", id, "update_time", text(row, 13)?)?,
            policies: Vec::new(),
        });
    }
    Ok(robots)
}

/// Each robot's permissions, by robot id in order: `role_permission` in `(role_id, id)`
/// order, joined to `permission_policy`.
fn grants(conn: &Connection) -> Result<Vec<(i64, Vec<Policy>)>> {
    let mut policies: HashMap<i64, (Scope, Access)> = HashMap::new();
    let mut stmt =
        conn.prepare("SELECT id, scope, resource, action, effect FROM permission_policy")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let scope = scope(text(row, 1)?).ok_or_else(|| {
            ReadError::Value(format!(
                "permission_policy {id}: unknown scope {:?}",
                text(row, 1)
            ))
        })?;
        let access = Access {
            resource: text(row, 2)?.into(),
            action: text(row, 3)?.into(),
            effect: text(row, 4)?.into(),
        };
        policies.insert(id, (scope, access));
    }
    let mut stmt = conn.prepare(
        "SELECT role_id, permission_policy_id FROM role_permission WHERE role_type = ?1
         ORDER BY role_id, id",
    )?;
    let mut rows = stmt.query([ROBOT_ROLE])?;
    let mut grants: Vec<(i64, Vec<Policy>)> = Vec::new();
    while let Some(row) = rows.next()? {
        let (robot_id, policy_id): (i64, i64) = (row.get(0)?, row.get(1)?);
        let (scope, access) = policies.get(&policy_id).ok_or_else(|| {
            ReadError::Value(format!(
                "role_permission of robot {robot_id}: no permission_policy {policy_id}"
            ))
        })?;
        if grants.last().is_none_or(|(id, _)| *id != robot_id) {
            grants.push((robot_id, Vec::with_capacity(1)));
        }
        let (_, robot) = grants.last_mut().expect("just pushed");
        match robot.iter_mut().find(|p| p.scope == *scope) {
            Some(policy) => policy.access.push(access.clone()),
            None => robot.push(Policy {
                scope: *scope,
                access: vec![access.clone()],
            }),
        }
    }
    // Sized exactly, as the store sizes them: a million robots make every spare slot count.
    for (_, policies) in &mut grants {
        for policy in policies.iter_mut() {
            policy.access.shrink_to_fit();
        }
        policies.shrink_to_fit();
    }
    Ok(grants)
}

/// Gives each robot its permissions; both are in robot id order. Grants of a robot that is
/// gone are dropped.
fn join_grants(robots: &mut [RobotRecord], grants: Vec<(i64, Vec<Policy>)>) {
    let mut next = 0;
    for (robot_id, policies) in grants {
        while next < robots.len() && robots[next].id < robot_id {
            next += 1;
        }
        if let Some(robot) = robots.get_mut(next).filter(|r| r.id == robot_id) {
            robot.policies = policies;
        }
    }
}

fn configurations(conn: &Connection) -> Result<BTreeMap<String, serde_json::Value>> {
    let mut stmt = conn.prepare("SELECT k, v FROM properties ORDER BY k")?;
    let mut rows = stmt.query([])?;
    let mut items = BTreeMap::new();
    while let Some(row) = rows.next()? {
        let key = text(row, 0)?;
        let value = property_value(key, text(row, 1)?).map_err(ReadError::Value)?;
        items.insert(key.to_string(), value);
    }
    Ok(items)
}

fn sequences(conn: &Connection) -> Result<Sequences> {
    let mut next = Sequences::default();
    let mut stmt = conn.prepare("SELECT next_value FROM sequences WHERE name = ?1")?;
    for (name, field) in SEQUENCES {
        let mut rows = stmt.query([name])?;
        match rows.next()? {
            Some(row) => *field(&mut next) = row.get(0)?,
            None => return Err(ReadError::Value(format!("sequences: no {name}"))),
        }
    }
    Ok(next)
}

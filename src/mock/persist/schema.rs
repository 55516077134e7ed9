//! The tables of a state store, named after Harbor's (`make/migrations/postgresql/`), and how
//! a database is recognised as one.
//!
//! Differences from Harbor's schema, all deliberate:
//! - only primary keys: uniqueness of names and emails is the in-memory store's to keep, and a
//!   commit that holds several writes applies their rows table by table;
//! - rows are deleted rather than marked `deleted`;
//! - times are RFC 3339 text in UTC with milliseconds (`2026-01-01T00:00:00.000Z`), readable
//!   with `sqlite3`;
//! - `role_permission` holds robots' permissions only, keyed by `(role_id, id)`, so a robot's
//!   permissions are read in the order they were given;
//! - `sequences` holds what PostgreSQL's sequences hold (`robot_id_seq`, …).

use rusqlite::{Connection, OptionalExtension};

use super::Problem;

/// `PRAGMA application_id` of a state store: `HbMk`.
pub const APPLICATION_ID: i32 = 0x4862_4d6b;

/// `PRAGMA user_version`: the schema this version writes and reads.
pub const VERSION: i32 = 1;

/// The schema; run once, in the transaction that creates the store.
pub const CREATE: &str = "
CREATE TABLE harbor_user (
    user_id          INTEGER PRIMARY KEY,
    username         TEXT NOT NULL,
    email            TEXT NOT NULL,
    password         TEXT NOT NULL,  -- salted SHA-256, hex
    password_version TEXT NOT NULL DEFAULT 'sha256',
    realname         TEXT NOT NULL,
    comment          TEXT NOT NULL,
    salt             TEXT NOT NULL,
    sysadmin_flag    INTEGER NOT NULL,
    creation_time    TEXT NOT NULL,
    update_time      TEXT NOT NULL
);
CREATE TABLE project (
    project_id    INTEGER PRIMARY KEY,
    owner_id      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    creation_time TEXT NOT NULL,
    update_time   TEXT NOT NULL,
    registry_id   INTEGER NOT NULL
);
CREATE TABLE project_metadata (
    project_id INTEGER NOT NULL,
    name       TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (project_id, name)
) WITHOUT ROWID;
CREATE TABLE cve_allowlist (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL UNIQUE,
    expires_at INTEGER,               -- Unix seconds
    items      TEXT NOT NULL          -- JSON: [{\"cve_id\": \"CVE-…\"}]
);
CREATE TABLE quota (
    reference    TEXT NOT NULL,       -- 'project'
    reference_id TEXT NOT NULL,       -- the project id
    hard         TEXT NOT NULL,       -- JSON: {\"storage\": bytes}, -1 for none
    PRIMARY KEY (reference, reference_id)
) WITHOUT ROWID;
CREATE TABLE project_member (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL,
    entity_id   INTEGER NOT NULL,
    entity_type TEXT NOT NULL,        -- 'u': a user
    role        INTEGER NOT NULL
);
CREATE TABLE robot (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,      -- without the prefix; '<project>+<name>' for project robots
    description   TEXT NOT NULL,
    secret        TEXT,               -- salted SHA-256, hex; NULL for a legacy robot
    salt          TEXT NOT NULL,
    duration      INTEGER NOT NULL,   -- days, -1 for never
    project_id    INTEGER NOT NULL,   -- 0 for a system robot
    expiresat     INTEGER NOT NULL,   -- Unix seconds, -1 for never
    disabled      INTEGER NOT NULL,
    visible       INTEGER NOT NULL,
    creator_ref   INTEGER NOT NULL,
    creator_type  TEXT NOT NULL,
    creation_time TEXT NOT NULL,
    update_time   TEXT NOT NULL
);
CREATE TABLE permission_policy (
    id       INTEGER PRIMARY KEY,
    scope    TEXT NOT NULL,           -- /system, /project/*, /project/<id>
    resource TEXT NOT NULL,
    action   TEXT NOT NULL,
    effect   TEXT NOT NULL,
    UNIQUE (scope, resource, action, effect)
);
CREATE TABLE role_permission (
    role_id              INTEGER NOT NULL,  -- the robot's id
    id                   INTEGER NOT NULL,
    role_type            TEXT NOT NULL,     -- 'robotaccount'
    permission_policy_id INTEGER NOT NULL,
    PRIMARY KEY (role_id, id)
) WITHOUT ROWID;
CREATE TABLE properties (
    k TEXT PRIMARY KEY,
    v TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE sequences (
    name       TEXT PRIMARY KEY,      -- robot_id_seq, project_project_id_seq, …
    next_value INTEGER NOT NULL
) WITHOUT ROWID;
";

/// What an opened SQLite database is.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    /// A state store of this schema.
    Store,
    /// A database with nothing in it (e.g. a file `sqlite3` just created).
    Empty,
}

/// Tells a state store from any other database: the application id, then the schema version.
/// The error says what the database is instead.
pub fn identify(conn: &Connection) -> Result<Kind, String> {
    let pragma = |name: &str| -> rusqlite::Result<i32> {
        conn.query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
    };
    let application_id = pragma("application_id").map_err(|e| e.to_string())?;
    let version = pragma("user_version").map_err(|e| e.to_string())?;
    if application_id == APPLICATION_ID {
        return match version {
            VERSION => Ok(Kind::Store),
            v if v > VERSION => Err(format!(
                "written by a newer harbor-mock (schema version {v}; this one reads {VERSION})"
            )),
            v => Err(format!("unknown schema version {v}")),
        };
    }
    let first_table: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(|e| e.to_string())?;
    match (application_id, first_table) {
        (0, None) => Ok(Kind::Empty),
        (id, table) => Err(format!(
            "an SQLite database, but not a harbor-mock state store (application_id {id:#x}{})",
            table
                .map(|t| format!(", tables such as {t:?}"))
                .unwrap_or_default()
        )),
    }
}

/// Creates the tables and marks the database as a state store, in the caller's transaction.
pub fn create(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(CREATE)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", VERSION)
}

/// Sets a connection up for the state store: WAL (readers never block the writer, a commit
/// appends to one file), and a commit is on disk when it returns (`synchronous = FULL`).
pub fn configure(conn: &Connection) -> Result<(), Problem> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Problem::Foreign(format!(
            "its journal mode stays {mode}, not WAL"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Another process (`sqlite3`) reading the file may hold a lock for a moment.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

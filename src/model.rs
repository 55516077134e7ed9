//! Stored records and the wire types Harbor's swagger defines for them.
//!
//! The stored [`RobotRecord`] mirrors Harbor's `robot` table (stored name without the prefix,
//! project robots as `<project>+<name>`, Unix-second expiry, hashed secret). The wire types are
//! what go-swagger generates: fields are declared in alphabetical order because Harbor's JSON keys
//! come out that way, and zero-valued scalars are left out unless the swagger says otherwise.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// `system` or `project`, derived from `project_id == 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    System,
    Project,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::System => "system",
            Level::Project => "project",
        }
    }

    /// Parses the exact, case-sensitive spelling Harbor accepts.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "system" => Some(Level::System),
            "project" => Some(Level::Project),
            _ => None,
        }
    }
}

/// One `resource:action` grant. `effect` is kept exactly as sent (`""`, `allow`, `deny`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Access {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub action: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub effect: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource: String,
}

impl Access {
    /// During permission checks an empty effect counts as `allow`.
    pub fn is_deny(&self) -> bool {
        self.effect == "deny"
    }
}

/// Where a stored permission group applies: Harbor's `/system`, `/project/*`, `/project/<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    System,
    AllProjects,
    Project(i64),
}

/// A stored permission group: one scope and its accesses (duplicates already merged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub scope: Scope,
    pub access: Vec<Access>,
}

/// The stored robot, as Harbor's `robot` table holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RobotRecord {
    pub id: i64,
    /// Stored name: no prefix; project robots carry `<project>+`.
    pub name: String,
    pub description: String,
    /// Salted SHA-256 of the secret; `None` for a legacy (pre-2.2, not editable) robot.
    pub secret_hash: Option<[u8; 32]>,
    pub salt: String,
    /// Days; -1 never expires.
    pub duration: i64,
    /// 0 for system robots.
    pub project_id: i64,
    /// Unix seconds, or -1.
    pub expires_at: i64,
    pub disabled: bool,
    pub visible: bool,
    pub creator_ref: i64,
    pub creator_type: String,
    /// Unix milliseconds, UTC.
    pub creation_time: i64,
    /// Unix milliseconds, UTC.
    pub update_time: i64,
    pub policies: Vec<Policy>,
}

impl RobotRecord {
    pub fn level(&self) -> Level {
        if self.project_id == 0 {
            Level::System
        } else {
            Level::Project
        }
    }

    /// Harbor calls a robot editable when it has a stored secret.
    pub fn editable(&self) -> bool {
        self.secret_hash.is_some()
    }

    /// Expired = `expires_at != -1 && expires_at <= now` (seconds).
    pub fn is_expired(&self, now_secs: i64) -> bool {
        self.expires_at != -1 && self.expires_at <= now_secs
    }
}

/// A permission entry on the wire (`RobotPermission`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    pub access: Vec<Access>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

/// `Robot` as GET and list return it.
#[derive(Clone, Debug, Serialize)]
pub struct Robot {
    #[serde(with = "harbor_time")]
    pub creation_time: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub creator_ref: i64,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub creator_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub disable: bool,
    pub duration: i64,
    pub editable: bool,
    #[serde(skip_serializing_if = "is_zero")]
    pub expires_at: i64,
    pub id: i64,
    pub level: &'static str,
    pub name: String,
    pub permissions: Vec<Permission>,
    #[serde(with = "harbor_time")]
    pub update_time: i64,
}

/// `RobotCreated`, the POST response: the only place besides PATCH where a secret is shown.
#[derive(Clone, Debug, Serialize)]
pub struct RobotCreated {
    #[serde(with = "harbor_time")]
    pub creation_time: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub expires_at: i64,
    pub id: i64,
    pub name: String,
    pub secret: String,
}

/// `RobotSec`, the PATCH response: `{"secret":"..."}` or `{}`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RobotSec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// Formats Unix milliseconds as strfmt's `2006-01-02T15:04:05.000Z07:00` in UTC.
pub fn format_millis(ms: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.format(&fmt)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".into())
}

/// Parses an RFC 3339 timestamp into Unix milliseconds.
pub fn parse_rfc3339_millis(s: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

mod harbor_time {
    use serde::Serializer;

    pub fn serialize<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_millis(*ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        assert_eq!(format_millis(1_787_292_000_123), "2026-08-21T06:00:00.123Z");
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn robot_json_keys_are_alphabetical_and_empty_fields_omitted() {
        let robot = Robot {
            creation_time: 0,
            creator_ref: 0,
            creator_type: String::new(),
            description: String::new(),
            disable: false,
            duration: -1,
            editable: true,
            expires_at: -1,
            id: 3,
            level: "system",
            name: "robot$ops".into(),
            permissions: vec![],
            update_time: 0,
        };
        let json = serde_json::to_string(&robot).unwrap();
        assert_eq!(
            json,
            r#"{"creation_time":"1970-01-01T00:00:00.000Z","disable":false,"duration":-1,"editable":true,"expires_at":-1,"id":3,"level":"system","name":"robot$ops","permissions":[],"update_time":"1970-01-01T00:00:00.000Z"}"#
        );
    }
}

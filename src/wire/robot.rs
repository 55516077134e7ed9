//! The robot definitions of Harbor's swagger (`Robot`, `RobotCreate`, `RobotCreated`,
//! `RobotSec`, `RobotPermission`).

use serde::Serialize;

use super::access::Access;
use super::json::{is_empty, is_zero};
use crate::datetime::harbor_time;

/// Swagger `Robot` as GET and list return it, borrowed from the stored record.
#[derive(Clone, Debug, Serialize)]
pub struct Robot<'a> {
    /// Unix milliseconds.
    #[serde(with = "harbor_time")]
    pub creation_time: i64,
    /// Id of the user or robot that created it; omitted when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub creator_ref: i64,
    /// `local` (a user) or `robot`; omitted when empty.
    #[serde(skip_serializing_if = "is_empty")]
    pub creator_type: &'a str,
    /// Omitted when empty.
    #[serde(skip_serializing_if = "is_empty")]
    pub description: &'a str,
    /// Whether the robot is disabled.
    pub disable: bool,
    /// Days, -1 for never (always present: a pointer in Harbor ≥ 2.11).
    pub duration: i64,
    /// False for a legacy (pre-2.2) robot without a secret.
    pub editable: bool,
    /// Unix seconds, -1 for never; omitted when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub expires_at: i64,
    /// The robot id.
    pub id: i64,
    /// `system` or `project`.
    pub level: &'static str,
    /// The full name, prefix included.
    pub name: RobotName<'a>,
    /// One entry per scope; scopes of deleted projects are left out.
    pub permissions: Vec<RobotPermission<'a>>,
    /// Unix milliseconds.
    #[serde(with = "harbor_time")]
    pub update_time: i64,
}

/// A robot's wire name: the configured prefix (empty for a legacy robot) and the stored name,
/// written as one string.
#[derive(Clone, Copy, Debug)]
pub struct RobotName<'a> {
    /// `robot_name_prefix`, or empty.
    pub prefix: &'a str,
    /// The stored name (`ci`, `library+ci`).
    pub stored: &'a str,
}

impl Serialize for RobotName<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}{}", self.prefix, self.stored))
    }
}

impl std::fmt::Display for RobotName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.prefix, self.stored)
    }
}

/// Swagger `RobotPermission` in a response, borrowed from a stored policy.
#[derive(Clone, Debug, Serialize)]
pub struct RobotPermission<'a> {
    /// The grants of this scope.
    pub access: &'a [Access],
    /// `system` or `project`.
    #[serde(skip_serializing_if = "is_empty")]
    pub kind: &'static str,
    /// `/` for system, a project name or `*`.
    #[serde(skip_serializing_if = "is_empty")]
    pub namespace: &'a str,
}

/// Swagger `RobotCreated`, the POST answer: besides PATCH, the only place a secret is shown.
#[derive(Clone, Debug, Serialize)]
pub struct RobotCreated {
    /// Unix milliseconds.
    #[serde(with = "harbor_time")]
    pub creation_time: i64,
    /// Unix seconds, -1 for never; omitted when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub expires_at: i64,
    /// The new robot's id.
    pub id: i64,
    /// The full name, prefix included.
    pub name: String,
    /// The generated secret, in clear, this once.
    pub secret: String,
}

/// Swagger `RobotSec`, the PATCH answer: `{"secret":"..."}` for a generated secret, `{}` when
/// the client supplied it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RobotSec {
    /// The generated secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// Swagger `RobotCreate`, the POST body. `secret` and `disable` are decoded (their types are
/// checked) and ignored, as in Harbor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RobotCreate {
    /// The short name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// `system` or `project` (checked by validation, not by the binding).
    pub level: String,
    /// Days; a missing duration is 0, which validation refuses.
    pub duration: i64,
    /// `None` when missing or `null`; an inner `None` for a `null` entry.
    pub permissions: Option<Vec<Option<RobotPermissionReq>>>,
}

/// Swagger `Robot` as the PUT body. Read-only fields are decoded (their types are checked) and
/// dropped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RobotReq {
    /// The full name, prefix included; must match the stored robot's.
    pub name: String,
    /// Replaces the description.
    pub description: String,
    /// Must match the stored robot's level.
    pub level: String,
    /// Replaces the disabled flag.
    pub disable: bool,
    /// Missing or `null` keeps the stored duration.
    pub duration: Option<i64>,
    /// Replaces the permissions.
    pub permissions: Option<Vec<Option<RobotPermissionReq>>>,
}

/// Swagger `RobotSec` as the PATCH body: an empty secret asks for a generated one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RobotSecReq {
    /// The secret to set, or empty.
    pub secret: String,
}

/// Swagger `RobotPermission` as sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RobotPermissionReq {
    /// `system` or `project`.
    pub kind: String,
    /// `/`, a project name or `*`.
    pub namespace: String,
    /// `None` when missing or `null`; an inner `None` for a `null` entry.
    pub access: Option<Vec<Option<Access>>>,
}

//! Harbor's rules for robot requests (`src/server/v2.0/handler/robot.go`): the robot level,
//! `validateName` and `validate` with their messages and their order (the first failure wins),
//! the client-supplied secret rule, and what `ListRobot` makes of `q`.

use super::error::ApiError;
use super::names;
use super::rbac::{Permission, is_allowed_pair};
use super::secret;
use crate::query::{Filter, Pattern};
use crate::wire::RobotPermissionReq;

/// `system` or `project`; a stored robot's level is `project_id != 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// A system-level robot (`project_id` 0).
    System,
    /// A project-level robot.
    Project,
}

impl Level {
    /// The wire spelling.
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

    /// The level of a robot stored with `project_id`.
    pub fn of_project_id(project_id: i64) -> Level {
        if project_id == 0 {
            Level::System
        } else {
            Level::Project
        }
    }
}

/// Largest valid duration in days: Harbor accepts `0 < d < MaxInt32`.
const MAX_DURATION: i64 = i32::MAX as i64 - 1;

/// `^[a-z0-9]+(?:[._-][a-z0-9]+)*$`.
pub fn validate_name(name: &str) -> Result<(), ApiError> {
    if names::is_valid(name) {
        Ok(())
    } else {
        Err(ApiError::BadRequest(
            "robot name is not in lower case or contains illegal characters".into(),
        ))
    }
}

/// Checks duration, level and permissions; returns the level and the permissions with their
/// `null` entries ruled out.
pub fn validate(
    duration: i64,
    level: &str,
    permissions: Option<&[Option<RobotPermissionReq>]>,
) -> Result<(Level, Vec<Permission>), ApiError> {
    let bad = |m: String| Err(ApiError::BadRequest(m));
    if !(duration == -1 || (1..=MAX_DURATION).contains(&duration)) {
        return bad(format!(
            "bad request error duration input: {duration}, duration must be either -1(Never) or a positive integer"
        ));
    }
    let Some(parsed_level) = Level::parse(level) else {
        return bad(format!("bad request error level input: {level}"));
    };
    let permissions = match permissions {
        Some(p) if !p.is_empty() => p,
        _ => return bad("bad request empty permission".into()),
    };
    let mut out = Vec::with_capacity(permissions.len());
    for permission in permissions {
        let Some(permission) = permission else {
            return bad("bad request empty permission".into());
        };
        match &permission.access {
            Some(access) if !access.is_empty() && access.iter().all(Option::is_some) => {}
            _ => return bad("bad request empty access".into()),
        }
        out.push(Permission {
            kind: permission.kind.as_str().into(),
            namespace: permission.namespace.as_str().into(),
            access: permission
                .access
                .iter()
                .flatten()
                .flatten()
                .cloned()
                .collect(),
        });
    }
    if parsed_level == Level::Project && out.len() > 1 {
        return bad("bad request permission".into());
    }
    for permission in &out {
        for access in &permission.access {
            match is_allowed_pair(&permission.kind, &access.resource, &access.action) {
                Some(true) => {}
                Some(false) => {
                    return bad(format!(
                        "bad request permission: {}:{}",
                        access.resource, access.action
                    ));
                }
                None => return bad(format!("bad request permission level: {}", permission.kind)),
            }
        }
    }
    Ok((parsed_level, out))
}

/// A client-supplied secret (PATCH) must pass Harbor's `IsValidSec`; an empty one asks for a
/// generated secret (`None`).
pub fn supplied_secret(secret: String) -> Result<Option<String>, ApiError> {
    if secret.is_empty() {
        Ok(None)
    } else if secret::is_valid_secret(&secret) {
        Ok(Some(secret))
    } else {
        Err(ApiError::BadRequest(
            "the secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number".into(),
        ))
    }
}

/// Which robots a `GET /robots` asks for: Harbor's `ListRobot` reads `Level` (default system)
/// and, for project level, `ProjectID` out of `q`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListScope {
    /// System robots.
    System,
    /// The robots of this project (the id as given; it may not exist).
    Project(i64),
}

impl ListScope {
    /// Reads the scope out of `filter` and rewrites the filter as Harbor's query does: `Level`
    /// removed; for system level an exact `ProjectID=0`; always `Visible=true`. A `ProjectID`
    /// given with system level, or spelled differently (`project_id`), stays and is ANDed.
    pub fn take(filter: &mut Filter) -> Result<ListScope, ApiError> {
        let level = match filter.get("Level") {
            None => Level::System,
            Some(p) => p
                .as_exact()
                .and_then(Level::parse)
                .ok_or_else(|| ApiError::BadRequest("bad request error level input".into()))?,
        };
        filter.remove("Level");
        let scope = match level {
            Level::System => {
                filter.set_exact("ProjectID", "0".into());
                ListScope::System
            }
            Level::Project => {
                let id = filter
                    .get("ProjectID")
                    .map(Pattern::as_exact)
                    .ok_or_else(|| {
                        ApiError::BadRequest(
                            "must with project ID when to query project robots".into(),
                        )
                    })?;
                let id = id
                    .and_then(|v| v.parse::<i64>().ok())
                    .filter(|id| *id > 0)
                    .ok_or_else(|| {
                        ApiError::BadRequest("ProjectID must be a positive integer".into())
                    })?;
                ListScope::Project(id)
            }
        };
        filter.set_exact("Visible", "true".into());
        Ok(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Access;

    fn perm(kind: &str, ns: &str, access: &[(&str, &str)]) -> Option<RobotPermissionReq> {
        Some(RobotPermissionReq {
            kind: kind.into(),
            namespace: ns.into(),
            access: Some(
                access
                    .iter()
                    .map(|(r, a)| {
                        Some(Access {
                            resource: (*r).into(),
                            action: (*a).into(),
                            effect: Default::default(),
                        })
                    })
                    .collect(),
            ),
        })
    }

    #[test]
    fn validation_messages_in_order() {
        let ok = [perm("project", "library", &[("repository", "pull")])];
        let two = [ok[0].clone(), ok[0].clone()];
        let null_access = [Some(RobotPermissionReq {
            access: Some(vec![None]),
            ..ok[0].clone().unwrap()
        })];
        let update = [perm("system", "/", &[("robot", "update")])];
        let upper_kind = [perm("System", "/", &[("robot", "list")])];
        let wildcard = [perm("project", "p", &[("repository", "*")])];
        type Case<'a> = (
            i64,
            &'a str,
            Option<&'a [Option<RobotPermissionReq>]>,
            &'a str,
        );
        let cases: Vec<Case> = vec![
            (
                0,
                "system",
                Some(&ok),
                "bad request error duration input: 0, duration must be either -1(Never) or a positive integer",
            ),
            (
                2147483647,
                "system",
                Some(&ok),
                "bad request error duration input: 2147483647, duration must be either -1(Never) or a positive integer",
            ),
            (
                -2,
                "bogus",
                None,
                "bad request error duration input: -2, duration must be either -1(Never) or a positive integer",
            ),
            (
                30,
                "System",
                Some(&ok),
                "bad request error level input: System",
            ),
            (30, "system", None, "bad request empty permission"),
            (30, "system", Some(&[]), "bad request empty permission"),
            (30, "system", Some(&[None]), "bad request empty permission"),
            (30, "system", Some(&null_access), "bad request empty access"),
            (30, "project", Some(&two), "bad request permission"),
            (
                30,
                "system",
                Some(&update),
                "bad request permission: robot:update",
            ),
            (
                30,
                "system",
                Some(&upper_kind),
                "bad request permission level: System",
            ),
            (
                30,
                "project",
                Some(&wildcard),
                "bad request permission: repository:*",
            ),
        ];
        for (duration, level, perms, message) in cases {
            let err = validate(duration, level, perms).unwrap_err();
            assert_eq!(
                err,
                ApiError::BadRequest(message.into()),
                "{duration} {level}"
            );
        }
        assert!(validate(2147483646, "project", Some(&ok)).is_ok());
        assert!(
            validate(-1, "system", Some(&two)).is_ok(),
            "system allows many"
        );
    }
}

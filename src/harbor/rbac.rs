//! Harbor's permission vocabulary: project roles, the allowed `resource:action` pairs per kind,
//! a robot's permissions and stored policies, and how those policies are evaluated.
//!
//! Sources: `src/common/rbac/const.go` (the two tables), `src/common/rbac/project/rbac_role.go`
//! (roles), `src/controller/robot/model.go` (`Permission`), `src/common/security/robot/context.go`
//! and `src/pkg/permission/evaluator/rbac` (robot evaluation: some allow and no deny).

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::wire::Access;

/// A robot permission as Harbor's robot controller models it (`robot.Permission`): one
/// `kind`/`namespace` pair and its grants. What validation makes of a request's
/// `RobotPermission`, what the store resolves into a [`Policy`], and what a fixtures file holds.
/// Compact strings: a million robots' permissions are parsed when a large state loads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    /// The grants.
    pub access: Vec<Access>,
    /// `system` or `project`.
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub kind: CompactString,
    /// `/`, a project name or `*`.
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub namespace: CompactString,
}

/// Where a stored permission group applies: Harbor's `/system`, `/project/*`, `/project/<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `/system`.
    System,
    /// `/project/*`: every project (system robots only).
    AllProjects,
    /// `/project/<id>`.
    Project(i64),
}

/// A stored permission group: one scope and its accesses (duplicates already merged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Where it applies.
    pub scope: Scope,
    /// What it grants or denies.
    pub access: Vec<Access>,
}

/// A project member's role, with Harbor's role ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// `projectAdmin`.
    ProjectAdmin = 1,
    /// `developer`.
    Developer = 2,
    /// `guest`.
    Guest = 3,
    /// `maintainer`.
    Maintainer = 4,
    /// `limitedGuest`.
    LimitedGuest = 5,
}

impl Role {
    /// Role from Harbor's numeric id.
    pub fn from_id(id: i64) -> Option<Role> {
        Some(match id {
            1 => Role::ProjectAdmin,
            2 => Role::Developer,
            3 => Role::Guest,
            4 => Role::Maintainer,
            5 => Role::LimitedGuest,
            _ => return None,
        })
    }

    /// Role from Harbor's name (`projectAdmin`, `maintainer`, …), case-insensitively.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(name))
    }

    /// Every role, by id.
    pub const ALL: [Role; 5] = [
        Role::ProjectAdmin,
        Role::Developer,
        Role::Guest,
        Role::Maintainer,
        Role::LimitedGuest,
    ];

    /// Harbor's role id (1–5).
    pub fn id(self) -> i64 {
        self as i64
    }

    /// Harbor's role name, e.g. `projectAdmin`.
    pub fn name(self) -> &'static str {
        match self {
            Role::ProjectAdmin => "projectAdmin",
            Role::Developer => "developer",
            Role::Guest => "guest",
            Role::Maintainer => "maintainer",
            Role::LimitedGuest => "limitedGuest",
        }
    }

    /// What the role may do on resource `robot`.
    pub fn allows_on_robot(self, action: &str) -> bool {
        match self {
            Role::ProjectAdmin => {
                matches!(action, "create" | "read" | "update" | "delete" | "list")
            }
            Role::Maintainer | Role::Developer | Role::Guest => matches!(action, "read" | "list"),
            Role::LimitedGuest => false,
        }
    }
}

/// Allowed `(resource, actions)` for `kind: "system"` permissions.
const SYSTEM_PAIRS: &[(&str, &[&str])] = &[
    ("audit-log", &["list"]),
    (
        "preheat-instance",
        &["read", "create", "delete", "list", "update"],
    ),
    ("project", &["list", "create"]),
    (
        "replication-policy",
        &["read", "create", "delete", "list", "update"],
    ),
    ("replication", &["read", "create", "list"]),
    ("replication-adapter", &["list"]),
    ("registry", &["read", "create", "delete", "list", "update"]),
    ("scan-all", &["read", "update", "stop", "create"]),
    ("system-volumes", &["read"]),
    (
        "garbage-collection",
        &["read", "create", "list", "update", "stop"],
    ),
    ("purge-audit", &["read", "create", "list", "update", "stop"]),
    ("jobservice-monitor", &["list", "stop"]),
    ("scanner", &["read", "create", "delete", "list", "update"]),
    ("label", &["read", "create", "delete", "update"]),
    ("security-hub", &["read", "list"]),
    ("catalog", &["read"]),
    ("quota", &["read", "list", "update"]),
    ("robot", &["create", "read", "list", "delete"]),
    ("user", &["create", "read", "update", "list", "delete"]),
    ("ldap-user", &["create", "list"]),
    (
        "user-group",
        &["create", "read", "update", "list", "delete"],
    ),
];

/// Allowed `(resource, actions)` for `kind: "project"` permissions.
const PROJECT_PAIRS: &[(&str, &[&str])] = &[
    ("log", &["list"]),
    ("project", &["read", "delete", "update"]),
    ("metadata", &["read", "create", "delete", "list", "update"]),
    (
        "repository",
        &["read", "update", "delete", "list", "pull", "push"],
    ),
    ("artifact", &["read", "create", "list", "delete"]),
    ("scan", &["create", "read", "stop"]),
    ("sbom", &["create", "stop", "read"]),
    ("tag", &["create", "list", "delete"]),
    ("accessory", &["list"]),
    ("artifact-addition", &["read"]),
    ("artifact-label", &["create", "delete"]),
    ("scanner", &["create", "read"]),
    (
        "preheat-policy",
        &["read", "create", "delete", "list", "update"],
    ),
    ("immutable-tag", &["create", "delete", "list", "update"]),
    (
        "notification-policy",
        &["read", "create", "delete", "list", "update"],
    ),
    (
        "tag-retention",
        &["read", "create", "delete", "list", "update"],
    ),
    ("label", &["read", "create", "delete", "list", "update"]),
    ("quota", &["read"]),
    ("robot", &["create", "read", "list", "delete"]),
    ("export-cve", &["create", "read"]),
    ("member", &["create", "read", "update", "list", "delete"]),
];

/// Whether `resource:action` is allowed for a permission of `kind` (`system` or `project`).
/// `None` when the kind itself is unknown.
pub fn is_allowed_pair(kind: &str, resource: &str, action: &str) -> Option<bool> {
    let table = match kind {
        "system" => SYSTEM_PAIRS,
        "project" => PROJECT_PAIRS,
        _ => return None,
    };
    Some(
        table
            .iter()
            .any(|(r, actions)| *r == resource && actions.contains(&action)),
    )
}

/// Where a permission check happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A system resource.
    System,
    /// A project by id; 0 stands for a project that does not exist.
    Project(i64),
}

/// Evaluates a robot's policies: some matching allow and no matching deny.
///
/// A project-level robot's policies only count inside its own project; a system-level robot's
/// system scope counts for system resources and its project scopes for the named project or,
/// with `*`, for every project. For project robots `repository:push` also grants `pull`.
pub fn robot_allows(
    robot_project_id: i64,
    policies: &[Policy],
    target: Target,
    resource: &str,
    action: &str,
) -> bool {
    let applies = |scope: Scope| match (target, scope) {
        (Target::System, Scope::System) => robot_project_id == 0,
        (Target::Project(pid), Scope::Project(sid)) => {
            pid != 0 && sid == pid && (robot_project_id == 0 || robot_project_id == pid)
        }
        (Target::Project(pid), Scope::AllProjects) => pid != 0 && robot_project_id == 0,
        _ => false,
    };
    let mut allowed = false;
    for policy in policies.iter().filter(|p| applies(p.scope)) {
        for access in &policy.access {
            let implied = robot_project_id != 0
                && resource == "repository"
                && action == "pull"
                && access.resource == "repository"
                && access.action == "push";
            if access.resource == resource && (access.action == action || implied) {
                if access.is_deny() {
                    return false;
                }
                allowed = true;
            }
        }
    }
    allowed
}

#[cfg(test)]
mod tests {
    use super::*;
    fn access(resource: &str, action: &str, effect: &str) -> Access {
        Access {
            resource: resource.into(),
            action: action.into(),
            effect: effect.into(),
        }
    }

    #[test]
    fn tables_hold_seventy_pairs_each_and_no_robot_update() {
        let count = |t: &[(&str, &[&str])]| t.iter().map(|(_, a)| a.len()).sum::<usize>();
        assert_eq!(count(SYSTEM_PAIRS), 70);
        assert_eq!(count(PROJECT_PAIRS), 70);
        assert_eq!(is_allowed_pair("system", "robot", "update"), Some(false));
        assert_eq!(is_allowed_pair("project", "repository", "push"), Some(true));
        assert_eq!(is_allowed_pair("System", "robot", "list"), None);
    }

    #[test]
    fn roles_on_robot_resource() {
        for action in ["create", "read", "update", "delete", "list"] {
            assert!(Role::ProjectAdmin.allows_on_robot(action));
            assert!(!Role::LimitedGuest.allows_on_robot(action));
        }
        for role in [Role::Maintainer, Role::Developer, Role::Guest] {
            assert!(role.allows_on_robot("read") && role.allows_on_robot("list"));
            assert!(!role.allows_on_robot("create") && !role.allows_on_robot("delete"));
        }
        assert_eq!(Role::from_name("projectadmin"), Some(Role::ProjectAdmin));
        assert_eq!(Role::from_id(4), Some(Role::Maintainer));
    }

    #[test]
    fn robot_policy_scopes() {
        let system_robot = vec![
            Policy {
                scope: Scope::System,
                access: vec![access("robot", "list", "")],
            },
            Policy {
                scope: Scope::AllProjects,
                access: vec![access("robot", "read", "allow")],
            },
            Policy {
                scope: Scope::Project(2),
                access: vec![access("robot", "read", "deny")],
            },
        ];
        assert!(robot_allows(
            0,
            &system_robot,
            Target::System,
            "robot",
            "list"
        ));
        assert!(!robot_allows(
            0,
            &system_robot,
            Target::System,
            "robot",
            "read"
        ));
        assert!(robot_allows(
            0,
            &system_robot,
            Target::Project(1),
            "robot",
            "read"
        ));
        assert!(
            !robot_allows(0, &system_robot, Target::Project(2), "robot", "read"),
            "deny wins"
        );
        assert!(!robot_allows(
            0,
            &system_robot,
            Target::Project(0),
            "robot",
            "read"
        ));

        let project_robot = vec![Policy {
            scope: Scope::Project(1),
            access: vec![access("repository", "push", "")],
        }];
        assert!(robot_allows(
            1,
            &project_robot,
            Target::Project(1),
            "repository",
            "pull"
        ));
        assert!(!robot_allows(
            1,
            &project_robot,
            Target::Project(2),
            "repository",
            "push"
        ));
        assert!(!robot_allows(
            1,
            &project_robot,
            Target::System,
            "repository",
            "push"
        ));
    }
}

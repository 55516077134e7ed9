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

    /// Rank for "highest role" (`highestRole`): projectAdmin, then maintainer, developer,
    /// guest, limitedGuest; lower is more powerful.
    pub fn power(self) -> u8 {
        match self {
            Role::ProjectAdmin => 0,
            Role::Maintainer => 1,
            Role::Developer => 2,
            Role::Guest => 3,
            Role::LimitedGuest => 4,
        }
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

    /// What the role may do on `resource` (`project` for the project itself) in its project
    /// (`src/common/rbac/project/rbac_role.go`, for the resources the mock's routes check).
    pub fn allows(self, resource: &str, action: &str) -> bool {
        let grants: &[(&str, &[&str])] = match self {
            Role::ProjectAdmin => &[
                ("project", &["read", "update", "delete"]),
                ("member", &["create", "read", "update", "delete", "list"]),
                ("metadata", &["create", "read", "update", "delete"]),
                ("quota", &["read"]),
                (
                    "repository",
                    &["create", "read", "update", "delete", "list", "pull", "push"],
                ),
                ("robot", &["create", "read", "update", "delete", "list"]),
            ],
            Role::Maintainer => &[
                ("project", &["read"]),
                ("member", &["read", "list"]),
                ("metadata", &["read"]),
                ("quota", &["read"]),
                (
                    "repository",
                    &["create", "read", "update", "delete", "list", "push", "pull"],
                ),
                ("robot", &["read", "list"]),
            ],
            Role::Developer => &[
                ("project", &["read"]),
                ("member", &["read", "list"]),
                ("quota", &["read"]),
                (
                    "repository",
                    &["create", "read", "update", "list", "push", "pull"],
                ),
                ("robot", &["read", "list"]),
            ],
            Role::Guest => &[
                ("project", &["read"]),
                ("member", &["read", "list"]),
                ("quota", &["read"]),
                ("repository", &["read", "list", "pull"]),
                ("robot", &["read", "list"]),
            ],
            Role::LimitedGuest => &[
                ("project", &["read"]),
                ("quota", &["read"]),
                ("repository", &["list", "read", "pull"]),
            ],
        };
        grants
            .iter()
            .any(|(r, actions)| *r == resource && actions.contains(&action))
    }
}

/// What a public project grants every caller that may see public projects
/// (`src/common/rbac/project/rbac_util.go`): reading it and pulling from it, nothing on its
/// members, quota, robots or metadata.
const PUBLIC_GRANTS: &[(&str, &str)] = &[
    ("project", "read"),
    ("label", "read"),
    ("label", "list"),
    ("repository", "list"),
    ("repository", "pull"),
    ("scan", "read"),
    ("scanner", "read"),
    ("tag", "list"),
    ("artifact", "read"),
    ("artifact", "list"),
    ("artifact-addition", "read"),
    ("accessory", "list"),
];

/// Whether a public project grants `resource:action`.
pub fn public_allows(resource: &str, action: &str) -> bool {
    PUBLIC_GRANTS.contains(&(resource, action))
}

/// Every `resource:action` of Harbor's system scope, in the order `GET /permissions` lists
/// them (`NolimitProvider.GetPermissions(ScopeSystem)`): what `kind: "system"` robot
/// permissions may hold.
pub const SYSTEM_PERMISSIONS: &[(&str, &str)] = &[
    ("audit-log", "list"),
    ("preheat-instance", "read"),
    ("preheat-instance", "create"),
    ("preheat-instance", "delete"),
    ("preheat-instance", "list"),
    ("preheat-instance", "update"),
    ("project", "list"),
    ("project", "create"),
    ("replication-policy", "read"),
    ("replication-policy", "create"),
    ("replication-policy", "delete"),
    ("replication-policy", "list"),
    ("replication-policy", "update"),
    ("replication", "read"),
    ("replication", "create"),
    ("replication", "list"),
    ("replication-adapter", "list"),
    ("registry", "read"),
    ("registry", "create"),
    ("registry", "delete"),
    ("registry", "list"),
    ("registry", "update"),
    ("scan-all", "read"),
    ("scan-all", "update"),
    ("scan-all", "stop"),
    ("scan-all", "create"),
    ("system-volumes", "read"),
    ("garbage-collection", "read"),
    ("garbage-collection", "create"),
    ("garbage-collection", "list"),
    ("garbage-collection", "update"),
    ("garbage-collection", "stop"),
    ("purge-audit", "read"),
    ("purge-audit", "create"),
    ("purge-audit", "list"),
    ("purge-audit", "update"),
    ("purge-audit", "stop"),
    ("jobservice-monitor", "list"),
    ("jobservice-monitor", "stop"),
    ("scanner", "read"),
    ("scanner", "create"),
    ("scanner", "delete"),
    ("scanner", "list"),
    ("scanner", "update"),
    ("label", "read"),
    ("label", "create"),
    ("label", "delete"),
    ("label", "update"),
    ("security-hub", "read"),
    ("security-hub", "list"),
    ("catalog", "read"),
    ("quota", "read"),
    ("quota", "list"),
    ("robot", "create"),
    ("robot", "read"),
    ("robot", "list"),
    ("robot", "delete"),
    ("user", "create"),
    ("user", "read"),
    ("user", "update"),
    ("user", "list"),
    ("user", "delete"),
    ("ldap-user", "create"),
    ("ldap-user", "list"),
    ("quota", "update"),
    ("user-group", "create"),
    ("user-group", "read"),
    ("user-group", "update"),
    ("user-group", "list"),
    ("user-group", "delete"),
];
/// Every `resource:action` of Harbor's project scope, in the order `GET /permissions` lists
/// them: what `kind: "project"` robot permissions may hold.
pub const PROJECT_PERMISSIONS: &[(&str, &str)] = &[
    ("log", "list"),
    ("project", "read"),
    ("project", "delete"),
    ("project", "update"),
    ("metadata", "read"),
    ("metadata", "create"),
    ("metadata", "delete"),
    ("metadata", "list"),
    ("metadata", "update"),
    ("repository", "read"),
    ("repository", "update"),
    ("repository", "delete"),
    ("repository", "list"),
    ("repository", "pull"),
    ("repository", "push"),
    ("artifact", "read"),
    ("artifact", "create"),
    ("artifact", "list"),
    ("artifact", "delete"),
    ("scan", "create"),
    ("scan", "read"),
    ("scan", "stop"),
    ("sbom", "create"),
    ("sbom", "stop"),
    ("sbom", "read"),
    ("tag", "create"),
    ("tag", "list"),
    ("tag", "delete"),
    ("accessory", "list"),
    ("artifact-addition", "read"),
    ("artifact-label", "create"),
    ("artifact-label", "delete"),
    ("scanner", "create"),
    ("scanner", "read"),
    ("preheat-policy", "read"),
    ("preheat-policy", "create"),
    ("preheat-policy", "delete"),
    ("preheat-policy", "list"),
    ("preheat-policy", "update"),
    ("immutable-tag", "create"),
    ("immutable-tag", "delete"),
    ("immutable-tag", "list"),
    ("immutable-tag", "update"),
    ("notification-policy", "read"),
    ("notification-policy", "create"),
    ("notification-policy", "delete"),
    ("notification-policy", "list"),
    ("notification-policy", "update"),
    ("tag-retention", "read"),
    ("tag-retention", "create"),
    ("tag-retention", "delete"),
    ("tag-retention", "list"),
    ("tag-retention", "update"),
    ("label", "read"),
    ("label", "create"),
    ("label", "delete"),
    ("label", "list"),
    ("label", "update"),
    ("quota", "read"),
    ("robot", "create"),
    ("robot", "read"),
    ("robot", "list"),
    ("robot", "delete"),
    ("export-cve", "create"),
    ("export-cve", "read"),
    ("member", "create"),
    ("member", "read"),
    ("member", "update"),
    ("member", "list"),
    ("member", "delete"),
];

/// Whether `resource:action` is allowed for a permission of `kind` (`system` or `project`).
/// `None` when the kind itself is unknown.
pub fn is_allowed_pair(kind: &str, resource: &str, action: &str) -> Option<bool> {
    let table = match kind {
        "system" => SYSTEM_PERMISSIONS,
        "project" => PROJECT_PERMISSIONS,
        _ => return None,
    };
    Some(table.contains(&(resource, action)))
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
        let count = |t: &[(&str, &str)]| t.len();
        assert_eq!(count(SYSTEM_PERMISSIONS), 70);
        assert_eq!(count(PROJECT_PERMISSIONS), 70);
        assert_eq!(is_allowed_pair("system", "robot", "update"), Some(false));
        assert_eq!(is_allowed_pair("project", "repository", "push"), Some(true));
        assert_eq!(is_allowed_pair("System", "robot", "list"), None);
    }

    #[test]
    fn roles_on_robot_resource() {
        for action in ["create", "read", "update", "delete", "list"] {
            assert!(Role::ProjectAdmin.allows("robot", action));
            assert!(!Role::LimitedGuest.allows("robot", action));
        }
        for role in [Role::Maintainer, Role::Developer, Role::Guest] {
            assert!(role.allows("robot", "read") && role.allows("robot", "list"));
            assert!(!role.allows("robot", "create") && !role.allows("robot", "delete"));
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

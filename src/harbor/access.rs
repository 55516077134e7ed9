//! May this caller do this: Harbor's `RequireSystemAccess`, `RequireProjectAccess` and the
//! robot handler's `requireAccess` (`src/server/v2.0/handler/base.go`, `robot.go`), evaluated
//! the way Harbor's security contexts do (`src/common/security/local`, `.../robot/context.go`),
//! and the subset rule for robots that create robots (`isValidPermissionScope`).
//!
//! The checks need a few facts from the state, which they ask of a [`Directory`] (the store
//! implements it), so that Harbor's rules stay apart from how the state is kept.

use super::auth::Caller;
use super::error::ApiError;
use super::rbac::{Permission, Policy, Role, Target, public_allows, robot_allows};

/// What the access checks look up in the state.
pub trait Directory {
    /// The role of user `user_id` in project `project_id`, if a member.
    fn role(&self, project_id: i64, user_id: i64) -> Option<Role>;
    /// The id of the project named exactly `name`, if it exists.
    fn project_id(&self, name: &str) -> Option<i64>;
    /// Whether project `id` is public; `None` when it does not exist.
    fn project_is_public(&self, id: i64) -> Option<bool>;
    /// Stored policies as wire permissions, with current project names (scopes of deleted
    /// projects left out).
    fn permissions(&self, policies: &[Policy]) -> Vec<Permission>;
}

impl Caller {
    /// 401 for anonymous callers.
    pub fn require_authenticated(&self) -> Result<(), ApiError> {
        match self {
            Caller::Anonymous => Err(ApiError::Unauthorized),
            _ => Ok(()),
        }
    }

    /// Harbor's `RequireSystemAccess` on `resource`: sysadmins, and robots holding that system
    /// permission; 401 for anonymous, else 403 naming the caller.
    pub fn require_system(&self, resource: &str, action: &str) -> Result<(), ApiError> {
        if self.can_system(resource, action)? {
            Ok(())
        } else {
            Err(ApiError::Forbidden(self.username().to_string()))
        }
    }

    /// Whether the caller passes `RequireSystemAccess` on `resource` (401 for anonymous).
    pub fn can_system(&self, resource: &str, action: &str) -> Result<bool, ApiError> {
        Ok(match self {
            Caller::Anonymous => return Err(ApiError::Unauthorized),
            Caller::User { sysadmin, .. } => *sysadmin,
            // No robot may update robots, whatever it holds (Harbor has no `robot:update`).
            Caller::Robot { .. } if resource == "robot" && action == "update" => false,
            Caller::Robot {
                project_id,
                policies,
                ..
            } => robot_allows(*project_id, policies, Target::System, resource, action),
        })
    }

    /// Harbor's `RequireProjectAccess` on `resource` of project `project_id` (`project` for
    /// the project itself). The check runs before the project is loaded: a project that does
    /// not exist counts as project 0, which only sysadmins pass. A public project grants its
    /// public policies to anonymous callers, every user, project robots and system robots
    /// with some project permission. 401 for anonymous, else 403 `forbidden`.
    pub fn require_project(
        &self,
        dir: &impl Directory,
        project_id: i64,
        resource: &str,
        action: &str,
    ) -> Result<(), ApiError> {
        if self.can_project(dir, project_id, resource, action) {
            Ok(())
        } else if matches!(self, Caller::Anonymous) {
            Err(ApiError::Unauthorized)
        } else {
            Err(ApiError::Forbidden("forbidden".into()))
        }
    }

    /// Whether the caller passes [`Caller::require_project`].
    pub fn can_project(
        &self,
        dir: &impl Directory,
        project_id: i64,
        resource: &str,
        action: &str,
    ) -> bool {
        let Some(public) = dir.project_is_public(project_id) else {
            return self.is_sysadmin();
        };
        let public = public && public_allows(resource, action);
        match self {
            Caller::Anonymous => public,
            Caller::User { sysadmin: true, .. } => true,
            Caller::User { id, .. } => {
                public
                    || dir
                        .role(project_id, *id)
                        .is_some_and(|role| role.allows(resource, action))
            }
            Caller::Robot { .. } if resource == "robot" && action == "update" => false,
            Caller::Robot {
                project_id: own,
                policies,
                ..
            } => {
                robot_allows(
                    *own,
                    policies,
                    Target::Project(project_id),
                    resource,
                    action,
                ) || (public && (*own != 0 || self.has_project_permission(dir)))
            }
        }
    }

    /// A system robot sees public projects only through a project evaluator, which it has
    /// when it holds a project-scope permission on a project that exists (or `*`).
    fn has_project_permission(&self, dir: &impl Directory) -> bool {
        match self {
            Caller::Robot { policies, .. } => dir
                .permissions(policies)
                .iter()
                .any(|p| p.kind == "project"),
            _ => false,
        }
    }

    /// [`Caller::require_project`] for a project named in a request; unknown names count as 0.
    pub fn require_project_named(
        &self,
        dir: &impl Directory,
        name: &str,
        resource: &str,
        action: &str,
    ) -> Result<(), ApiError> {
        let id = dir.project_id(name).unwrap_or(0);
        self.require_project(dir, id, resource, action)
    }

    /// The robot handler's `requireAccess` for a robot of project `project_id` (0: a system
    /// robot).
    pub fn require_robot(
        &self,
        dir: &impl Directory,
        project_id: i64,
        action: &str,
    ) -> Result<(), ApiError> {
        if project_id == 0 {
            self.require_system("robot", action)
        } else {
            self.require_project(dir, project_id, "robot", action)
        }
    }

    /// Harbor's `isValidPermissionScope`: a robot may only create robots whose permissions are
    /// a subset of its own (same kind and namespace, or the same kind with `*`; identical
    /// resource, action and effect text). 403 `DENIED` otherwise.
    pub fn require_subset(
        &self,
        dir: &impl Directory,
        requested: &[Permission],
    ) -> Result<(), ApiError> {
        let Caller::Robot { name, policies, .. } = self else {
            return Ok(());
        };
        let held = dir.permissions(policies);
        let covered = requested.iter().all(|want| {
            let holder = held
                .iter()
                .find(|h| h.kind == want.kind && h.namespace == want.namespace)
                .or_else(|| {
                    held.iter()
                        .find(|h| h.kind == want.kind && h.namespace == "*")
                });
            holder.is_some_and(|h| want.access.iter().all(|a| h.access.contains(a)))
        });
        if covered {
            Ok(())
        } else {
            Err(ApiError::Denied(format!(
                "permission scope is invalid. It must be equal to or more restrictive than the creator robot's permissions: {name}"
            )))
        }
    }
}

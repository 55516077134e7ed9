//! Users, projects and memberships: lookups, login, and the additions the control API and the
//! fixtures make.

use super::error::StoreError;
use super::fixtures::{MemberFixture, ProjectFixture, RoleSpec, UserFixture};
use super::records::{Project, User};
use super::tables::Tables;
use crate::datetime::MS_PER_SEC;
use crate::harbor::auth::Caller;
use crate::harbor::rbac::Role;
use crate::harbor::secret;

impl Tables {
    /// Resolves basic-auth credentials at `now_ms`. A name with the robot `prefix` is tried
    /// as a robot first (right secret, enabled, not expired), then any name as a user. Any
    /// failure makes the caller anonymous, as in Harbor: nothing says why.
    pub(super) fn authenticate(
        &self,
        prefix: &str,
        username: &str,
        password: &str,
        now_ms: i64,
    ) -> Caller {
        let now_secs = now_ms.div_euclid(MS_PER_SEC);
        if let Some(stored) = username.strip_prefix(prefix)
            && let Some(robot) = self
                .robot_names
                .get(stored)
                .and_then(|id| self.robots.get(id))
            && let Some(digest) = &robot.secret_hash
            && secret::verify_secret(&robot.salt, password, digest)
            && !robot.disabled
            && !robot.is_expired(now_secs)
        {
            return Caller::Robot {
                id: robot.id,
                name: username.to_string(),
                project_id: robot.project_id,
                policies: robot.policies.clone(),
            };
        }
        match self
            .user_names
            .get(username)
            .and_then(|id| self.users.get(id))
        {
            Some(user) if secret::verify_secret(&user.salt, password, &user.password_hash) => {
                Caller::User {
                    id: user.id,
                    username: user.username.clone(),
                    sysadmin: user.sysadmin,
                }
            }
            _ => Caller::Anonymous,
        }
    }

    /// The project named exactly `name`: 400 for a name with a space, 404 when missing.
    pub(super) fn project_by_name(&self, name: &str) -> Result<Project, StoreError> {
        let id = self.project_id_by_name(name)?;
        Ok(self.projects[&id].clone())
    }

    /// The role of user `user_id` in project `project_id`, if a member.
    pub(super) fn role(&self, project_id: i64, user_id: i64) -> Option<Role> {
        self.members.get(&(project_id, user_id)).copied()
    }

    /// The id of the project named `name`: 400 for a name with a space (Harbor checks that
    /// before looking), 404 when there is none.
    pub(super) fn project_id_by_name(&self, name: &str) -> Result<i64, StoreError> {
        if name.contains(' ') {
            return Err(StoreError::InvalidProjectName(name.to_string()));
        }
        self.project_names
            .get(name)
            .copied()
            .filter(|id| self.projects.contains_key(id))
            .ok_or_else(|| StoreError::ProjectNotFound(name.to_string()))
    }

    pub(super) fn add_project(&mut self, p: &ProjectFixture) -> Result<Project, String> {
        if p.name.is_empty() || p.name.contains(' ') || p.name.contains('+') {
            return Err(format!("invalid project name {:?}", p.name));
        }
        if self.project_names.contains_key(&p.name) {
            return Err(format!("duplicate project name {:?}", p.name));
        }
        let id = p.id.unwrap_or_else(|| next_key(&self.projects));
        if id <= 0 || self.projects.contains_key(&id) {
            return Err(format!("project id {id} is not positive or already used"));
        }
        let project = Project {
            id,
            name: p.name.clone(),
        };
        self.project_names.insert(p.name.clone(), id);
        self.projects.insert(id, project.clone());
        Ok(project)
    }

    pub(super) fn add_user(&mut self, u: &UserFixture, fresh_salt: String) -> Result<i64, String> {
        if u.username.is_empty() {
            return Err("username must not be empty".into());
        }
        if self.user_names.contains_key(&u.username) {
            return Err(format!("duplicate username {:?}", u.username));
        }
        let id = u.id.unwrap_or_else(|| next_key(&self.users));
        if id <= 0 || self.users.contains_key(&id) {
            return Err(format!("user id {id} is not positive or already used"));
        }
        let (salt, password_hash) = match (&u.password, &u.password_hash, &u.salt) {
            (Some(password), None, _) => {
                let salt = u.salt.clone().unwrap_or(fresh_salt);
                let hash = secret::hash_secret(&salt, password);
                (salt, hash)
            }
            (None, Some(hash), Some(salt)) => (
                salt.clone(),
                secret::from_hex(hash).ok_or("password_hash must be 64 hex digits")?,
            ),
            _ => return Err("give either password, or password_hash and salt".into()),
        };
        self.user_names.insert(u.username.clone(), id);
        self.users.insert(
            id,
            User {
                id,
                username: u.username.clone(),
                salt,
                password_hash,
                sysadmin: u.sysadmin,
            },
        );
        Ok(id)
    }

    pub(super) fn add_member(&mut self, m: &MemberFixture) -> Result<(), String> {
        let project = *self
            .project_names
            .get(&m.project)
            .ok_or_else(|| format!("unknown project {:?}", m.project))?;
        let user = *self
            .user_names
            .get(&m.user)
            .ok_or_else(|| format!("unknown user {:?}", m.user))?;
        let role = match &m.role {
            RoleSpec::Id(id) => Role::from_id(*id),
            RoleSpec::Name(name) => Role::from_name(name),
        }
        .ok_or_else(|| {
            format!(
                "unknown role {:?} (projectAdmin, developer, guest, maintainer, limitedGuest or 1-5)",
                m.role
            )
        })?;
        self.members.insert((project, user), role);
        Ok(())
    }
}

/// One past the highest id in `map` (1 for an empty map): the id of an entry given without one.
pub(super) fn next_key<V>(map: &std::collections::BTreeMap<i64, V>) -> i64 {
    map.keys().next_back().copied().unwrap_or(0) + 1
}

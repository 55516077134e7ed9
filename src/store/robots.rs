//! Robot writes: create, update, refresh the secret, delete; and how request permissions
//! become stored policies.

use compact_str::CompactString;

use super::error::StoreError;
use super::postgres;
use super::records::{ProjectRecord, RobotRecord};
use super::tables::{Sequences, Tables};
use super::views::wire_name;
use crate::datetime::{MS_PER_SEC, SECS_PER_DAY};
use crate::harbor::rbac::{Permission, Policy, Scope};
use crate::harbor::secret;
use crate::wire::RobotCreated;

/// What a create needs once the handler has validated the request.
#[derive(Clone, Debug)]
pub struct NewRobot {
    /// The short name from the request.
    pub name: String,
    /// `None` for a system robot.
    pub project: Option<ProjectRecord>,
    /// Free text.
    pub description: String,
    /// Days, -1 for never.
    pub duration: i64,
    /// Validated permissions.
    pub permissions: Vec<Permission>,
    /// `local` or `robot`.
    pub creator_type: &'static str,
    /// Id of the creating user or robot.
    pub creator_ref: i64,
}

/// The mutable fields a PUT replaces.
#[derive(Clone, Debug)]
pub struct RobotUpdate {
    /// Free text.
    pub description: String,
    /// Whether it may log in.
    pub disabled: bool,
    /// Days, -1 for never; a change counts from the robot's creation.
    pub duration: i64,
    /// Validated permissions.
    pub permissions: Vec<Permission>,
}

/// A robot's new secret in clear and its salt, drawn by the caller.
pub(super) struct NewSecret {
    pub(super) plain: String,
    pub(super) salt: String,
}

impl Tables {
    /// The stored robot: 404 when there is none.
    pub(super) fn robot(&self, id: i64) -> Result<&RobotRecord, StoreError> {
        self.robots.get(&id).ok_or(StoreError::RobotNotFound(id))
    }

    /// Creates a robot at `now_ms` with `secret`, which only the answer shows. The id is used
    /// up even when the insert then fails, as in Harbor.
    pub(super) fn create_robot(
        &mut self,
        new: NewRobot,
        secret: NewSecret,
        now_ms: i64,
    ) -> Result<RobotCreated, StoreError> {
        // Taken before any check can fail: a rejected insert still uses up the id.
        let id = Sequences::take(&mut self.next.robot);
        let (stored_name, project_id) = match &new.project {
            Some(p) => (format!("{}+{}", p.name, new.name), p.id),
            None => (new.name.clone(), 0),
        };
        if self.robot_names.contains_key(stored_name.as_str()) {
            return Err(StoreError::Conflict {
                project_id,
                name: stored_name,
            });
        }
        // No length check before the insert in Harbor: the columns decide.
        let stored_name = postgres::varchar("robot.name", postgres::ROBOT_NAME, &stored_name)?;
        let description = postgres::varchar(
            "robot.description",
            postgres::ROBOT_DESCRIPTION,
            &new.description,
        )?;
        let policies = self.resolve_policies(new.permissions)?;
        let record = RobotRecord {
            id,
            name: stored_name.into(),
            description: description.into(),
            secret_hash: Some(secret::hash_secret(&secret.salt, &secret.plain)),
            salt: secret.salt.into(),
            duration: new.duration,
            project_id,
            expires_at: expiry(now_ms, new.duration),
            disabled: false,
            visible: true,
            creator_ref: new.creator_ref,
            creator_type: new.creator_type.into(),
            creation_time: now_ms,
            update_time: now_ms,
            policies,
        };
        let created = RobotCreated {
            creation_time: record.creation_time,
            expires_at: record.expires_at,
            id,
            name: wire_name(self.configurations.robot_name_prefix(), &record).to_string(),
            secret: secret.plain,
        };
        self.insert_robot(record);
        Ok(created)
    }

    /// Replaces the mutable fields of a robot (PUT) at `now_ms`. A changed duration counts
    /// from creation.
    pub(super) fn update_robot(
        &mut self,
        id: i64,
        update: RobotUpdate,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let description = postgres::varchar(
            "robot.description",
            postgres::ROBOT_DESCRIPTION,
            &update.description,
        )?;
        let policies = self.resolve_policies(update.permissions)?;
        let robot = self
            .robots
            .get_mut(&id)
            .ok_or(StoreError::RobotNotFound(id))?;
        if update.duration != robot.duration {
            robot.duration = update.duration;
            robot.expires_at = expiry(robot.creation_time, update.duration);
        }
        robot.description = description.into();
        robot.disabled = update.disabled;
        robot.policies = policies;
        robot.update_time = now_ms;
        self.touched.robot(id);
        Ok(())
    }

    /// Sets a robot's secret (PATCH) at `now_ms`. The salt is kept, as in Harbor.
    pub(super) fn set_secret(
        &mut self,
        id: i64,
        plain: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let robot = self
            .robots
            .get_mut(&id)
            .ok_or(StoreError::RobotNotFound(id))?;
        robot.secret_hash = Some(secret::hash_secret(&robot.salt, plain));
        robot.update_time = now_ms;
        self.touched.robot(id);
        Ok(())
    }

    /// Deletes a robot and its permissions.
    pub(super) fn delete_robot(&mut self, id: i64) -> Result<(), StoreError> {
        let robot = self
            .robots
            .remove(&id)
            .ok_or(StoreError::RobotNotFound(id))?;
        self.robot_names.remove(robot.name);
        self.touched.robot(id);
        Ok(())
    }
}

/// Unix seconds at which a robot created at `from_ms` with `duration_days` expires; -1 for
/// never.
pub(super) fn expiry(from_ms: i64, duration_days: i64) -> i64 {
    if duration_days == -1 {
        -1
    } else {
        from_ms
            .div_euclid(MS_PER_SEC)
            .saturating_add(duration_days.saturating_mul(SECS_PER_DAY))
    }
}

impl Tables {
    pub(super) fn insert_robot(&mut self, record: RobotRecord) {
        self.touched.robot(record.id);
        self.robot_names.insert(record.name.clone(), record.id);
        self.robots.insert(record.id, record);
    }

    /// Turns request permissions into stored policies: one scope per entry, entries for the
    /// same scope merged, identical accesses collapsed.
    pub(super) fn resolve_policies(
        &self,
        permissions: Vec<Permission>,
    ) -> Result<Vec<Policy>, StoreError> {
        // Sized exactly: a million stored robots make every spare slot count.
        let mut policies: Vec<Policy> = Vec::with_capacity(permissions.len());
        for permission in permissions {
            let scope = match permission.kind.as_str() {
                "system" if permission.namespace == "/" => Scope::System,
                "system" => return Err(StoreError::UnknownNamespace),
                _ if permission.namespace == "*" => Scope::AllProjects,
                _ => Scope::Project(self.project_id_by_name(&permission.namespace)?),
            };
            let group = match policies.iter_mut().position(|p| p.scope == scope) {
                Some(i) => &mut policies[i].access,
                None => {
                    policies.push(Policy {
                        scope,
                        access: Vec::with_capacity(permission.access.len()),
                    });
                    &mut policies.last_mut().expect("just pushed").access
                }
            };
            for mut access in permission.access {
                // Stored as the column keeps it; equal rows are one (Harbor upserts them).
                let effect = postgres::varchar(
                    "permission_policy.effect",
                    postgres::POLICY_EFFECT,
                    &access.effect,
                )?;
                if effect.len() != access.effect.len() {
                    access.effect = effect.into();
                }
                if !group.contains(&access) {
                    group.push(access);
                }
            }
        }
        for policy in &mut policies {
            policy.access.shrink_to_fit();
        }
        policies.shrink_to_fit();
        Ok(policies)
    }

    /// Policies back to permissions, with current project names; scopes of deleted projects
    /// are left out.
    pub(super) fn permissions_of(&self, policies: &[Policy]) -> Vec<Permission> {
        policies
            .iter()
            .filter_map(|p| {
                let (kind, namespace) = self.scope_names(p.scope)?;
                Some(Permission {
                    access: p.access.clone(),
                    kind: kind.into(),
                    namespace: CompactString::from(namespace),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;

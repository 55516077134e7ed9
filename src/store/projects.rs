//! Projects and their members (`project`, `project_metadata`, `cve_allowlist`,
//! `project_member`): lookups, creation, metadata updates, deletion with its cascade.

use std::collections::BTreeMap;

use super::error::StoreError;
use super::postgres;
use super::records::{CveAllowlist, MemberRecord, ProjectRecord};
use super::tables::{Sequences, Tables};
use crate::harbor::projects::ProjectRef;
use crate::harbor::rbac::Role;

/// A project to create, through the API or from fixtures.
#[derive(Clone, Debug)]
pub struct NewProject {
    /// A fixed id (fixtures); `None` takes the next of the sequence.
    pub id: Option<i64>,
    /// The name, already validated.
    pub name: String,
    /// The owner's user id.
    pub owner_id: i64,
    /// Metadata as stored (`public` always among it).
    pub metadata: BTreeMap<String, String>,
    /// Bytes, -1 for no limit.
    pub storage_limit: i64,
    /// Unix milliseconds.
    pub creation_time: i64,
    /// Unix milliseconds (fixtures may give another than `creation_time`).
    pub update_time: i64,
    /// Whether the owner becomes the project's admin, as `POST /projects` makes them.
    pub owner_is_member: bool,
}

/// What `PUT /projects/{id}` changes: metadata upserted key by key, the allowlist replaced.
#[derive(Clone, Debug, Default)]
pub struct ProjectUpdate {
    /// Keys to set.
    pub metadata: BTreeMap<String, String>,
    /// The new allowlist items and expiry, if given.
    pub cve_allowlist: Option<(Vec<String>, Option<i64>)>,
}

/// Metadata values as `project_metadata.value` (`varchar(255)`) stores them; Harbor checks
/// none but `public` (and only on create) before the insert.
fn stored_metadata(
    metadata: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, StoreError> {
    metadata
        .into_iter()
        .map(|(key, value)| {
            let value =
                postgres::varchar("project_metadata.value", postgres::METADATA_VALUE, &value)?;
            Ok((key, value))
        })
        .collect()
}

impl Tables {
    /// The id of the project named `name`: 400 for a name with a space (Harbor checks that
    /// before looking), 404 when there is none.
    pub(super) fn project_id_by_name(&self, name: &str) -> Result<i64, StoreError> {
        if name.contains(' ') {
            return Err(StoreError::InvalidProjectName(name.to_string()));
        }
        postgres::text("project.name", name)?;
        self.project_names
            .get(name)
            .copied()
            .ok_or_else(|| StoreError::ProjectNotFound(name.to_string()))
    }

    /// The id of the project `project` names: 400 for a name with a space, 404 when missing.
    pub(super) fn project_ref(&self, project: &ProjectRef) -> Result<i64, StoreError> {
        match project {
            ProjectRef::Name(name) => self.project_id_by_name(name),
            ProjectRef::Id(id) => self.project(*id).map(|p| p.id),
        }
    }

    /// The project `id`: 404 `project <id> not found`; an id beyond `int4` is the 500 of the
    /// driver that cannot send it.
    pub(super) fn project(&self, id: i64) -> Result<&ProjectRecord, StoreError> {
        postgres::int4("project.project_id", id)?;
        self.projects
            .get(&id)
            .ok_or_else(|| StoreError::ProjectNotFound(id.to_string()))
    }

    /// Creates a project (and its empty allowlist); 409 when the name is taken, which uses
    /// up an id as Harbor's failed insert uses up a sequence value. Returns the id.
    pub(super) fn create_project(&mut self, new: NewProject) -> Result<i64, StoreError> {
        if self.project_names.contains_key(&new.name) {
            if new.id.is_none() {
                Sequences::take(&mut self.next.project);
            }
            return Err(StoreError::ProjectConflict(new.name));
        }
        let id = match new.id {
            Some(id) if id <= 0 || self.projects.contains_key(&id) => {
                return Err(StoreError::Invalid(format!(
                    "project id {id} is not positive or already used"
                )));
            }
            Some(id) => {
                self.next.project = self.next.project.max(id + 1);
                id
            }
            None => Sequences::take(&mut self.next.project),
        };
        let metadata = stored_metadata(new.metadata)?;
        let allowlist = Sequences::take(&mut self.next.allowlist);
        self.project_names.insert(new.name.clone(), id);
        self.projects.insert(
            id,
            ProjectRecord {
                id,
                name: new.name,
                owner_id: new.owner_id,
                creation_time: new.creation_time,
                update_time: new.update_time,
                metadata,
                registry_id: 0,
                cve_allowlist: CveAllowlist {
                    id: allowlist,
                    ..CveAllowlist::default()
                },
                storage_limit: new.storage_limit,
            },
        );
        self.touched.project(id);
        if new.owner_is_member && self.users.contains_key(&new.owner_id) {
            self.add_member(id, new.owner_id, Role::ProjectAdmin.id(), None)?;
        }
        Ok(id)
    }

    /// Applies a `PUT /projects/{id}`: the project row itself (and so `update_time`) does not
    /// change.
    pub(super) fn update_project(
        &mut self,
        id: i64,
        update: ProjectUpdate,
    ) -> Result<(), StoreError> {
        let metadata = stored_metadata(update.metadata)?;
        let project = self
            .projects
            .get_mut(&id)
            .ok_or_else(|| StoreError::ProjectNotFound(id.to_string()))?;
        project.metadata.extend(metadata);
        if let Some((items, expires_at)) = update.cve_allowlist {
            project.cve_allowlist.items = items;
            project.cve_allowlist.expires_at = expires_at;
        }
        self.touched.project(id);
        Ok(())
    }

    /// Deletes project `id` as Harbor does: its name is free at once, its id is never handed
    /// out again, its robots are deleted, its members removed; system robots keep their
    /// policies for it, which then show and grant nothing.
    pub(super) fn delete_project(&mut self, id: i64) -> Result<(), StoreError> {
        let project = self
            .projects
            .remove(&id)
            .ok_or_else(|| StoreError::ProjectNotFound(id.to_string()))?;
        self.project_names.remove(project.name.clone());
        self.touched.project(id);
        let robots: Vec<i64> = self
            .robots
            .values()
            .filter(|r| r.project_id == id)
            .map(|r| r.id)
            .collect();
        for robot in robots {
            self.delete_robot(robot)?;
        }
        let members: Vec<i64> = self.members_of(id).map(|m| m.id).collect();
        for member in members {
            self.remove_member(member);
        }
        Ok(())
    }

    /// The role of user `user_id` in project `project_id`, if a member with a known role.
    pub(super) fn role(&self, project_id: i64, user_id: i64) -> Option<Role> {
        let id = self.member_ids.get(&(project_id, user_id))?;
        self.members.get(id)?.role()
    }

    /// The members of project `project_id`, by member id.
    pub(super) fn members_of(&self, project_id: i64) -> impl Iterator<Item = &MemberRecord> {
        self.members
            .values()
            .filter(move |m| m.project_id == project_id)
    }

    /// Makes user `user_id` a member of project `project_id` with `role_id`; 409 when they
    /// already are. Returns the member id.
    pub(super) fn add_member(
        &mut self,
        project_id: i64,
        user_id: i64,
        role_id: i64,
        id: Option<i64>,
    ) -> Result<i64, StoreError> {
        if self.member_ids.contains_key(&(project_id, user_id)) {
            return Err(StoreError::MemberConflict);
        }
        let id = match id {
            Some(id) if id <= 0 || self.members.contains_key(&id) => {
                return Err(StoreError::Invalid(format!(
                    "member id {id} is not positive or already used"
                )));
            }
            Some(id) => {
                self.next.member = self.next.member.max(id + 1);
                id
            }
            None => Sequences::take(&mut self.next.member),
        };
        self.member_ids.insert((project_id, user_id), id);
        self.members.insert(
            id,
            MemberRecord {
                id,
                project_id,
                user_id,
                role_id,
            },
        );
        self.touched.member(id);
        Ok(id)
    }

    /// Harbor's blind role update: any role id is stored, and an unknown member is no error.
    pub(super) fn set_member_role(&mut self, project_id: i64, member_id: i64, role_id: i64) {
        if let Some(member) = self.members.get_mut(&member_id)
            && member.project_id == project_id
        {
            member.role_id = role_id;
            self.touched.member(member_id);
        }
    }

    /// Removes member `member_id`, if there is one.
    pub(super) fn remove_member(&mut self, member_id: i64) {
        if let Some(member) = self.members.remove(&member_id) {
            self.member_ids.remove((member.project_id, member.user_id));
            self.touched.member(member_id);
        }
    }
}

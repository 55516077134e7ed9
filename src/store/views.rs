//! Stored records as the wire shows them, borrowed straight from the tables: a robot's wire
//! name, its permissions with current project names, and the `Robot`, `Project`,
//! `ProjectMemberEntity` and `UserResp` JSON.

use super::error::StoreError;
use super::records::{MemberRecord, ProjectRecord, RobotRecord, UserRecord};
use super::tables::Tables;
use crate::harbor::auth::Caller;
use crate::harbor::projects::shown_metadata;
use crate::harbor::rbac::{Role, Scope};
use crate::wire::{
    self, CveAllowlist, CveAllowlistItem, Project, ProjectMemberEntity, Robot, RobotName,
    RobotPermission, UserResp, ZERO_TIME_MS,
};

/// A robot's name on the wire and at login: the `prefix` (Harbor's `robot_name_prefix`) and
/// the stored name; a legacy robot (not editable) has no prefix. The one place the prefix is
/// applied.
pub fn wire_name<'a>(prefix: &'a str, record: &'a RobotRecord) -> RobotName<'a> {
    RobotName {
        prefix: if record.editable() { prefix } else { "" },
        stored: &record.name,
    }
}

impl Tables {
    /// The project id of robot `id` and its GET body (JSON and a newline), without copying the
    /// stored record.
    pub(super) fn robot_json(&self, id: i64) -> Result<(i64, Vec<u8>), StoreError> {
        let record = self.robots.get(&id).ok_or(StoreError::RobotNotFound(id))?;
        let body = wire::json_line(&self.robot_view(record));
        Ok((record.project_id, body))
    }

    /// The `Robot` a GET or list returns for `r`, named with the configured prefix.
    pub(super) fn robot_view<'a>(&'a self, r: &'a RobotRecord) -> Robot<'a> {
        let prefix = self.configurations.robot_name_prefix();
        let permissions = r
            .policies
            .iter()
            .filter_map(|p| {
                let (kind, namespace) = self.scope_names(p.scope)?;
                Some(RobotPermission {
                    access: &p.access,
                    kind,
                    namespace,
                })
            })
            .collect();
        Robot {
            creation_time: r.creation_time,
            creator_ref: r.creator_ref,
            creator_type: &r.creator_type,
            description: &r.description,
            disable: r.disabled,
            duration: r.duration,
            editable: r.editable(),
            expires_at: r.expires_at,
            id: r.id,
            level: r.level().as_str(),
            name: wire_name(prefix, r),
            permissions,
            update_time: r.update_time,
        }
    }

    /// The `Project` a GET or list returns for `p`, as `viewer` sees it (their roles), with
    /// metadata and owner name or not (`with_detail`).
    pub(super) fn project_view<'a>(
        &'a self,
        p: &'a ProjectRecord,
        viewer: &Caller,
        detail: bool,
    ) -> Project<'a> {
        // Only a local user's roles are shown (`populateProperties`); robots and anonymous
        // callers get `null`.
        let roles: Vec<i64> = match viewer {
            Caller::User { id, .. } => self.role(p.id, *id).map(|r| r.id()).into_iter().collect(),
            _ => Vec::new(),
        };
        let highest = roles
            .iter()
            .copied()
            .filter_map(Role::from_id)
            .min_by_key(|r| r.power())
            .map_or(0, Role::id);
        let allowlist = &p.cve_allowlist;
        Project {
            creation_time: p.creation_time,
            current_user_role_id: highest,
            current_user_role_ids: (!roles.is_empty()).then_some(roles),
            cve_allowlist: CveAllowlist {
                creation_time: ZERO_TIME_MS,
                expires_at: if detail { allowlist.expires_at } else { None },
                id: if detail { allowlist.id } else { 0 },
                items: detail.then(|| {
                    allowlist
                        .items
                        .iter()
                        .map(|cve_id| CveAllowlistItem { cve_id })
                        .collect()
                }),
                project_id: if detail { p.id } else { 0 },
                update_time: ZERO_TIME_MS,
            },
            metadata: detail.then(|| shown_metadata(&p.metadata, p.registry_id > 0)),
            name: &p.name,
            owner_id: p.owner_id,
            owner_name: match (detail, self.users.get(&p.owner_id)) {
                (true, Some(owner)) => &owner.username,
                _ => "",
            },
            project_id: p.id,
            registry_id: p.registry_id,
            repo_count: 0,
            update_time: p.update_time,
        }
    }

    /// The `ProjectMemberEntity` for `m`; `None` when its role is unknown or its user gone
    /// (Harbor's list joins the role and user tables).
    pub(super) fn member_view(&self, m: &MemberRecord) -> Option<ProjectMemberEntity<'_>> {
        let role = m.role()?;
        let user = self.users.get(&m.user_id)?;
        Some(ProjectMemberEntity {
            entity_id: user.id,
            entity_name: &user.username,
            entity_type: "u",
            id: m.id,
            project_id: m.project_id,
            role_id: role.id(),
            role_name: role.name(),
        })
    }

    /// The `UserResp` for `u`.
    pub(super) fn user_view<'a>(&self, u: &'a UserRecord) -> UserResp<'a> {
        UserResp {
            admin_role_in_auth: false,
            comment: &u.comment,
            creation_time: u.creation_time,
            email: &u.email,
            realname: &u.realname,
            sysadmin_flag: u.sysadmin,
            update_time: u.update_time,
            user_id: u.id,
            username: &u.username,
        }
    }

    /// A policy scope's `kind` and `namespace` on the wire; `None` for the scope of a project
    /// that no longer exists, which Harbor leaves out (`populatePermissions`).
    pub(super) fn scope_names(&self, scope: Scope) -> Option<(&'static str, &str)> {
        match scope {
            Scope::System => Some(("system", "/")),
            Scope::AllProjects => Some(("project", "*")),
            Scope::Project(id) => Some(("project", self.projects.get(&id)?.name.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::*;
    use crate::datetime::harbor_time;
    use crate::harbor::rbac::Permission;
    use crate::store::testing::NOW_MS;
    use crate::store::{Store, StoreOptions};

    /// `Robot` built field by field, owning its data: the oracle [`Robot`] is held against.
    #[derive(Serialize)]
    struct OwnedRobot {
        #[serde(with = "harbor_time")]
        creation_time: i64,
        #[serde(skip_serializing_if = "is_zero")]
        creator_ref: i64,
        #[serde(skip_serializing_if = "String::is_empty")]
        creator_type: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        description: String,
        disable: bool,
        duration: i64,
        editable: bool,
        #[serde(skip_serializing_if = "is_zero")]
        expires_at: i64,
        id: i64,
        level: &'static str,
        name: String,
        permissions: Vec<Permission>,
        #[serde(with = "harbor_time")]
        update_time: i64,
    }

    fn is_zero(v: &i64) -> bool {
        *v == 0
    }

    fn owned(tables: &Tables, r: &RobotRecord, prefix: &str) -> OwnedRobot {
        let name = if r.editable() {
            format!("{prefix}{}", r.name)
        } else {
            r.name.to_string()
        };
        OwnedRobot {
            creation_time: r.creation_time,
            creator_ref: r.creator_ref,
            creator_type: r.creator_type.to_string(),
            description: r.description.to_string(),
            disable: r.disabled,
            duration: r.duration,
            editable: r.editable(),
            expires_at: r.expires_at,
            id: r.id,
            level: r.level().as_str(),
            name,
            permissions: tables.permissions_of(&r.policies),
            update_time: r.update_time,
        }
    }

    #[test]
    fn robot_json_keys_are_alphabetical_and_empty_fields_omitted() {
        let robot = OwnedRobot {
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

    #[test]
    fn borrowed_views_serialise_like_owned_ones() {
        let text = r#"{"users":[{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true}],
            "projects":[{"id":1,"name":"library"},{"id":2,"name":"p2"}],
            "robots":[
              {"id":1,"name":"library+ci","project_id":1,"secret":"Ci-Secret-123",
               "description":"quote \" backslash \\ tab \t é 🚀 <&>","creator_type":"local",
               "creator_ref":3,"duration":30,
               "permissions":[{"kind":"project","namespace":"library","access":[
                 {"resource":"repository","action":"pull"},{"resource":"artifact","action":"read","effect":"deny"}]}]},
              {"id":2,"name":"we\"ird\\né","disable":true,"expires_at":0,
               "permissions":[{"kind":"system","namespace":"/","access":[{"resource":"robot","action":"list"}]},
                 {"kind":"project","namespace":"*","access":[{"resource":"repository","action":"pull"}]},
                 {"kind":"project","namespace":"p2","access":[{"resource":"repository","action":"push"}]}]},
              {"id":3,"name":"legacy","editable":false,"visible":false}]}"#;
        let store = Store::new(
            serde_json::from_str(text).unwrap(),
            StoreOptions::default(),
            NOW_MS,
        )
        .unwrap();
        let tables = store.tables.read();
        for r in tables.robots.values() {
            assert_eq!(
                serde_json::to_string(&tables.robot_view(r)).unwrap(),
                serde_json::to_string(&owned(&tables, r, "robot$")).unwrap(),
                "robot {}",
                r.id
            );
        }
        let owned = owned(&tables, &store.robot(2).unwrap(), "robot$");
        drop(tables);
        let (project, body) = store.robot_json(2).unwrap();
        assert_eq!(project, 0);
        assert_eq!(
            body,
            format!("{}\n", serde_json::to_string(&owned).unwrap()).into_bytes()
        );
    }
}

//! Stored records as the wire shows them: a robot's wire name, its permissions with current
//! project names, and the `Robot` JSON of GET and list, borrowed straight from the tables.

use super::error::StoreError;
use super::records::RobotRecord;
use super::tables::Tables;
use crate::harbor::rbac::Scope;
use crate::wire::{self, Robot, RobotName, RobotPermission};

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
    pub(super) fn robot_json(&self, id: i64, prefix: &str) -> Result<(i64, Vec<u8>), StoreError> {
        let record = self.robots.get(&id).ok_or(StoreError::RobotNotFound(id))?;
        let body = wire::json_line(&self.robot_view(record, prefix));
        Ok((record.project_id, body))
    }

    /// The `Robot` a GET or list returns for `r`.
    pub(super) fn robot_view<'a>(&'a self, r: &'a RobotRecord, prefix: &'a str) -> Robot<'a> {
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
                serde_json::to_string(&tables.robot_view(r, "robot$")).unwrap(),
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

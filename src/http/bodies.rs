//! How each request body model is read (what go-swagger generates for it): its field names
//! and Go types, the body parameter's name in 422 messages, and the read-only fields that are
//! type-checked and dropped.

use std::collections::BTreeMap;

use super::gojson::{Fields, GoBody, max_length};
use crate::harbor::configurations::{self, ConfigKind, ConfigValue, ConfigurationsReq};
use crate::wire::{
    Access, CveAllowlistReq, PROJECT_METADATA_KEYS, PasswordReq, ProjectMember, ProjectReq,
    RobotCreate, RobotPermissionReq, RobotReq, RobotSecReq, RoleRequest, UserCreationReq,
    UserProfileReq, UserSysAdminFlag,
};

impl GoBody for RobotCreate {
    const PARAM: &'static str = "robot";
    const GO_TYPE: &'static str = "RobotCreate";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        // Type-checked like every other field, then ignored.
        f.string("secret")?;
        f.boolean("disable")?;
        Ok(RobotCreate {
            name: f.string("name")?,
            description: f.string("description")?,
            level: f.string("level")?,
            duration: f.int("duration")?.unwrap_or(0),
            permissions: permissions(f)?,
        })
    }
}

impl GoBody for RobotReq {
    const PARAM: &'static str = "robot";
    const GO_TYPE: &'static str = "Robot";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        f.int("id")?;
        f.string("secret")?;
        f.boolean("editable")?;
        f.int("expires_at")?;
        f.string("creator_type")?;
        f.int("creator_ref")?;
        f.date_time("creation_time")?;
        f.date_time("update_time")?;
        Ok(RobotReq {
            name: f.string("name")?,
            description: f.string("description")?,
            level: f.string("level")?,
            disable: f.boolean("disable")?,
            duration: f.int("duration")?,
            permissions: permissions(f)?,
        })
    }
}

impl GoBody for RobotSecReq {
    const PARAM: &'static str = "robotSec";
    const GO_TYPE: &'static str = "RobotSec";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        Ok(RobotSecReq {
            secret: f.string("secret")?,
        })
    }
}

fn permissions(f: &Fields<'_>) -> Result<Option<Vec<Option<RobotPermissionReq>>>, String> {
    f.array("permissions", "[]*models.RobotPermission", |item| {
        let p = item.object("models.RobotPermission")?;
        Ok(RobotPermissionReq {
            kind: p.string("kind")?,
            namespace: p.string("namespace")?,
            access: p.array("access", "[]*models.Access", |a| {
                let a = a.object("models.Access")?;
                Ok(Access {
                    action: a.string("action")?.into(),
                    effect: a.string("effect")?.into(),
                    resource: a.string("resource")?.into(),
                })
            })?,
        })
    })
}

impl GoBody for ProjectReq {
    const PARAM: &'static str = "project";
    const GO_TYPE: &'static str = "ProjectReq";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        let metadata = match f.object("metadata", "models.ProjectMetadata")? {
            None => None,
            Some(m) => {
                let mut given = BTreeMap::new();
                for key in PROJECT_METADATA_KEYS {
                    if let Some(value) = m.opt_string(key)? {
                        given.insert((*key).to_string(), value);
                    }
                }
                Some(given)
            }
        };
        let cve_allowlist = match f.object("cve_allowlist", "models.CVEAllowlist")? {
            None => None,
            Some(a) => {
                a.int("id")?;
                a.date_time("creation_time")?;
                a.date_time("update_time")?;
                let items = a.array("items", "[]*models.CVEAllowlistItem", |item| {
                    item.object("models.CVEAllowlistItem")?.string("cve_id")
                })?;
                Some(CveAllowlistReq {
                    project_id: a.int("project_id")?.unwrap_or(0),
                    items: items.into_iter().flatten().flatten().collect(),
                    expires_at: a.int("expires_at")?,
                })
            }
        };
        Ok(ProjectReq {
            project_name: f.string("project_name")?,
            public: f.opt_bool("public")?,
            metadata,
            cve_allowlist,
            storage_limit: f.int("storage_limit")?,
            registry_id: f.int("registry_id")?,
        })
    }

    fn validate(&self) -> Result<(), String> {
        max_length("project_name", &self.project_name, 255)
    }
}

impl GoBody for ProjectMember {
    const PARAM: &'static str = "projectMember";
    const GO_TYPE: &'static str = "ProjectMember";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        let mut member = ProjectMember {
            role_id: f.int("role_id")?.unwrap_or(0),
            ..ProjectMember::default()
        };
        if let Some(user) = f.object("member_user", "models.UserEntity")? {
            member.user_id = user.int("user_id")?.unwrap_or(0);
            member.username = user.string("username")?;
        }
        if let Some(group) = f.object("member_group", "models.UserGroup")? {
            member.group_id = group.int("id")?.unwrap_or(0);
            member.group_name = group.string("group_name")?;
            group.int("group_type")?;
            member.ldap_group_dn = group.string("ldap_group_dn")?;
        }
        Ok(member)
    }
}

impl GoBody for RoleRequest {
    const PARAM: &'static str = "role";
    const GO_TYPE: &'static str = "RoleRequest";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        Ok(RoleRequest {
            role_id: f.int("role_id")?.unwrap_or(0),
        })
    }
}

impl GoBody for UserCreationReq {
    const PARAM: &'static str = "userReq";
    const GO_TYPE: &'static str = "UserCreationReq";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        Ok(UserCreationReq {
            username: f.string("username")?,
            email: f.string("email")?,
            realname: f.string("realname")?,
            comment: f.string("comment")?,
            password: f.string("password")?,
        })
    }

    fn validate(&self) -> Result<(), String> {
        max_length("username", &self.username, 255)?;
        max_length("email", &self.email, 255)
    }
}

impl GoBody for UserProfileReq {
    const PARAM: &'static str = "profile";
    const GO_TYPE: &'static str = "UserProfile";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        Ok(UserProfileReq {
            email: f.string("email")?,
            realname: f.string("realname")?,
            comment: f.string("comment")?,
        })
    }
}

impl GoBody for PasswordReq {
    const PARAM: &'static str = "password";
    const GO_TYPE: &'static str = "PasswordReq";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        Ok(PasswordReq {
            old_password: f.string("old_password")?,
            new_password: f.string("new_password")?,
        })
    }
}

impl GoBody for UserSysAdminFlag {
    const PARAM: &'static str = "sysadminFlag";
    const GO_TYPE: &'static str = "UserSysAdminFlag";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        Ok(UserSysAdminFlag {
            sysadmin_flag: f.boolean("sysadmin_flag")?,
        })
    }
}

impl GoBody for ConfigurationsReq {
    const PARAM: &'static str = "configurations";
    const GO_TYPE: &'static str = "Configurations";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        let mut changes = BTreeMap::new();
        for (key, kind) in configurations::items() {
            let value = match kind {
                ConfigKind::Str => f.opt_string(key)?.map(ConfigValue::Str),
                ConfigKind::Bool => f.opt_bool(key)?.map(ConfigValue::Bool),
                ConfigKind::Int => f.int(key)?.map(ConfigValue::Int),
            };
            if let Some(value) = value {
                changes.insert(key, value);
            }
        }
        Ok(ConfigurationsReq { changes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::gojson::decode;

    fn create(body: &str) -> Result<Option<RobotCreate>, String> {
        decode::<RobotCreate>(body.as_bytes())
    }

    #[test]
    fn keys_match_case_insensitively_and_last_duplicate_wins() {
        let r = create(r#"{"NAME":"a","Duration":5,"name":"b","level":"x","level":"system"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.name, "b", "the last key in any case wins");
        assert_eq!(r.duration, 5);
        assert_eq!(r.level, "system", "last duplicate wins");
    }

    #[test]
    fn unknown_keys_nulls_and_trailing_data_are_ignored() {
        let r = create(r#"{"name":"a","foo":[1],"description":null} trailing garbage"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.name, "a");
        assert_eq!(r.description, "");
        assert_eq!(create("null").unwrap(), Some(RobotCreate::default()));
    }

    #[test]
    fn missing_body_is_none() {
        assert_eq!(create("").unwrap(), None);
        assert_eq!(create("  \n ").unwrap(), None);
    }

    #[test]
    fn type_errors_use_go_wording() {
        let cases = [
            (
                r#"{"duration":"30"}"#,
                "json: cannot unmarshal string into Go struct field RobotCreate.duration of type int64",
            ),
            (
                r#"{"duration":30.5}"#,
                "json: cannot unmarshal number 30.5 into Go struct field RobotCreate.duration of type int64",
            ),
            (
                r#"{"disable":"true"}"#,
                "json: cannot unmarshal string into Go struct field RobotCreate.disable of type bool",
            ),
            (
                r#"{"permissions":[{"access":[{"resource":1}]}]}"#,
                "json: cannot unmarshal number into Go struct field Access.permissions.access.resource of type string",
            ),
            (
                r#"[]"#,
                "json: cannot unmarshal array into Go value of type models.RobotCreate",
            ),
            (r#"{"name":"a""#, "unexpected EOF"),
        ];
        for (body, message) in cases {
            assert_eq!(create(body).unwrap_err(), message, "{body}");
        }
    }

    #[test]
    fn null_permission_entries_are_kept_as_none() {
        let r = create(r#"{"permissions":[null,{"kind":"project","access":[null]}]}"#)
            .unwrap()
            .unwrap();
        let perms = r.permissions.unwrap();
        assert_eq!(perms[0], None);
        assert_eq!(perms[1].as_ref().unwrap().access, Some(vec![None]));
    }

    #[test]
    fn put_checks_date_times() {
        let err = decode::<RobotReq>(br#"{"creation_time":"yesterday"}"#).unwrap_err();
        assert!(err.starts_with("parsing time \"yesterday\""), "{err}");
    }
}

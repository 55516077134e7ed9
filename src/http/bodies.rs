//! How each request body model is read: which go-swagger model Go decodes it into (the names
//! go-swagger's 422s use), how the mock's request type is read from the decoded model, and the
//! model's own `Validate` (go-swagger's schema constraints).

use std::collections::BTreeMap;

use super::gojson::{Fields, StructType, models};
use crate::harbor::configurations::{self, ConfigKind, ConfigValue, ConfigurationsReq};
use crate::wire::{
    Access, CveAllowlistReq, PROJECT_METADATA_KEYS, PasswordReq, ProjectMember, ProjectReq,
    RobotCreate, RobotPermissionReq, RobotReq, RobotSecReq, RoleRequest, UserCreationReq,
    UserProfileReq, UserSysAdminFlag,
};

/// A request body: the go-swagger model Go decodes it into, and how the mock reads it.
pub trait GoBody: Sized {
    /// The body parameter's name in go-swagger's messages (`robot`, `robotSec`).
    const PARAM: &'static str;
    /// The model Go decodes the body into.
    const MODEL: &'static StructType;
    /// Reads the decoded model (its types are already Go's, so this cannot fail).
    fn from_model(f: Fields<'_>) -> Self;
    /// The model's generated `Validate`, run on the decoded model: one line per failure, in
    /// the model's field order (go-swagger checks every property and lists each failure).
    fn validate(_: Fields<'_>) -> Vec<String> {
        Vec::new()
    }
}

/// go-openapi `validate.MaxLength`, which counts runes (`utf8.RuneCountInString`, after
/// decoding replaced invalid UTF-8 with U+FFFD): `<field> in body should be at most <max>
/// chars long` (`errors.TooLong`).
fn max_length(f: Fields<'_>, field: &str, max: usize) -> Option<String> {
    (f.string(field).chars().count() > max)
        .then(|| format!("{field} in body should be at most {max} chars long"))
}

impl GoBody for RobotCreate {
    const PARAM: &'static str = "robot";
    const MODEL: &'static StructType = &models::ROBOT_CREATE;
    /// `secret` and `disable` are decoded (so their types are checked) and ignored, as in
    /// Harbor.
    fn from_model(f: Fields<'_>) -> Self {
        RobotCreate {
            name: f.string("name").to_owned(),
            description: f.string("description").to_owned(),
            level: f.string("level").to_owned(),
            duration: f.int("duration"),
            permissions: permissions(f),
        }
    }
}

impl GoBody for RobotReq {
    const PARAM: &'static str = "robot";
    const MODEL: &'static StructType = &models::ROBOT;
    /// The read-only fields (`id`, `secret`, `editable`, `expires_at`, `creator_*`, the times)
    /// are decoded and dropped.
    fn from_model(f: Fields<'_>) -> Self {
        RobotReq {
            name: f.string("name").to_owned(),
            description: f.string("description").to_owned(),
            level: f.string("level").to_owned(),
            disable: f.boolean("disable"),
            duration: f.opt_int("duration"),
            permissions: permissions(f),
        }
    }
}

impl GoBody for RobotSecReq {
    const PARAM: &'static str = "robotSec";
    const MODEL: &'static StructType = &models::ROBOT_SEC;
    fn from_model(f: Fields<'_>) -> Self {
        RobotSecReq {
            secret: f.string("secret").to_owned(),
        }
    }
}

/// `permissions` of `RobotCreate` and `Robot`: a nil element stays `None`.
fn permissions(f: Fields<'_>) -> Option<Vec<Option<RobotPermissionReq>>> {
    let list = f.list("permissions")?;
    Some(
        list.into_iter()
            .map(|p| {
                p.map(|p| RobotPermissionReq {
                    kind: p.string("kind").to_owned(),
                    namespace: p.string("namespace").to_owned(),
                    access: p.list("access").map(|access| {
                        access
                            .into_iter()
                            .map(|a| {
                                a.map(|a| Access {
                                    action: a.string("action").into(),
                                    effect: a.string("effect").into(),
                                    resource: a.string("resource").into(),
                                })
                            })
                            .collect()
                    }),
                })
            })
            .collect(),
    )
}

impl GoBody for ProjectReq {
    const PARAM: &'static str = "project";
    const MODEL: &'static StructType = &models::PROJECT_REQ;
    fn from_model(f: Fields<'_>) -> Self {
        // Harbor copies the metadata struct into a map through JSON (`lib.JSONCopy`), where
        // `omitempty` drops nil pointers and the one plain string, `public`, when empty.
        let metadata = f.object("metadata").map(|m| {
            let mut given = BTreeMap::new();
            for key in PROJECT_METADATA_KEYS {
                let value = match *key {
                    "public" => Some(m.string(key)).filter(|v| !v.is_empty()),
                    _ => m.opt_string(key),
                };
                if let Some(value) = value {
                    given.insert((*key).to_string(), value.to_owned());
                }
            }
            given
        });
        // `id` and the times are decoded and dropped; a nil item is skipped.
        let cve_allowlist = f.object("cve_allowlist").map(|a| CveAllowlistReq {
            project_id: a.int("project_id"),
            items: a
                .list("items")
                .unwrap_or_default()
                .into_iter()
                .flatten()
                .map(|item| item.string("cve_id").to_owned())
                .collect(),
            expires_at: a.opt_int("expires_at"),
        });
        ProjectReq {
            project_name: f.string("project_name").to_owned(),
            public: f.opt_bool("public"),
            metadata,
            cve_allowlist,
            storage_limit: f.opt_int("storage_limit"),
            registry_id: f.opt_int("registry_id"),
        }
    }

    fn validate(f: Fields<'_>) -> Vec<String> {
        max_length(f, "project_name", 255).into_iter().collect()
    }
}

impl GoBody for ProjectMember {
    const PARAM: &'static str = "projectMember";
    const MODEL: &'static StructType = &models::PROJECT_MEMBER;
    /// `member_group.group_type` is decoded and dropped.
    fn from_model(f: Fields<'_>) -> Self {
        let mut member = ProjectMember {
            role_id: f.int("role_id"),
            ..ProjectMember::default()
        };
        if let Some(user) = f.object("member_user") {
            member.user_id = user.int("user_id");
            member.username = user.string("username").to_owned();
        }
        if let Some(group) = f.object("member_group") {
            member.group_id = group.int("id");
            member.group_name = group.string("group_name").to_owned();
            member.ldap_group_dn = group.string("ldap_group_dn").to_owned();
        }
        member
    }
}

impl GoBody for RoleRequest {
    const PARAM: &'static str = "role";
    const MODEL: &'static StructType = &models::ROLE_REQUEST;
    fn from_model(f: Fields<'_>) -> Self {
        RoleRequest {
            role_id: f.int("role_id"),
        }
    }
}

impl GoBody for UserCreationReq {
    const PARAM: &'static str = "userReq";
    const MODEL: &'static StructType = &models::USER_CREATION_REQ;
    fn from_model(f: Fields<'_>) -> Self {
        UserCreationReq {
            username: f.string("username").to_owned(),
            email: f.string("email").to_owned(),
            realname: f.string("realname").to_owned(),
            comment: f.string("comment").to_owned(),
            password: f.string("password").to_owned(),
        }
    }

    fn validate(f: Fields<'_>) -> Vec<String> {
        [max_length(f, "email", 255), max_length(f, "username", 255)]
            .into_iter()
            .flatten()
            .collect()
    }
}

impl GoBody for UserProfileReq {
    const PARAM: &'static str = "profile";
    const MODEL: &'static StructType = &models::USER_PROFILE;
    fn from_model(f: Fields<'_>) -> Self {
        UserProfileReq {
            email: f.string("email").to_owned(),
            realname: f.string("realname").to_owned(),
            comment: f.string("comment").to_owned(),
        }
    }
}

impl GoBody for PasswordReq {
    const PARAM: &'static str = "password";
    const MODEL: &'static StructType = &models::PASSWORD_REQ;
    fn from_model(f: Fields<'_>) -> Self {
        PasswordReq {
            old_password: f.string("old_password").to_owned(),
            new_password: f.string("new_password").to_owned(),
        }
    }
}

impl GoBody for UserSysAdminFlag {
    const PARAM: &'static str = "sysadminFlag";
    const MODEL: &'static StructType = &models::USER_SYS_ADMIN_FLAG;
    fn from_model(f: Fields<'_>) -> Self {
        UserSysAdminFlag {
            sysadmin_flag: f.boolean("sysadmin_flag"),
        }
    }
}

impl GoBody for ConfigurationsReq {
    const PARAM: &'static str = "configurations";
    const MODEL: &'static StructType = &models::CONFIGURATIONS;
    /// Every item is a pointer: the non-nil ones are the changes.
    fn from_model(f: Fields<'_>) -> Self {
        let changes = configurations::items()
            .filter_map(|(key, kind)| {
                let value = match kind {
                    ConfigKind::Str => f.opt_string(key).map(|s| ConfigValue::Str(s.to_owned())),
                    ConfigKind::Bool => f.opt_bool(key).map(ConfigValue::Bool),
                    ConfigKind::Int => f.opt_int(key).map(ConfigValue::Int),
                };
                value.map(|v| (key, v))
            })
            .collect();
        ConfigurationsReq { changes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::gojson::decode;

    /// Decodes `body` as Go would and reads it.
    fn read<T: GoBody>(body: &str) -> T {
        let value = decode(body.as_bytes(), T::MODEL).expect("Go accepts it");
        T::from_model(Fields::new(T::MODEL, &value))
    }

    fn lines<T: GoBody>(body: &str) -> Vec<String> {
        let value = decode(body.as_bytes(), T::MODEL).expect("Go accepts it");
        T::validate(Fields::new(T::MODEL, &value))
    }

    #[test]
    fn robot_bodies_read_every_field() {
        let r: RobotCreate = read(
            r#"{"NAME":"a","Duration":5,"name":"b","description":"M\u00fcller","level":"system",
                "secret":"s","disable":true,
                "permissions":[null,{"kind":"project","namespace":"lib","access":[null,
                {"resource":"repository","action":"pull","effect":"deny"}]}]}"#,
        );
        assert_eq!((r.name.as_str(), r.duration), ("b", 5));
        assert_eq!(
            (r.description.as_str(), r.level.as_str()),
            ("Müller", "system")
        );
        let perms = r.permissions.unwrap();
        assert_eq!(perms[0], None);
        let p = perms[1].as_ref().unwrap();
        assert_eq!((p.kind.as_str(), p.namespace.as_str()), ("project", "lib"));
        let mut deny = Access::new("repository", "pull");
        deny.effect = "deny".into();
        assert_eq!(p.access, Some(vec![None, Some(deny)]));

        let r: RobotReq = read(r#"{"duration":null,"disable":true,"id":7,"name":"robot$x"}"#);
        assert_eq!(
            (r.duration, r.disable, r.name.as_str()),
            (None, true, "robot$x")
        );
        assert_eq!(read::<RobotReq>(r#"{"duration":-1}"#).duration, Some(-1));
        assert_eq!(read::<RobotSecReq>(r#"{"secret":"x"}"#).secret, "x");
    }

    #[test]
    fn project_bodies_read_every_field() {
        let p: ProjectReq = read(
            r#"{"project_name":"p","public":false,"storage_limit":-1,"registry_id":3,
                "metadata":{"public":"","auto_scan":"true","severity":null},
                "cve_allowlist":{"id":9,"project_id":2,"items":[{"cve_id":"CVE-1"},null],
                "expires_at":5}}"#,
        );
        assert_eq!(p.project_name, "p");
        assert_eq!(
            (p.public, p.storage_limit, p.registry_id),
            (Some(false), Some(-1), Some(3))
        );
        let meta = p.metadata.unwrap();
        assert_eq!(
            meta.len(),
            1,
            "an empty public and nil pointers are not given: {meta:?}"
        );
        assert_eq!(meta["auto_scan"], "true");
        let a = p.cve_allowlist.unwrap();
        assert_eq!(
            (a.project_id, a.items, a.expires_at),
            (2, vec!["CVE-1".into()], Some(5))
        );
        assert_eq!(read::<ProjectReq>("{}"), ProjectReq::default());

        let m: ProjectMember = read(
            r#"{"role_id":2,"member_user":{"user_id":3,"username":"u"},
                "member_group":{"id":4,"group_name":"g","group_type":1,"ldap_group_dn":"cn"}}"#,
        );
        assert_eq!((m.role_id, m.user_id, m.username.as_str()), (2, 3, "u"));
        assert_eq!(
            (m.group_id, m.group_name.as_str(), m.ldap_group_dn.as_str()),
            (4, "g", "cn")
        );
        assert_eq!(read::<RoleRequest>(r#"{"role_id":4}"#).role_id, 4);
    }

    #[test]
    fn user_and_configuration_bodies_read_every_field() {
        let u: UserCreationReq =
            read(r#"{"username":"u","email":"e","realname":"r","comment":"c","password":"p"}"#);
        assert_eq!(
            [u.username, u.email, u.realname, u.comment, u.password],
            ["u", "e", "r", "c", "p"]
        );
        let p: UserProfileReq = read(r#"{"email":"e","realname":"r","comment":"c"}"#);
        assert_eq!([p.email, p.realname, p.comment], ["e", "r", "c"]);
        let p: PasswordReq = read(r#"{"old_password":"o","new_password":"n"}"#);
        assert_eq!([p.old_password, p.new_password], ["o", "n"]);
        assert!(read::<UserSysAdminFlag>(r#"{"sysadmin_flag":true}"#).sysadmin_flag);

        let c: ConfigurationsReq =
            read(r#"{"auth_mode":"db_auth","read_only":false,"ldap_scope":2,"oidc_name":null}"#);
        assert_eq!(c.changes.len(), 3, "{:?}", c.changes);
        assert_eq!(c.changes["auth_mode"], ConfigValue::Str("db_auth".into()));
        assert_eq!(c.changes["read_only"], ConfigValue::Bool(false));
        assert_eq!(c.changes["ldap_scope"], ConfigValue::Int(2));
        // Every model field is a configuration item the mock knows, and the other way round.
        let items: Vec<&str> = configurations::items().map(|(k, _)| k).collect();
        let fields: Vec<&str> = models::CONFIGURATIONS
            .fields
            .iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(items.len(), fields.len());
        assert!(items.iter().all(|k| fields.contains(k)), "{items:?}");
    }

    #[test]
    fn validate_lists_every_failure_in_field_order_counting_runes() {
        let long = "ü".repeat(256);
        let ok = "ü".repeat(255);
        assert_eq!(
            lines::<UserCreationReq>(&format!(r#"{{"username":"{long}","email":"{long}"}}"#)),
            [
                "email in body should be at most 255 chars long",
                "username in body should be at most 255 chars long"
            ]
        );
        assert!(lines::<UserCreationReq>(&format!(r#"{{"username":"{ok}"}}"#)).is_empty());
        assert_eq!(
            lines::<ProjectReq>(&format!(r#"{{"project_name":"{long}"}}"#)),
            ["project_name in body should be at most 255 chars long"]
        );
        assert!(lines::<RobotCreate>(&format!(r#"{{"name":"{long}"}}"#)).is_empty());
    }
}

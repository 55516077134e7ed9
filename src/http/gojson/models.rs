//! Harbor's request body models, field for field as go-swagger v0.33.1 generates them from
//! `api/v2.0/swagger.yaml`: json names, Go types (`integer` is `int64`, `x-nullable` /
//! `x-isnullable` scalars and `$ref` objects are pointers, arrays of `$ref` are `[]*T`,
//! `format: date-time` is `strfmt.DateTime`), fields in go-swagger's (alphabetical) order, the
//! same as `tests/gojson/models/models.go`. None has a custom `UnmarshalJSON` (no `allOf`,
//! discriminator or `additionalProperties`), so `encoding/json`'s rules apply throughout.

use super::types::{Field, StructType, Type};

const STRING: Type = Type::String;
const INT64: Type = Type::Int64;
const BOOL: Type = Type::Bool;
const DATE_TIME: Type = Type::DateTime;
const P_STRING: Type = Type::Ptr(&Type::String);
const P_INT64: Type = Type::Ptr(&Type::Int64);
const P_BOOL: Type = Type::Ptr(&Type::Bool);

const fn f(name: &'static str, ty: Type) -> Field {
    Field { name, ty }
}

/// `*T` for a `$ref` object.
macro_rules! obj {
    ($t:expr) => {
        Type::Ptr(&Type::Struct(&$t))
    };
}

/// `[]*T` for an array of `$ref` objects.
macro_rules! list {
    ($t:expr) => {
        Type::Slice(&Type::Ptr(&Type::Struct(&$t)))
    };
}

/// `Access`.
pub static ACCESS: StructType = StructType {
    name: "Access",
    fields: &[
        f("action", STRING),
        f("effect", STRING),
        f("resource", STRING),
    ],
};

/// `RobotPermission`.
pub static ROBOT_PERMISSION: StructType = StructType {
    name: "RobotPermission",
    fields: &[
        f("access", list!(ACCESS)),
        f("kind", STRING),
        f("namespace", STRING),
    ],
};

/// `RobotCreate`: POST /robots, param `robot`.
pub static ROBOT_CREATE: StructType = StructType {
    name: "RobotCreate",
    fields: &[
        f("description", STRING),
        f("disable", BOOL),
        f("duration", INT64),
        f("level", STRING),
        f("name", STRING),
        f("permissions", list!(ROBOT_PERMISSION)),
        f("secret", STRING),
    ],
};

/// `Robot`: PUT /robots/{robot_id}, param `robot`.
pub static ROBOT: StructType = StructType {
    name: "Robot",
    fields: &[
        f("creation_time", DATE_TIME),
        f("creator_ref", INT64),
        f("creator_type", STRING),
        f("description", STRING),
        f("disable", BOOL),
        f("duration", P_INT64),
        f("editable", BOOL),
        f("expires_at", INT64),
        f("id", INT64),
        f("level", STRING),
        f("name", STRING),
        f("permissions", list!(ROBOT_PERMISSION)),
        f("secret", STRING),
        f("update_time", DATE_TIME),
    ],
};

/// `RobotSec`: PATCH /robots/{robot_id}, param `robotSec`.
pub static ROBOT_SEC: StructType = StructType {
    name: "RobotSec",
    fields: &[f("secret", STRING)],
};

/// `ProjectMetadata`: every value a string, most of them pointers.
pub static PROJECT_METADATA: StructType = StructType {
    name: "ProjectMetadata",
    fields: &[
        f("auto_sbom_generation", P_STRING),
        f("auto_scan", P_STRING),
        f("enable_content_trust", P_STRING),
        f("enable_content_trust_cosign", P_STRING),
        f("max_upstream_conn", P_STRING),
        f("prevent_vul", P_STRING),
        f("proxy_cache_filter_kind", P_STRING),
        f("proxy_cache_filter_pattern", P_STRING),
        f("proxy_cache_local_on_not_found", P_STRING),
        f("proxy_referrer_api", P_STRING),
        f("proxy_speed_kb", P_STRING),
        f("public", STRING),
        f("retention_id", P_STRING),
        f("reuse_sys_cve_allowlist", P_STRING),
        f("severity", P_STRING),
    ],
};

/// `CVEAllowlistItem`.
pub static CVE_ALLOWLIST_ITEM: StructType = StructType {
    name: "CVEAllowlistItem",
    fields: &[f("cve_id", STRING)],
};

/// `CVEAllowlist`.
pub static CVE_ALLOWLIST: StructType = StructType {
    name: "CVEAllowlist",
    fields: &[
        f("creation_time", DATE_TIME),
        f("expires_at", P_INT64),
        f("id", INT64),
        f("items", list!(CVE_ALLOWLIST_ITEM)),
        f("project_id", INT64),
        f("update_time", DATE_TIME),
    ],
};

/// `ProjectReq`: POST /projects and PUT /projects/{project_name_or_id}, param `project`.
pub static PROJECT_REQ: StructType = StructType {
    name: "ProjectReq",
    fields: &[
        f("cve_allowlist", obj!(CVE_ALLOWLIST)),
        f("metadata", obj!(PROJECT_METADATA)),
        f("project_name", STRING),
        f("public", P_BOOL),
        f("registry_id", P_INT64),
        f("storage_limit", P_INT64),
    ],
};

/// `UserEntity`.
pub static USER_ENTITY: StructType = StructType {
    name: "UserEntity",
    fields: &[f("user_id", INT64), f("username", STRING)],
};

/// `UserGroup`.
pub static USER_GROUP: StructType = StructType {
    name: "UserGroup",
    fields: &[
        f("group_name", STRING),
        f("group_type", INT64),
        f("id", INT64),
        f("ldap_group_dn", STRING),
    ],
};

/// `ProjectMember`: POST /projects/{p}/members, param `projectMember` (not required).
pub static PROJECT_MEMBER: StructType = StructType {
    name: "ProjectMember",
    fields: &[
        f("member_group", obj!(USER_GROUP)),
        f("member_user", obj!(USER_ENTITY)),
        f("role_id", INT64),
    ],
};

/// `RoleRequest`: PUT /projects/{p}/members/{mid}, param `role` (not required).
pub static ROLE_REQUEST: StructType = StructType {
    name: "RoleRequest",
    fields: &[f("role_id", INT64)],
};

/// `UserCreationReq`: POST /users, param `userReq`.
pub static USER_CREATION_REQ: StructType = StructType {
    name: "UserCreationReq",
    fields: &[
        f("comment", STRING),
        f("email", STRING),
        f("password", STRING),
        f("realname", STRING),
        f("username", STRING),
    ],
};

/// `UserProfile`: PUT /users/{user_id}, param `profile`.
pub static USER_PROFILE: StructType = StructType {
    name: "UserProfile",
    fields: &[
        f("comment", STRING),
        f("email", STRING),
        f("realname", STRING),
    ],
};

/// `PasswordReq`: PUT /users/{user_id}/password, param `password`.
pub static PASSWORD_REQ: StructType = StructType {
    name: "PasswordReq",
    fields: &[f("new_password", STRING), f("old_password", STRING)],
};

/// `UserSysAdminFlag`: PUT /users/{user_id}/sysadmin, param `sysadminFlag`.
pub static USER_SYS_ADMIN_FLAG: StructType = StructType {
    name: "UserSysAdminFlag",
    fields: &[f("sysadmin_flag", BOOL)],
};

/// `Configurations`: PUT /configurations, param `configurations`; every field a pointer.
pub static CONFIGURATIONS: StructType = StructType {
    name: "Configurations",
    fields: &[
        f("audit_log_forward_endpoint", P_STRING),
        f("auth_mode", P_STRING),
        f("banner_message", P_STRING),
        f("disabled_audit_log_event_types", P_STRING),
        f("http_authproxy_admin_groups", P_STRING),
        f("http_authproxy_admin_usernames", P_STRING),
        f("http_authproxy_endpoint", P_STRING),
        f("http_authproxy_server_certificate", P_STRING),
        f("http_authproxy_skip_search", P_BOOL),
        f("http_authproxy_tokenreview_endpoint", P_STRING),
        f("http_authproxy_verify_cert", P_BOOL),
        f("ldap_base_dn", P_STRING),
        f("ldap_filter", P_STRING),
        f("ldap_group_admin_dn", P_STRING),
        f("ldap_group_attach_parallel", P_BOOL),
        f("ldap_group_attribute_name", P_STRING),
        f("ldap_group_base_dn", P_STRING),
        f("ldap_group_membership_attribute", P_STRING),
        f("ldap_group_search_filter", P_STRING),
        f("ldap_group_search_scope", P_INT64),
        f("ldap_scope", P_INT64),
        f("ldap_search_dn", P_STRING),
        f("ldap_search_password", P_STRING),
        f("ldap_timeout", P_INT64),
        f("ldap_uid", P_STRING),
        f("ldap_url", P_STRING),
        f("ldap_verify_cert", P_BOOL),
        f("notification_enable", P_BOOL),
        f("oidc_admin_group", P_STRING),
        f("oidc_auto_onboard", P_BOOL),
        f("oidc_client_id", P_STRING),
        f("oidc_client_secret", P_STRING),
        f("oidc_endpoint", P_STRING),
        f("oidc_extra_redirect_parms", P_STRING),
        f("oidc_group_filter", P_STRING),
        f("oidc_groups_claim", P_STRING),
        f("oidc_logout", P_BOOL),
        f("oidc_name", P_STRING),
        f("oidc_scope", P_STRING),
        f("oidc_user_claim", P_STRING),
        f("oidc_verify_cert", P_BOOL),
        f("primary_auth_mode", P_BOOL),
        f("project_creation_restriction", P_STRING),
        f("quota_per_project_enable", P_BOOL),
        f("read_only", P_BOOL),
        f("robot_name_prefix", P_STRING),
        f("robot_token_duration", P_INT64),
        f("scanner_skip_update_pulltime", P_BOOL),
        f("self_registration", P_BOOL),
        f("session_timeout", P_INT64),
        f("skip_audit_log_database", P_BOOL),
        f("storage_per_project", P_INT64),
        f("token_expiration", P_INT64),
        f("uaa_client_id", P_STRING),
        f("uaa_client_secret", P_STRING),
        f("uaa_endpoint", P_STRING),
        f("uaa_verify_cert", P_BOOL),
    ],
};

/// Every request body model, as the corpus names them.
pub static BODIES: [&StructType; 11] = [
    &ROBOT_CREATE,
    &ROBOT,
    &ROBOT_SEC,
    &PROJECT_REQ,
    &PROJECT_MEMBER,
    &ROLE_REQUEST,
    &USER_CREATION_REQ,
    &USER_PROFILE,
    &PASSWORD_REQ,
    &USER_SYS_ADMIN_FLAG,
    &CONFIGURATIONS,
];

/// A request body model by its Go name (`RobotCreate`).
pub fn by_name(name: &str) -> Option<&'static StructType> {
    BODIES.iter().copied().find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// go-swagger declares fields sorted by name; decoding and dumps rely on that order.
    #[test]
    fn fields_are_in_go_swagger_order() {
        for model in BODIES {
            let names: Vec<&str> = model.fields.iter().map(|f| f.name).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            assert_eq!(names, sorted, "{}", model.name);
        }
        assert_eq!(by_name("Robot").map(|m| m.fields.len()), Some(14));
        assert!(by_name("Nope").is_none());
    }
}

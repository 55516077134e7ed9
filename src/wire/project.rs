//! The project definitions of Harbor's swagger (`Project`, `ProjectReq`, `ProjectMetadata`,
//! `CVEAllowlist`, `ProjectSummary`, `ProjectDeletable`) and the member ones
//! (`ProjectMemberEntity`, `ProjectMember`, `RoleRequest`).

use serde::Serialize;
use std::collections::BTreeMap;

use super::json::{is_empty, is_zero};
use crate::datetime::harbor_time;

/// The zero `time.Time` as strfmt writes it: the allowlist's times, which Harbor copies
/// through a model without JSON tags (`0001-01-01T00:00:00.000Z`).
pub const ZERO_TIME_MS: i64 = -62_135_596_800_000;

/// Swagger `Project` as GET and list return it.
#[derive(Clone, Debug, Serialize)]
pub struct Project<'a> {
    /// Unix milliseconds.
    #[serde(with = "harbor_time")]
    pub creation_time: i64,
    /// The caller's highest role (1 > 4 > 2 > 3 > 5); omitted when 0 (robots, anonymous,
    /// non-members).
    #[serde(skip_serializing_if = "is_zero")]
    pub current_user_role_id: i64,
    /// Every role of the caller; `null` when none.
    pub current_user_role_ids: Option<Vec<i64>>,
    /// The project's CVE allowlist.
    pub cve_allowlist: CveAllowlist<'a>,
    /// Metadata, every value a string; omitted with `with_detail=false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<&'a str, &'a str>>,
    /// The name.
    pub name: &'a str,
    /// The owner's user id.
    pub owner_id: i64,
    /// The owner's username; omitted when the owner is gone or with `with_detail=false`.
    #[serde(skip_serializing_if = "is_empty")]
    pub owner_name: &'a str,
    /// The id.
    pub project_id: i64,
    /// Non-zero for proxy-cache projects only.
    #[serde(skip_serializing_if = "is_zero")]
    pub registry_id: i64,
    /// Repositories in it: a mock registry holds none.
    pub repo_count: i64,
    /// Unix milliseconds.
    #[serde(with = "harbor_time")]
    pub update_time: i64,
}

/// Swagger `CVEAllowlist` as a project carries it.
#[derive(Clone, Debug, Serialize)]
pub struct CveAllowlist<'a> {
    /// Always the zero time (see [`ZERO_TIME_MS`]).
    #[serde(with = "harbor_time")]
    pub creation_time: i64,
    /// Unix seconds; omitted unless set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// The row id; omitted when 0 (not loaded).
    #[serde(skip_serializing_if = "is_zero")]
    pub id: i64,
    /// The CVEs; `null` when not loaded.
    pub items: Option<Vec<CveAllowlistItem<'a>>>,
    /// The project's id; omitted when 0 (not loaded).
    #[serde(skip_serializing_if = "is_zero")]
    pub project_id: i64,
    /// Always the zero time.
    #[serde(with = "harbor_time")]
    pub update_time: i64,
}

/// Swagger `CVEAllowlistItem`.
#[derive(Clone, Debug, Serialize)]
pub struct CveAllowlistItem<'a> {
    /// e.g. `CVE-2026-1234`.
    pub cve_id: &'a str,
}

/// Swagger `ProjectSummary`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ProjectSummary {
    /// Developers; omitted when 0 or not visible to the caller.
    #[serde(skip_serializing_if = "is_zero")]
    pub developer_count: i64,
    /// Guests.
    #[serde(skip_serializing_if = "is_zero")]
    pub guest_count: i64,
    /// Limited guests.
    #[serde(skip_serializing_if = "is_zero")]
    pub limited_guest_count: i64,
    /// Maintainers.
    #[serde(skip_serializing_if = "is_zero")]
    pub maintainer_count: i64,
    /// Project admins.
    #[serde(skip_serializing_if = "is_zero")]
    pub project_admin_count: i64,
    /// Storage quota; only for callers who may read it, with quotas enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<ProjectSummaryQuota>,
    /// Always present.
    pub repo_count: i64,
}

/// Swagger `ProjectSummaryQuota`: `{"hard":{"storage":-1},"used":{"storage":0}}`.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectSummaryQuota {
    /// Limits, bytes (-1 unlimited).
    pub hard: BTreeMap<&'static str, i64>,
    /// Usage, bytes.
    pub used: BTreeMap<&'static str, i64>,
}

/// Swagger `ProjectDeletable`.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectDeletable {
    /// Omitted when false (a plain bool with `omitempty`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deletable: bool,
    /// Why not; omitted when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// Swagger `ProjectReq`, the POST and PUT body. `project_name` counts in runes for its
/// `maxLength` 255.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectReq {
    /// `project_name`.
    pub project_name: String,
    /// The deprecated top-level `public`.
    pub public: Option<bool>,
    /// `metadata`: the `ProjectMetadata` keys given (each a string); unknown keys dropped.
    pub metadata: Option<BTreeMap<String, String>>,
    /// `cve_allowlist`, if given: its `project_id` (0 when absent), items and expiry.
    pub cve_allowlist: Option<CveAllowlistReq>,
    /// `storage_limit`.
    pub storage_limit: Option<i64>,
    /// `registry_id` (proxy cache).
    pub registry_id: Option<i64>,
}

/// Swagger `CVEAllowlist` as sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CveAllowlistReq {
    /// The project it is for; 0 when absent.
    pub project_id: i64,
    /// `cve_id`s, as sent (empty ones included).
    pub items: Vec<String>,
    /// Unix seconds.
    pub expires_at: Option<i64>,
}

/// The keys of swagger `ProjectMetadata`, in its order.
pub const PROJECT_METADATA_KEYS: &[&str] = &[
    "public",
    "enable_content_trust",
    "enable_content_trust_cosign",
    "prevent_vul",
    "severity",
    "auto_scan",
    "auto_sbom_generation",
    "reuse_sys_cve_allowlist",
    "retention_id",
    "proxy_speed_kb",
    "max_upstream_conn",
    "proxy_cache_local_on_not_found",
    "proxy_referrer_api",
    "proxy_cache_filter_pattern",
    "proxy_cache_filter_kind",
];

/// Swagger `ProjectMemberEntity`.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectMemberEntity<'a> {
    /// The user id; omitted when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub entity_id: i64,
    /// The username.
    #[serde(skip_serializing_if = "is_empty")]
    pub entity_name: &'a str,
    /// `u` (user).
    #[serde(skip_serializing_if = "is_empty")]
    pub entity_type: &'static str,
    /// The member id.
    #[serde(skip_serializing_if = "is_zero")]
    pub id: i64,
    /// The project.
    #[serde(skip_serializing_if = "is_zero")]
    pub project_id: i64,
    /// The role id.
    #[serde(skip_serializing_if = "is_zero")]
    pub role_id: i64,
    /// The role's name.
    #[serde(skip_serializing_if = "is_empty")]
    pub role_name: &'static str,
}

/// Swagger `ProjectMember`, the POST body (optional as a whole).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectMember {
    /// `role_id`; 0 when absent.
    pub role_id: i64,
    /// `member_user.user_id`; 0 when absent.
    pub user_id: i64,
    /// `member_user.username`.
    pub username: String,
    /// `member_group.id`; 0 when absent.
    pub group_id: i64,
    /// `member_group.group_name`.
    pub group_name: String,
    /// `member_group.ldap_group_dn`.
    pub ldap_group_dn: String,
}

/// Swagger `RoleRequest`, the PUT body (optional as a whole).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoleRequest {
    /// `role_id`; 0 when absent.
    pub role_id: i64,
}

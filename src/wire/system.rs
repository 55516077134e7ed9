//! The definitions of the system endpoints (`OverallHealthStatus`, `ComponentHealthStatus`,
//! `GeneralInfo`, `Permissions`, `Permission`, `ConfigurationsResponse`).

use serde::Serialize;
use std::collections::BTreeMap;

/// Swagger `OverallHealthStatus`.
#[derive(Clone, Debug, Serialize)]
pub struct OverallHealthStatus {
    /// Every component, sorted by name.
    pub components: Vec<ComponentHealthStatus>,
    /// `healthy` or `unhealthy`.
    pub status: &'static str,
}

/// Swagger `ComponentHealthStatus`.
#[derive(Clone, Debug, Serialize)]
pub struct ComponentHealthStatus {
    /// e.g. `core`.
    pub name: &'static str,
    /// `healthy` or `unhealthy`.
    pub status: &'static str,
}

/// Swagger `GeneralInfo`: every field a nullable pointer, so `""` and `false` are shown and
/// only the fields an anonymous caller may not see are left out.
#[derive(Clone, Debug, Serialize)]
pub struct GeneralInfo {
    /// `auth_mode`.
    pub auth_mode: String,
    /// `banner_message`.
    pub banner_message: String,
    /// The server's time (authenticated callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_time: Option<String>,
    /// Harbor's external URL (authenticated callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_url: Option<String>,
    /// `<version>-<commit>` (authenticated callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub harbor_version: Option<&'static str>,
    /// Whether a CA certificate is served (authenticated callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_ca_root: Option<bool>,
    /// `notification_enable` (authenticated callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification_enable: Option<bool>,
    /// `oidc_name` under `oidc_auth`, else empty.
    pub oidc_provider_name: String,
    /// `primary_auth_mode`.
    pub primary_auth_mode: bool,
    /// `project_creation_restriction` (authenticated callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_creation_restriction: Option<String>,
    /// `read_only` (authenticated callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// `filesystem` (authenticated callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_storage_provider_name: Option<&'static str>,
    /// The external URL without its scheme (authenticated callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_url: Option<String>,
    /// `self_registration`.
    pub self_registration: bool,
}

/// Swagger `Permissions`: `{"project":[…],"system":[…]}`; `system` is `null` for project
/// admins.
#[derive(Clone, Debug, Serialize)]
pub struct Permissions {
    /// Every project-scope permission.
    pub project: Vec<Permission>,
    /// Every system-scope permission; `null` for project admins.
    pub system: Option<Vec<Permission>>,
}

/// Swagger `Permission`: a bare `resource:action`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Permission {
    /// e.g. `pull`.
    pub action: &'static str,
    /// e.g. `repository`.
    pub resource: &'static str,
}

/// Swagger `ConfigurationsResponse`: each item `{"editable":…,"value":…}` by key, plus
/// `scan_all_policy`, which renders as `{}`.
pub type ConfigurationsResponse = BTreeMap<&'static str, serde_json::Value>;

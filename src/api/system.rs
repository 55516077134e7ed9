//! Swagger tags `ping`, `health` and `systeminfo`: what clients call to see that Harbor is
//! there (`src/server/v2.0/handler/ping.go`, `health.go`, `systeminfo.go`).

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::datetime::format_millis;
use crate::http::media::check_accept;
use crate::http::{Bound, Context, Result, response};
use crate::wire::{ComponentHealthStatus, GeneralInfo, OverallHealthStatus};

/// The version a fresh Harbor v2.15.2 reports (`<VERSION file>-<8-char commit>`).
pub const HARBOR_VERSION: &str = "v2.15.2-080b0220";

/// `GET /ping`: `Pong`, `text/plain`, no credentials looked at (Harbor skips its security
/// middleware here); 422 when `Accept` excludes `text/plain`.
pub async fn get_ping(headers: HeaderMap) -> Result<Response> {
    check_accept(&headers, "text/plain")?;
    let mut pong = (StatusCode::OK, "Pong").into_response();
    pong.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    Ok(pong)
}

/// The components a real install registers, sorted by name (`controller/health/checker.go`).
const COMPONENTS: &[&str] = &[
    "core",
    "database",
    "jobservice",
    "portal",
    "redis",
    "registry",
    "registryctl",
];

/// `GET /health`: every component healthy, to anyone.
pub async fn get_health(_: Bound) -> Response {
    let health = OverallHealthStatus {
        components: COMPONENTS
            .iter()
            .map(|name| ComponentHealthStatus {
                name,
                status: "healthy",
            })
            .collect(),
        status: "healthy",
    };
    response::json(StatusCode::OK, &health)
}

/// `GET /systeminfo`: the public part to anyone; the rest (time, version, URLs, settings) to
/// any authenticated caller, user or robot.
pub async fn get_system_info(ctx: Context, _: Bound, headers: HeaderMap) -> Response {
    let config = ctx.store().configurations();
    let text = |key: &str| config.text(key).to_string();
    let flag = |key: &str| config.flag(key);
    let auth_mode = text("auth_mode");
    let oidc_provider_name = if auth_mode == "oidc_auth" {
        text("oidc_name")
    } else {
        String::new()
    };
    let mut info = GeneralInfo {
        auth_mode,
        banner_message: text("banner_message"),
        current_time: None,
        external_url: None,
        harbor_version: None,
        has_ca_root: None,
        notification_enable: None,
        oidc_provider_name,
        primary_auth_mode: flag("primary_auth_mode"),
        project_creation_restriction: None,
        read_only: None,
        registry_storage_provider_name: None,
        registry_url: None,
        self_registration: flag("self_registration"),
    };
    if ctx.caller.require_authenticated().is_ok() {
        // Harbor's external URL is configured; a mock's is the address its client reached.
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        info.current_time = Some(format_millis(ctx.now));
        info.external_url = Some(format!("http://{host}"));
        info.harbor_version = Some(HARBOR_VERSION);
        info.has_ca_root = Some(false);
        info.notification_enable = Some(flag("notification_enable"));
        info.project_creation_restriction = Some(text("project_creation_restriction"));
        info.read_only = Some(flag("read_only"));
        info.registry_storage_provider_name = Some("filesystem");
        info.registry_url = Some(host.to_string());
    }
    response::json(StatusCode::OK, &info)
}

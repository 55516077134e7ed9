//! Swagger tag `configure`: the system configuration (`src/server/v2.0/handler/config.go`).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::harbor::configurations::ConfigurationsReq;
use crate::http::{ApiJson, Bound, Context, Result, response};
use crate::wire::ConfigurationsResponse;

/// `GET /configurations`: 401/403 (system `configuration:read`: sysadmins only, the 403
/// naming the caller) → every item as `{"editable":…,"value":…}`; `auth_mode` is editable
/// only while no user but `admin` exists; `scan_all_policy` renders as `{}`.
pub async fn get_configurations(ctx: Context, _: Bound) -> Result<Response> {
    ctx.caller.require_system("configuration", "read")?;
    let config = ctx.store().configurations();
    let users = ctx.store().has_users_besides_admin();
    let mut items: ConfigurationsResponse = config
        .shown()
        .map(|(key, value)| {
            let editable = key != "auth_mode" || !users;
            (key, json!({"editable": editable, "value": value.to_json()}))
        })
        .collect();
    items.insert("scan_all_policy", Value::Object(Default::default()));
    Ok(response::json(StatusCode::OK, &items))
}

/// `PUT /configurations`: 422 (body, types) → 401/403 (system `configuration:update`) → 400
/// (each item's rule) → 200 with an empty body. Works in read-only mode: it is how one leaves
/// it.
pub async fn update_configurations(
    ctx: Context,
    ApiJson(body): ApiJson<ConfigurationsReq>,
) -> Result<Response> {
    ctx.caller.require_system("configuration", "update")?;
    ctx.store()
        .update_configurations(|config, users| config.update(body.changes, users))?;
    Ok(response::empty())
}

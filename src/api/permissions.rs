//! Swagger tag `permissions`: `GET /permissions` (`src/server/v2.0/handler/permissions.go`).

use axum::http::StatusCode;
use axum::response::Response;

use crate::harbor::auth::Caller;
use crate::harbor::rbac::{PROJECT_PERMISSIONS, SYSTEM_PERMISSIONS};
use crate::http::{ApiError, Bound, Context, Result, response};
use crate::wire::{Permission, Permissions};

/// `GET /permissions`: 401 (with the anonymous username, an empty message) → sysadmins get
/// both lists, project admins the project list and `"system":null`, everyone else (every robot
/// included) 403.
pub async fn get_permissions(ctx: Context, _: Bound) -> Result<Response> {
    let system = match &ctx.caller {
        Caller::Anonymous => return Err(ApiError::UnauthorizedAs(String::new())),
        Caller::User { sysadmin: true, .. } => true,
        Caller::User { id, .. } if ctx.store().is_admin_of_some_project(*id) => false,
        _ => {
            return Err(ApiError::Forbidden(
                "forbidden: only admins(system and project) can access permissions".into(),
            ));
        }
    };
    let list = |pairs: &[(&'static str, &'static str)]| {
        pairs
            .iter()
            .map(|(resource, action)| Permission { action, resource })
            .collect::<Vec<_>>()
    };
    let permissions = Permissions {
        project: list(PROJECT_PERMISSIONS),
        system: system.then(|| list(SYSTEM_PERMISSIONS)),
    };
    Ok(response::json(StatusCode::OK, &permissions))
}

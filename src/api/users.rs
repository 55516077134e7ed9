//! Swagger tag `user`: enough of the user API to create test users through Harbor's own API,
//! one handler per operationId in the order `src/server/v2.0/handler/user.go` checks.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use crate::harbor::auth::Caller;
use crate::harbor::users::{check_password, validate_new_user, validate_profile};
use crate::http::{
    ApiError, ApiJson, Bound, Context, ListParams, Result, UserId, pagination, response,
};
use crate::query::{self, parse_q, parse_sort};
use crate::store::{UserColumn, UserProfile};
use crate::wire::{PasswordReq, UserCreationReq, UserProfileReq, UserSysAdminFlag};

/// `GET /users/current`: 401 → 412 for anything but a local user → 200 `UserResp`.
pub async fn get_current_user_info(ctx: Context, _: Bound) -> Result<Response> {
    ctx.caller.require_authenticated()?;
    let Caller::User { id, .. } = ctx.caller else {
        return Err(ApiError::PreconditionFailed(
            "get current user not available for security context: robot".into(),
        ));
    };
    Ok(response::json_body(
        StatusCode::OK,
        ctx.store().user_json(id)?,
    ))
}

/// `POST /users`: 422 → 403 (auth mode) → 401/403 (access, or self-registration) → 400
/// (password, profile) → 409 → 201 with `Location`.
pub async fn create_user(
    ctx: Context,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UserCreationReq>,
) -> Result<Response> {
    let config = ctx.store().configurations();
    let mode = config.text("auth_mode");
    if mode != "db_auth" {
        return Err(ApiError::Forbidden(format!(
            "creating local user is not allowed under auth mode: {mode}"
        )));
    }
    let access = ctx.caller.require_system("user", "create");
    if config.self_registration() {
        if access.is_err() && !carries_session(&headers) {
            return Err(ApiError::Forbidden(
                "self-registration cannot be triggered via API".into(),
            ));
        }
    } else {
        access?;
    }
    validate_new_user(&body)?;
    let profile = UserProfile {
        username: body.username,
        email: body.email,
        realname: body.realname,
        comment: body.comment,
    };
    let id = ctx.store().create_user(profile, &body.password, ctx.now)?;
    let created = response::empty_with(StatusCode::CREATED);
    Ok(response::with_location(
        created,
        &format!("/api/v2.0/users/{id}"),
    ))
}

/// Whether the request carries Harbor's session cookie `sid` (`lib.GetCarrySession`).
fn carries_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim().starts_with("sid="))
}

/// `GET /users/{user_id}`: one's own, or 401/403 (system `user:read`) → 404 → 200.
pub async fn get_user(ctx: Context, UserId(id): UserId) -> Result<Response> {
    require_self_or(&ctx.caller, id, "read")?;
    Ok(response::json_body(
        StatusCode::OK,
        ctx.store().user_json(id)?,
    ))
}

/// `PUT /users/{user_id}`: 422 → one's own, or 401/403 (system `user:update`) → 400
/// (profile) → 404 → 200 with an empty body.
pub async fn update_user_profile(
    ctx: Context,
    UserId(id): UserId,
    ApiJson(body): ApiJson<UserProfileReq>,
) -> Result<Response> {
    require_self_or(&ctx.caller, id, "update")?;
    validate_profile(&body.email, &body.realname, &body.comment)?;
    ctx.store().update_profile(id, body, ctx.now)?;
    Ok(response::empty())
}

/// A user may read and change themselves; anyone else needs the system `user` permission.
fn require_self_or(caller: &Caller, id: i64, action: &str) -> Result<()> {
    match caller {
        Caller::User { id: own, .. } if *own == id => Ok(()),
        _ => caller.require_system("user", action),
    }
}

/// `DELETE /users/{user_id}`: 401/403 (system `user:delete`) → 403 (oneself or user 1) → 404 →
/// 200 with an empty body; the user's memberships go with them.
pub async fn delete_user(ctx: Context, UserId(id): UserId) -> Result<Response> {
    ctx.caller.require_system("user", "delete")?;
    let own = matches!(ctx.caller, Caller::User { id: own, .. } if own == id);
    if own || id == 1 {
        return Err(ApiError::Forbidden(format!(
            "User with ID {id} cannot be deleted"
        )));
    }
    ctx.store().delete_user(id)?;
    Ok(response::empty())
}

/// `PUT /users/{user_id}/sysadmin`: 422 → 401/403 (system `user:update`) → 404 → 200.
pub async fn set_user_sys_admin(
    ctx: Context,
    UserId(id): UserId,
    ApiJson(body): ApiJson<UserSysAdminFlag>,
) -> Result<Response> {
    ctx.caller.require_system("user", "update")?;
    ctx.store().set_sysadmin(id, body.sysadmin_flag, ctx.now)?;
    Ok(response::empty())
}

/// `GET /users`: 401/403 (system `user:list`) → 400 (q, sort) → 200 with `X-Total-Count` and
/// `Link`; `username=` and `email=` replace q's keys with a case-insensitive substring.
pub async fn list_users(ctx: Context, params: ListParams) -> Result<Response> {
    ctx.caller.require_system("user", "list")?;
    let mut filter = parse_q(params.q.as_deref().unwrap_or(""))?;
    // The DAO sets `deleted=false` itself, replacing a `q` key of exactly that spelling.
    filter.remove("deleted");
    for key in ["username", "email"] {
        if let Some(value) = params.query.db_text(key)? {
            filter.set_fuzzy(key, value.to_string());
        }
    }
    let compiled = query::compile::<UserColumn>(&filter, ctx.now)?;
    let sort = parse_sort(params.sort.as_deref().unwrap_or(""));
    let listing = ctx.store().list_users(&compiled, &sort, params.paging);
    Ok(pagination::list(
        listing.total,
        listing.body,
        &params,
        "/api/v2.0/users",
    ))
}

/// `PUT /users/{user_id}/password`: 422 → one's own, or 401/403 (system `user:update`) → 403
/// (one's own, with the wrong current password) → 400 (the password rule) → 404 → 400 (the
/// same password again) → 200 with an empty body.
pub async fn update_user_password(
    ctx: Context,
    UserId(id): UserId,
    ApiJson(body): ApiJson<PasswordReq>,
) -> Result<Response> {
    require_self_or(&ctx.caller, id, "update")?;
    let own = matches!(ctx.caller, Caller::User { id: own, .. } if own == id);
    if own && !ctx.store().password_matches(id, &body.old_password) {
        return Err(ApiError::Forbidden("Current password is incorrect".into()));
    }
    check_password(&body.new_password)?;
    ctx.store().user(id)?;
    if ctx.store().password_matches(id, &body.new_password) {
        return Err(ApiError::BadRequest(
            "New password is identical to old password".into(),
        ));
    }
    ctx.store()
        .update_password(id, &body.new_password, ctx.now)?;
    Ok(response::empty())
}

/// `GET /users/search?username=`: 422 (no `username`) → 401 → 200, the count and the list
/// from Harbor's two different queries.
pub async fn search_users(ctx: Context, params: ListParams) -> Result<Response> {
    params.query.required("username")?;
    ctx.caller.require_authenticated()?;
    let username = params.query.db_text("username")?.unwrap_or_default();
    let listing = ctx.store().search_users(username, params.paging.page_size);
    Ok(pagination::list(
        listing.total,
        listing.body,
        &params,
        "/api/v2.0/users/search",
    ))
}

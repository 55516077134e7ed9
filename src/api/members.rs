//! Swagger tag `member`: a project's members, one handler per operationId in the order
//! `src/server/v2.0/handler/member.go` and `src/controller/member/controller.go` check.

use axum::http::StatusCode;
use axum::response::Response;

use super::projects::accessed;
use crate::harbor::projects::ProjectRef;
use crate::harbor::rbac::Role;
use crate::http::{
    ApiError, Context, ListParams, MemberId, OptionalJson, ProjectPath, Result, pagination,
    response,
};
use crate::store::StoreError;
use crate::wire::{ProjectMember, RoleRequest};

/// `GET …/members`: 401/403 (member `list`) → 400/404 → 200, `X-Total-Count` counting every
/// member whatever `entityname` asks for.
pub async fn list_project_members(
    ctx: Context,
    ProjectPath(project): ProjectPath,
    params: ListParams,
) -> Result<Response> {
    let record = accessed(&ctx, &project, "member", "list")?;
    let entityname = params.query.db_text("entityname")?;
    let listing = ctx
        .store()
        .list_members(record.id, entityname, params.paging);
    let path = format!("/api/v2.0/projects/{}/members", project.text());
    Ok(pagination::list(
        listing.total,
        listing.body,
        &params,
        &path,
    ))
}

/// `POST …/members`: 422 (a malformed body only) → 401/403 (member `create`) → 400 (no body,
/// nobody named) → 404 (project) → 400/404 (the user or group) → 409 → 400 (role) → 201 with
/// a `Location` under the project as addressed.
pub async fn create_project_member(
    ctx: Context,
    ProjectPath(project): ProjectPath,
    OptionalJson(body): OptionalJson<ProjectMember>,
) -> Result<Response> {
    member_access(&ctx, &project, "create")?;
    let Some(body) = body else {
        return Err(ApiError::BadRequest(
            "the project member should provide".into(),
        ));
    };
    let named = body.user_id > 0
        || !body.username.is_empty()
        || body.group_id > 0
        || !body.group_name.is_empty()
        || !body.ldap_group_dn.is_empty();
    if !named {
        return Err(ApiError::BadRequest(
            "at least one of member_user or member_group must be provided".into(),
        ));
    }
    let record = ctx.store().project(&project)?;
    let user_id = member_user(&ctx, &body)?;
    // The duplicate check comes before the role's.
    if ctx.store().is_member(record.id, user_id) {
        return Err(ApiError::Conflict(
            "The project member specified already exist".into(),
        ));
    }
    if Role::from_id(body.role_id).is_none() {
        return Err(ApiError::BadRequest(
            "Failed to update project member, role is not in 1,2,3".into(),
        ));
    }
    let mid = ctx.store().add_member(record.id, user_id, body.role_id)?;
    let location = format!("/api/v2.0/projects/{}/members/{mid}", project.text());
    Ok(response::with_location(
        response::empty_with(StatusCode::CREATED),
        &location,
    ))
}

/// Who a `POST …/members` names, in Harbor's order: `member_user.user_id`, `member_group.id`,
/// `member_user.username`, `ldap_group_dn`, `group_name`. Groups do not exist under
/// `db_auth`.
fn member_user(ctx: &Context, body: &ProjectMember) -> Result<i64> {
    if body.user_id > 0 {
        let id = body.user_id;
        ctx.store().user(id).map_err(|e| {
            // The controller wraps whatever the lookup said, the driver's refusal of an id
            // beyond int4 included (its argument index varies with Go's map order).
            let why = match e {
                StoreError::Database(refusal) => {
                    format!("failed to encode args[0]: {}", refusal.driver_text())
                }
                _ => format!("user {id} not found"),
            };
            ApiError::BadRequest(format!("Failed to get user {id}: {why}"))
        })?;
        return Ok(id);
    }
    if body.group_id > 0 {
        return Err(ApiError::BadRequest(format!(
            "Group {} not found",
            body.group_id
        )));
    }
    if !body.username.is_empty() {
        return ctx
            .store()
            .user_id(&body.username)
            .ok_or_else(|| ApiError::NotFound(format!("user {} is not found", body.username)));
    }
    let group = if body.ldap_group_dn.is_empty() {
        &body.group_name
    } else {
        &body.ldap_group_dn
    };
    Err(ApiError::NotFound(format!(
        "{group} not found: not supported"
    )))
}

/// `GET …/members/{mid}`: 401/403 (member `read`) → 400 (`mid` 0) → 404 (project) → 404 (not
/// one of its members). A negative `mid` returns the project's first member by name.
pub async fn get_project_member(
    ctx: Context,
    ProjectPath(project): ProjectPath,
    MemberId(mid): MemberId,
) -> Result<Response> {
    member_access(&ctx, &project, "read")?;
    if mid == 0 {
        return Err(ApiError::BadRequest(
            "the member id can not be empty!".into(),
        ));
    }
    let record = ctx.store().project(&project)?;
    let body = ctx.store().member_json(record.id, mid)?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "the project member is not found, project id {}, member id {mid}",
            record.id
        ))
    })?;
    Ok(response::json_body(StatusCode::OK, body))
}

/// `PUT …/members/{mid}`: 422 → 401/403 (member `update`) → 400 (no body; `mid` 0) → 404
/// (project) → 200: Harbor stores any role and never checks that the member exists.
pub async fn update_project_member(
    ctx: Context,
    ProjectPath(project): ProjectPath,
    MemberId(mid): MemberId,
    OptionalJson(body): OptionalJson<RoleRequest>,
) -> Result<Response> {
    member_access(&ctx, &project, "update")?;
    let Some(role) = body else {
        return Err(ApiError::BadRequest("role can not be empty".into()));
    };
    if mid == 0 {
        return Err(ApiError::BadRequest("member id can not be empty".into()));
    }
    let record = ctx.store().project(&project)?;
    ctx.store().set_member_role(record.id, mid, role.role_id)?;
    Ok(response::empty())
}

/// `DELETE …/members/{mid}`: 401/403 (member `delete`) → 400 (`mid` 0) → 404 (project) →
/// 200, whether or not the member exists.
pub async fn delete_project_member(
    ctx: Context,
    ProjectPath(project): ProjectPath,
    MemberId(mid): MemberId,
) -> Result<Response> {
    member_access(&ctx, &project, "delete")?;
    if mid == 0 {
        return Err(ApiError::BadRequest(
            "the project member id is required.".into(),
        ));
    }
    let record = ctx.store().project(&project)?;
    ctx.store().remove_member(record.id, mid)?;
    Ok(response::empty())
}

/// `RequireProjectAccess` on `member`, which every member route runs first; the project's
/// lookup comes later, inside Harbor's controller.
fn member_access(ctx: &Context, project: &ProjectRef, action: &str) -> Result<()> {
    let access_id = ctx.store().project_access_id(project)?;
    ctx.caller
        .require_project(ctx.store(), access_id, "member", action)
}

//! Swagger tag `robot`: the six robot operations, one handler per operationId, each doing its
//! checks in the order Harbor's `src/server/v2.0/handler/robot.go` does (spec §3, §10.10).

use axum::http::StatusCode;
use axum::response::Response;

use crate::harbor::robots::{Level, ListScope, supplied_secret, validate, validate_name};
use crate::http::{ApiError, ApiJson, Context, ListParams, Result, RobotId, pagination, response};
use crate::query::{self, parse_q, parse_sort};
use crate::store::{NewRobot, RobotColumn, RobotUpdate};
use crate::wire::{RobotCreate, RobotReq, RobotSec, RobotSecReq};

/// `GET /robots`: 422 → 401 → 400 (q) → 403.
pub async fn list_robot(ctx: Context, params: ListParams) -> Result<Response> {
    ctx.caller.require_authenticated()?;
    let mut filter = parse_q(params.q.as_deref().unwrap_or(""))?;
    match ListScope::take(&mut filter)? {
        ListScope::System => ctx.caller.require_system("robot", "list")?,
        ListScope::Project(id) => ctx
            .caller
            .require_project(ctx.store(), id, "robot", "list")?,
    }
    let filter = query::compile::<RobotColumn>(&filter, ctx.now)?;
    let sort = parse_sort(params.sort.as_deref().unwrap_or(""));
    let listing = ctx.store().list_robots(&filter, &sort, params.paging);
    Ok(pagination::list(
        listing.total,
        listing.body,
        &params,
        "/api/v2.0/robots",
    ))
}

/// `POST /robots`: 422 → 400 (validation) → 401/403 → 403 DENIED → 404 → 409/400/404.
pub async fn create_robot(ctx: Context, ApiJson(body): ApiJson<RobotCreate>) -> Result<Response> {
    let store = ctx.store();
    validate_name(&body.name)?;
    let (level, permissions) = validate(body.duration, &body.level, body.permissions.as_deref())?;
    let namespace = &permissions[0].namespace;
    match level {
        Level::System => ctx.caller.require_system("robot", "create")?,
        Level::Project => ctx
            .caller
            .require_project_named(store, namespace, "robot", "create")?,
    }
    ctx.caller.require_subset(store, &permissions)?;
    let project = match level {
        Level::System => None,
        Level::Project => Some(store.project_by_name(namespace)?),
    };
    let (creator_type, creator_ref) = ctx.caller.creator();
    let new = NewRobot {
        name: body.name,
        project,
        description: body.description,
        duration: body.duration,
        permissions,
        creator_type,
        creator_ref,
    };
    let created = store.create_robot(new, ctx.now)?;
    let location = format!("/api/v2.0/robots/{}", created.id);
    let created = response::json(StatusCode::CREATED, &created);
    Ok(response::with_location(created, &location))
}

/// `GET /robots/{robot_id}`: 422 → 401 → 404 → 403.
pub async fn get_robot_by_id(ctx: Context, RobotId(id): RobotId) -> Result<Response> {
    ctx.caller.require_authenticated()?;
    let (project_id, body) = ctx.store().robot_json(id)?;
    ctx.caller.require_robot(ctx.store(), project_id, "read")?;
    Ok(response::json_body(StatusCode::OK, body))
}

/// `PUT /robots/{robot_id}`: 422 → 401 → 404 → 403 DENIED (legacy) → 400 → 404/400
/// (project) → 401/403 → 400 (name/level) → 200 with an empty body.
pub async fn update_robot(
    ctx: Context,
    RobotId(id): RobotId,
    ApiJson(body): ApiJson<RobotReq>,
) -> Result<Response> {
    let store = ctx.store();
    ctx.caller.require_authenticated()?;
    let robot = store.robot(id)?;
    if !robot.editable() {
        return Err(ApiError::Denied(
            "editing of legacy robot is not allowed".into(),
        ));
    }
    let duration = body.duration.unwrap_or(robot.duration);
    let (level, permissions) = validate(duration, &body.level, body.permissions.as_deref())?;
    let namespace = &permissions[0].namespace;
    if robot.level() == Level::Project && store.project_by_name(namespace)?.id != robot.project_id {
        return Err(ApiError::BadRequest(
            "cannot update the project id of robot".into(),
        ));
    }
    match level {
        Level::System => ctx.caller.require_system("robot", "update")?,
        Level::Project => ctx
            .caller
            .require_project_named(store, namespace, "robot", "update")?,
    }
    if level != robot.level() || body.name != store.full_name(&robot) {
        return Err(ApiError::BadRequest(
            "cannot update the level or name of robot".into(),
        ));
    }
    let update = RobotUpdate {
        description: body.description,
        disabled: body.disable,
        duration,
        permissions,
    };
    store.update_robot(id, update, ctx.now)?;
    Ok(response::empty())
}

/// `PATCH /robots/{robot_id}`: 422 → 401 → 404 → 401/403 → 400 (secret rule).
pub async fn refresh_sec(
    ctx: Context,
    RobotId(id): RobotId,
    ApiJson(body): ApiJson<RobotSecReq>,
) -> Result<Response> {
    ctx.caller.require_authenticated()?;
    let robot = ctx.store().robot(id)?;
    ctx.caller
        .require_robot(ctx.store(), robot.project_id, "update")?;
    let supplied = supplied_secret(body.secret)?;
    let secret = ctx.store().refresh_secret(id, supplied, ctx.now)?;
    Ok(response::json(StatusCode::OK, &RobotSec { secret }))
}

/// `DELETE /robots/{robot_id}`: 422 → 401 → 404 → 403 → 200 with an empty body.
pub async fn delete_robot(ctx: Context, RobotId(id): RobotId) -> Result<Response> {
    ctx.caller.require_authenticated()?;
    let robot = ctx.store().robot(id)?;
    ctx.caller
        .require_robot(ctx.store(), robot.project_id, "delete")?;
    ctx.store().delete_robot(id)?;
    Ok(response::empty())
}

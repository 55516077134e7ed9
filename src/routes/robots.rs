//! The six robot operations, one handler per swagger operationId, each doing its checks in
//! the order Harbor does (spec §3, §10.10).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::body::{RobotCreate, RobotPut, RobotSecIn};
use crate::error::{ApiError, Result};
use crate::extract::{ApiJson, ListParams, RobotId, Scope};
use crate::model::{Level, RobotSec};
use crate::store::{Caller, Listing, NewRobot, RobotUpdate};
use crate::validate::{validate, validate_name};
use crate::{pagination, query, secret};

/// `GET /robots`: 422 → 401 → 400 (q) → 403.
pub async fn list_robot(scope: Scope, params: ListParams, caller: Caller) -> Result<Response> {
    caller.require_authenticated()?;
    let store = &scope.store;
    let mut filter = query::parse_q(params.q.as_deref().unwrap_or(""))
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let sort = query::parse_sort(params.sort.as_deref().unwrap_or(""));
    let level = match filter.get("Level") {
        None => Level::System,
        Some(p) => p
            .as_exact()
            .and_then(Level::parse)
            .ok_or_else(|| ApiError::BadRequest("bad request error level input".into()))?,
    };
    filter.remove("Level");
    let project_id = match level {
        Level::System => 0,
        Level::Project => {
            let raw = filter.get("ProjectID").ok_or_else(|| {
                ApiError::BadRequest("must with project ID when to query project robots".into())
            })?;
            raw.as_exact()
                .and_then(|v| v.parse::<i64>().ok())
                .filter(|id| *id > 0)
                .ok_or_else(|| {
                    ApiError::BadRequest("ProjectID must be a positive integer".into())
                })?
        }
    };
    if level == Level::System {
        filter.set_exact("ProjectID", "0".into());
    }
    filter.set_exact("Visible", "true".into());
    match level {
        Level::System => caller.require_system("list")?,
        Level::Project => {
            let known = store.project(project_id).map_or(0, |p| p.id);
            caller.require_project(store, known, "list")?
        }
    }
    // Every match has this project id when the filter's `ProjectID` is its canonical text;
    // the store then skips other projects' robots before running the filter.
    let in_project = filter
        .get("ProjectID")
        .and_then(|p| p.as_exact())
        .filter(|v| *v == project_id.to_string())
        .map(|_| project_id);
    let compiled = query::compile(&filter).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let Listing { total, body } =
        store.list(&compiled, in_project, &sort, params.page, params.page_size);
    // A session is served like a Harbor behind a path prefix: the links are the paths Harbor
    // itself sees, which is what clients such as harborapi resolve against their base URL.
    let headers = pagination::headers(
        total,
        params.page,
        params.page_size,
        "/api/v2.0/robots",
        &params.pairs,
    );
    Ok((headers, json_body(StatusCode::OK, body)).into_response())
}

/// `POST /robots`: 422 → 400 (validation) → 401/403 → 403 DENIED → 404 → 409/400/404.
pub async fn create_robot(
    scope: Scope,
    caller: Caller,
    ApiJson(body): ApiJson<RobotCreate>,
) -> Result<Response> {
    let store = &scope.store;
    validate_name(&body.name)?;
    let (level, permissions) = validate(body.duration, &body.level, body.permissions.as_deref())?;
    let namespace = permissions[0].namespace.clone();
    match level {
        Level::System => caller.require_system("create")?,
        Level::Project => caller.require_project_named(store, &namespace, "create")?,
    }
    caller.require_subset(store, &permissions)?;
    let project = match level {
        Level::System => None,
        Level::Project => Some(store.project_by_name(&namespace)?),
    };
    let (creator_type, creator_ref) = caller.creator();
    let created = store.create_robot(NewRobot {
        name: body.name,
        project,
        description: body.description,
        duration: body.duration,
        permissions,
        creator_type,
        creator_ref,
    })?;
    let location = format!("/api/v2.0/robots/{}", created.id);
    let mut response = json(StatusCode::CREATED, &created);
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// `GET /robots/{robot_id}`: 422 → 401 → 404 → 403.
pub async fn get_robot_by_id(
    scope: Scope,
    RobotId(id): RobotId,
    caller: Caller,
) -> Result<Response> {
    caller.require_authenticated()?;
    let (project_id, body) = scope.store.robot_json(id)?;
    caller.require_robot_in(&scope.store, project_id, "read")?;
    Ok(json_body(StatusCode::OK, body))
}

/// `PUT /robots/{robot_id}`: 422 → 401 → 404 → 403 DENIED (legacy) → 400 → 404/400
/// (project) → 401/403 → 400 (name/level) → 200 with an empty body.
pub async fn update_robot(
    scope: Scope,
    RobotId(id): RobotId,
    caller: Caller,
    ApiJson(body): ApiJson<RobotPut>,
) -> Result<Response> {
    let store = &scope.store;
    caller.require_authenticated()?;
    let robot = store.robot(id)?;
    if !robot.editable() {
        return Err(ApiError::Denied(
            "editing of legacy robot is not allowed".into(),
        ));
    }
    let duration = body.duration.unwrap_or(robot.duration);
    let (level, permissions) = validate(duration, &body.level, body.permissions.as_deref())?;
    let namespace = permissions[0].namespace.clone();
    if robot.level() == Level::Project && store.project_by_name(&namespace)?.id != robot.project_id
    {
        return Err(ApiError::BadRequest(
            "cannot update the project id of robot".into(),
        ));
    }
    match level {
        Level::System => caller.require_system("update")?,
        Level::Project => caller.require_project_named(store, &namespace, "update")?,
    }
    let full_name = format!("{}{}", store.prefix(), robot.name);
    if level != robot.level() || body.name != full_name {
        return Err(ApiError::BadRequest(
            "cannot update the level or name of robot".into(),
        ));
    }
    store.update_robot(
        id,
        RobotUpdate {
            description: body.description,
            disabled: body.disable,
            duration,
            permissions,
        },
    )?;
    Ok(empty_ok())
}

/// `PATCH /robots/{robot_id}`: 422 → 401 → 404 → 401/403 → 400 (secret rule).
pub async fn refresh_sec(
    scope: Scope,
    RobotId(id): RobotId,
    caller: Caller,
    ApiJson(body): ApiJson<RobotSecIn>,
) -> Result<Response> {
    caller.require_authenticated()?;
    let robot = scope.store.robot(id)?;
    caller.require_robot(&scope.store, &robot, "update")?;
    let supplied = if body.secret.is_empty() {
        None
    } else if secret::is_valid_secret(&body.secret) {
        Some(body.secret)
    } else {
        return Err(ApiError::BadRequest(
            "the secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number".into(),
        ));
    };
    let secret = scope.store.refresh_secret(id, supplied)?;
    Ok(json(StatusCode::OK, &RobotSec { secret }))
}

/// `DELETE /robots/{robot_id}`: 422 → 401 → 404 → 403 → 200 with an empty body.
pub async fn delete_robot(scope: Scope, RobotId(id): RobotId, caller: Caller) -> Result<Response> {
    caller.require_authenticated()?;
    let robot = scope.store.robot(id)?;
    caller.require_robot(&scope.store, &robot, "delete")?;
    scope.store.delete_robot(id)?;
    Ok(empty_ok())
}

/// A success body as go-openapi's JSON producer writes it: no HTML escaping, a trailing
/// newline, `Content-Type: application/json`.
fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    let mut bytes = match serde_json::to_vec(value) {
        Ok(bytes) => bytes,
        Err(e) => {
            return ApiError::Internal(format!("serialising a response: {e}")).into_response();
        }
    };
    bytes.push(b'\n');
    json_body(status, bytes)
}

/// A response with an already serialised JSON body (newline included).
fn json_body(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// PUT and DELETE answer 200 with no body and no `Content-Type`.
fn empty_ok() -> Response {
    let mut response = Response::new(Body::empty());
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    response
}

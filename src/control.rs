//! The control API under `/_mock`: what a test does to the mock rather than to Harbor.
//!
//! Reset, dump and load the state; add projects, users and memberships; read, set and advance
//! the clock; read and clear the request journal; add and remove fault rules; open and close
//! isolated sessions. Every route also works under `/sessions/<id>/_mock/...` for that session.
//! JSON in and out; bad input is a 400 in Harbor's error envelope saying what is wrong.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::{ApiError, Result};
use crate::faults::RuleSpec;
use crate::fixtures::{Fixtures, MemberFixture, ProjectFixture, UserFixture};
use crate::instance::{Instance, Settings};
use crate::journal;
use crate::model::{format_millis, parse_rfc3339_millis};

/// The control routes; only `/health` when the control API is switched off.
pub fn router(settings: &Settings) -> Router<AppState> {
    let health = Router::new().route("/health", get(health));
    if !settings.control {
        return health;
    }
    let control = Router::new()
        .route("/reset", post(reset))
        .route("/state", get(get_state).put(put_state))
        .route("/projects", post(add_project))
        .route("/users", post(add_user))
        .route("/members", post(add_member))
        .route("/clock", get(get_clock).put(put_clock))
        .route("/clock/advance", post(advance_clock))
        .route("/journal", get(get_journal).delete(clear_journal))
        .route("/faults", get(list_faults).post(add_fault))
        .route("/faults/{id}", delete(remove_fault))
        .route("/sessions", post(create_session))
        .route("/sessions/{id}", delete(delete_session))
        .route_layer(from_fn_with_state(
            settings.control_token.clone(),
            require_token,
        ));
    health.merge(control)
}

/// `Authorization: Bearer <token>` when a token is configured.
async fn require_token(State(token): State<Option<String>>, req: Request, next: Next) -> Response {
    if let Some(token) = token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
            return ApiError::Unauthorized.into_response();
        }
    }
    next.run(req).await
}

/// The instance a control request acts on: the main one, or the session's.
struct Target(Arc<Instance>);

impl FromRequestParts<AppState> for Target {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        Ok(Target(
            parts
                .extensions
                .get::<Arc<Instance>>()
                .cloned()
                .unwrap_or_else(|| state.main.clone()),
        ))
    }
}

/// A JSON body whose rejection is a 400 saying what is wrong. An empty body reads as `null`.
struct Body<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::BadRequest(format!("cannot read the body: {e}")))?;
        let text = if bytes.iter().all(u8::is_ascii_whitespace) {
            &b"null"[..]
        } else {
            &bytes[..]
        };
        serde_json::from_slice(text)
            .map(Body)
            .map_err(|e| ApiError::BadRequest(format!("invalid body: {e}")))
    }
}

fn ok<T: Serialize>(status: StatusCode, value: &T) -> Response {
    let mut bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes.push(b'\n');
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn health() -> Response {
    ok(StatusCode::OK, &json!({"status": "ok"}))
}

fn counts(state: &Fixtures) -> serde_json::Value {
    json!({
        "users": state.users.len(),
        "projects": state.projects.len(),
        "members": state.members.len(),
        "robots": state.robots.len(),
    })
}

async fn reset(Target(target): Target) -> Result<Response> {
    target
        .reset()
        .map_err(|e| ApiError::BadRequest(format!("fixtures: {e}")))?;
    Ok(ok(StatusCode::OK, &counts(&target.store.dump())))
}

async fn get_state(Target(target): Target) -> Response {
    ok(StatusCode::OK, &target.store.dump())
}

async fn put_state(
    Target(target): Target,
    Body(state): Body<Option<Fixtures>>,
) -> Result<Response> {
    let state = state.ok_or_else(|| ApiError::BadRequest("a state body is required".into()))?;
    let counts = counts(&state);
    target
        .store
        .load(state)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(ok(StatusCode::OK, &counts))
}

fn required<T>(body: Option<T>, what: &str) -> Result<T> {
    body.ok_or_else(|| ApiError::BadRequest(format!("a {what} body is required")))
}

async fn add_project(
    Target(target): Target,
    Body(p): Body<Option<ProjectFixture>>,
) -> Result<Response> {
    let project = target.store.add_project(required(p, "project")?)?;
    Ok(ok(
        StatusCode::CREATED,
        &json!({"id": project.id, "name": project.name}),
    ))
}

async fn add_user(Target(target): Target, Body(u): Body<Option<UserFixture>>) -> Result<Response> {
    let u = required(u, "user")?;
    let (username, sysadmin) = (u.username.clone(), u.sysadmin);
    let id = target.store.add_user(u)?;
    Ok(ok(
        StatusCode::CREATED,
        &json!({"id": id, "username": username, "sysadmin": sysadmin}),
    ))
}

async fn add_member(
    Target(target): Target,
    Body(m): Body<Option<MemberFixture>>,
) -> Result<Response> {
    let m = required(m, "member")?;
    target.store.add_member(m.clone())?;
    Ok(ok(StatusCode::CREATED, &m))
}

#[derive(Serialize)]
struct ClockView {
    now: String,
    frozen: bool,
}

fn clock_view(target: &Instance) -> Response {
    let clock = target.store.clock();
    ok(
        StatusCode::OK,
        &ClockView {
            now: format_millis(clock.now_millis()),
            frozen: clock.is_frozen(),
        },
    )
}

async fn get_clock(Target(target): Target) -> Response {
    clock_view(&target)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    now: Option<String>,
    frozen: Option<bool>,
}

async fn put_clock(Target(target): Target, Body(body): Body<Option<SetClock>>) -> Result<Response> {
    let body = required(body, "clock")?;
    let clock = target.store.clock();
    if let Some(frozen) = body.frozen {
        clock.set_frozen(frozen);
    }
    if let Some(now) = &body.now {
        let ms = parse_rfc3339_millis(now)
            .ok_or_else(|| ApiError::BadRequest(format!("now: {now:?} is not an RFC 3339 time")))?;
        clock.set(ms);
    }
    Ok(clock_view(&target))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    by: String,
}

async fn advance_clock(
    Target(target): Target,
    Body(body): Body<Option<Advance>>,
) -> Result<Response> {
    let body = required(body, "advance")?;
    let ms = parse_duration(&body.by).map_err(ApiError::BadRequest)?;
    target.store.clock().advance(ms);
    Ok(clock_view(&target))
}

/// `31d`, `1h30m`, `-90s`, `250ms`: groups of an integer and a unit (ms, s, m, h, d).
pub fn parse_duration(text: &str) -> std::result::Result<i64, String> {
    let bad = || format!("by: {text:?} is not a duration like 31d, 12h, 90m, 30s or 1h30m");
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, text),
    };
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let value: i64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let factor = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total = value
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    Ok(sign * total)
}

async fn get_journal(
    Target(target): Target,
    query: std::result::Result<Query<journal::Filter>, QueryRejection>,
) -> Result<Response> {
    let Ok(Query(filter)) = query else {
        return Err(ApiError::BadRequest(
            "journal filters are method, path (with * wildcards) and status (a number)".into(),
        ));
    };
    Ok(ok(StatusCode::OK, &target.journal.entries(&filter)))
}

async fn clear_journal(Target(target): Target) -> Response {
    ok(StatusCode::OK, &json!({"cleared": target.journal.clear()}))
}

async fn list_faults(Target(target): Target) -> Response {
    ok(StatusCode::OK, &target.faults.list())
}

async fn add_fault(Target(target): Target, Body(spec): Body<Option<RuleSpec>>) -> Result<Response> {
    let rule = target
        .faults
        .add(required(spec, "fault rule")?)
        .map_err(ApiError::BadRequest)?;
    Ok(ok(StatusCode::CREATED, &rule))
}

async fn remove_fault(Target(target): Target, Path(id): Path<String>) -> Result<Response> {
    let id: u64 = id
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("fault id {id:?} is not a number")))?;
    if target.faults.remove(id) {
        Ok(ok(StatusCode::OK, &json!({"removed": id})))
    } else {
        Err(ApiError::NotFound(format!("fault {id} not found")))
    }
}

async fn create_session(
    State(state): State<AppState>,
    Body(fixtures): Body<Option<Fixtures>>,
) -> Result<Response> {
    let id = state
        .create_session(fixtures)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let base = format!("/sessions/{id}");
    let mut response = ok(
        StatusCode::CREATED,
        &json!({"id": id, "base_path": base, "api": format!("{base}/api/v2.0")}),
    );
    if let Ok(value) = HeaderValue::from_str(&base) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

async fn delete_session(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response> {
    if state.sessions.remove(&id) {
        Ok(ok(StatusCode::OK, &json!({"deleted": id})))
    } else {
        Err(ApiError::NotFound(format!("session {id} not found")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let cases = [
            ("31d", Ok(31 * 86_400_000)),
            ("1h30m", Ok(5_400_000)),
            ("-90s", Ok(-90_000)),
            ("250ms", Ok(250)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_duration(text), expected, "{text}");
        }
        for bad in ["", "-", "31", "d", "3w", "1.5h", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}

//! The control API under `/_mock`: what a test does to the mock rather than to Harbor.
//!
//! Reset, dump and load the state; add projects, users and memberships; read, set and advance
//! the clock; read and clear the request journal; add and remove fault rules; open and close
//! isolated sessions. Every route also works under `/sessions/<id>/_mock/...` for that session.
//! The dashboard (`super::ui`) reads the same state and acts through these very routes.
//! JSON in and out; bad input is a 400 in Harbor's error envelope saying what is wrong.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

use super::clock::parse_duration;
use super::faults::RuleSpec;
use super::instance::{Instance, Settings};
use super::journal::JournalQuery;
use super::state::Instances;
use super::token;
use crate::datetime::{format_millis, parse_rfc3339_millis};
use crate::http::{ApiError, Context, Result, response};
use crate::store::fixtures::{Fixtures, MemberFixture, ProjectFixture, UserFixture};

/// The control routes; only `/health` when the control API is switched off.
pub fn router(settings: &Settings) -> Router<Instances> {
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
        .route("/sessions", post(create_session).get(list_sessions))
        .route("/sessions/{id}", delete(delete_session))
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(from_fn_with_state(
            settings.control_token.clone(),
            require_token,
        ));
    health.merge(control)
}

/// A known control path with a method it does not take, in the envelope of every other error.
async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "method {method} is not allowed on /_mock{}",
        uri.path()
    ))
}

/// `Authorization: Bearer <token>` (or the dashboard's cookie) when a token is configured.
async fn require_token(State(token): State<Option<String>>, req: Request, next: Next) -> Response {
    if !token::authorized(token.as_deref(), req.headers()) {
        return ApiError::Unauthorized.into_response();
    }
    next.run(req).await
}

/// A control request's JSON body; an empty body reads as `null`, and what does not parse is a
/// 400 saying what is wrong.
struct ControlJson<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ControlJson<T> {
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
            .map(ControlJson)
            .map_err(|e| ApiError::BadRequest(format!("invalid body: {e}")))
    }
}

fn ok<T: Serialize>(status: StatusCode, value: &T) -> Response {
    response::json(status, value)
}

async fn health() -> Response {
    ok(StatusCode::OK, &json!({"status": "ok"}))
}

async fn reset(ctx: Context) -> Response {
    ctx.instance.reset();
    ok(StatusCode::OK, &ctx.store().counts())
}

async fn get_state(ctx: Context) -> Response {
    ok(StatusCode::OK, &ctx.store().dump())
}

async fn put_state(
    ctx: Context,
    ControlJson(state): ControlJson<Option<Fixtures>>,
) -> Result<Response> {
    let state = required(state, "state")?;
    ctx.store().load(state, ctx.now)?;
    Ok(ok(StatusCode::OK, &ctx.store().counts()))
}

fn required<T>(body: Option<T>, what: &str) -> Result<T> {
    body.ok_or_else(|| ApiError::BadRequest(format!("a {what} body is required")))
}

async fn add_project(
    ctx: Context,
    ControlJson(p): ControlJson<Option<ProjectFixture>>,
) -> Result<Response> {
    let project = ctx.store().add_project(required(p, "project")?, ctx.now)?;
    Ok(ok(
        StatusCode::CREATED,
        &json!({"id": project.id, "name": project.name}),
    ))
}

async fn add_user(
    ctx: Context,
    ControlJson(u): ControlJson<Option<UserFixture>>,
) -> Result<Response> {
    let u = required(u, "user")?;
    let (username, sysadmin) = (u.username.clone(), u.sysadmin);
    let id = ctx.store().add_user(u, ctx.now)?;
    Ok(ok(
        StatusCode::CREATED,
        &json!({"id": id, "username": username, "sysadmin": sysadmin}),
    ))
}

async fn add_member(
    ctx: Context,
    ControlJson(m): ControlJson<Option<MemberFixture>>,
) -> Result<Response> {
    let m = required(m, "member")?;
    ctx.store().add_member_fixture(m.clone())?;
    Ok(ok(StatusCode::CREATED, &m))
}

#[derive(Serialize)]
struct ClockView {
    now: String,
    frozen: bool,
}

fn clock_view(target: &Instance) -> Response {
    let clock = &target.clock;
    ok(
        StatusCode::OK,
        &ClockView {
            now: format_millis(clock.now_millis()),
            frozen: clock.is_frozen(),
        },
    )
}

async fn get_clock(ctx: Context) -> Response {
    clock_view(&ctx.instance)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    now: Option<String>,
    frozen: Option<bool>,
}

async fn put_clock(
    ctx: Context,
    ControlJson(body): ControlJson<Option<SetClock>>,
) -> Result<Response> {
    let body = required(body, "clock")?;
    let clock = &ctx.instance.clock;
    if let Some(frozen) = body.frozen {
        clock.set_frozen(frozen);
    }
    if let Some(now) = &body.now {
        let ms = parse_rfc3339_millis(now)
            .ok_or_else(|| ApiError::BadRequest(format!("now: {now:?} is not an RFC 3339 time")))?;
        clock.set(ms);
    }
    Ok(clock_view(&ctx.instance))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    by: String,
}

async fn advance_clock(
    ctx: Context,
    ControlJson(body): ControlJson<Option<Advance>>,
) -> Result<Response> {
    let body = required(body, "advance")?;
    let ms = parse_duration(&body.by).map_err(ApiError::BadRequest)?;
    ctx.instance.clock.advance(ms);
    Ok(clock_view(&ctx.instance))
}

async fn get_journal(
    ctx: Context,
    query: std::result::Result<Query<JournalQuery>, QueryRejection>,
) -> Result<Response> {
    let Ok(Query(filter)) = query else {
        return Err(ApiError::BadRequest(
            "journal filters are method, path and caller (with * wildcards), status and after (numbers)"
                .into(),
        ));
    };
    Ok(ok(StatusCode::OK, &ctx.instance.journal.entries(&filter)))
}

async fn clear_journal(ctx: Context) -> Response {
    ok(
        StatusCode::OK,
        &json!({"cleared": ctx.instance.journal.clear()}),
    )
}

async fn list_faults(ctx: Context) -> Response {
    ok(StatusCode::OK, &ctx.instance.faults.list())
}

async fn add_fault(
    ctx: Context,
    ControlJson(spec): ControlJson<Option<RuleSpec>>,
) -> Result<Response> {
    let rule = ctx
        .instance
        .faults
        .add(required(spec, "fault rule")?)
        .map_err(ApiError::BadRequest)?;
    Ok(ok(StatusCode::CREATED, &rule))
}

async fn remove_fault(ctx: Context, Path(id): Path<String>) -> Result<Response> {
    let id: u64 = id
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("fault id {id:?} is not a number")))?;
    if ctx.instance.faults.remove(id) {
        Ok(ok(StatusCode::OK, &json!({"removed": id})))
    } else {
        Err(ApiError::NotFound(format!("fault {id} not found")))
    }
}

/// Sessions are opened, listed and closed on the main instance only: one session cannot see
/// or close another, nor itself.
fn main_only(state: &Instances, ctx: &Context, uri: &Uri) -> Result<()> {
    if Arc::ptr_eq(&ctx.instance, &state.main) {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!(
            "path /_mock{} was not found: sessions are managed at /_mock/sessions",
            uri.path()
        )))
    }
}

async fn create_session(
    State(state): State<Instances>,
    ctx: Context,
    uri: Uri,
    ControlJson(fixtures): ControlJson<Option<Fixtures>>,
) -> Result<Response> {
    main_only(&state, &ctx, &uri)?;
    let id = state.create_session(fixtures)?;
    let base = format!("/sessions/{id}");
    let created = ok(
        StatusCode::CREATED,
        &json!({"id": id, "base_path": base, "api": format!("{base}/api/v2.0")}),
    );
    Ok(response::with_location(created, &base))
}

async fn list_sessions(State(state): State<Instances>, ctx: Context, uri: Uri) -> Result<Response> {
    main_only(&state, &ctx, &uri)?;
    Ok(ok(StatusCode::OK, &state.sessions.list()))
}

async fn delete_session(
    State(state): State<Instances>,
    ctx: Context,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response> {
    main_only(&state, &ctx, &uri)?;
    if state.sessions.remove(&id) {
        Ok(ok(StatusCode::OK, &json!({"deleted": id})))
    } else {
        Err(ApiError::NotFound(format!("session {id} not found")))
    }
}

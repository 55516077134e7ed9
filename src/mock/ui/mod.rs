//! The dashboard at `/_mock/ui`: for a developer pointing a client at the mock, what the
//! client did and what the mock holds, in a browser: the instances, their robots, projects with
//! members, users, the request journal (live), the fault rules and the clock.
//!
//! - Pages are server-rendered HTML from askama templates (`templates/`, checked at compile
//!   time, HTML-escaped), so every read view works without script. One small script
//!   (`assets/ui.js`) follows the journal live (Server-Sent Events, `live`) and runs the
//!   actions.
//! - Reads go through the same store functions the Harbor API lists with (`rows`): a page
//!   shows what a sysadmin's API call would, so no secret, password or hash can reach it.
//! - Actions (reset, faults, clock, sessions, state) are calls to the control API's own routes
//!   (`super::control`), made by the script with `fetch`: there is no second implementation.
//! - Each instance has its dashboard: `/_mock/ui` for the main one, `/sessions/<id>/_mock/ui`
//!   for a session, found by the front service as for every other route.
//! - With `--control-token`, a page asks for the token once (`login`); the browser then keeps
//!   a session cookie that the control API accepts too (`super::token`).
//! - Served only with the control API (`--no-control` switches both off). Templates, style and
//!   script are compiled into the binary: no CDN, works offline and in the scratch image.

mod assets;
mod live;
mod login;
mod pages;
mod rows;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;

use super::state::Instances;
use crate::datetime::format_millis;
use crate::http::{ApiError, Context, Result};

/// The dashboard's routes, to nest at `/_mock/ui`: the pages behind the token check, the login
/// form and the assets outside it.
pub fn router(state: &Instances) -> Router<Instances> {
    let pages = Router::new()
        .route("/", get(pages::instances))
        .route("/robots", get(pages::robots))
        .route("/projects", get(pages::projects))
        .route("/users", get(pages::users))
        .route("/journal", get(pages::journal))
        .route("/journal/events", get(live::journal_events))
        .route("/faults", get(pages::faults))
        .route("/clock", get(pages::clock))
        .route_layer(from_fn_with_state(state.clone(), login::require));
    Router::new()
        .merge(pages)
        .route("/login", post(login::login))
        .route("/logout", post(login::logout))
        .route("/assets/{name}", get(assets::asset))
}

/// Where the dashboard's assets live: the main instance's, shared by every session's pages.
const ASSETS: &str = "/_mock/ui/assets";

/// The instance a page shows, and where its pages and control API live.
struct Viewed {
    /// The request's context: the instance, and its clock's reading.
    ctx: Context,
    /// The session's id; `None` for the main instance.
    session: Option<String>,
    /// Whether a control token guards the dashboard (it then offers to log out).
    guarded: bool,
}

impl Viewed {
    /// `main`, or the session's id.
    fn label(&self) -> &str {
        self.session.as_deref().unwrap_or("main")
    }

    /// The path prefix of the instance: empty, or `/sessions/<id>`.
    fn base(&self) -> String {
        base_of(self.session.as_deref())
    }

    /// The common parts of every page.
    fn layout(&self, title: &'static str) -> Layout {
        let base = self.base();
        Layout {
            title,
            instance: self.label().to_string(),
            ui: format!("{base}/_mock/ui"),
            control: format!("{base}/_mock"),
            assets: ASSETS,
            nav: &NAV,
            now: format_millis(self.ctx.now),
            frozen: self.ctx.instance.clock.is_frozen(),
            guarded: self.guarded,
        }
    }
}

/// The path prefix of the main instance (`None`) or a session.
fn base_of(session: Option<&str>) -> String {
    session.map_or_else(String::new, |id| format!("/sessions/{id}"))
}

impl FromRequestParts<Instances> for Viewed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Instances) -> Result<Self> {
        let ctx = Context::from_request_parts(parts, state).await?;
        Viewed::new(ctx, state)
    }
}

impl Viewed {
    /// The page view of the request whose context is `ctx`.
    fn new(ctx: Context, state: &Instances) -> Result<Viewed> {
        let session = if Arc::ptr_eq(&ctx.instance, &state.main) {
            None
        } else {
            // None when deleted between the front service finding it and now.
            let id = state.sessions.id_of(&ctx.instance);
            Some(id.ok_or_else(|| ApiError::NotFound("session not found".into()))?)
        };
        Ok(Viewed {
            ctx,
            session,
            guarded: state.settings.control_token.is_some(),
        })
    }
}

/// What every page's frame shows: title, navigation and the instance's clock.
struct Layout {
    /// The page's title.
    title: &'static str,
    /// `main` or the session's id.
    instance: String,
    /// The dashboard's root for this instance.
    ui: String,
    /// The control API's root for this instance.
    control: String,
    /// Where the style and script are.
    assets: &'static str,
    /// The views, for the navigation.
    nav: &'static [(&'static str, &'static str)],
    /// The instance's clock when the request arrived.
    now: String,
    /// Whether that clock stands still.
    frozen: bool,
    /// Whether a token guards the dashboard.
    guarded: bool,
}

/// The navigation: (title, path under the dashboard's root).
const NAV: [(&str, &str); 7] = [
    ("Instances", ""),
    ("Robots", "/robots"),
    ("Projects", "/projects"),
    ("Users", "/users"),
    ("Journal", "/journal"),
    ("Faults", "/faults"),
    ("Clock", "/clock"),
];

/// `template` as an HTML page with `status`. Pages are never cached, and may load script and
/// style from the dashboard only (the journal shows what clients sent: even if escaping
/// failed, no inline script would run).
fn html(status: StatusCode, template: &impl Template) -> Result<Response> {
    let body = template
        .render()
        .map_err(|e| ApiError::Internal(format!("dashboard template: {e}")))?;
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    Ok(response)
}

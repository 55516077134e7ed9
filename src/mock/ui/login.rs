//! The dashboard's token prompt, for a mock started with `--control-token`: a page request
//! without the token gets a form asking for it (401); the right token sets the session cookie
//! (`super::super::token`) and sends the browser back where it was going.

use askama::Template;
use axum::Form;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Layout, Viewed, html};
use crate::http::{Context, Result};
use crate::mock::state::Instances;
use crate::mock::token;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    /// Where to go once in, below the dashboard's root.
    next: String,
    wrong: bool,
}

/// Lets a page request through when it carries the token (or none is configured); otherwise
/// answers the login form.
pub async fn require(State(state): State<Instances>, req: Request, next: Next) -> Response {
    let token = state.settings.control_token.as_deref();
    if token::authorized(token, req.headers()) {
        return next.run(req).await;
    }
    let Some(ctx) = req.extensions().get::<Context>().cloned() else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let path = req.uri().path();
    let below = path.strip_prefix("/_mock/ui").unwrap_or(path);
    let next = match req.uri().query() {
        Some(q) => format!("{below}?{q}"),
        None => below.to_string(),
    };
    match Viewed::new(ctx, &state) {
        Ok(viewed) => prompt(&viewed, next, false),
        Err(e) => e.into_response(),
    }
}

fn prompt(viewed: &Viewed, next: String, wrong: bool) -> Response {
    let page = LoginPage {
        layout: viewed.layout("Log in"),
        next,
        wrong,
    };
    html(StatusCode::UNAUTHORIZED, &page).unwrap_or_else(IntoResponse::into_response)
}

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    token: String,
    #[serde(default)]
    next: String,
}

/// `POST /_mock/ui/login`: the right token sets the cookie and redirects (303) to `next`
/// under the dashboard; a wrong one shows the form again.
pub async fn login(
    State(state): State<Instances>,
    viewed: Viewed,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    let Some(token) = state.settings.control_token.as_deref() else {
        return Ok(back(&viewed, &form.next, None));
    };
    if !token::matches(token, &form.token) {
        return Ok(prompt(&viewed, form.next, true));
    }
    Ok(back(&viewed, &form.next, Some(token::set_cookie(token))))
}

/// `POST /_mock/ui/logout`: forgets the cookie.
pub async fn logout(viewed: Viewed) -> Response {
    back(&viewed, "", Some(token::clear_cookie()))
}

/// A 303 to `next` below this instance's dashboard (anything that is not a path there goes to
/// its root, so the form cannot send the browser elsewhere), setting `cookie`.
fn back(viewed: &Viewed, next: &str, cookie: Option<String>) -> Response {
    let next = if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        ""
    };
    let to = format!("{}/_mock/ui{next}", viewed.base());
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(&to) {
        headers.insert(header::LOCATION, location);
    }
    if let Some(cookie) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}

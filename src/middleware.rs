//! The layers every request passes before routing, in Harbor's order: URL check → path
//! clean-up (and session scoping) → request id → access log.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::AppState;
use crate::error::{ApiError, error_body};
use crate::extract::Scope;
use crate::faults::Outcome;
use crate::instance::Instance;
use crate::journal::{CallerSlot, Entry, redact};
use crate::model::format_millis;

/// `x-request-id`, as Harbor reads and writes it.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request id a response was sent with, kept for logs and the journal.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Harbor's first middleware parses the raw query with Go's `url.ParseQuery`; a failure is a
/// 400 sent before any request id is assigned.
pub async fn check_query(req: Request, next: Next) -> Response {
    if let Some(query) = req.uri().query()
        && let Err(message) = go_parse_query(query)
    {
        return ApiError::BadRequest(message).into_response();
    }
    next.run(req).await
}

/// The error Go's `url.ParseQuery` reports for a raw query, if any.
pub fn go_parse_query(query: &str) -> Result<(), String> {
    for part in query.split('&') {
        if part.contains(';') {
            return Err("invalid semicolon separator in query".into());
        }
        let bytes = part.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let ok = bytes.len() > i + 2
                    && bytes[i + 1].is_ascii_hexdigit()
                    && bytes[i + 2].is_ascii_hexdigit();
                if !ok {
                    let end = (i + 3).min(bytes.len());
                    let bad = String::from_utf8_lossy(&bytes[i..end]);
                    return Err(format!("invalid URL escape {bad:?}"));
                }
                i += 3;
            } else {
                i += 1;
            }
        }
    }
    Ok(())
}

/// Merges doubled slashes, drops a trailing slash, and routes `/sessions/<id>/…` to that
/// session's store.
pub async fn clean_path(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let mut cleaned = String::with_capacity(path.len());
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        cleaned.push('/');
        cleaned.push_str(segment);
    }
    if cleaned.is_empty() {
        cleaned.push('/');
    }
    if let Some(rest) = cleaned.strip_prefix("/sessions/") {
        let (id, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        match state.sessions.get(id) {
            Some(instance) => {
                req.extensions_mut().insert(Scope {
                    store: instance.store.clone(),
                });
                req.extensions_mut().insert(instance);
                cleaned = if tail.is_empty() {
                    "/".into()
                } else {
                    tail.to_string()
                };
            }
            None => {
                return ApiError::NotFound(format!("session {id} not found")).into_response();
            }
        }
    }
    if cleaned != req.uri().path() {
        let rebuilt = match req.uri().query() {
            Some(q) => format!("{cleaned}?{q}"),
            None => cleaned,
        };
        if let Ok(uri) = rebuilt.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    next.run(req).await
}

/// Records Harbor API requests in the instance's journal and applies its fault rules.
/// Control and health requests are neither journaled nor faulted.
pub async fn journal_and_faults(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let instance = req
        .extensions()
        .get::<Arc<Instance>>()
        .cloned()
        .unwrap_or_else(|| state.main.clone());
    let slot = CallerSlot::default();
    req.extensions_mut().insert(slot.clone());
    let entry = Entry {
        seq: 0,
        time: format_millis(instance.store.clock().now_millis()),
        method: req.method().to_string(),
        path: req.uri().path().to_string(),
        query: req.uri().query().unwrap_or_default().to_string(),
        request_id: req
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default(),
        status: 0,
        caller: String::new(),
        headers: redact(req.headers()),
    };
    let response = match instance.faults.take(&entry.method, &entry.path) {
        None => next.run(req).await,
        Some(action) => {
            if let Some(ms) = action.latency_ms {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            match action.outcome {
                Outcome::Proceed => next.run(req).await,
                Outcome::Error { status, message } => fault_response(status, message),
                Outcome::Drop => dropped_connection(),
            }
        }
    };
    instance.journal.record(Entry {
        status: response.status().as_u16(),
        caller: slot.get().unwrap_or_else(|| "anonymous".into()),
        ..entry
    });
    response
}

/// A Harbor error body for an injected status. Like Harbor, 5xx always read
/// `UNKNOWN` / `internal server error`.
fn fault_response(status: u16, message: Option<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (code, message) = if status.is_server_error() {
        ("UNKNOWN".to_string(), "internal server error".to_string())
    } else {
        let reason = status.canonical_reason().unwrap_or("error");
        let code = reason.to_ascii_uppercase().replace([' ', '-'], "_");
        (code, message.unwrap_or_else(|| reason.to_ascii_lowercase()))
    };
    let mut response = (status, error_body(&code, &message)).into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// A response whose body fails at once: hyper then closes the connection without sending
/// a complete response, which the client sees as a dropped connection.
fn dropped_connection() -> Response {
    Response::new(axum::body::Body::new(BrokenBody))
}

struct BrokenBody;

impl axum::body::HttpBody for BrokenBody {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection dropped by a fault rule",
        ))))
    }
}

/// Echoes a non-empty `X-Request-Id` or generates a UUID v4, on every response.
pub async fn request_id(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let id = match req.headers().get(&X_REQUEST_ID) {
        Some(v) if !v.is_empty() => v.clone(),
        _ => {
            let uuid = state.new_request_id();
            let value = HeaderValue::from_str(&uuid).expect("a UUID is a valid header value");
            req.headers_mut()
                .insert(X_REQUEST_ID.clone(), value.clone());
            value
        }
    };
    let text = String::from_utf8_lossy(id.as_bytes()).into_owned();
    req.extensions_mut().insert(RequestId(text.clone()));
    let mut response = next.run(req).await;
    response.headers_mut().insert(X_REQUEST_ID.clone(), id);
    response.extensions_mut().insert(RequestId(text));
    response
}

/// One log line per request: method, path, status, latency, request id. Never headers or
/// bodies, so no credential can reach the log.
pub async fn access_log(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let response = next.run(req).await;
    let status = response.status();
    let latency_us = start.elapsed().as_micros() as u64;
    if status.is_server_error() {
        tracing::warn!(%method, %path, status = status.as_u16(), latency_us, %request_id, "request");
    } else {
        tracing::info!(%method, %path, status = status.as_u16(), latency_us, %request_id, "request");
    }
    response
}

/// 404 for paths nothing serves, in Harbor's words.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("path {} was not found", uri.path()))
}

/// 405 for a known path and an unsupported method, in go-swagger's words.
pub fn method_not_allowed(method: &axum::http::Method, allowed: &str) -> Response {
    ApiError::MethodNotAllowed(format!(
        "method {method} is not allowed, but [{allowed}] are"
    ))
    .into_response()
}

/// axum's method router adds an `Allow` header to 405s; go-swagger sends none.
pub async fn strip_allow(mut response: Response) -> Response {
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        response.headers_mut().remove(axum::http::header::ALLOW);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_query_parse_errors() {
        assert_eq!(go_parse_query("a=1&b=2"), Ok(()));
        assert_eq!(go_parse_query("q=a%252Bb"), Ok(()));
        assert_eq!(
            go_parse_query("a=1;b=2"),
            Err("invalid semicolon separator in query".into())
        );
        assert_eq!(
            go_parse_query("q=%zz"),
            Err("invalid URL escape \"%zz\"".into())
        );
        assert_eq!(
            go_parse_query("q=a%2"),
            Err("invalid URL escape \"%2\"".into())
        );
    }
}

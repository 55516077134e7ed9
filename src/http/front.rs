//! What every request passes before routing, in Harbor's order: URL check → request id and
//! access log → path clean-up and the instance (main or session) → the request context
//! (caller, now) → faults and journal (Harbor API requests only).

use axum::Router;
use axum::body::{Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};
use tower::Service;

use super::context::Context;
use super::error::ApiError;
use super::extract::BODY_LIMIT;
use super::response;
use crate::harbor::auth::{Caller, parse_basic};
use crate::mock::faults::Outcome;
use crate::mock::instance::Instance;
use crate::mock::journal::Record;
use crate::mock::state::Instances;
use crate::store::durability::acknowledged;

/// `x-request-id`, as Harbor reads and writes it.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

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

/// Everything in front of routing, as one service: Harbor's URL check, request id, access log,
/// path clean-up and session scoping, the journal and fault rules, and go-swagger's 405
/// headers. One service rather than a stack of layers, because each layer costs every request
/// a boxed future and a state clone, and this runs on every request.
#[derive(Clone)]
pub struct Front {
    state: Instances,
    routes: Router,
}

impl Front {
    /// `routes` behind the front service, for the instances of `state`.
    pub fn new(state: Instances, routes: Router) -> Front {
        Front { state, routes }
    }

    async fn handle(mut self, mut req: Request) -> Response {
        // Harbor's first middleware parses the raw query with Go's `url.ParseQuery`; a failure
        // is a 400 sent before any request id is assigned.
        if let Some(query) = req.uri().query()
            && let Err(message) = go_parse_query(query)
        {
            return ApiError::BadRequest(message).into_response();
        }
        let start = Instant::now();
        let (request_id, generated) = self.request_id(&mut req);
        let method = req.method().clone();
        let uri = req.uri().clone();
        let mut response = match self.instance(&mut req) {
            Err(error) => error.into_response(),
            Ok(instance) => {
                let now = instance.clock.now_millis();
                let context = Context {
                    caller: caller(&instance, req.headers(), now),
                    now,
                    instance,
                };
                if req.uri().path().starts_with("/api/") {
                    self.api(context, req, &request_id, generated).await
                } else {
                    req.extensions_mut().insert(context);
                    self.route(req).await
                }
            }
        };
        // axum's method router adds an `Allow` header to 405s; go-swagger sends none.
        if response.status() == StatusCode::METHOD_NOT_ALLOWED {
            response.headers_mut().remove(header::ALLOW);
        }
        response
            .headers_mut()
            .insert(X_REQUEST_ID.clone(), request_id.clone());
        access_log(&method, uri.path(), response.status(), start, &request_id);
        response
    }

    /// Echoes a non-empty `X-Request-Id` or makes a UUID v4 one, for the request and response;
    /// says whether it was made.
    fn request_id(&self, req: &mut Request) -> (HeaderValue, bool) {
        match req.headers().get(&X_REQUEST_ID) {
            Some(v) if !v.is_empty() => (v.clone(), false),
            _ => {
                let id = self.state.new_request_id();
                req.headers_mut().insert(X_REQUEST_ID.clone(), id.clone());
                (id, true)
            }
        }
    }

    /// Merges doubled slashes, drops a trailing slash, and picks the instance: the session's
    /// for `/sessions/<id>/…` (the path then loses that prefix), else the main one.
    fn instance(&self, req: &mut Request) -> Result<Arc<Instance>, ApiError> {
        let cleaned = clean_path(req.uri().path());
        let path = cleaned.as_deref().unwrap_or(req.uri().path());
        let Some(rest) = path.strip_prefix("/sessions/") else {
            if let Some(cleaned) = cleaned {
                set_path(req, &cleaned);
            }
            return Ok(self.state.main.clone());
        };
        let (id, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let Some(instance) = self.state.sessions.get(id) else {
            return Err(ApiError::NotFound(format!("session {id} not found")));
        };
        let tail = if tail.is_empty() { "/" } else { tail }.to_string();
        set_path(req, &tail);
        Ok(instance)
    }

    /// A Harbor API request: applies the instance's fault rules and records the request, with
    /// its caller, body and answer, in the instance's journal. Control requests get neither.
    async fn api(
        &mut self,
        context: Context,
        req: Request,
        id: &HeaderValue,
        generated: bool,
    ) -> Response {
        let instance = context.instance.clone();
        let mut record = Record::of(&req, context.now, id, generated);
        record.caller = context.caller.username().to_string();
        let mut req = match read_body(req).await {
            Ok((req, bytes)) => {
                record.set_body(&bytes);
                req
            }
            Err(failed) => return failed,
        };
        let action = instance.faults.take(record.method.as_str(), &record.path);
        if let Some(ms) = action.as_ref().and_then(|a| a.latency_ms) {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        req.extensions_mut().insert(context);
        let response = match action.map(|a| a.outcome) {
            None | Some(Outcome::Proceed) if read_only_refuses(&instance, &req) => {
                ApiError::Denied(
                    "The system is in read only mode. Any modification is prohibited.".into(),
                )
                .into_response()
            }
            None | Some(Outcome::Proceed) => self.route(req).await,
            Some(Outcome::Error { status, message }) => fault_response(status, message),
            Some(Outcome::Drop) => dropped_connection(),
        };
        record.status = response.status().as_u16();
        record.response_size = http_body::Body::size_hint(response.body())
            .exact()
            .unwrap_or(0);
        record.error = response
            .extensions()
            .get::<response::Explanation>()
            .map(|e| e.0.clone());
        instance.journal.record(record);
        response
    }

    /// Routes the request; its response waits until the writes it made are durable (see
    /// `store::durability`), and is a 500 when they cannot be.
    async fn route(&mut self, req: Request) -> Response {
        let (response, durable) = acknowledged(self.routes.call(req)).await;
        let Ok(response) = response;
        match durable {
            Ok(()) => response,
            Err(not_durable) => ApiError::Internal(not_durable.to_string()).into_response(),
        }
    }
}

impl Service<Request> for Front {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let front = self.clone();
        Box::pin(async move { Ok(front.handle(req).await) })
    }
}

/// Lets `axum::serve(listener, app(state))` serve a `Front` as it serves a `Router`: each
/// connection gets a clone.
impl<L: Listener> Service<IncomingStream<'_, L>> for Front {
    type Response = Front;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Front, Infallible>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: IncomingStream<'_, L>) -> Self::Future {
        std::future::ready(Ok(self.clone()))
    }
}

/// Reads the request body for the journal, at most one byte past what the handlers accept (a
/// longer body is refused by them all the same), and puts it back as bytes. A body that cannot
/// be read (the client went away) ends the request as a dropped connection would.
async fn read_body(req: Request) -> Result<(Request, Bytes), Response> {
    let (parts, mut body) = req.into_parts();
    let mut bytes = Vec::new();
    while bytes.len() <= BODY_LIMIT {
        match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            None => break,
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    bytes.extend_from_slice(&data);
                }
            }
            Some(Err(_)) => return Err(dropped_connection()),
        }
    }
    let bytes = Bytes::from(bytes);
    Ok((
        Request::from_parts(parts, axum::body::Body::from(bytes.clone())),
        bytes,
    ))
}

/// Harbor's read-only middleware: with `read_only` set, every method but GET, HEAD and
/// OPTIONS is refused before routing, except `PUT /configurations` (the way out).
fn read_only_refuses(instance: &Instance, req: &Request) -> bool {
    let method = req.method();
    let safe = method == Method::GET || method == Method::HEAD || method == Method::OPTIONS;
    let way_out = method == Method::PUT && req.uri().path().starts_with("/api/v2.0/configurations");
    !safe && !way_out && instance.store.read_only()
}

/// Who the request's basic-auth credentials name in `instance` at `now`; anonymous when they
/// name no one or there are none.
fn caller(instance: &Instance, headers: &HeaderMap, now: i64) -> Caller {
    match parse_basic(headers) {
        Ok(c) => instance.store.authenticate(c.username(), c.password(), now),
        Err(_) => Caller::Anonymous,
    }
}

/// Replaces the request's path, keeping its query.
fn set_path(req: &mut Request, path: &str) {
    let rebuilt = match req.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    if let Ok(uri) = rebuilt.parse::<Uri>() {
        *req.uri_mut() = uri;
    }
}

/// The path with doubled slashes merged and a trailing slash dropped, or `None` when it is
/// already clean (the common case, which then costs no allocation).
fn clean_path(path: &str) -> Option<String> {
    let clean =
        path.starts_with('/') && (path == "/" || !path.ends_with('/')) && !path.contains("//");
    if clean {
        return None;
    }
    let mut cleaned = String::with_capacity(path.len());
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        cleaned.push('/');
        cleaned.push_str(segment);
    }
    if cleaned.is_empty() {
        cleaned.push('/');
    }
    Some(cleaned)
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
    response::error(status, &code, &message)
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
        self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection dropped by a fault rule",
        ))))
    }
}

/// One log line per request: method, path, status, latency, request id. Never headers or
/// bodies, so no credential can reach the log.
fn access_log(method: &Method, path: &str, status: StatusCode, start: Instant, id: &HeaderValue) {
    let latency_us = start.elapsed().as_micros() as u64;
    let request_id = String::from_utf8_lossy(id.as_bytes());
    let status = status.as_u16();
    if status >= 500 {
        tracing::warn!(%method, %path, status, latency_us, %request_id, "request");
    } else {
        tracing::info!(%method, %path, status, latency_us, %request_id, "request");
    }
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

    #[test]
    fn paths_are_cleaned_only_when_needed() {
        for clean in ["/", "/api/v2.0/robots", "/api/v2.0/robots/1"] {
            assert_eq!(clean_path(clean), None, "{clean}");
        }
        let cases = [
            ("//api//v2.0/robots/", "/api/v2.0/robots"),
            ("/api/v2.0/robots/", "/api/v2.0/robots"),
            ("//", "/"),
            ("", "/"),
        ];
        for (path, cleaned) in cases {
            assert_eq!(clean_path(path).as_deref(), Some(cleaned), "{path}");
        }
    }
}

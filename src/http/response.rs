//! Every response body the server writes, in the forms Harbor's server writes them.
//!
//! - [`json`] / [`json_body`]: go-openapi's JSON producer: no HTML escaping, a trailing
//!   newline, `Content-Type: application/json`.
//! - [`empty`]: responses whose swagger entry has no schema (PUT, DELETE): no body, no
//!   `Content-Type`, `Content-Length: 0`.
//! - [`error`]: Harbor's error envelope (`src/lib/http/error.go`), for [`super::ApiError`] and
//!   injected faults alike, with `Content-Type: application/json; charset=utf-8`.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::harbor::error::error_body;
use crate::wire;

/// `value` as a JSON body with `status`.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    json_body(status, wire::json_line(value))
}

/// A response with an already serialised JSON body (newline included).
pub fn json_body(status: StatusCode, body: Vec<u8>) -> Response {
    with_content_type((status, body).into_response(), "application/json")
}

/// 200 with no body and no `Content-Type`.
pub fn empty() -> Response {
    empty_with(StatusCode::OK)
}

/// `status` with no body and no `Content-Type` (Harbor's responses without a schema: every
/// PUT and DELETE 200, every POST 201 but the robot's).
pub fn empty_with(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    response
}

/// `response` with a path-only `Location` header, as Harbor writes it for a created resource
/// (clients such as the Terraform provider take the path and reuse it).
pub fn with_location(mut response: Response, path: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(path) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Harbor's error envelope (`crate::harbor::error`) with `status`, `code` and `message`.
pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    with_content_type(
        (status, error_body(code, message)).into_response(),
        "application/json; charset=utf-8",
    )
}

/// The header in which the mock says why it answered a 500 (not one of Harbor's).
pub const MOCK_ERROR: &str = "x-harbor-mock-error";

/// Why a 500 was answered, as the journal keeps it (the header holds it escaped).
#[derive(Clone, Debug)]
pub struct Explanation(pub String);

/// Puts `detail` in [`MOCK_ERROR`] (escaped to printable ASCII, at most 512 bytes) and, as it
/// is, in the response's [`Explanation`] extension.
pub fn explain(response: &mut Response, detail: &str) {
    response
        .extensions_mut()
        .insert(Explanation(detail.to_string()));
    let mut text: String = detail.escape_default().collect();
    if text.len() > 512 {
        let mut cut = 509;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("...");
    }
    if let Ok(value) = HeaderValue::from_str(&text) {
        response.headers_mut().insert(MOCK_ERROR, value);
    }
}

fn with_content_type(mut response: Response, value: &'static str) -> Response {
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
    response
}

//! Harbor's `/api/v2.0` operations: one module per swagger tag, one handler per operationId
//! (snake_cased), each a short reading of Harbor's order of checks that calls `harbor` for the
//! rules, `store` for the state and `http` for binding and answers.

pub mod robots;

use axum::Router;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};

use crate::http::ApiError;

/// Every operation, with go-swagger's 405 for methods the swagger does not declare on a path.
/// Full paths rather than a nested router: nesting would rewrite every request's URI to strip
/// the prefix.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/api/v2.0/robots",
            declared(
                get(robots::list_robot).post(robots::create_robot),
                "GET,POST",
            ),
        )
        .route(
            "/api/v2.0/robots/{robot_id}",
            declared(
                get(robots::get_robot_by_id)
                    .put(robots::update_robot)
                    .patch(robots::refresh_sec)
                    .delete(robots::delete_robot),
                "DELETE,GET,PATCH,PUT",
            ),
        )
}

/// `methods` with go-swagger's 405 for every other method, HEAD included: axum would answer
/// HEAD like GET, but go-openapi's router only knows the methods the swagger declares (and has
/// no HEAD-to-GET fallback). `allowed` is go-swagger's list, sorted.
fn declared<S: Clone + Send + Sync + 'static>(
    methods: MethodRouter<S>,
    allowed: &'static str,
) -> MethodRouter<S> {
    methods
        .head(move || async move { method_not_allowed(&Method::HEAD, allowed) })
        .fallback(move |m: Method| async move { method_not_allowed(&m, allowed) })
}

/// 404 for paths nothing serves, in Harbor's words.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("path {} was not found", uri.path()))
}

/// 405 for a known path and an unsupported method, in go-swagger's words.
fn method_not_allowed(method: &Method, allowed: &str) -> Response {
    ApiError::MethodNotAllowed(format!(
        "method {method} is not allowed, but [{allowed}] are"
    ))
    .into_response()
}

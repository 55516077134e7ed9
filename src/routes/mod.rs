//! Route tables: Harbor's robot API.

pub mod robots;

use axum::Router;
use axum::http::Method;
use axum::routing::get;

use crate::AppState;
use crate::middleware::method_not_allowed;

/// The six robot operations with go-swagger's 405 for other methods, HEAD included: axum would
/// answer HEAD like GET, but go-swagger's router only knows the methods the swagger declares.
/// Full paths rather than a nested router: nesting would rewrite every request's URI to strip
/// the prefix.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v2.0/robots",
            get(robots::list_robot)
                .post(robots::create_robot)
                .head(|| async { method_not_allowed(&Method::HEAD, "GET,POST") })
                .fallback(|m: Method| async move { method_not_allowed(&m, "GET,POST") }),
        )
        .route(
            "/api/v2.0/robots/{robot_id}",
            get(robots::get_robot_by_id)
                .put(robots::update_robot)
                .patch(robots::refresh_sec)
                .delete(robots::delete_robot)
                .head(|| async { method_not_allowed(&Method::HEAD, "DELETE,GET,PATCH,PUT") })
                .fallback(
                    |m: Method| async move { method_not_allowed(&m, "DELETE,GET,PATCH,PUT") },
                ),
        )
}

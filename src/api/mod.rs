//! Harbor's `/api/v2.0` operations: one module per swagger tag, one handler per operationId
//! (snake_cased), each a short reading of Harbor's order of checks that calls `harbor` for the
//! rules, `store` for the state and `http` for binding and answers.

pub mod configurations;
pub mod members;
pub mod permissions;
pub mod projects;
pub mod robots;
pub mod search;
pub mod system;
pub mod users;

use axum::Router;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, put};

use crate::http::ApiError;

/// Every operation, with go-swagger's 405 for methods the swagger does not declare on a path.
/// Full paths rather than a nested router: nesting would rewrite every request's URI to strip
/// the prefix.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let api = |path: &str| format!("/api/v2.0{path}");
    Router::new()
        .route(&api("/ping"), declared(get(system::get_ping), "GET"))
        .route(&api("/health"), declared(get(system::get_health), "GET"))
        .route(
            &api("/systeminfo"),
            declared(get(system::get_system_info), "GET"),
        )
        .route(&api("/search"), declared(get(search::search), "GET"))
        .route(
            &api("/permissions"),
            declared(get(permissions::get_permissions), "GET"),
        )
        .route(
            &api("/configurations"),
            declared(
                get(configurations::get_configurations).put(configurations::update_configurations),
                "GET,PUT",
            ),
        )
        .route(
            &api("/robots"),
            declared(
                get(robots::list_robot).post(robots::create_robot),
                "GET,POST",
            ),
        )
        .route(
            &api("/robots/{robot_id}"),
            declared(
                get(robots::get_robot_by_id)
                    .put(robots::update_robot)
                    .patch(robots::refresh_sec)
                    .delete(robots::delete_robot),
                "DELETE,GET,PATCH,PUT",
            ),
        )
        .route(
            &api("/projects"),
            declared(
                get(projects::list_projects)
                    .head(projects::head_project)
                    .post(projects::create_project),
                "GET,HEAD,POST",
            ),
        )
        .route(
            &api("/projects/{project_name_or_id}"),
            declared(
                get(projects::get_project)
                    .put(projects::update_project)
                    .delete(projects::delete_project),
                "DELETE,GET,PUT",
            ),
        )
        .route(
            &api("/projects/{project_name_or_id}/summary"),
            declared(get(projects::get_project_summary), "GET"),
        )
        .route(
            &api("/projects/{project_name_or_id}/_deletable"),
            declared(get(projects::get_project_deletable), "GET"),
        )
        .route(
            // Harbor names this segment `project_name`; one name per segment here.
            &api("/projects/{project_name_or_id}/repositories"),
            declared(get(projects::list_repositories), "GET"),
        )
        .route(
            &api("/projects/{project_name_or_id}/members"),
            declared(
                get(members::list_project_members).post(members::create_project_member),
                "GET,POST",
            ),
        )
        .route(
            &api("/projects/{project_name_or_id}/members/{mid}"),
            declared(
                get(members::get_project_member)
                    .put(members::update_project_member)
                    .delete(members::delete_project_member),
                "DELETE,GET,PUT",
            ),
        )
        .route(
            &api("/users"),
            declared(get(users::list_users).post(users::create_user), "GET,POST"),
        )
        .route(
            &api("/users/current"),
            declared(get(users::get_current_user_info), "GET"),
        )
        .route(
            &api("/users/search"),
            declared(get(users::search_users), "GET"),
        )
        .route(
            &api("/users/{user_id}"),
            declared(
                get(users::get_user)
                    .put(users::update_user_profile)
                    .delete(users::delete_user),
                "DELETE,GET,PUT",
            ),
        )
        .route(
            &api("/users/{user_id}/sysadmin"),
            declared(put(users::set_user_sys_admin), "PUT"),
        )
        .route(
            &api("/users/{user_id}/password"),
            declared(put(users::update_user_password), "PUT"),
        )
}

/// `methods` with go-swagger's 405 for every other method, HEAD included unless declared:
/// axum would answer HEAD like GET, but go-openapi's router only knows the methods the swagger
/// declares (and has no HEAD-to-GET fallback). `allowed` is go-swagger's list, sorted.
fn declared<S: Clone + Send + Sync + 'static>(
    methods: MethodRouter<S>,
    allowed: &'static str,
) -> MethodRouter<S> {
    let methods = if allowed.split(',').any(|m| m == "HEAD") {
        methods
    } else {
        methods.head(move || async move { method_not_allowed(&Method::HEAD, allowed) })
    };
    methods.fallback(move |m: Method| async move { method_not_allowed(&m, allowed) })
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

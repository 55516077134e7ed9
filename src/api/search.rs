//! Swagger tag `search`: `GET /search?q=`, as `src/server/v2.0/handler/search.go` answers it.
//! Clients look a project's id up here before listing its robots (`@hapic/harbor`'s `search`).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use crate::harbor::auth::Caller;
use crate::harbor::projects::{ListFilter, Visibility};
use crate::http::{ApiError, Context, QueryParams, Result, response};
use crate::query::{self, Filter, Paging};
use crate::store::{ProjectColumn, ProjectQuery};
use crate::wire::{CveAllowlist, ZERO_TIME_MS};

/// `GET /search?q=`: 422 (no `q`) → 200 `{"project":[…],"repository":[]}`, never 401. The
/// projects are those the caller may see whose name contains `q` (Go's `strings.Contains`,
/// case-sensitive); a mock registry holds no repositories.
pub async fn search(ctx: Context, query: QueryParams) -> Result<Response> {
    let keyword = query.required("q")?;
    let also = ListFilter {
        visibility: visibility(&ctx.caller),
        public: None,
        owner: None,
    };
    let everything = query::compile::<ProjectColumn>(&Filter::default(), ctx.now)?;
    let listing = ctx.store().list_projects(
        ProjectQuery {
            filter: &everything,
            also: &also,
            sort: &[],
            // page_size 0: no limit, as the controller's `List` without paging.
            paging: Paging {
                page: 1,
                page_size: 0,
            },
        },
        &ctx.caller,
        true,
    );
    let listed: Vec<Map<String, Value>> = serde_json::from_slice(&listing.body)
        .map_err(|e| ApiError::Internal(format!("project list: {e}")))?;
    let projects = listed
        .into_iter()
        .filter(|p| {
            p.get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| name.contains(keyword))
        })
        .map(as_searched)
        .collect::<Result<Vec<_>>>()?;
    let found = serde_json::json!({ "project": projects, "repository": [] });
    Ok(response::json(StatusCode::OK, &found))
}

/// The handler's keywords: sysadmins (`IsSysAdmin`, users only) see every project, other local
/// users their projects and the public ones (`MemberQuery{WithPublic: true}`), anyone else,
/// robots included, the public ones.
fn visibility(caller: &Caller) -> Visibility {
    match caller {
        Caller::User { sysadmin: true, .. } => Visibility::All,
        Caller::User { id, .. } => Visibility::Member {
            user_id: *id,
            with_public: true,
        },
        _ => Visibility::Public,
    }
}

/// A project as the search lists it: `projectCtl.List` without options loads the metadata
/// (detail and metadata default to true) but neither the owner's name nor the CVE allowlist,
/// which `ToSwagger` then copies from its zero value.
fn as_searched(mut project: Map<String, Value>) -> Result<Value> {
    project.shift_remove("owner_name");
    let unloaded = CveAllowlist {
        creation_time: ZERO_TIME_MS,
        expires_at: None,
        id: 0,
        items: None,
        project_id: 0,
        update_time: ZERO_TIME_MS,
    };
    let unloaded = serde_json::to_value(&unloaded)
        .map_err(|e| ApiError::Internal(format!("allowlist: {e}")))?;
    if let Some(slot) = project.get_mut("cve_allowlist") {
        *slot = unloaded;
    }
    Ok(Value::Object(project))
}

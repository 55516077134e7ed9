//! Swagger tags `project` and `repository`: projects, one handler per operationId in the order
//! `src/server/v2.0/handler/project.go` (and `repository.go`) checks.

use axum::http::StatusCode;
use axum::response::Response;
use std::collections::BTreeMap;

use crate::harbor::auth::Caller;
use crate::harbor::configurations::check_storage_limit;
use crate::harbor::projects::{
    ListFilter, ProjectRef, Visibility, is_true, metadata_for_create, metadata_for_update,
    validate_project_name,
};
use crate::http::{
    ApiError, ApiJson, Context, ListParams, ProjectName, ProjectPath, QueryParams, Result,
    header_bool, pagination, response,
};
use crate::query::{self, Pattern, parse_q, parse_sort};
use crate::store::{NewProject, ProjectColumn, ProjectQuery, ProjectRecord, ProjectUpdate};
use crate::wire::{ProjectDeletable, ProjectReq, ProjectSummary, ProjectSummaryQuota};

/// `RequireProjectAccess` then the project's lookup, as every `{project_name_or_id}` route
/// starts: 400 (a name with a space, for every caller) → 401/403 (a missing project counts as
/// project 0, which only sysadmins pass) → 404.
pub fn accessed(
    ctx: &Context,
    project: &ProjectRef,
    resource: &str,
    action: &str,
) -> Result<ProjectRecord> {
    let id = ctx.store().project_access_id(project)?;
    ctx.caller
        .require_project(ctx.store(), id, resource, action)?;
    Ok(ctx.store().project(project)?)
}

/// `GET /projects`: 422 → 400 (q, before any auth) → 200 with the projects the caller may
/// see; never 401 or 403.
pub async fn list_projects(ctx: Context, params: ListParams) -> Result<Response> {
    let mut filter = parse_q(params.q.as_deref().unwrap_or(""))?;
    // `public` and `owner` are the handler's keywords, not columns; `name=` replaces q's name.
    let q_public = filter.take("public");
    let q_owner = filter.take("owner");
    // The DAO sets `deleted=false` itself, replacing a `q` key of exactly that spelling.
    filter.remove("deleted");
    let query = &params.query;
    if let Some(name) = query.db_text("name")? {
        filter.set_fuzzy("name", name.to_string());
    }
    let public = query
        .boolean("public")
        .or_else(|| q_public.map(|p| p.as_exact().is_some_and(is_true)));
    let owner = query.db_text("owner")?.map(String::from).or(match q_owner {
        Some(Pattern::Exact(owner)) => Some(owner),
        _ => None,
    });
    if ctx.caller == Caller::Anonymous && query.boolean("public") == Some(false) {
        return Ok(pagination::list(0, b"[]\n".to_vec(), &params, PROJECTS));
    }
    let visibility = Visibility::of(&ctx.caller, ctx.store(), public);
    let also = ListFilter {
        // Anonymous callers see public projects whatever they ask.
        public: if visibility == Visibility::Public {
            None
        } else {
            public
        },
        owner,
        visibility,
    };
    let compiled = query::compile::<ProjectColumn>(&filter, ctx.now)?;
    let sort = parse_sort(params.sort.as_deref().unwrap_or(""));
    let project_query = ProjectQuery {
        filter: &compiled,
        also: &also,
        sort: &sort,
        paging: params.paging,
    };
    let detail = query.boolean("with_detail").unwrap_or(true);
    let listing = ctx
        .store()
        .list_projects(project_query, &ctx.caller, detail);
    Ok(pagination::list(
        listing.total,
        listing.body,
        &params,
        PROJECTS,
    ))
}

/// Harbor's path of the project list, for `Link`.
const PROJECTS: &str = "/api/v2.0/projects";

/// `HEAD /projects?project_name=`: 422 → 401 → 400 (a space) → 404 → 200. Any authenticated
/// caller may probe any project, private ones too.
pub async fn head_project(ctx: Context, query: QueryParams) -> Result<Response> {
    let name = query.required("project_name")?;
    ctx.caller.require_authenticated()?;
    ctx.store().project_by_name(name)?;
    Ok(response::empty())
}

/// `POST /projects`: 422 → 401 → 403 (project robots; `adminonly`; proxy cache) → 400
/// (metadata, registry, quota, name) → 409 → 201 with `Location`. The owner (for robots, the
/// first sysadmin) becomes the project's admin.
pub async fn create_project(
    ctx: Context,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<ProjectReq>,
) -> Result<Response> {
    ctx.caller.require_authenticated()?;
    if matches!(ctx.caller, Caller::Robot { project_id, .. } if project_id != 0) {
        return Err(ApiError::Forbidden(
            "Only system level robot can create project".into(),
        ));
    }
    let config = ctx.store().configurations();
    let admin = ctx.caller.can_system("project", "create")?;
    if config.admin_only_project_creation() && !admin {
        return Err(ApiError::Forbidden(
            "Only system admin can create project".into(),
        ));
    }
    if body.registry_id.is_some() && !admin {
        return Err(ApiError::Forbidden(
            "Only system admin can create proxy cache project".into(),
        ));
    }
    let storage_limit = match body.storage_limit {
        Some(limit) if admin && limit != 0 => limit,
        _ => config.storage_per_project(),
    };
    let metadata = metadata_for_create(body.metadata, body.public)?;
    if let Some(registry) = body.registry_id {
        return Err(if registry <= 0 {
            ApiError::BadRequest(format!(
                "bad request: {registry} is invalid value of registry_id, it should be geater than 0"
            ))
        } else {
            // A mock registry has no registries to proxy.
            ApiError::Internal(format!("registry {registry} not found"))
        });
    }
    if config.quota_per_project() {
        check_storage_limit(storage_limit)?;
    }
    validate_project_name(&body.project_name)?;
    let owner_id = match ctx.caller {
        Caller::User { id, .. } => id,
        _ => ctx.store().first_sysadmin().unwrap_or(0),
    };
    let new = NewProject {
        id: None,
        name: body.project_name.clone(),
        owner_id,
        metadata,
        storage_limit,
        creation_time: ctx.now,
        update_time: ctx.now,
        owner_is_member: true,
    };
    let id = ctx.store().create_project(new)?;
    let by_name = header_bool(&headers, "x-resource-name-in-location").unwrap_or(false);
    let location = if by_name {
        body.project_name
    } else {
        id.to_string()
    };
    Ok(response::with_location(
        response::empty_with(StatusCode::CREATED),
        &format!("{PROJECTS}/{location}"),
    ))
}

/// `GET /projects/{project_name_or_id}`: 422 → 400/401/403/404 (see [`accessed`]) → 200.
pub async fn get_project(ctx: Context, ProjectPath(project): ProjectPath) -> Result<Response> {
    let project = accessed(&ctx, &project, "project", "read")?;
    let body = ctx.store().project_json(project.id, &ctx.caller)?;
    Ok(response::json_body(StatusCode::OK, body))
}

/// `PUT /projects/{project_name_or_id}`: 422 → 400/401/403/404 → 400 (allowlist project,
/// `retention_id`) → 500 (a blank or repeated CVE) → 200. Metadata is upserted key by key,
/// never checked; the name, `public`, quota and registry are ignored.
pub async fn update_project(
    ctx: Context,
    ProjectPath(project): ProjectPath,
    ApiJson(body): ApiJson<ProjectReq>,
) -> Result<Response> {
    let project = accessed(&ctx, &project, "project", "update")?;
    let cve_allowlist = match body.cve_allowlist {
        None => None,
        Some(list) => {
            if list.project_id != 0 && list.project_id != project.id {
                return Err(ApiError::BadRequest(format!(
                    "project_id in cve_allowlist must be {} but it's {}",
                    project.id, list.project_id
                )));
            }
            check_cve_ids(&list.items)?;
            Some((list.items, list.expires_at))
        }
    };
    let metadata = metadata_for_update(body.metadata, &project.metadata)?;
    let update = ProjectUpdate {
        metadata,
        cve_allowlist,
    };
    ctx.store().update_project(project.id, update)?;
    Ok(response::empty())
}

/// The allowlist validator's refusals, which Harbor does not map to a client error: a 500.
fn check_cve_ids(items: &[String]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for item in items {
        let id = item.trim();
        if id.is_empty() || !seen.insert(id) {
            return Err(ApiError::Internal(format!(
                "invalid CVE allowlist item {item:?}"
            )));
        }
    }
    Ok(())
}

/// `DELETE /projects/{project_name_or_id}`: 422 → 400/401/403/404 → 200. A mock registry holds
/// no repositories, so Harbor's 412 never comes; the project's robots and members go with it.
pub async fn delete_project(ctx: Context, ProjectPath(project): ProjectPath) -> Result<Response> {
    let project = accessed(&ctx, &project, "project", "delete")?;
    ctx.store().delete_project(project.id)?;
    Ok(response::empty())
}

/// `GET /projects/{project_name_or_id}/_deletable`: as DELETE's checks; always deletable.
pub async fn get_project_deletable(
    ctx: Context,
    ProjectPath(project): ProjectPath,
) -> Result<Response> {
    accessed(&ctx, &project, "project", "delete")?;
    let deletable = ProjectDeletable {
        deletable: true,
        message: String::new(),
    };
    Ok(response::json(StatusCode::OK, &deletable))
}

/// `GET /projects/{project_name_or_id}/summary`: as GET's checks → member counts (only to
/// callers who may list members), the quota (to those who may read it, quotas enabled),
/// `repo_count` always.
pub async fn get_project_summary(
    ctx: Context,
    ProjectPath(project): ProjectPath,
) -> Result<Response> {
    let project = accessed(&ctx, &project, "project", "read")?;
    let mut summary = ProjectSummary::default();
    if ctx
        .caller
        .can_project(ctx.store(), project.id, "member", "list")
    {
        let [admins, developers, guests, maintainers, limited] =
            ctx.store().member_counts(project.id);
        summary.project_admin_count = admins;
        summary.developer_count = developers;
        summary.guest_count = guests;
        summary.maintainer_count = maintainers;
        summary.limited_guest_count = limited;
    }
    let quota = ctx
        .caller
        .can_project(ctx.store(), project.id, "quota", "read");
    if quota && ctx.store().configurations().quota_per_project() {
        summary.quota = Some(ProjectSummaryQuota {
            hard: BTreeMap::from([("storage", project.storage_limit)]),
            used: BTreeMap::from([("storage", 0)]),
        });
    }
    Ok(response::json(StatusCode::OK, &summary))
}

/// `GET /projects/{project_name}/repositories`: 422 → 401/403 (repository `list`) → 400/404
/// (the project, by name whatever it looks like) → 400 (q, sort) → 200: a mock registry holds
/// no images, so `[]` and `X-Total-Count: 0`.
pub async fn list_repositories(
    ctx: Context,
    ProjectName(name): ProjectName,
    params: ListParams,
) -> Result<Response> {
    let project = accessed(&ctx, &ProjectRef::Name(name), "repository", "list")?;
    parse_q(params.q.as_deref().unwrap_or(""))?;
    let path = format!("{PROJECTS}/{}/repositories", project.name);
    Ok(pagination::list(0, b"[]\n".to_vec(), &params, &path))
}

//! The dashboard's read views, one handler and one template each: read what the page shows,
//! render it. None of them changes anything.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::time::{SystemTime, UNIX_EPOCH};

use super::rows::{self, PAGE_SIZE, ProjectRow, RobotRow, UserRow};
use super::{Layout, Viewed, base_of, html};
use crate::datetime::format_millis;
use crate::http::Result;
use crate::mock::faults::Rule;
use crate::mock::journal::{Entry, JournalQuery};
use crate::mock::sessions::SessionInfo;
use crate::mock::state::Instances;
use crate::store::Counts;

/// The methods the filter and fault forms offer.
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];
/// Journal entries a page shows at most (newest first).
pub const JOURNAL_SHOWN: usize = 100;

/// `?page=` and, for robots, `?q=`; anything unparsable reads as absent.
#[derive(Deserialize, Default)]
pub struct ListForm {
    q: Option<String>,
    page: Option<String>,
}

impl ListForm {
    fn page(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
    }
}

/// Paging links: the page, how many, and the other parameters to keep (`q=…&` or empty).
pub struct Pager {
    page: i64,
    pages: i64,
    keep: String,
}

impl Pager {
    fn new(page: i64, total: usize, keep: String) -> Pager {
        let total = i64::try_from(total).unwrap_or(i64::MAX);
        Pager {
            page: page.max(1),
            pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
            keep,
        }
    }
}

#[derive(Template)]
#[template(path = "instances.html")]
struct InstancesPage {
    layout: Layout,
    main_robots: usize,
    sessions: Vec<SessionInfo>,
    counts: Counts,
    journal: usize,
    faults: usize,
}

/// `GET /_mock/ui`: every instance, and the viewed one's sizes and actions (reset, state,
/// sessions).
pub async fn instances(State(state): State<Instances>, viewed: Viewed) -> Result<Response> {
    let instance = &viewed.ctx.instance;
    html(
        StatusCode::OK,
        &InstancesPage {
            layout: viewed.layout("Instances"),
            main_robots: state.main.store.robot_count(),
            sessions: state.sessions.list(),
            counts: instance.store.counts(),
            journal: instance.journal.len(),
            faults: instance.faults.list().len(),
        },
    )
}

#[derive(Template)]
#[template(path = "robots.html")]
struct RobotsPage {
    layout: Layout,
    q: String,
    error: Option<String>,
    rows: Vec<RobotRow>,
    total: usize,
    pager: Pager,
}

/// `GET /_mock/ui/robots?q=&page=`: robots newest first, with expiry against the instance's
/// clock; `q` is Harbor's query language (a bad one is said on the page).
pub async fn robots(viewed: Viewed, Query(form): Query<ListForm>) -> Result<Response> {
    let q = form.q.clone().unwrap_or_default();
    let (rows, total, error) = match rows::robots(&viewed.ctx, &q, form.page()) {
        Ok((rows, total)) => (rows, total, None),
        Err(error) => (Vec::new(), 0, Some(error)),
    };
    let keep = if q.is_empty() {
        String::new()
    } else {
        format!("q={}&", encode(&q))
    };
    html(
        StatusCode::OK,
        &RobotsPage {
            layout: viewed.layout("Robots"),
            pager: Pager::new(form.page(), total, keep),
            q,
            error,
            rows,
            total,
        },
    )
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    layout: Layout,
    rows: Vec<ProjectRow>,
    total: usize,
    pager: Pager,
}

/// `GET /_mock/ui/projects?page=`: projects with their members.
pub async fn projects(viewed: Viewed, Query(form): Query<ListForm>) -> Result<Response> {
    let (rows, total) = rows::projects(&viewed.ctx, form.page());
    html(
        StatusCode::OK,
        &ProjectsPage {
            layout: viewed.layout("Projects"),
            pager: Pager::new(form.page(), total, String::new()),
            rows,
            total,
        },
    )
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    rows: Vec<UserRow>,
    total: usize,
    pager: Pager,
}

/// `GET /_mock/ui/users?page=`: users, without passwords.
pub async fn users(viewed: Viewed, Query(form): Query<ListForm>) -> Result<Response> {
    let (rows, total) = rows::users(&viewed.ctx, form.page());
    html(
        StatusCode::OK,
        &UsersPage {
            layout: viewed.layout("Users"),
            pager: Pager::new(form.page(), total, String::new()),
            rows,
            total,
        },
    )
}

/// The journal's filters as a form sends them: empty fields mean "any".
#[derive(Deserialize, Default)]
pub struct JournalForm {
    method: Option<String>,
    path: Option<String>,
    status: Option<String>,
    caller: Option<String>,
    instance: Option<String>,
}

impl JournalForm {
    /// The journal's own filter (`JournalQuery`, the control API's), or what is wrong.
    pub fn query(&self) -> Result<JournalQuery, String> {
        let status = match given(&self.status) {
            None => None,
            Some(s) => Some(
                s.parse::<u16>()
                    .map_err(|_| format!("status {s:?} is not a number"))?,
            ),
        };
        Ok(JournalQuery {
            method: given(&self.method).map(str::to_string),
            path: given(&self.path).map(str::to_string),
            caller: given(&self.caller).map(str::to_string),
            status,
            after: None,
        })
    }

    /// The filters (not the instance) as `&name=value` pairs, for the live URL and links.
    fn encoded(&self) -> String {
        [
            ("method", &self.method),
            ("path", &self.path),
            ("status", &self.status),
            ("caller", &self.caller),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some(format!("&{name}={}", encode(given(value)?))))
        .collect()
    }
}

fn given(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A journal entry as the page shows it.
pub struct EntryView {
    /// The entry, redacted as the control API returns it.
    pub entry: Entry,
    /// Its body, indented when it is JSON.
    pub body: String,
    /// `2xx`, `4xx`, `5xx`… for its colour.
    pub class: String,
}

impl EntryView {
    /// Prepares `entry` for the page.
    pub fn new(entry: Entry) -> EntryView {
        let body = serde_json::from_str::<serde_json::Value>(&entry.body)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| entry.body.clone());
        EntryView {
            class: format!("{}xx", entry.status / 100),
            body,
            entry,
        }
    }
}

#[derive(Template)]
#[template(path = "journal.html")]
struct JournalPage {
    layout: Layout,
    methods: &'static [&'static str],
    form: JournalForm,
    instances: Vec<String>,
    error: Option<String>,
    entries: Vec<EntryView>,
    matching: usize,
    limit: usize,
    last_seq: u64,
    filters: String,
}

/// `GET /_mock/ui/journal?method=&path=&status=&caller=&instance=`: the newest requests that
/// match, each expandable to its headers and body; the script then follows it live. Another
/// `instance` sends the browser to that instance's journal, with the same filters.
pub async fn journal(
    State(state): State<Instances>,
    viewed: Viewed,
    Query(form): Query<JournalForm>,
) -> Result<Response> {
    if let Some(other) = given(&form.instance).filter(|i| *i != viewed.label()) {
        let session = (other != "main").then_some(other);
        let filters = form.encoded();
        let query = match filters.strip_prefix('&') {
            Some(pairs) => format!("?{pairs}"),
            None => String::new(),
        };
        let to = format!("{}/_mock/ui/journal{query}", base_of(session));
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response());
    }
    let (query, error) = match form.query() {
        Ok(query) => (query, None),
        Err(error) => (JournalQuery::default(), Some(error)),
    };
    let latest = viewed.ctx.instance.journal.latest(&query, JOURNAL_SHOWN);
    let mut instances = vec!["main".to_string()];
    instances.extend(state.sessions.list().into_iter().map(|s| s.id));
    html(
        StatusCode::OK,
        &JournalPage {
            layout: viewed.layout("Journal"),
            methods: METHODS,
            filters: form.encoded(),
            form,
            instances,
            error,
            entries: latest.entries.into_iter().map(EntryView::new).collect(),
            matching: latest.matching,
            limit: JOURNAL_SHOWN,
            last_seq: latest.last_seq,
        },
    )
}

#[derive(Template)]
#[template(path = "faults.html")]
struct FaultsPage {
    layout: Layout,
    methods: &'static [&'static str],
    rules: Vec<Rule>,
}

/// `GET /_mock/ui/faults`: the instance's fault rules, and a form to add one.
pub async fn faults(viewed: Viewed) -> Result<Response> {
    html(
        StatusCode::OK,
        &FaultsPage {
            layout: viewed.layout("Faults"),
            methods: METHODS,
            rules: viewed.ctx.instance.faults.list(),
        },
    )
}

#[derive(Template)]
#[template(path = "clock.html")]
struct ClockPage {
    layout: Layout,
    real: String,
    offset: String,
}

/// `GET /_mock/ui/clock`: the instance's clock against real time, and forms to move it.
pub async fn clock(viewed: Viewed) -> Result<Response> {
    let real = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let ahead = (viewed.ctx.now - real).div_euclid(1000);
    let offset = match ahead {
        0 => "0s".to_string(),
        a if a > 0 => format!("+{}", rows::span(a)),
        a => format!("-{}", rows::span(-a)),
    };
    html(
        StatusCode::OK,
        &ClockPage {
            layout: viewed.layout("Clock"),
            real: format_millis(real),
            offset,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_form_reads_empty_fields_as_any() {
        let form = JournalForm {
            method: Some(String::new()),
            path: Some(" /api/v2.0/robots* ".into()),
            status: Some("503".into()),
            caller: Some("robot$ci".into()),
            instance: Some("main".into()),
        };
        let query = form.query().unwrap();
        assert_eq!(query.method, None);
        assert_eq!(query.path.as_deref(), Some("/api/v2.0/robots*"));
        assert_eq!(query.status, Some(503));
        assert_eq!(
            form.encoded(),
            "&path=%2Fapi%2Fv2%2E0%2Frobots%2A&status=503&caller=robot%24ci"
        );
        let bad = JournalForm {
            status: Some("5xx".into()),
            ..JournalForm::default()
        };
        assert_eq!(bad.query().unwrap_err(), "status \"5xx\" is not a number");
    }
}

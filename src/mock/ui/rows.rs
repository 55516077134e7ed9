//! What the dashboard's tables show, read through the store's list functions, the very ones the
//! Harbor API lists with: the page gets the wire views a sysadmin's API call gets (no secret,
//! password, hash or salt is in them), plus what only the store knows (a robot's expiry on the
//! instance's clock, a creator's name).

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::datetime::format_millis;
use crate::harbor::access::Directory;
use crate::harbor::auth::Caller;
use crate::harbor::projects::{ListFilter, ProjectRef, Visibility};
use crate::http::Context;
use crate::query::{self, CompiledFilter, Paging, parse_q, parse_sort};
use crate::store::{Listing, ProjectQuery, RobotColumn, Store};

/// Rows per page of every table.
pub const PAGE_SIZE: i64 = 50;
/// Members shown under each project.
pub const MEMBERS_SHOWN: i64 = 100;

/// A robot as the robots view shows it.
pub struct RobotRow {
    /// Its id.
    pub id: i64,
    /// Its full name, prefix included.
    pub name: String,
    /// Free text.
    pub description: String,
    /// `system` or `project`.
    pub level: String,
    /// The project's name for a project robot.
    pub project: Option<String>,
    /// One line per scope: `library: repository:pull, repository:push`.
    pub permissions: Vec<String>,
    /// Who created it: a username or a robot's name.
    pub creator: Option<String>,
    /// When (RFC 3339).
    pub created: String,
    /// When it expires (RFC 3339); `None` for never.
    pub expires: Option<String>,
    /// How far that is from the instance's clock: `in 29d 23h`, `2d 1h ago`.
    pub expires_relative: String,
    /// Whether it has expired by the instance's clock.
    pub expired: bool,
    /// Whether it is disabled.
    pub disabled: bool,
    /// Whether `GET /robots` hides it.
    pub hidden: bool,
}

/// A page of robots, newest first, that `q` (Harbor's query language) lets through, and how
/// many it lets through; `Err` says what is wrong with `q`.
pub fn robots(ctx: &Context, q: &str, page: i64) -> Result<(Vec<RobotRow>, usize), String> {
    let filter = parse_q(q).map_err(|e| e.to_string())?;
    let filter = query::compile::<RobotColumn>(&filter, ctx.now).map_err(|e| e.to_string())?;
    let store = ctx.store();
    let listing = store.list_robots(&filter, &parse_sort("-id"), paging(page));
    let wire: Vec<WireRobot> = parse(&listing);
    let now_secs = ctx.now.div_euclid(1000);
    let rows = wire
        .into_iter()
        .filter_map(|robot| {
            // Deleted between the list and now: left out.
            let record = store.robot(robot.id).ok()?;
            let project = (record.project_id != 0).then(|| {
                store
                    .project(&ProjectRef::Id(record.project_id))
                    .map_or_else(|_| format!("#{}", record.project_id), |p| p.name)
            });
            Some(RobotRow {
                creator: creator(store, &robot.creator_type, robot.creator_ref),
                permissions: robot.permissions.iter().map(WirePermission::line).collect(),
                expires: (record.expires_at != -1).then(|| format_millis(record.expires_at * 1000)),
                expires_relative: relative(record.expires_at - now_secs, record.expires_at),
                expired: record.is_expired(now_secs),
                disabled: robot.disable,
                hidden: !record.visible,
                id: robot.id,
                name: robot.name,
                description: robot.description,
                level: robot.level,
                project,
                created: robot.creation_time,
            })
        })
        .collect();
    Ok((rows, listing.total))
}

/// A project as the projects view shows it.
pub struct ProjectRow {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Whether anyone may pull from it.
    pub public: bool,
    /// The owner's username.
    pub owner: String,
    /// When (RFC 3339).
    pub created: String,
    /// The first [`MEMBERS_SHOWN`] members.
    pub members: Vec<MemberRow>,
    /// How many members it has.
    pub member_total: usize,
}

/// A project member.
#[derive(Deserialize)]
pub struct MemberRow {
    /// The member id.
    pub id: i64,
    /// The user's name.
    #[serde(rename = "entity_name", default)]
    pub user: String,
    /// `projectAdmin`, `developer`, …
    #[serde(rename = "role_name", default)]
    pub role: String,
}

/// A page of projects with their members, and how many projects there are.
pub fn projects(ctx: &Context, page: i64) -> (Vec<ProjectRow>, usize) {
    let store = ctx.store();
    let also = ListFilter {
        visibility: Visibility::All,
        public: None,
        owner: None,
    };
    let query = ProjectQuery {
        filter: &CompiledFilter::default(),
        also: &also,
        sort: &[],
        paging: paging(page),
    };
    let listing = store.list_projects(query, &Caller::Anonymous, true);
    let wire: Vec<WireProject> = parse(&listing);
    let rows = wire
        .into_iter()
        .map(|p| {
            let members = store.list_members(
                p.project_id,
                None,
                Paging {
                    page: 1,
                    page_size: MEMBERS_SHOWN,
                },
            );
            ProjectRow {
                public: store.project_is_public(p.project_id).unwrap_or(false),
                members: parse(&members),
                member_total: members.total,
                id: p.project_id,
                name: p.name,
                owner: p.owner_name,
                created: p.creation_time,
            }
        })
        .collect();
    (rows, listing.total)
}

/// A user as the users view shows it (Harbor's `UserResp`: no password).
#[derive(Deserialize)]
pub struct UserRow {
    /// The id.
    pub user_id: i64,
    /// The login name.
    pub username: String,
    /// The email.
    #[serde(default)]
    pub email: String,
    /// The full name.
    #[serde(default)]
    pub realname: String,
    /// Whether the user is a system admin.
    #[serde(default)]
    pub sysadmin_flag: bool,
    /// When (RFC 3339).
    pub creation_time: String,
}

/// A page of users, and how many there are.
pub fn users(ctx: &Context, page: i64) -> (Vec<UserRow>, usize) {
    let listing = ctx
        .store()
        .list_users(&CompiledFilter::default(), &[], paging(page));
    (parse(&listing), listing.total)
}

fn paging(page: i64) -> Paging {
    Paging {
        page: page.max(1),
        page_size: PAGE_SIZE,
    }
}

/// The rows of a list body, which the store wrote from its own wire types.
fn parse<T: DeserializeOwned>(listing: &Listing) -> Vec<T> {
    serde_json::from_slice(&listing.body).unwrap_or_else(|e| {
        tracing::error!(error = %e, "dashboard: a list body does not parse");
        Vec::new()
    })
}

/// The creator's name: a user's (`local`) or a robot's (`robot`); `None` when unknown.
fn creator(store: &Store, kind: &str, id: i64) -> Option<String> {
    match kind {
        "local" => store.user(id).ok().map(|u| u.username),
        "robot" => store.robot(id).ok().map(|r| store.full_name(&r)),
        _ => None,
    }
    .or_else(|| (id != 0).then(|| format!("{kind} #{id}")))
}

/// `in 29d 23h` or `2d 1h ago` for an instant `delta` seconds from now; empty for never
/// (`expires_at` -1).
fn relative(delta: i64, expires_at: i64) -> String {
    if expires_at == -1 {
        String::new()
    } else if delta > 0 {
        format!("in {}", span(delta))
    } else {
        format!("{} ago", span(-delta))
    }
}

/// The two largest units of `secs`: `29d 23h`, `5h 3m`, `4m 10s`, `12s`.
pub fn span(secs: i64) -> String {
    let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let mut parts = Vec::new();
    let mut rest = secs;
    for (size, unit) in units {
        if rest >= size || (parts.is_empty() && size == 1) {
            parts.push(format!("{}{unit}", rest / size));
            rest %= size;
        } else if !parts.is_empty() {
            // A zero unit right after the first ends the span: `2d`, not `2d 0h`.
            break;
        }
        if parts.len() == 2 {
            break;
        }
    }
    parts.join(" ")
}

#[derive(Deserialize)]
struct WireRobot {
    id: i64,
    name: String,
    #[serde(default)]
    description: String,
    level: String,
    #[serde(default)]
    disable: bool,
    #[serde(default)]
    creator_type: String,
    #[serde(default)]
    creator_ref: i64,
    creation_time: String,
    #[serde(default)]
    permissions: Vec<WirePermission>,
}

#[derive(Deserialize)]
struct WirePermission {
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    access: Vec<WireAccess>,
}

impl WirePermission {
    fn line(&self) -> String {
        let grants: Vec<String> = self
            .access
            .iter()
            .map(|a| {
                let deny = if a.effect == "deny" { " (deny)" } else { "" };
                format!("{}:{}{deny}", a.resource, a.action)
            })
            .collect();
        format!("{}: {}", self.namespace, grants.join(", "))
    }
}

#[derive(Deserialize)]
struct WireAccess {
    #[serde(default)]
    resource: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    effect: String,
}

#[derive(Deserialize)]
struct WireProject {
    project_id: i64,
    name: String,
    #[serde(default)]
    owner_name: String,
    creation_time: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_show_the_two_largest_units() {
        let cases = [
            (0, "0s"),
            (12, "12s"),
            (250, "4m 10s"),
            (3_600, "1h"),
            (18_180, "5h 3m"),
            (2 * 86_400, "2d"),
            (2 * 86_400 + 60, "2d"),
            (29 * 86_400 + 23 * 3_600 + 59, "29d 23h"),
        ];
        for (secs, text) in cases {
            assert_eq!(span(secs), text, "{secs}");
        }
        assert_eq!(relative(90, 1), "in 1m 30s");
        assert_eq!(relative(-90, 1), "1m 30s ago");
        assert_eq!(relative(5, -1), "");
    }
}

//! The lists, each over [`query::select`]: robots (with a cache of recent results), projects,
//! project members, and the user search.
//!
//! The robot cache: repeating a query on an unchanged store (a client paging through a list, a
//! test polling one) costs a lookup instead of a scan of every robot. Every change starts a new
//! store generation, and a cached result is only used at the generation it was computed at.

use parking_lot::Mutex;
use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;

use super::records::ProjectColumn;
use super::records::{ProjectRecord, RobotColumn, RobotRecord, UserColumn, UserRecord};
use super::tables::Tables;
use crate::harbor::auth::Caller;
use crate::harbor::projects::{ListFilter, Visibility};
use crate::query::{self, CompiledFilter, Like, Paging, SortKey};
use crate::wire::{self, UserSearchRespItem};

/// Result of a list: the total before paging and the page as the response body (a JSON array
/// of `Robot`s and a newline).
pub struct Listing {
    /// Every match.
    pub total: usize,
    /// The page's body.
    pub body: Vec<u8>,
}

/// List queries kept in the cache, at most.
const LIST_CACHE_ENTRIES: usize = 32;
/// Robot ids held by all cached lists together, at most (8 bytes each).
const LIST_CACHE_IDS: usize = 1 << 20;
/// Page bodies kept per cached list, at most.
const LIST_CACHE_PAGES: usize = 4;

/// The full, sorted result of recent list queries (robot ids) and the bodies of a few of their
/// pages, keyed by compiled filter and sort. Bounded in entries, ids and pages, so memory stays
/// flat whatever the queries.
#[derive(Default)]
pub(super) struct ListCache {
    entries: VecDeque<CachedList>,
    ids: usize,
}

struct CachedList {
    key: String,
    generation: u64,
    ids: Arc<[i64]>,
    /// Bodies of recently served pages, by window.
    pages: VecDeque<(Range<usize>, Arc<[u8]>)>,
}

impl ListCache {
    fn find(&mut self, key: &str, generation: u64) -> Option<&mut CachedList> {
        self.entries
            .iter_mut()
            .find(|e| e.generation == generation && e.key == key)
    }

    fn insert(&mut self, key: String, generation: u64, ids: Arc<[i64]>) {
        self.entries
            .retain(|e| e.generation == generation && e.key != key);
        self.ids = self.entries.iter().map(|e| e.ids.len()).sum();
        while self.entries.len() >= LIST_CACHE_ENTRIES
            || (self.ids + ids.len() > LIST_CACHE_IDS && !self.entries.is_empty())
        {
            if let Some(old) = self.entries.pop_front() {
                self.ids -= old.ids.len();
            }
        }
        self.ids += ids.len();
        self.entries.push_back(CachedList {
            key,
            generation,
            ids,
            pages: VecDeque::new(),
        });
    }
}

/// The robots matching `filter`, ordered by `sort` (ties by id), paged by `paging`.
/// `generation` is the tables' (see [`crate::store::Store`]): results are cached and reused
/// until it changes.
pub(super) fn list_robots(
    cache: &Mutex<ListCache>,
    tables: &Tables,
    generation: u64,
    query: ListQuery<'_>,
) -> Listing {
    let key = format!("{:?}\u{0}{:?}", query.filter, query.sort);
    let render = |page: &mut dyn Iterator<Item = &RobotRecord>| {
        let views: Vec<wire::Robot<'_>> = page.map(|r| tables.robot_view(r)).collect();
        wire::json_line(&views)
    };
    if let Some(listing) = cached(cache, &key, generation, tables, query.paging, &render) {
        return listing;
    }
    let selection = query::select(&tables.robots, query.filter, query.sort, query.paging);
    let body = render(&mut selection.page().iter().copied());
    if let Some(all) = selection.all() {
        let ids: Arc<[i64]> = all.iter().map(|r| r.id).collect();
        cache.lock().insert(key, generation, ids);
    }
    Listing {
        total: selection.total,
        body,
    }
}

/// What a list asks for.
#[derive(Clone, Copy)]
pub(super) struct ListQuery<'q> {
    pub(super) filter: &'q CompiledFilter<RobotColumn>,
    pub(super) sort: &'q [SortKey<RobotColumn>],
    pub(super) paging: Paging,
}

/// The page from the cache, if the query was answered at this generation; the page's body
/// is then kept too.
fn cached(
    cache: &Mutex<ListCache>,
    key: &str,
    generation: u64,
    tables: &Tables,
    paging: Paging,
    render: &dyn Fn(&mut dyn Iterator<Item = &RobotRecord>) -> Vec<u8>,
) -> Option<Listing> {
    let (ids, window, body) = {
        let mut cache = cache.lock();
        let entry = cache.find(key, generation)?;
        let window = paging.window(entry.ids.len());
        let body = entry.pages.iter().find(|(w, _)| *w == window);
        (entry.ids.clone(), window, body.map(|(_, b)| b.clone()))
    };
    let total = ids.len();
    if let Some(body) = body {
        return Some(Listing {
            total,
            body: body.to_vec(),
        });
    }
    let mut page = ids[window.clone()]
        .iter()
        .filter_map(|id| tables.robots.get(id));
    let body = render(&mut page);
    if let Some(entry) = cache.lock().find(key, generation) {
        if entry.pages.len() >= LIST_CACHE_PAGES {
            entry.pages.pop_front();
        }
        entry.pages.push_back((window, Arc::from(body.as_slice())));
    }
    Some(Listing { total, body })
}

/// What a `GET /projects` asks for: the compiled `q` (with `name=` folded in), the filters
/// Harbor applies besides it, the order and the page.
#[derive(Clone, Copy)]
pub struct ProjectQuery<'q> {
    /// `q`, compiled against the project table.
    pub filter: &'q CompiledFilter<ProjectColumn>,
    /// Visibility, `public=`, `owner=`.
    pub also: &'q ListFilter,
    /// `sort`.
    pub sort: &'q [SortKey<ProjectColumn>],
    /// `page`, `page_size`.
    pub paging: Paging,
}

/// `GET /projects`: the projects the compiled `q` and Harbor's own filters let through, as
/// `viewer` sees them.
pub(super) fn list_projects(
    tables: &Tables,
    query: ProjectQuery<'_>,
    viewer: &Caller,
    detail: bool,
) -> Listing {
    let also = |p: &ProjectRecord| tables.lets_through(p, query.also);
    let selection = query::select_where(
        &tables.projects,
        query.filter,
        also,
        query.sort,
        query.paging,
    );
    let views: Vec<_> = selection
        .page()
        .iter()
        .map(|p| tables.project_view(p, viewer, detail))
        .collect();
    Listing {
        total: selection.total,
        body: wire::json_line(&views),
    }
}

impl Tables {
    /// Harbor's `FilterByPublic`, `FilterByOwner`, `FilterByMember` and `FilterByNames`: the
    /// stored `public` metadata compared as exact text, the owner by username, membership
    /// whatever the role.
    fn lets_through(&self, p: &ProjectRecord, also: &ListFilter) -> bool {
        let public = p.metadata.get("public").map(String::as_str);
        let listed_public = public == Some("true");
        if let Some(want) = also.public
            && public != Some(if want { "true" } else { "false" })
        {
            return false;
        }
        if let Some(owner) = &also.owner
            && self.user_by_name(owner).map(|u| u.id) != Some(p.owner_id)
        {
            return false;
        }
        match &also.visibility {
            Visibility::All => true,
            Visibility::Public => listed_public,
            Visibility::Member {
                user_id,
                with_public,
            } => self.member_ids.contains_key(&(p.id, *user_id)) || (*with_public && listed_public),
            Visibility::Named { names, with_public } => {
                names.is_empty() || names.contains(&p.name) || (*with_public && listed_public)
            }
        }
    }
}

/// `GET …/members`: every member of the project counts in the total, whatever `entityname`;
/// the page holds those named `entityname` (when given) whose role is known, by name.
pub(super) fn list_members(
    tables: &Tables,
    project_id: i64,
    entityname: Option<&str>,
    paging: Paging,
) -> Listing {
    let total = tables.members_of(project_id).count();
    let mut views: Vec<_> = tables
        .members_of(project_id)
        .filter_map(|m| tables.member_view(m))
        .filter(|v| entityname.is_none_or(|name| v.entity_name == name))
        .collect();
    views.sort_by(|a, b| {
        crate::query::compare_text(a.entity_name, b.entity_name).then(a.id.cmp(&b.id))
    });
    let window = paging.window(views.len());
    Listing {
        total,
        body: wire::json_line(&views[window]),
    }
}

/// The body of member `member_id` of project `project_id`; a negative id disables the id
/// filter (Harbor's DAO then returns the project's first member by name).
pub(super) fn member_json(tables: &Tables, project_id: i64, member_id: i64) -> Option<Vec<u8>> {
    let view = if member_id < 0 {
        tables
            .members_of(project_id)
            .filter_map(|m| tables.member_view(m))
            .min_by(|a, b| crate::query::compare_text(a.entity_name, b.entity_name))
    } else {
        tables
            .members
            .get(&member_id)
            .filter(|m| m.project_id == project_id)
            .and_then(|m| tables.member_view(m))
    }?;
    Some(wire::json_line(&view))
}

/// `GET /users`: the users `filter` lets through, sorted and paged, as `UserResp`s.
pub(super) fn list_users(
    tables: &Tables,
    filter: &CompiledFilter<UserColumn>,
    sort: &[SortKey<UserColumn>],
    paging: Paging,
) -> Listing {
    let selection = query::select(&tables.users, filter, sort, paging);
    let views: Vec<_> = selection
        .page()
        .iter()
        .map(|u| tables.user_view(u))
        .collect();
    Listing {
        total: selection.total,
        body: wire::json_line(&views),
    }
}

/// `GET /users/search`: Harbor counts and lists with two different queries. The total is the
/// users other than user 1 whose name contains `username` in any case; the list is the users
/// (user 1 included) whose name is `LIKE '%<username>%'` (case-sensitive, `_` and `%` acting as
/// wildcards), shortest name first, at most `page_size` of them; `page` is not used.
pub(super) fn search_users(tables: &Tables, username: &str, page_size: i64) -> Listing {
    let lower = username.to_lowercase();
    let total = tables
        .users
        .values()
        .filter(|u| u.id != 1 && u.username.to_lowercase().contains(&lower))
        .count();
    let like = Like::case_sensitive(&format!("%{username}%"));
    let mut hits: Vec<&UserRecord> = tables
        .users
        .values()
        .filter(|u| like.as_ref().is_some_and(|l| l.matches(&u.username)))
        .collect();
    hits.sort_by(|a, b| {
        (a.username.chars().count(), &a.username).cmp(&(b.username.chars().count(), &b.username))
    });
    if page_size > 0 {
        hits.truncate(usize::try_from(page_size).unwrap_or(usize::MAX));
    }
    let items: Vec<UserSearchRespItem<'_>> = if total == 0 {
        Vec::new()
    } else {
        hits.iter()
            .map(|u| UserSearchRespItem {
                user_id: u.id,
                username: &u.username,
            })
            .collect()
    };
    Listing {
        total,
        body: wire::json_line(&items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{compile, parse_q, parse_sort, scan};
    use crate::store::testing::{NOW_MS, project_robot, store};

    #[test]
    fn list_pages_like_select_and_sees_every_change() {
        let store = store();
        for name in ["ci-b", "ci-a", "cd", "ci-c", "x-ci", "ops"] {
            store.create_robot(project_robot(name), NOW_MS).unwrap();
        }
        let check = |q: &str, sort: &str| {
            let filter = compile(&parse_q(q).unwrap(), NOW_MS).unwrap();
            let sort = parse_sort(sort);
            for (page, page_size) in [
                (1, 10),
                (1, 2),
                (2, 2),
                (3, 2),
                (9, 2),
                (0, 3),
                (-1, 2),
                (2, 0),
            ] {
                let paging = Paging { page, page_size };
                let listing = store.list_robots(&filter, &sort, paging);
                let tables = store.tables.read();
                let selection = query::select(&tables.robots, &filter, &sort, paging);
                let (total, want) = (selection.total, selection.page());
                let want: Vec<i64> = want.iter().map(|r| r.id).collect();
                let rows: Vec<serde_json::Value> = serde_json::from_slice(&listing.body).unwrap();
                let got: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
                assert_eq!(
                    (listing.total, got),
                    (total, want),
                    "{q} {page} {page_size}"
                );
            }
        };
        check("name=~ci", "-name");
        check("", "id");
        let tables = store.tables.read();
        for q in ["", "name=~ci", "name=~zz", "ProjectID=1"] {
            let filter = compile(&parse_q(q).unwrap(), NOW_MS).unwrap();
            let ids = |v: Vec<&RobotRecord>| v.iter().map(|r| r.id).collect::<Vec<_>>();
            assert_eq!(
                ids(scan(&tables.robots, &filter, &|_| true, true)),
                ids(scan(&tables.robots, &filter, &|_| true, false)),
                "{q}"
            );
        }
        drop(tables);
        check("name=~ci", "-name"); // now from the cache
        let id = store
            .create_robot(project_robot("ci-d"), NOW_MS)
            .unwrap()
            .id;
        check("name=~ci", "-name");
        store.delete_robot(id).unwrap();
        check("name=~ci", "-name");
        store.reset();
        check("name=~ci", "-name");
    }
}

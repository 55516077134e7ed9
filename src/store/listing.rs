//! `GET /robots`: [`query::select`] over the robot table, with a cache of recent results.
//!
//! Repeating a query on an unchanged store (a client paging through a list, a test polling
//! one) then costs a lookup instead of a scan of every robot. Every change starts a new store
//! generation, and a cached result is only used at the generation it was computed at.

use parking_lot::Mutex;
use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;

use super::records::{RobotColumn, RobotRecord};
use super::tables::Tables;
use crate::query::{self, CompiledFilter, Paging, SortKey};
use crate::wire;

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

/// The robots matching `filter`, ordered by `sort` (ties by id), paged by `paging`, with
/// names under `prefix`. `generation` is the tables' (see [`crate::store::Store`]): results
/// are cached and reused until it changes.
pub(super) fn list_robots(
    cache: &Mutex<ListCache>,
    tables: &Tables,
    generation: u64,
    prefix: &str,
    query: ListQuery<'_>,
) -> Listing {
    let key = format!("{:?}\u{0}{:?}", query.filter, query.sort);
    let render = |page: &mut dyn Iterator<Item = &RobotRecord>| {
        let views: Vec<wire::Robot<'_>> = page.map(|r| tables.robot_view(r, prefix)).collect();
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
                ids(scan(&tables.robots, &filter, true)),
                ids(scan(&tables.robots, &filter, false)),
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
        store.reset(NOW_MS).unwrap();
        check("name=~ci", "-name");
    }
}

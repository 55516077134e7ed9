//! Filter → sort → page: the one way every list is computed (the store's list engine, the
//! benchmark, the fuzz target and the property tests all call [`select`]).

use std::collections::BTreeMap;
use std::ops::{Bound, Range};

use super::columns::Row;
use super::compile::CompiledFilter;
use super::sort::{SortKey, compare};

/// `page` and `page_size` as go-swagger binds them. Harbor's `QuerySetter` turns them into
/// `LIMIT page_size OFFSET page_size*(page-1)`, where `page_size <= 0` means no limit and
/// `page <= 0` no offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// 1-based page number.
    pub page: i64,
    /// Rows per page.
    pub page_size: i64,
}

impl Paging {
    /// go-swagger's defaults.
    pub const DEFAULT: Paging = Paging {
        page: 1,
        page_size: 10,
    };

    /// The `[start, end)` window of `total` sorted rows this paging selects.
    pub fn window(self, total: usize) -> Range<usize> {
        if self.page_size <= 0 {
            return 0..total;
        }
        let offset = if self.page > 0 {
            usize::try_from((self.page - 1).saturating_mul(self.page_size)).unwrap_or(usize::MAX)
        } else {
            0
        };
        if offset >= total {
            return total..total;
        }
        let end = offset
            .saturating_add(usize::try_from(self.page_size).unwrap_or(usize::MAX))
            .min(total);
        offset..end
    }
}

/// Rows by id, whatever holds them: a plain map (benchmarks, property tests) or the store's
/// layered tables.
pub trait RowSource<R>: Sync {
    /// The rows whose id is in `range`, in id order.
    fn rows_in<'s>(&'s self, range: (Bound<i64>, Bound<i64>)) -> impl Iterator<Item = &'s R>
    where
        R: 's;
    /// The lowest and the highest id.
    fn id_span(&self) -> Option<(i64, i64)>;
    /// The number of rows.
    fn row_count(&self) -> usize;
}

impl<R: Sync> RowSource<R> for BTreeMap<i64, R> {
    fn rows_in<'s>(&'s self, range: (Bound<i64>, Bound<i64>)) -> impl Iterator<Item = &'s R>
    where
        R: 's,
    {
        self.range(range).map(|(_, row)| row)
    }

    fn id_span(&self) -> Option<(i64, i64)> {
        Some((*self.keys().next()?, *self.keys().next_back()?))
    }

    fn row_count(&self) -> usize {
        self.len()
    }
}

/// Tables with at least this many rows are scanned on two threads.
pub const PARALLEL_SCAN: usize = 100_000;

/// Up to this many matches are sorted in full, so the whole order can be kept for the next
/// page; above it only the matches up to the end of the page are sorted (a partial sort).
pub const FULL_SORT_MAX: usize = 100_000;

/// The result of [`select`]: the number of matches and the page.
#[derive(Debug)]
pub struct Selection<'a, R> {
    /// Every match, before paging.
    pub total: usize,
    /// The matches in order: all of them when [`Selection::all`] says so, else the first ones
    /// up to the end of the page.
    ordered: Vec<&'a R>,
    /// The page's rows within `ordered`.
    window: Range<usize>,
    complete: bool,
}

impl<'a, R> Selection<'a, R> {
    /// The page, in order.
    pub fn page(&self) -> &[&'a R] {
        &self.ordered[self.window.clone()]
    }

    /// Every match in order, when all were sorted (at most [`FULL_SORT_MAX`]).
    pub fn all(&self) -> Option<&[&'a R]> {
        self.complete.then_some(&self.ordered[..])
    }
}

/// Filters `rows`, counts the matches and returns the sorted page. An empty `sort` means the
/// table's default order; ties are broken by id.
///
/// Only references are collected. Up to [`FULL_SORT_MAX`] matches are sorted in full; beyond,
/// the first `offset + page_size` are picked with `select_nth_unstable_by` and only they are
/// sorted.
pub fn select<'a, R: Row>(
    rows: &'a impl RowSource<R>,
    filter: &CompiledFilter<R::Column>,
    sort: &[SortKey<R::Column>],
    paging: Paging,
) -> Selection<'a, R> {
    select_where(rows, filter, |_| true, sort, paging)
}

/// [`select`] with a further condition on each row, for the filters a handler adds to `q`
/// (Harbor's `FilterBy…` methods: a project's visibility, its `public` metadata, its owner).
pub fn select_where<'a, R: Row>(
    rows: &'a impl RowSource<R>,
    filter: &CompiledFilter<R::Column>,
    also: impl Fn(&R) -> bool + Sync,
    sort: &[SortKey<R::Column>],
    paging: Paging,
) -> Selection<'a, R> {
    let mut hits = scan(rows, filter, &also, rows.row_count() >= PARALLEL_SCAN);
    let total = hits.len();
    let order = |a: &&R, b: &&R| compare(sort, *a, *b);
    let window = paging.window(total);
    if total <= FULL_SORT_MAX {
        hits.sort_unstable_by(order);
        return Selection {
            total,
            ordered: hits,
            window,
            complete: true,
        };
    }
    if window.is_empty() {
        return Selection {
            total,
            ordered: Vec::new(),
            window: 0..0,
            complete: false,
        };
    }
    if window.end < total {
        // Everything before index `end` is now among the `end` smallest, in no order.
        hits.select_nth_unstable_by(window.end, order);
        hits.truncate(window.end);
    }
    hits.sort_unstable_by(order);
    Selection {
        total,
        ordered: hits,
        window,
        complete: false,
    }
}

/// The rows `filter` matches, in id order; with `parallel`, the two halves of the id range are
/// scanned on two threads.
pub(crate) fn scan<'a, R: Row>(
    rows: &'a impl RowSource<R>,
    filter: &CompiledFilter<R::Column>,
    also: &(impl Fn(&R) -> bool + Sync),
    parallel: bool,
) -> Vec<&'a R> {
    let part = |from: Bound<i64>, to: Bound<i64>| -> Vec<&'a R> {
        rows.rows_in((from, to))
            .filter(|r| filter.matches(*r) && also(r))
            .collect()
    };
    let Some((first, last)) = rows.id_span() else {
        return Vec::new();
    };
    if !parallel || first == last {
        return part(Bound::Unbounded, Bound::Unbounded);
    }
    let mid = first + (last - first) / 2;
    std::thread::scope(|scope| {
        let upper = std::thread::Builder::new()
            .spawn_scoped(scope, || part(Bound::Excluded(mid), Bound::Unbounded));
        let mut hits = part(Bound::Unbounded, Bound::Included(mid));
        match upper.map(|handle| handle.join()) {
            Ok(Ok(rest)) => hits.extend(rest),
            // No thread could be started: scan the upper half here.
            _ => hits.extend(part(Bound::Excluded(mid), Bound::Unbounded)),
        }
        hits
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        let w = |page, page_size, total| Paging { page, page_size }.window(total);
        assert_eq!(w(1, 10, 25), 0..10);
        assert_eq!(w(3, 10, 25), 20..25);
        assert_eq!(w(4, 10, 25), 25..25);
        assert_eq!(w(0, 10, 25), 0..10);
        assert_eq!(w(-3, 10, 25), 0..10);
        assert_eq!(w(7, 0, 25), 0..25);
        assert_eq!(w(7, -1, 25), 0..25);
        assert_eq!(w(i64::MAX, 100, 25), 25..25);
    }
}

//! `sort` text → [`SortKey`]s, and the order they define over a table's rows.

use std::cmp::Ordering;

use super::collate;
use super::columns::{Cell, Column, Row, sort_column};

/// One `sort` key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey<C> {
    /// The column.
    pub column: C,
    /// `-key`: descending.
    pub desc: bool,
}

/// Parses `sort` (`k1,-k2`): a leading `-` means descending; keys must be exactly a Go field
/// name or a column name (`CreationTime`, `creation_time`; not `creationTime`), others are
/// dropped, as is a repeat of a column already listed (it could never decide anything). With
/// no usable key the result is the table's default, [`Column::DEFAULT_SORT`] ascending. Never
/// fails.
pub fn parse_sort<C: Column>(sort: &str) -> Vec<SortKey<C>> {
    let mut keys: Vec<SortKey<C>> = Vec::new();
    for part in sort.split(',') {
        let (key, desc) = match part.strip_prefix('-') {
            Some(key) => (key, true),
            None => (part, false),
        };
        if let Some(column) = sort_column::<C>(key)
            && !keys.iter().any(|k| k.column == column)
        {
            keys.push(SortKey { column, desc });
        }
    }
    if keys.is_empty() {
        keys.push(SortKey {
            column: C::DEFAULT_SORT,
            desc: false,
        });
    }
    keys
}

/// PostgreSQL's order for one column: typed, text by collation, NULL (a legacy robot's secret)
/// last.
fn compare_column<R: Row>(column: R::Column, a: &R, b: &R) -> Ordering {
    match (a.cell(column), b.cell(column)) {
        (Cell::Int(x), Cell::Int(y)) | (Cell::Time(x), Cell::Time(y)) => x.cmp(&y),
        (Cell::Bool(x), Cell::Bool(y)) => x.cmp(&y),
        (Cell::Text(x), Cell::Text(y)) => collate::compare(x, y),
        // The hex text Harbor stores sorts like the bytes.
        (Cell::Digest(x), Cell::Digest(y)) => match (x, y) {
            (Some(x), Some(y)) => x.cmp(y),
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
        },
        _ => Ordering::Equal,
    }
}

/// Orders two rows by `keys` (the table's default when empty), then by id ascending so that
/// equal keys come out the same way every time (Harbor has no tiebreaker; PostgreSQL's order
/// for ties is unspecified).
pub fn compare<R: Row>(keys: &[SortKey<R::Column>], a: &R, b: &R) -> Ordering {
    let default = [SortKey {
        column: R::Column::DEFAULT_SORT,
        desc: false,
    }];
    let keys = if keys.is_empty() { &default[..] } else { keys };
    keys.iter()
        .map(|k| {
            let ord = compare_column(k.column, a, b);
            if k.desc { ord.reverse() } else { ord }
        })
        .find(|ord| ord.is_ne())
        .unwrap_or_else(|| a.id().cmp(&b.id()))
}

//! What the query language needs to know of a table: its columns (Go field name, column name,
//! PostgreSQL type), a row's value in each, and how Harbor's ORM resolves a key to a column.
//!
//! A table is described by implementing [`Column`] for an enum of its columns and [`Row`] for
//! its record type (the store does so for robots and projects); nothing here knows a table.

use std::fmt::Debug;

/// The PostgreSQL type of a column, which decides how a `q` value is converted and compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// `bigint`.
    Int8,
    /// `int`.
    Int4,
    /// `boolean`.
    Bool,
    /// `timestamp` (without time zone).
    Timestamp,
    /// `varchar` / `text`.
    Text,
    /// A secret Harbor stores as hex text and the mock as a digest: sortable, never filterable.
    Digest,
}

/// One column of a table, as Harbor's Go model declares it.
pub trait Column: Copy + Eq + Debug + Send + Sync + 'static {
    /// Every column, in the Go model's field order.
    const ALL: &'static [Self];
    /// The column a list is sorted by (ascending) when `sort` names none.
    const DEFAULT_SORT: Self;
    /// The Go field name, e.g. `ProjectID`.
    fn go_name(self) -> &'static str;
    /// The column name, e.g. `project_id`.
    fn name(self) -> &'static str;
    /// The column's type.
    fn column_type(self) -> ColumnType;
    /// Whether `q` may filter on it (false for fields tagged `filter:"false"`).
    fn filterable(self) -> bool {
        true
    }
}

/// A record of a table: its id (the tie-breaker of every sort) and its cells.
pub trait Row: Sync {
    /// The table's columns.
    type Column: Column;
    /// The primary key.
    fn id(&self) -> i64;
    /// The value in `column`.
    fn cell(&self, column: Self::Column) -> Cell<'_>;
}

/// A record's value in one column.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    /// An integer column.
    Int(i64),
    /// A boolean column.
    Bool(bool),
    /// A timestamp, in microseconds.
    Time(i64),
    /// A text column.
    Text(&'a str),
    /// A stored digest; `None` is SQL `NULL` (a legacy robot's secret).
    Digest(Option<&'a [u8; 32]>),
}

/// A `sort` key: exactly a Go field name or a column name (`metadata.Sortable`).
pub fn sort_column<C: Column>(key: &str) -> Option<C> {
    C::ALL
        .iter()
        .copied()
        .find(|c| c.go_name() == key || c.name() == key)
}

/// A `q` key (without `__op`) the way Harbor's `setFilters` accepts it: exactly a Go field or
/// column name of a filterable column, else the same for its snake_case form.
pub fn filter_column<C: Column>(key: &str) -> Option<C> {
    sort_column::<C>(key)
        .filter(|c| c.filterable())
        .or_else(|| sort_column::<C>(&go_snake_case(key)).filter(|c| c.filterable()))
}

/// beego's `Fields.GetByAny`, which turns the key into SQL: the Go field name, the Go field
/// name case-insensitively (Go `strings.ToLower`), or the column name.
pub(crate) fn beego_column<C: Column>(key: &str) -> Option<C> {
    let lower: String = key.chars().map(go_lower).collect();
    C::ALL.iter().copied().find(|c| {
        c.go_name() == key || c.go_name().to_ascii_lowercase() == lower || c.name() == key
    })
}

/// Go's `unicode.ToLower`: the simple one-to-one mapping (Rust's `to_lowercase` is the full
/// one, which differs only for `İ`).
fn go_lower(c: char) -> char {
    if c == 'İ' {
        return 'i';
    }
    c.to_lowercase().next().unwrap_or(c)
}

/// Harbor's `snakeCase` (`lib/orm/metadata.go`): an `_` before an upper-case letter that
/// follows a lower-case one or is followed by one; everything lower-cased.
pub(crate) fn go_snake_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev_lower = i > 0 && chars[i - 1].is_lowercase();
        if i > 0 && c.is_uppercase() && (next_lower || prev_lower) {
            out.push('_');
        }
        out.push(go_lower(c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_matches_harbor() {
        let cases = [
            ("ProjectID", "project_id"),
            ("projectId", "project_id"),
            ("CreationTime", "creation_time"),
            ("ID", "id"),
            ("ExpiresAt", "expires_at"),
            ("PROJECT_ID", "project_id"),
            ("Project_Id", "project__id"),
            ("HTTPServer", "http_server"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(go_snake_case(input), want, "{input}");
        }
    }
}

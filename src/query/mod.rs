//! The `q` and `sort` query language of Harbor's list endpoints, as Harbor's `lib/q` parses it
//! and its ORM (beego over PostgreSQL, through pgx) applies it to a table.
//!
//! ```text
//! q       := "" | clause ( "," clause )*      split on EVERY ",": commas cannot be escaped
//! clause  := key "=" value                    split at the FIRST "="; key and value non-empty,
//!                                             neither trimmed
//! key     := field ( "__" op )?               field: Go field name, column name, or either's
//!                                             snake_case form; op: icontains in gte lte gt lt
//!                                             exact. Unknown keys, other ops, more "__": ignored
//! value   := fuzzy | range | orlist | andlist | exact          chosen by the first character
//! fuzzy   := "~" char+                        UPPER(col::text) LIKE UPPER('%v%'), v escaped
//! range   := "[" item? "~" item? "]"          exactly one "~" in the value; at least one bound
//! orlist  := "{" item ( " " item )* "}"       col IN (items); empty items dropped
//! andlist := "(" item ( " " item )* ")"       parsed, then ignored
//! exact   := "\"? char*                       col = 'text'; one leading "\" dropped; a string
//!                                             that PostgreSQL converts to the column's type
//! item    := time | int | string              trimmed; YYYY-MM-DDTHH:MM:SS (UTC), else int64,
//!                                             else text without surrounding quotes
//! sort    := ( "-"? name ( "," "-"? name )* )?        exact field/column names; default per
//!                                                     table
//! ```
//!
//! Before parsing, `q` (already URL-decoded by the HTTP layer) is URL-decoded a second time,
//! so `+` is a space and a literal `+` must be sent as `%252B`. The same key twice: the last
//! wins. All clauses are ANDed.
//!
//! Layout, in the order a list request goes through it:
//! - [`parser`](parse_q): text → [`Filter`]; syntax errors are [`ParseError`]s, Harbor's 400s.
//! - `columns`: what a table must tell (its [`Column`]s, a [`Row`]'s [`Cell`]s) and how Harbor's
//!   ORM resolves a key to a column. The store describes its tables with it.
//! - `compile`: a [`Filter`] against a table → [`CompiledFilter`]; values PostgreSQL would
//!   refuse are [`FilterError`]s.
//! - `sort`: `sort` text → [`SortKey`]s and the order they define.
//! - `select`: filter → sort → page, the one path every list takes ([`select`], [`Paging`]).
//! - `convert`, `collate`, `like`: the Go, beego and PostgreSQL conversions, PostgreSQL's text
//!   ordering and its `LIKE`.

mod collate;
mod columns;
mod compile;
mod convert;
mod error;
mod like;
mod parser;
mod select;
mod sort;

pub(crate) use collate::compare as compare_text;
pub use columns::{Cell, Column, ColumnType, Row, filter_column, sort_column};
pub use compile::{CompiledFilter, compile};
pub use error::{FilterError, FilterErrorKind, ParseError, ParseErrorKind};
pub(crate) use like::Like;
pub use parser::{Clause, Filter, MAX_Q_LEN, Pattern, Value, parse_q};
#[cfg(test)]
pub(crate) use select::scan;
pub use select::{
    FULL_SORT_MAX, PARALLEL_SCAN, Paging, RowSource, Selection, select, select_where,
};
pub use sort::{SortKey, compare, parse_sort};

//! The `q` and `sort` query language of `GET /robots`, as Harbor's `lib/q` parses it and its
//! ORM (beego over PostgreSQL, through pgx) applies it to the `robot` table.
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
//! andlist := "(" item ( " " item )* ")"       parsed, then ignored for robots
//! exact   := "\"? char*                       col = 'text'; one leading "\" dropped; a string
//!                                             that PostgreSQL converts to the column's type
//! item    := time | int | string              trimmed; YYYY-MM-DDTHH:MM:SS (UTC), else int64,
//!                                             else text without surrounding quotes
//! sort    := ( "-"? name ( "," "-"? name )* )?        exact field/column names; default name
//! ```
//!
//! Before parsing, `q` (already URL-decoded by the HTTP layer) is URL-decoded a second time,
//! so `+` is a space and a literal `+` must be sent as `%252B`. The same key twice: the last
//! wins. All clauses are ANDed.
//!
//! Layout: [`parser`](parse_q) turns text into a [`Filter`] (syntax errors: [`ParseError`],
//! Harbor's 400s); [`compile`] resolves keys and types the values ([`FilterError`] for what
//! makes real Harbor fail with a 500); [`CompiledFilter::matches`] and [`select`] evaluate over
//! [`RobotRecord`](crate::model::RobotRecord)s. `convert` holds the Go/beego/PostgreSQL value
//! conversions, `collate` and `like` PostgreSQL's text ordering and `LIKE`.

mod collate;
mod convert;
mod error;
mod eval;
mod like;
mod parser;
#[cfg(test)]
mod proptests;

pub use error::{FilterError, FilterErrorKind, ParseError, ParseErrorKind};
pub use eval::{CompiledFilter, Field, SortKey, compare, compile, compile_at, select};
pub use parser::{Clause, Filter, MAX_Q_LEN, Pattern, Value, parse_q, parse_sort};

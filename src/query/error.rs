//! The two ways a `q` can fail.
//!
//! [`ParseError`] is a syntax error: Harbor answers 400 with one of two fixed messages, which
//! is exactly what `Display` prints; the kind and span are for tests and logs.
//! [`FilterError`] is a well-formed `q` that real Harbor only fails on further down: a value
//! PostgreSQL cannot convert to the column's type (`id=abc`), a key spelling the ORM accepts
//! but beego cannot resolve, or an operator suffix on a non-exact pattern. Harbor answers 500 (or
//! drops the connection on a beego panic); the mock reports it as a client error instead.

use std::fmt;
use std::ops::Range;

/// A `q` syntax error, with the byte span (into `q` after its second URL-decoding) it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What was wrong.
    pub kind: ParseErrorKind,
    /// Byte offsets into the decoded `q`: the clause for clause-level errors, the value for
    /// value errors, everything for [`ParseErrorKind::TooLong`].
    pub span: Range<usize>,
}

/// The reasons Harbor's `lib/q` rejects a `q`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// A clause without `=` (this includes the empty clause of `a=b,` or `a=b,,c=d`).
    MissingEquals,
    /// `=v`: nothing before the `=`.
    EmptyKey,
    /// `k=`: nothing after the `=`.
    EmptyValue,
    /// `k=~`: a fuzzy value needs at least one character after the `~`.
    EmptyFuzzy {
        /// The whole value, as Harbor quotes it.
        value: String,
    },
    /// `k=[1~2`: a range must end with `]`.
    UnclosedRange {
        /// The whole value.
        value: String,
    },
    /// `k=[12]`, `k=[1~2~3]`: a range must contain exactly one `~`.
    RangeTildes {
        /// The whole value.
        value: String,
        /// How many `~` it has.
        count: usize,
    },
    /// `k=[~]`: at least one bound must be set.
    EmptyRange {
        /// The whole value.
        value: String,
    },
    /// `k={1 2`, `k=(1 2`: a list must end with its closing bracket.
    UnclosedList {
        /// The whole value.
        value: String,
        /// `{` or `(`.
        open: char,
    },
    /// The decoded `q` is longer than [`super::MAX_Q_LEN`] (a limit of the mock, not Harbor's).
    TooLong {
        /// Length in bytes after decoding.
        len: usize,
        /// The limit.
        max: usize,
    },
}

impl ParseError {
    /// A developer-facing explanation with the span, e.g. for a log line:
    /// `range must contain exactly one "~" (found 2) at 3..12`.
    pub fn reason(&self) -> String {
        let what = match &self.kind {
            ParseErrorKind::MissingEquals => "clause has no \"=\"".to_string(),
            ParseErrorKind::EmptyKey => "clause has an empty key".to_string(),
            ParseErrorKind::EmptyValue => "clause has an empty value".to_string(),
            ParseErrorKind::EmptyFuzzy { .. } => "fuzzy value is empty after \"~\"".to_string(),
            ParseErrorKind::UnclosedRange { .. } => "range must end with \"]\"".to_string(),
            ParseErrorKind::RangeTildes { count, .. } => {
                format!("range must contain exactly one \"~\" (found {count})")
            }
            ParseErrorKind::EmptyRange { .. } => "range needs a min or a max".to_string(),
            ParseErrorKind::UnclosedList { open, .. } => {
                let close = if *open == '{' { '}' } else { ')' };
                format!("list opened with {open:?} must end with {close:?}")
            }
            ParseErrorKind::TooLong { len, max } => {
                format!("query string is {len} bytes, more than {max}")
            }
        };
        format!("{what} at {}..{}", self.span.start, self.span.end)
    }
}

impl fmt::Display for ParseError {
    /// Harbor's message, word for word.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ParseErrorKind::MissingEquals
            | ParseErrorKind::EmptyKey
            | ParseErrorKind::EmptyValue => f.write_str(
                r#"the query string must contain "=" and the key/value cannot be empty"#,
            ),
            ParseErrorKind::EmptyFuzzy { value }
            | ParseErrorKind::UnclosedRange { value }
            | ParseErrorKind::RangeTildes { value, .. }
            | ParseErrorKind::EmptyRange { value }
            | ParseErrorKind::UnclosedList { value, .. } => {
                write!(f, "invalid query string value: {value}")
            }
            ParseErrorKind::TooLong { len, max } => {
                write!(
                    f,
                    "the query string is too long: {len} bytes, the limit is {max}"
                )
            }
        }
    }
}

impl std::error::Error for ParseError {}

/// A parsed `q` that real Harbor fails to run (a 500 there); see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    /// What failed.
    pub kind: FilterErrorKind,
    /// The key as written in `q`, e.g. `id` or `ID__gt`.
    pub key: String,
    /// The offending value: the exact value, the range bound or list item that did not convert,
    /// or the whole value text for key errors.
    pub value: String,
}

/// Why a [`FilterError`] happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterErrorKind {
    /// PostgreSQL (or the pgx driver) cannot convert the value to the column's type:
    /// `id=abc`, `disabled=maybe`, `id=[a~]`, `name={1 2}`, `duration=3000000000`.
    InvalidValue,
    /// The value is not valid UTF-8 or contains NUL after decoding (`%FF`, `%00`); PostgreSQL
    /// rejects such text whatever the column.
    InvalidEncoding,
    /// Harbor's ORM accepts the key through its snake_case fallback but beego cannot resolve it
    /// (`PROJECT_ID`, `Creation_time`) and panics.
    UnresolvableKey,
    /// `k__op` with a `~`, `[..]` or `{..}` value: the ORM appends a second operator and beego
    /// panics.
    OperatorWithPattern,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (key, value) = (&self.key, &self.value);
        match self.kind {
            FilterErrorKind::InvalidValue | FilterErrorKind::InvalidEncoding => {
                write!(f, "invalid value for {key}: {value:?}")
            }
            FilterErrorKind::UnresolvableKey => {
                write!(
                    f,
                    "unsupported spelling of query key {key:?} (value {value:?})"
                )
            }
            FilterErrorKind::OperatorWithPattern => write!(
                f,
                "query key {key:?} has an operator and takes only an exact value, not {value:?}"
            ),
        }
    }
}

impl std::error::Error for FilterError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_harbors_message_and_reason_has_the_span() {
        let e = ParseError {
            kind: ParseErrorKind::RangeTildes {
                value: "[1~2~3]".into(),
                count: 2,
            },
            span: 3..10,
        };
        assert_eq!(e.to_string(), "invalid query string value: [1~2~3]");
        assert_eq!(
            e.reason(),
            r#"range must contain exactly one "~" (found 2) at 3..10"#
        );
        let e = FilterError {
            kind: FilterErrorKind::InvalidValue,
            key: "id".into(),
            value: "abc".into(),
        };
        assert_eq!(e.to_string(), r#"invalid value for id: "abc""#);
    }
}

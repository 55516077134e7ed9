//! `q` text → [`Filter`].
//!
//! A cursor over the bytes of the decoded `q` with one function per production. It works on
//! bytes, not `char`s, because the second URL-decoding can produce bytes that are not UTF-8
//! (`%FF`); every delimiter is ASCII, so the splits are the ones Go's byte-wise
//! `strings.Split` makes. The parser knows nothing of robot fields: keys stay as written.

use std::borrow::Cow;
use std::ops::Range;

use super::convert::{go_parse_int, go_parse_q_time, go_query_unescape};
use super::error::{ParseError, ParseErrorKind};

/// The longest `q` accepted, in bytes after the second URL-decoding. Harbor has no limit; the
/// mock has one so that a huge `q` costs a 400 rather than unbounded work.
pub const MAX_Q_LEN: usize = 4096;

/// A parsed `q`: its clauses, one per distinct raw key (the last one written wins), all ANDed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    clauses: Vec<Clause>,
}

/// One `key=value` clause.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    /// The key exactly as written (case-sensitive, untrimmed, `__op` suffix included).
    pub key: String,
    /// The value text as written (after decoding), e.g. `[1~5]`.
    pub raw: String,
    /// What the value says.
    pub pattern: Pattern,
    /// Byte span of the key in the decoded `q` (`0..0` for a clause added by [`Filter::set_exact`]).
    pub key_span: Range<usize>,
    /// Byte span of the value in the decoded `q`.
    pub value_span: Range<usize>,
    /// The value's bytes were not valid UTF-8 (shown here with U+FFFD); PostgreSQL would
    /// reject it as a parameter.
    pub(crate) invalid_utf8: bool,
}

/// The five value forms.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// `k=v`: always a string, quotes kept, one leading `\` removed.
    Exact(String),
    /// `k=~v`: case-insensitive substring; holds `v` without the `~`.
    Fuzzy(String),
    /// `k=[min~max]`: inclusive bounds, at least one set.
    Range {
        /// Lower bound (`>=`).
        min: Option<Value>,
        /// Upper bound (`<=`).
        max: Option<Value>,
    },
    /// `k={v1 v2}`: any of (SQL `IN`); empty items dropped.
    AnyOf(Vec<Value>),
    /// `k=(v1 v2)`: all of; parsed, then ignored for robots as Harbor does.
    AllOf(Vec<Value>),
}

/// A typed item of a range or list (Go's `parseValue`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `YYYY-MM-DDTHH:MM:SS` read as UTC, in Unix seconds (a fraction after the seconds is
    /// accepted and dropped, as beego's formatting drops it).
    Time(i64),
    /// A base-10 int64.
    Int(i64),
    /// Anything else, trimmed, with surrounding `"` and `'` removed.
    Str(String),
}

impl Pattern {
    /// The value of an exact match (`k=v`), `None` for the other forms.
    pub fn as_exact(&self) -> Option<&str> {
        match self {
            Pattern::Exact(v) => Some(v),
            _ => None,
        }
    }
}

impl Filter {
    /// The clauses, in the order their keys first appeared.
    pub fn clauses(&self) -> &[Clause] {
        &self.clauses
    }

    /// Whether there are no clauses.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// The pattern of the clause whose key is spelled exactly `raw_key` (e.g. `Level`).
    pub fn get(&self, raw_key: &str) -> Option<&Pattern> {
        self.clauses
            .iter()
            .find(|c| c.key == raw_key)
            .map(|c| &c.pattern)
    }

    /// Sets `raw_key=value` as an exact match, replacing a clause with that exact key. Other
    /// spellings of the same field stay and are ANDed, as in Harbor.
    pub fn set_exact(&mut self, raw_key: &str, value: String) {
        self.set(raw_key, Pattern::Exact(value.clone()), value);
    }

    /// Sets `raw_key` to a substring match of `value` (what a handler's `name=` parameter
    /// becomes), replacing a clause with that exact key.
    pub fn set_fuzzy(&mut self, raw_key: &str, value: String) {
        self.set(raw_key, Pattern::Fuzzy(value.clone()), format!("~{value}"));
    }

    fn set(&mut self, raw_key: &str, pattern: Pattern, raw: String) {
        self.insert(Clause {
            key: raw_key.to_string(),
            raw,
            pattern,
            key_span: 0..0,
            value_span: 0..0,
            invalid_utf8: false,
        });
    }

    /// Takes out the clause whose key is spelled exactly `raw_key` (a handler's own keyword,
    /// such as `public` for projects).
    pub fn take(&mut self, raw_key: &str) -> Option<Pattern> {
        let at = self.clauses.iter().position(|c| c.key == raw_key)?;
        Some(self.clauses.remove(at).pattern)
    }

    /// Drops the clause whose key is spelled exactly `raw_key`.
    pub fn remove(&mut self, raw_key: &str) {
        self.clauses.retain(|c| c.key != raw_key);
    }

    /// Last key wins, keeping the first one's position (Harbor's keywords are a map).
    fn insert(&mut self, clause: Clause) {
        match self.clauses.iter_mut().find(|c| c.key == clause.key) {
            Some(existing) => *existing = clause,
            None => self.clauses.push(clause),
        }
    }
}

/// Parses `q` (already URL-decoded once by the HTTP layer). Like Harbor, it decodes it a second
/// time first (Go `url.QueryUnescape`, keeping the text as it is if that fails), so `+` is a
/// space and a literal `+` must arrive as `%2B`, i.e. be sent as `%252B`.
pub fn parse_q(q: &str) -> Result<Filter, ParseError> {
    if q.is_empty() {
        return Ok(Filter::default());
    }
    let decoded = go_query_unescape(q).unwrap_or(Cow::Borrowed(q.as_bytes()));
    if decoded.len() > MAX_Q_LEN {
        return Err(ParseError {
            kind: ParseErrorKind::TooLong {
                len: decoded.len(),
                max: MAX_Q_LEN,
            },
            span: 0..decoded.len(),
        });
    }
    Parser::new(&decoded).parse_filter()
}

/// A cursor over the decoded `q`; `end` bounds the part being parsed (the whole text, then
/// one value at a time).
struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a [u8]) -> Parser<'a> {
        Parser {
            src,
            pos: 0,
            end: src.len(),
        }
    }

    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.src[self.pos])
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, want: u8) -> bool {
        let hit = self.peek() == Some(want);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn pos(&self) -> usize {
        self.pos
    }

    /// Advances to the next `stop` byte (or the end) and returns the span skipped.
    fn until(&mut self, stop: impl Fn(u8) -> bool) -> Range<usize> {
        let start = self.pos;
        while self.peek().is_some_and(|b| !stop(b)) {
            self.bump();
        }
        start..self.pos
    }

    fn text(&self, span: Range<usize>) -> String {
        String::from_utf8_lossy(&self.src[span]).into_owned()
    }

    fn error(&self, kind: ParseErrorKind, span: Range<usize>) -> ParseError {
        ParseError { kind, span }
    }

    /// `q := clause ( "," clause )*` — split on every comma; commas cannot be escaped.
    fn parse_filter(&mut self) -> Result<Filter, ParseError> {
        let mut filter = Filter::default();
        loop {
            filter.insert(self.parse_clause()?);
            if !self.eat(b',') {
                return Ok(filter);
            }
        }
    }

    /// `clause := key "=" value` — the key runs to the first `=`, the value to the next `,`;
    /// neither is trimmed and neither may be empty.
    fn parse_clause(&mut self) -> Result<Clause, ParseError> {
        let start = self.pos();
        let key_span = self.until(|b| b == b'=' || b == b',');
        if !self.eat(b'=') {
            return Err(self.error(ParseErrorKind::MissingEquals, start..self.pos()));
        }
        let value_span = self.until(|b| b == b',');
        let clause_span = start..self.pos();
        if key_span.is_empty() {
            return Err(self.error(ParseErrorKind::EmptyKey, clause_span));
        }
        if value_span.is_empty() {
            return Err(self.error(ParseErrorKind::EmptyValue, clause_span));
        }
        // Parse the value on its own, then carry on after it.
        let resume = self.pos();
        self.pos = value_span.start;
        self.end = value_span.end;
        let pattern = self.parse_value();
        self.pos = resume;
        self.end = self.src.len();
        let value_bytes = &self.src[value_span.clone()];
        Ok(Clause {
            key: self.text(key_span.clone()),
            raw: self.text(value_span.clone()),
            pattern: pattern?,
            key_span,
            value_span,
            invalid_utf8: std::str::from_utf8(value_bytes).is_err(),
        })
    }

    /// `value := fuzzy | range | orlist | andlist | exact`, chosen by the first byte.
    fn parse_value(&mut self) -> Result<Pattern, ParseError> {
        match self.peek() {
            Some(b'~') => self.parse_fuzzy(),
            Some(b'[') => self.parse_range(),
            Some(b'{') => self.parse_list(b'{', b'}').map(Pattern::AnyOf),
            Some(b'(') => self.parse_list(b'(', b')').map(Pattern::AllOf),
            _ => Ok(self.parse_exact()),
        }
    }

    fn value_error(
        &self,
        span: Range<usize>,
        make: impl FnOnce(String) -> ParseErrorKind,
    ) -> ParseError {
        let value = self.text(span.clone());
        self.error(make(value), span)
    }

    /// `fuzzy := "~" char+`
    fn parse_fuzzy(&mut self) -> Result<Pattern, ParseError> {
        let span = self.pos()..self.end;
        self.bump();
        let rest = self.until(|_| false);
        if rest.is_empty() {
            return Err(self.value_error(span, |value| ParseErrorKind::EmptyFuzzy { value }));
        }
        Ok(Pattern::Fuzzy(self.text(rest)))
    }

    /// `range := "[" item? "~" item? "]"` — exactly one `~` in the whole value, bounds trimmed,
    /// at least one set.
    fn parse_range(&mut self) -> Result<Pattern, ParseError> {
        let span = self.pos()..self.end;
        if self.src[span.end - 1] != b']' {
            return Err(self.value_error(span, |value| ParseErrorKind::UnclosedRange { value }));
        }
        let count = self.src[span.clone()]
            .iter()
            .filter(|b| **b == b'~')
            .count();
        if count != 1 {
            return Err(
                self.value_error(span, |value| ParseErrorKind::RangeTildes { value, count })
            );
        }
        self.bump();
        let min = self.until(|b| b == b'~');
        self.eat(b'~');
        self.end -= 1; // the closing `]`
        let max = self.until(|_| false);
        let min = self.text(min);
        let max = self.text(max);
        let (min, max) = (min.trim(), max.trim());
        if min.is_empty() && max.is_empty() {
            return Err(self.value_error(span, |value| ParseErrorKind::EmptyRange { value }));
        }
        Ok(Pattern::Range {
            min: (!min.is_empty()).then(|| parse_item(min)),
            max: (!max.is_empty()).then(|| parse_item(max)),
        })
    }

    /// `orlist := "{" item ( " " item )* "}"`, `andlist := "(" item ( " " item )* ")"` — split
    /// on single spaces; items that end up as empty strings are dropped.
    fn parse_list(&mut self, open: u8, close: u8) -> Result<Vec<Value>, ParseError> {
        let span = self.pos()..self.end;
        if self.src[span.end - 1] != close || span.len() < 2 {
            return Err(
                self.value_error(span, |value| ParseErrorKind::UnclosedList {
                    value,
                    open: char::from(open),
                }),
            );
        }
        self.bump();
        self.end -= 1;
        let mut items = Vec::new();
        loop {
            let item = self.until(|b| b == b' ');
            match parse_item(&self.text(item)) {
                Value::Str(s) if s.is_empty() => {}
                v => items.push(v),
            }
            if !self.eat(b' ') {
                return Ok(items);
            }
        }
    }

    /// `exact := "\"? char*` — one leading backslash is dropped (so `\~x` is the text `~x`).
    fn parse_exact(&mut self) -> Pattern {
        self.eat(b'\\');
        let rest = self.until(|_| false);
        Pattern::Exact(self.text(rest))
    }
}

/// `item` (Go `parseValue`): trimmed, then a `YYYY-MM-DDTHH:MM:SS` time, else an int64, else
/// a string without its surrounding `"`/`'` characters.
fn parse_item(text: &str) -> Value {
    // `str::trim` and Go's `strings.TrimSpace` strip the same (Unicode White_Space) set.
    let text = text.trim();
    if let Some(secs) = go_parse_q_time(text) {
        Value::Time(secs)
    } else if let Some(i) = go_parse_int(text) {
        Value::Int(i)
    } else {
        Value::Str(text.trim_matches(['"', '\'']).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParseErrorKind::*;
    use Pattern::*;

    fn s(v: &str) -> Value {
        Value::Str(v.to_string())
    }

    fn exact(v: &str) -> Pattern {
        Exact(v.to_string())
    }

    fn fuzzy(v: &str) -> Pattern {
        Fuzzy(v.to_string())
    }

    fn range(min: Option<Value>, max: Option<Value>) -> Pattern {
        Pattern::Range { min, max }
    }

    /// 2026-01-01T00:00:00Z.
    const JAN1: i64 = 1_767_225_600;

    /// The (key, pattern) pairs of a parse.
    fn pairs(q: &str) -> Vec<(String, Pattern)> {
        let filter = parse_q(q).unwrap_or_else(|e| panic!("{q:?} failed: {}", e.reason()));
        filter
            .clauses()
            .iter()
            .map(|c| (c.key.clone(), c.pattern.clone()))
            .collect()
    }

    fn kv(pairs: &[(&str, Pattern)]) -> Vec<(String, Pattern)> {
        pairs
            .iter()
            .map(|(k, p)| (k.to_string(), p.clone()))
            .collect()
    }

    #[test]
    fn valid_inputs() {
        let long_list = format!("id={{{}}}", "7 ".repeat(1000));
        let cases: Vec<(&str, Vec<(String, Pattern)>)> = vec![
            ("", kv(&[])),
            ("name=ci", kv(&[("name", exact("ci"))])),
            (
                "Level=project,ProjectID=1",
                kv(&[("Level", exact("project")), ("ProjectID", exact("1"))]),
            ),
            (
                "Level=system,name=~ci",
                kv(&[("Level", exact("system")), ("name", fuzzy("ci"))]),
            ),
            // `%2B` is a literal `+` after the second decoding (sent as `%252B`).
            ("name=library%2Bci", kv(&[("name", exact("library+ci"))])),
            ("name=library+ci", kv(&[("name", exact("library ci"))])),
            // A bad escape: the text is used as it is, `+` included.
            (
                "name=a+b,description=~50%",
                kv(&[("name", exact("a+b")), ("description", fuzzy("50%"))]),
            ),
            (
                "id={3 5 8}",
                kv(&[(
                    "id",
                    AnyOf(vec![Value::Int(3), Value::Int(5), Value::Int(8)]),
                )]),
            ),
            (
                "expiresat=[1700000000~]",
                kv(&[("expiresat", range(Some(Value::Int(1_700_000_000)), None))]),
            ),
            ("id=[~5]", kv(&[("id", range(None, Some(Value::Int(5))))])),
            (
                "id=[ 1 ~ 5 ]",
                kv(&[("id", range(Some(Value::Int(1)), Some(Value::Int(5))))]),
            ),
            (
                "creation_time=[2026-01-01T00:00:00~2026-02-01T00:00:00]",
                kv(&[(
                    "creation_time",
                    range(
                        Some(Value::Time(JAN1)),
                        Some(Value::Time(JAN1 + 31 * 86_400)),
                    ),
                )]),
            ),
            (
                "name=[a~\"b\"]",
                kv(&[("name", range(Some(s("a")), Some(s("b"))))]),
            ),
            (
                "name=[\"\"~b]",
                kv(&[("name", range(Some(s("")), Some(s("b"))))]),
            ),
            ("Disabled=true", kv(&[("Disabled", exact("true"))])),
            // Exact values stay strings and keep their quotes.
            ("name=\"ci\"", kv(&[("name", exact("\"ci\""))])),
            ("id=5", kv(&[("id", exact("5"))])),
            ("id='5'", kv(&[("id", exact("'5'"))])),
            // The value may contain `=`; neither side is trimmed.
            ("description=a=b", kv(&[("description", exact("a=b"))])),
            (" name = ci ", kv(&[(" name ", exact(" ci "))])),
            // One leading backslash escapes the pattern character.
            ("name=\\~x", kv(&[("name", exact("~x"))])),
            ("name=\\[1~2]", kv(&[("name", exact("[1~2]"))])),
            ("name=\\\\x", kv(&[("name", exact("\\x"))])),
            ("name=\\", kv(&[("name", exact(""))])),
            ("name=x\\", kv(&[("name", exact("x\\"))])),
            // Last key wins, keeping its first position; other spellings are separate keys.
            (
                "name=a,id=1,name=b",
                kv(&[("name", exact("b")), ("id", exact("1"))]),
            ),
            (
                "name=a,NAME=b",
                kv(&[("name", exact("a")), ("NAME", exact("b"))]),
            ),
            ("name__icontains=x", kv(&[("name__icontains", exact("x"))])),
            ("a__b__c=x", kv(&[("a__b__c", exact("x"))])),
            ("name=~~", kv(&[("name", fuzzy("~"))])),
            ("name=~ci%", kv(&[("name", fuzzy("ci%"))])),
            ("name=~a_b", kv(&[("name", fuzzy("a_b"))])),
            ("id={}", kv(&[("id", AnyOf(vec![]))])),
            (
                "id={ 1  2 \"\" '' }",
                kv(&[("id", AnyOf(vec![Value::Int(1), Value::Int(2)]))]),
            ),
            (
                "name={\"a b\"}",
                kv(&[("name", AnyOf(vec![s("a"), s("b")]))]),
            ),
            ("name={a}b}", kv(&[("name", AnyOf(vec![s("a}b")]))])),
            (
                "id=(1 2)",
                kv(&[("id", AllOf(vec![Value::Int(1), Value::Int(2)]))]),
            ),
            (
                "id={+5 -5 9223372036854775808}",
                kv(&[(
                    "id",
                    AnyOf(vec![
                        Value::Int(5),
                        Value::Int(-5),
                        s("9223372036854775808"),
                    ]),
                )]),
            ),
            (
                "t={2026-01-01T00:00:00 2026-01-01}",
                kv(&[("t", AnyOf(vec![Value::Time(JAN1), s("2026-01-01")]))]),
            ),
            (
                "name=[a]b~c]",
                kv(&[("name", range(Some(s("a]b")), Some(s("c"))))]),
            ),
            ("[=]", kv(&[("[", exact("]"))])),
            ("name=}", kv(&[("name", exact("}"))])),
            // Unicode passes through, in keys and values, raw or percent-encoded.
            ("name=~日本", kv(&[("name", fuzzy("日本"))])),
            ("描述=é", kv(&[("描述", exact("é"))])),
            ("name=%E6%97%A5", kv(&[("name", exact("日"))])),
            ("name=%FF", kv(&[("name", exact("\u{FFFD}"))])),
        ];
        for (q, want) in cases {
            assert_eq!(pairs(q), want, "q = {q:?}");
        }
        assert_eq!(pairs(&long_list).len(), 1);
        // A decoded comma still splits.
        assert_eq!(parse_q("name=a%2Cb").unwrap_err().kind, MissingEquals);
    }

    #[test]
    fn invalid_inputs() {
        const MUST: &str = r#"the query string must contain "=" and the key/value cannot be empty"#;
        let cases: &[(&str, ParseErrorKind, std::ops::Range<usize>, &str)] = &[
            ("name", MissingEquals, 0..4, MUST),
            ("=x", EmptyKey, 0..2, MUST),
            ("name=", EmptyValue, 0..5, MUST),
            ("=", EmptyKey, 0..1, MUST),
            ("a=b,", MissingEquals, 4..4, MUST),
            ("a=b,,c=d", MissingEquals, 4..4, MUST),
            (",a=b", MissingEquals, 0..0, MUST),
            ("a=b,c", MissingEquals, 4..5, MUST),
            ("+", MissingEquals, 0..1, MUST),
            (
                "name=~",
                EmptyFuzzy { value: "~".into() },
                5..6,
                "invalid query string value: ~",
            ),
            (
                "id=[1~2",
                UnclosedRange {
                    value: "[1~2".into(),
                },
                3..7,
                "invalid query string value: [1~2",
            ),
            (
                "id=[1~2~3]",
                RangeTildes {
                    value: "[1~2~3]".into(),
                    count: 2,
                },
                3..10,
                "invalid query string value: [1~2~3]",
            ),
            (
                "id=[12]",
                RangeTildes {
                    value: "[12]".into(),
                    count: 0,
                },
                3..7,
                "invalid query string value: [12]",
            ),
            (
                "id=[]",
                RangeTildes {
                    value: "[]".into(),
                    count: 0,
                },
                3..5,
                "invalid query string value: []",
            ),
            (
                "id=[~]",
                EmptyRange {
                    value: "[~]".into(),
                },
                3..6,
                "invalid query string value: [~]",
            ),
            (
                "id=[ ~ ]",
                EmptyRange {
                    value: "[ ~ ]".into(),
                },
                3..8,
                "invalid query string value: [ ~ ]",
            ),
            (
                "id=[",
                UnclosedRange { value: "[".into() },
                3..4,
                "invalid query string value: [",
            ),
            (
                "id={1 2",
                UnclosedList {
                    value: "{1 2".into(),
                    open: '{',
                },
                3..7,
                "invalid query string value: {1 2",
            ),
            (
                "id=(1 2",
                UnclosedList {
                    value: "(1 2".into(),
                    open: '(',
                },
                3..7,
                "invalid query string value: (1 2",
            ),
            (
                "id={",
                UnclosedList {
                    value: "{".into(),
                    open: '{',
                },
                3..4,
                "invalid query string value: {",
            ),
            (
                "id=(",
                UnclosedList {
                    value: "(".into(),
                    open: '(',
                },
                3..4,
                "invalid query string value: (",
            ),
            (
                "name={a b",
                UnclosedList {
                    value: "{a b".into(),
                    open: '{',
                },
                5..9,
                "invalid query string value: {a b",
            ),
            // The first bad clause is reported, even when a later one would replace it.
            (
                "id=[,id=5",
                UnclosedRange { value: "[".into() },
                3..4,
                "invalid query string value: [",
            ),
            (
                "name=ok,id=~",
                EmptyFuzzy { value: "~".into() },
                11..12,
                "invalid query string value: ~",
            ),
            // The message quotes the decoded value.
            (
                "id=%5B1~2",
                UnclosedRange {
                    value: "[1~2".into(),
                },
                3..7,
                "invalid query string value: [1~2",
            ),
        ];
        for (q, kind, span, message) in cases {
            let err = parse_q(q).expect_err(q);
            assert_eq!(&err.kind, kind, "q = {q:?}");
            assert_eq!(&err.span, span, "q = {q:?}");
            assert_eq!(err.to_string(), *message, "q = {q:?}");
        }
    }

    #[test]
    fn length_cap_applies_after_decoding() {
        let at_limit = format!("name={}", "x".repeat(MAX_Q_LEN - 5));
        assert!(parse_q(&at_limit).is_ok());
        let over = format!("name={}", "x".repeat(MAX_Q_LEN - 4));
        let err = parse_q(&over).unwrap_err();
        assert_eq!(
            err.kind,
            TooLong {
                len: MAX_Q_LEN + 1,
                max: MAX_Q_LEN
            }
        );
        assert_eq!(
            err.to_string(),
            "the query string is too long: 4097 bytes, the limit is 4096"
        );
        // Three encoded bytes decode to one: this is within the limit.
        let encoded = format!("name={}", "%41".repeat(MAX_Q_LEN - 5));
        assert!(parse_q(&encoded).is_ok());
        let huge = "a=b,".repeat(1 << 18);
        assert!(matches!(parse_q(&huge).unwrap_err().kind, TooLong { .. }));
    }

    #[test]
    fn double_decoding_of_plus() {
        // What the HTTP layer hands over for `q=name=library%252Bci`.
        assert_eq!(
            parse_q("name=library%2Bci").unwrap().get("name"),
            Some(&exact("library+ci"))
        );
        // `%25` decodes to `%`, which is then just a character.
        assert_eq!(
            parse_q("name=~100%25").unwrap().get("name"),
            Some(&fuzzy("100%"))
        );
        assert_eq!(
            parse_q("name=%252B").unwrap().get("name"),
            Some(&exact("%2B"))
        );
    }

    #[test]
    fn spans_point_into_the_decoded_text() {
        let f = parse_q("name=ci,Level=~sys").unwrap();
        let c = &f.clauses()[1];
        assert_eq!((c.key_span.clone(), c.value_span.clone()), (8..13, 14..18));
        assert_eq!(c.raw, "~sys");
        assert!(!c.invalid_utf8);
        let f = parse_q("name=%FF").unwrap();
        assert!(f.clauses()[0].invalid_utf8);
    }

    #[test]
    fn filter_edits() {
        let mut f = parse_q("Level=project,ProjectID=~5,project_id=7").unwrap();
        assert_eq!(f.get("Level").and_then(Pattern::as_exact), Some("project"));
        assert_eq!(f.get("level"), None);
        assert_eq!(f.get("ProjectID").and_then(Pattern::as_exact), None);
        f.set_exact("ProjectID", "0".into());
        f.set_exact("Visible", "true".into());
        f.remove("Level");
        let keys: Vec<_> = f.clauses().iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["ProjectID", "project_id", "Visible"]);
        assert_eq!(f.get("ProjectID"), Some(&exact("0")));
        assert_eq!(f.get("project_id"), Some(&exact("7")));
        f.remove("nothing");
        assert_eq!(f.clauses().len(), 3);
    }
}

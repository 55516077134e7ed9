//! A parsed [`Filter`] resolved against a table: keys resolved as Harbor's ORM resolves them,
//! values converted the way PostgreSQL converts them for the column's type, and the
//! predicates evaluated over any [`Row`]. No parsing here.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::collate;
use super::columns::{Cell, Column, ColumnType, Row, beego_column, filter_column};
use super::convert::{
    beego_time_string, go_format_datetime, pg_parse_bool, pg_parse_int, pg_parse_timestamp,
    pg_timestamp_text,
};
use super::error::{FilterError, FilterErrorKind};
use super::like::Like;
use super::parser::{Clause, Filter, Pattern, Value};

/// The `__op` suffixes Harbor lets through to the ORM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Icontains,
    In,
    Gte,
    Lte,
    Gt,
    Lt,
    Exact,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "icontains" => Op::Icontains,
            "in" => Op::In,
            "gte" => Op::Gte,
            "lte" => Op::Lte,
            "gt" => Op::Gt,
            "lt" => Op::Lt,
            "exact" => Op::Exact,
            _ => return None,
        })
    }
}

/// A filter resolved against a table whose columns are `C`: every clause Harbor would apply,
/// with its value already converted to the column's type. Build it with [`compile`].
#[derive(Clone, Debug)]
pub struct CompiledFilter<C> {
    /// Cheapest first: all must hold, so the order only changes how soon a row is rejected.
    preds: Vec<Pred<C>>,
}

impl<C> Default for CompiledFilter<C> {
    /// The filter that matches every row.
    fn default() -> Self {
        CompiledFilter { preds: Vec::new() }
    }
}

#[derive(Clone, Debug)]
enum Pred<C> {
    /// `k IN (NULL)`, what an empty `{}` becomes.
    Never,
    Cmp {
        column: C,
        op: CmpOp,
        rhs: Scalar,
    },
    In {
        column: C,
        set: InSet,
    },
    Like {
        column: C,
        like: Like,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord.is_eq(),
            CmpOp::Gt => ord.is_gt(),
            CmpOp::Ge => ord.is_ge(),
            CmpOp::Lt => ord.is_lt(),
            CmpOp::Le => ord.is_le(),
        }
    }
}

/// A value converted to a column's type (timestamps in microseconds).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Scalar {
    Int(i64),
    Bool(bool),
    Time(i64),
    Text(String),
}

/// The right-hand side of `IN`, sorted for binary search (text by bytes: equality under a
/// deterministic collation is byte equality).
#[derive(Clone, Debug)]
enum InSet {
    Int(Vec<i64>),
    Bool { no: bool, yes: bool },
    Text(Vec<String>),
}

impl InSet {
    fn new(items: Vec<Scalar>) -> InSet {
        let mut ints = Vec::new();
        let mut texts = Vec::new();
        let (mut no, mut yes, mut any_bool) = (false, false, false);
        for item in items {
            match item {
                Scalar::Int(i) | Scalar::Time(i) => ints.push(i),
                Scalar::Bool(b) => {
                    any_bool = true;
                    no |= !b;
                    yes |= b;
                }
                Scalar::Text(s) => texts.push(s),
            }
        }
        if any_bool {
            InSet::Bool { no, yes }
        } else if !texts.is_empty() {
            texts.sort_unstable();
            InSet::Text(texts)
        } else {
            ints.sort_unstable();
            InSet::Int(ints)
        }
    }

    fn contains(&self, cell: Cell<'_>) -> bool {
        match (self, cell) {
            (InSet::Int(set), Cell::Int(v) | Cell::Time(v)) => set.binary_search(&v).is_ok(),
            (InSet::Bool { no, yes }, Cell::Bool(b)) => {
                if b {
                    *yes
                } else {
                    *no
                }
            }
            (InSet::Text(set), Cell::Text(v)) => {
                set.binary_search_by(|s| s.as_str().cmp(v)).is_ok()
            }
            _ => false,
        }
    }
}

impl<C: Column> CompiledFilter<C> {
    /// Whether the row passes every clause.
    pub fn matches<R: Row<Column = C>>(&self, r: &R) -> bool {
        self.preds.iter().all(|p| p.eval(r))
    }
}

impl<C: Column> Pred<C> {
    /// How costly the predicate is to evaluate, for ordering: integer and boolean comparisons
    /// first (`ProjectID=0` rejects most rows at once), text patterns last.
    fn cost(&self) -> u8 {
        match self {
            Pred::Never => 0,
            Pred::Cmp {
                rhs: Scalar::Text(_),
                ..
            } => 3,
            Pred::Cmp { .. } => 1,
            Pred::In { .. } => 2,
            Pred::Like { .. } => 4,
        }
    }

    fn eval<R: Row<Column = C>>(&self, r: &R) -> bool {
        match self {
            Pred::Never => false,
            Pred::Cmp { column, op, rhs } => {
                let ord = match (r.cell(*column), rhs) {
                    (Cell::Int(a), Scalar::Int(b)) | (Cell::Time(a), Scalar::Time(b)) => a.cmp(b),
                    (Cell::Bool(a), Scalar::Bool(b)) => a.cmp(b),
                    (Cell::Text(a), Scalar::Text(b)) => collate::compare(a, b),
                    _ => return false,
                };
                op.holds(ord)
            }
            Pred::In { column, set } => set.contains(r.cell(*column)),
            Pred::Like { column, like } => match r.cell(*column) {
                Cell::Text(s) => like.matches(s),
                Cell::Int(i) => like.matches(itoa(i, &mut [0; 20])),
                Cell::Bool(b) => like.matches(if b { "true" } else { "false" }),
                Cell::Time(us) => {
                    let mut text = String::with_capacity(32);
                    pg_timestamp_text(us, &mut text);
                    like.matches(&text)
                }
                Cell::Digest(_) => false,
            },
        }
    }
}

/// Formats an integer into `buf` without allocating.
fn itoa(v: i64, buf: &mut [u8; 20]) -> &str {
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    // Only ASCII digits and '-' were written.
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// Resolves keys, types values and drops what Harbor ignores (unknown keys, unfilterable
/// columns, disallowed `__op` suffixes or more than one `__`, intersections). Time words such
/// as `now` in timestamp values are PostgreSQL's, taken relative to `now_ms` (Unix
/// milliseconds: the instance's clock, never the machine's).
pub fn compile<C: Column>(filter: &Filter, now_ms: i64) -> Result<CompiledFilter<C>, FilterError> {
    // PostgreSQL's `now` has microseconds and comes after every write the query can see; the
    // mock's clock has milliseconds (and may be frozen), so a request's `now` is the last
    // microsecond of its millisecond: whatever was stored at or before the clock's reading is
    // in the past, as it always is in Harbor.
    let now_us = now_ms.saturating_mul(1000).saturating_add(999);
    let mut preds = Vec::new();
    for clause in filter.clauses() {
        compile_clause(clause, now_us, &mut preds)?;
    }
    preds.sort_by_key(Pred::cost);
    Ok(CompiledFilter { preds })
}

/// A value as beego binds it: ints as ints, `time.Time` formatted as text, strings as they are.
enum Bind<'a> {
    Int(i64),
    Str(Cow<'a, str>),
}

impl Bind<'_> {
    fn text(&self) -> String {
        match self {
            Bind::Int(i) => i.to_string(),
            Bind::Str(s) => s.to_string(),
        }
    }
}

fn bind(value: &Value) -> Bind<'_> {
    match value {
        Value::Time(secs) => Bind::Str(Cow::Owned(go_format_datetime(*secs))),
        Value::Int(i) => Bind::Int(*i),
        Value::Str(s) => Bind::Str(Cow::Borrowed(s)),
    }
}

/// What PostgreSQL (through pgx) makes of a bound value for `field`'s column.
fn to_scalar<C: Column>(
    column: C,
    value: &Bind<'_>,
    now_us: i64,
) -> Result<Scalar, FilterErrorKind> {
    let ty = column.column_type();
    let converted = match value {
        // pgx encodes Go ints only for integer columns, and int4 only in range.
        Bind::Int(i) => match ty {
            ColumnType::Int8 => Some(Scalar::Int(*i)),
            ColumnType::Int4 => i32::try_from(*i).ok().map(|_| Scalar::Int(*i)),
            _ => None,
        },
        Bind::Str(s) => {
            if s.contains('\0') {
                return Err(FilterErrorKind::InvalidEncoding);
            }
            match ty {
                ColumnType::Int8 => pg_parse_int(s, 64).map(Scalar::Int),
                ColumnType::Int4 => pg_parse_int(s, 32).map(Scalar::Int),
                ColumnType::Bool => pg_parse_bool(s).map(Scalar::Bool),
                ColumnType::Timestamp => {
                    pg_parse_timestamp(&beego_time_string(s), now_us).map(Scalar::Time)
                }
                ColumnType::Text => Some(Scalar::Text(s.to_string())),
                ColumnType::Digest => None,
            }
        }
    };
    converted.ok_or(FilterErrorKind::InvalidValue)
}

/// The `LIKE` pattern beego builds for `__icontains`: `%` escaped (its only escaping), wrapped
/// in `%…%`; for a timestamp column after beego's string-to-time rewrite.
fn icontains_pattern<C: Column>(column: C, value: &str) -> String {
    let value = if column.column_type() == ColumnType::Timestamp {
        beego_time_string(value)
    } else {
        Cow::Borrowed(value)
    };
    format!("%{}%", value.replace('%', "\\%"))
}

/// Harbor's `orm.Escape` for fuzzy values: `\`, `%` and `_` escaped. beego then escapes `%`
/// once more, so a `%` typed in a fuzzy value ends up as `\\%`: a literal backslash followed by
/// a wildcard, not a literal `%` (real Harbor behaviour, kept on purpose).
fn harbor_escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn compile_clause<C: Column>(
    clause: &Clause,
    now_us: i64,
    out: &mut Vec<Pred<C>>,
) -> Result<(), FilterError> {
    let mut pieces = clause.key.split("__");
    let field_key = pieces.next().unwrap_or_default();
    let op_text = pieces.next();
    if pieces.next().is_some() || filter_column::<C>(field_key).is_none() {
        return Ok(());
    }
    let op = match op_text {
        Some(text) => match Op::parse(text) {
            Some(op) => Some(op),
            None => return Ok(()),
        },
        None => None,
    };
    if matches!(clause.pattern, Pattern::AllOf(_)) {
        return Ok(());
    }
    let error = |kind, value: String| FilterError {
        kind,
        key: clause.key.clone(),
        value,
    };
    let column = beego_column::<C>(field_key)
        .ok_or_else(|| error(FilterErrorKind::UnresolvableKey, clause.raw.clone()))?;
    if op.is_some() && !matches!(clause.pattern, Pattern::Exact(_)) {
        return Err(error(
            FilterErrorKind::OperatorWithPattern,
            clause.raw.clone(),
        ));
    }
    if clause.invalid_utf8 {
        return Err(error(FilterErrorKind::InvalidEncoding, clause.raw.clone()));
    }
    let scalar = |value: Bind<'_>| {
        to_scalar(column, &value, now_us).map_err(|kind| error(kind, value.text()))
    };
    let like = |pattern: String, shown: &str| {
        if pattern.contains('\0') {
            return Err(error(FilterErrorKind::InvalidEncoding, shown.to_string()));
        }
        Like::new(&pattern)
            .map(|like| Pred::Like { column, like })
            .ok_or_else(|| error(FilterErrorKind::InvalidValue, shown.to_string()))
    };
    let cmp = |op, rhs| Pred::Cmp { column, op, rhs };
    match &clause.pattern {
        Pattern::Exact(v) => {
            let pred = match op {
                Some(Op::Icontains) => like(icontains_pattern(column, v), v)?,
                Some(op) => {
                    let cmp_op = match op {
                        Op::Gte => CmpOp::Ge,
                        Op::Lte => CmpOp::Le,
                        Op::Gt => CmpOp::Gt,
                        Op::Lt => CmpOp::Lt,
                        Op::In | Op::Exact | Op::Icontains => CmpOp::Eq,
                    };
                    cmp(cmp_op, scalar(Bind::Str(Cow::Borrowed(v)))?)
                }
                None => cmp(CmpOp::Eq, scalar(Bind::Str(Cow::Borrowed(v)))?),
            };
            out.push(pred);
        }
        Pattern::Fuzzy(v) => {
            let escaped = harbor_escape(v);
            out.push(like(icontains_pattern(column, &escaped), v)?);
        }
        Pattern::Range { min, max } => {
            if let Some(min) = min {
                out.push(cmp(CmpOp::Ge, scalar(bind(min))?));
            }
            if let Some(max) = max {
                out.push(cmp(CmpOp::Le, scalar(bind(max))?));
            }
        }
        Pattern::AnyOf(items) if items.is_empty() => out.push(Pred::Never),
        Pattern::AnyOf(items) => {
            let set = items
                .iter()
                .map(|item| scalar(bind(item)))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(Pred::In {
                column,
                set: InSet::new(set),
            });
        }
        Pattern::AllOf(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn itoa_formats_extremes() {
        for v in [0, 7, -7, 1_234_567, i64::MAX, i64::MIN] {
            assert_eq!(itoa(v, &mut [0; 20]), v.to_string());
        }
    }
}

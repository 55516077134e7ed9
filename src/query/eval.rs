//! A parsed [`Filter`] run against the robot table: key resolution as Harbor's ORM does it,
//! values converted the way PostgreSQL converts them, predicates over [`RobotRecord`], the sort
//! comparator, and [`select`] (count + sorted page). No parsing here.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use super::collate;
use super::convert::{
    beego_time_string, go_format_datetime, pg_parse_bool, pg_parse_int, pg_parse_timestamp,
    pg_timestamp_text,
};
use super::error::{FilterError, FilterErrorKind};
use super::like::Like;
use super::parser::{Clause, Filter, Pattern, Value};
use crate::model::RobotRecord;

/// A column of Harbor's `robot` table (Go model `src/pkg/robot/model/model.go`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `ID` / `id`, bigint.
    Id,
    /// `Name` / `name`, varchar: the stored name (no `robot$`, `<project>+` for project robots).
    Name,
    /// `Description` / `description`, varchar.
    Description,
    /// `Secret` / `secret`: sortable, not filterable.
    Secret,
    /// `Salt` / `salt`: sortable, not filterable.
    Salt,
    /// `Duration` / `duration`, int.
    Duration,
    /// `ProjectID` / `project_id`, int.
    ProjectId,
    /// `ExpiresAt` / `expiresat` (no underscore), bigint.
    ExpiresAt,
    /// `Disabled` / `disabled`, boolean.
    Disabled,
    /// `Visible` / `visible`, boolean.
    Visible,
    /// `CreatorRef` / `creator_ref`, bigint.
    CreatorRef,
    /// `CreatorType` / `creator_type`, varchar.
    CreatorType,
    /// `CreationTime` / `creation_time`, timestamp.
    CreationTime,
    /// `UpdateTime` / `update_time`, timestamp.
    UpdateTime,
}

/// The PostgreSQL type of a column, which decides how a value is converted and compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColumnType {
    Int8,
    Int4,
    Bool,
    Timestamp,
    Text,
}

impl Field {
    /// Every column, in the model's field order.
    pub const ALL: [Field; 14] = [
        Field::Id,
        Field::Name,
        Field::Description,
        Field::Secret,
        Field::Salt,
        Field::Duration,
        Field::ProjectId,
        Field::ExpiresAt,
        Field::Disabled,
        Field::Visible,
        Field::CreatorRef,
        Field::CreatorType,
        Field::CreationTime,
        Field::UpdateTime,
    ];

    /// The Go field name, e.g. `ProjectID`.
    pub fn go_name(self) -> &'static str {
        match self {
            Field::Id => "ID",
            Field::Name => "Name",
            Field::Description => "Description",
            Field::Secret => "Secret",
            Field::Salt => "Salt",
            Field::Duration => "Duration",
            Field::ProjectId => "ProjectID",
            Field::ExpiresAt => "ExpiresAt",
            Field::Disabled => "Disabled",
            Field::Visible => "Visible",
            Field::CreatorRef => "CreatorRef",
            Field::CreatorType => "CreatorType",
            Field::CreationTime => "CreationTime",
            Field::UpdateTime => "UpdateTime",
        }
    }

    /// The column name, e.g. `project_id`.
    pub fn column(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Description => "description",
            Field::Secret => "secret",
            Field::Salt => "salt",
            Field::Duration => "duration",
            Field::ProjectId => "project_id",
            Field::ExpiresAt => "expiresat",
            Field::Disabled => "disabled",
            Field::Visible => "visible",
            Field::CreatorRef => "creator_ref",
            Field::CreatorType => "creator_type",
            Field::CreationTime => "creation_time",
            Field::UpdateTime => "update_time",
        }
    }

    /// Whether `q` may filter on it (`Secret` and `Salt` carry `filter:"false"`).
    pub fn filterable(self) -> bool {
        !matches!(self, Field::Secret | Field::Salt)
    }

    fn column_type(self) -> ColumnType {
        match self {
            Field::Id | Field::ExpiresAt | Field::CreatorRef => ColumnType::Int8,
            Field::Duration | Field::ProjectId => ColumnType::Int4,
            Field::Disabled | Field::Visible => ColumnType::Bool,
            Field::CreationTime | Field::UpdateTime => ColumnType::Timestamp,
            Field::Name | Field::Description | Field::Secret | Field::Salt | Field::CreatorType => {
                ColumnType::Text
            }
        }
    }

    /// A `sort` key: exactly a Go field name or a column name (`metadata.Sortable`).
    pub fn from_sort_key(key: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.go_name() == key || f.column() == key)
    }

    /// A `q` key (without `__op`) the way Harbor's `setFilters` accepts it: exactly a Go field
    /// or column name of a filterable field, else the same for its snake_case form.
    pub fn from_filter_key(key: &str) -> Option<Field> {
        Field::from_sort_key(key)
            .filter(|f| f.filterable())
            .or_else(|| Field::from_sort_key(&go_snake_case(key)).filter(|f| f.filterable()))
    }

    /// beego's `Fields.GetByAny`, which turns the key into SQL: the Go field name, the Go field
    /// name case-insensitively (Go `strings.ToLower`), or the column name.
    fn from_beego_key(key: &str) -> Option<Field> {
        let lower: String = key.chars().map(go_lower).collect();
        Field::ALL.into_iter().find(|f| {
            f.go_name() == key || f.go_name().to_ascii_lowercase() == lower || f.column() == key
        })
    }
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
fn go_snake_case(s: &str) -> String {
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

/// One `sort` key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey {
    /// The column.
    pub field: Field,
    /// `-key`: descending.
    pub desc: bool,
}

impl SortKey {
    /// Harbor's default order for robots: `name` ascending.
    pub const DEFAULT: SortKey = SortKey {
        field: Field::Name,
        desc: false,
    };
}

/// A filter resolved against the robot table: every clause Harbor would apply, with its value
/// already converted to the column's type. Build it with [`compile`].
#[derive(Clone, Debug, Default)]
pub struct CompiledFilter {
    preds: Vec<Pred>,
}

#[derive(Clone, Debug)]
enum Pred {
    /// `k IN (NULL)`, what an empty `{}` becomes.
    Never,
    Cmp {
        field: Field,
        op: CmpOp,
        rhs: Scalar,
    },
    In {
        field: Field,
        set: InSet,
    },
    Like {
        field: Field,
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

/// A record's value in one column.
#[derive(Clone, Copy, Debug)]
enum Cell<'a> {
    Int(i64),
    Bool(bool),
    /// Microseconds.
    Time(i64),
    Text(&'a str),
    /// The secret, which the mock stores as a hash (and legacy robots as NULL).
    Secret(Option<&'a [u8; 32]>),
}

fn cell(field: Field, r: &RobotRecord) -> Cell<'_> {
    match field {
        Field::Id => Cell::Int(r.id),
        Field::Name => Cell::Text(&r.name),
        Field::Description => Cell::Text(&r.description),
        Field::Secret => Cell::Secret(r.secret_hash.as_ref()),
        Field::Salt => Cell::Text(&r.salt),
        Field::Duration => Cell::Int(r.duration),
        Field::ProjectId => Cell::Int(r.project_id),
        Field::ExpiresAt => Cell::Int(r.expires_at),
        Field::Disabled => Cell::Bool(r.disabled),
        Field::Visible => Cell::Bool(r.visible),
        Field::CreatorRef => Cell::Int(r.creator_ref),
        Field::CreatorType => Cell::Text(&r.creator_type),
        Field::CreationTime => Cell::Time(r.creation_time.saturating_mul(1000)),
        Field::UpdateTime => Cell::Time(r.update_time.saturating_mul(1000)),
    }
}

impl CompiledFilter {
    /// Whether the robot passes every clause.
    pub fn matches(&self, r: &RobotRecord) -> bool {
        self.preds.iter().all(|p| p.eval(r))
    }
}

impl Pred {
    fn eval(&self, r: &RobotRecord) -> bool {
        match self {
            Pred::Never => false,
            Pred::Cmp { field, op, rhs } => {
                let ord = match (cell(*field, r), rhs) {
                    (Cell::Int(a), Scalar::Int(b)) | (Cell::Time(a), Scalar::Time(b)) => a.cmp(b),
                    (Cell::Bool(a), Scalar::Bool(b)) => a.cmp(b),
                    (Cell::Text(a), Scalar::Text(b)) => collate::compare(a, b),
                    _ => return false,
                };
                op.holds(ord)
            }
            Pred::In { field, set } => set.contains(cell(*field, r)),
            Pred::Like { field, like } => match cell(*field, r) {
                Cell::Text(s) => like.matches(s),
                Cell::Int(i) => like.matches(itoa(i, &mut [0; 20])),
                Cell::Bool(b) => like.matches(if b { "true" } else { "false" }),
                Cell::Time(us) => {
                    let mut text = String::with_capacity(32);
                    pg_timestamp_text(us, &mut text);
                    like.matches(&text)
                }
                Cell::Secret(_) => false,
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

/// Resolves keys, types values and drops what Harbor ignores (unknown keys, `Secret`/`Salt`,
/// disallowed `__op` suffixes or more than one `__`, intersections). Time words such as `now`
/// in timestamp values are taken relative to the system clock; see [`compile_at`].
pub fn compile(filter: &Filter) -> Result<CompiledFilter, FilterError> {
    let now_us = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    compile_at(filter, now_us)
}

/// [`compile`] with "now" given in Unix microseconds (for PostgreSQL's `now`, `today`, …).
pub fn compile_at(filter: &Filter, now_us: i64) -> Result<CompiledFilter, FilterError> {
    let mut preds = Vec::new();
    for clause in filter.clauses() {
        compile_clause(clause, now_us, &mut preds)?;
    }
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
fn to_scalar(field: Field, value: &Bind<'_>, now_us: i64) -> Result<Scalar, FilterErrorKind> {
    let ty = field.column_type();
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
            }
        }
    };
    converted.ok_or(FilterErrorKind::InvalidValue)
}

/// The `LIKE` pattern beego builds for `__icontains`: `%` escaped (its only escaping), wrapped
/// in `%…%`; for a timestamp column after beego's string-to-time rewrite.
fn icontains_pattern(field: Field, value: &str) -> String {
    let value = if field.column_type() == ColumnType::Timestamp {
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

fn compile_clause(clause: &Clause, now_us: i64, out: &mut Vec<Pred>) -> Result<(), FilterError> {
    let mut pieces = clause.key.split("__");
    let field_key = pieces.next().unwrap_or_default();
    let op_text = pieces.next();
    if pieces.next().is_some() || Field::from_filter_key(field_key).is_none() {
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
    let field = Field::from_beego_key(field_key)
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
        to_scalar(field, &value, now_us).map_err(|kind| error(kind, value.text()))
    };
    let like = |pattern: String, shown: &str| {
        if pattern.contains('\0') {
            return Err(error(FilterErrorKind::InvalidEncoding, shown.to_string()));
        }
        Like::new(&pattern)
            .map(|like| Pred::Like { field, like })
            .ok_or_else(|| error(FilterErrorKind::InvalidValue, shown.to_string()))
    };
    let cmp = |op, rhs| Pred::Cmp { field, op, rhs };
    match &clause.pattern {
        Pattern::Exact(v) => {
            let pred = match op {
                Some(Op::Icontains) => like(icontains_pattern(field, v), v)?,
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
            out.push(like(icontains_pattern(field, &escaped), v)?);
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
                field,
                set: InSet::new(set),
            });
        }
        Pattern::AllOf(_) => {}
    }
    Ok(())
}

/// PostgreSQL's order for one column: typed, text by collation, NULL (a legacy robot's secret)
/// last.
fn compare_field(field: Field, a: &RobotRecord, b: &RobotRecord) -> Ordering {
    match (cell(field, a), cell(field, b)) {
        (Cell::Int(x), Cell::Int(y)) | (Cell::Time(x), Cell::Time(y)) => x.cmp(&y),
        (Cell::Bool(x), Cell::Bool(y)) => x.cmp(&y),
        (Cell::Text(x), Cell::Text(y)) => collate::compare(x, y),
        // The hex text Harbor stores sorts like the bytes.
        (Cell::Secret(x), Cell::Secret(y)) => match (x, y) {
            (Some(x), Some(y)) => x.cmp(y),
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
        },
        _ => Ordering::Equal,
    }
}

/// Orders two robots by `keys`, then by `id` ascending so that equal keys come out the same
/// way every time (Harbor has no tiebreaker; PostgreSQL's order for ties is unspecified).
pub fn compare(keys: &[SortKey], a: &RobotRecord, b: &RobotRecord) -> Ordering {
    let keys = if keys.is_empty() {
        &[SortKey::DEFAULT][..]
    } else {
        keys
    };
    keys.iter()
        .map(|k| {
            let ord = compare_field(k.field, a, b);
            if k.desc { ord.reverse() } else { ord }
        })
        .find(|ord| ord.is_ne())
        .unwrap_or_else(|| a.id.cmp(&b.id))
}

/// Filters, counts and pages: `total` is every match; the page is the sorted window
/// `LIMIT page_size OFFSET page_size*(page-1)`, where `page_size <= 0` means no limit and
/// `page <= 0` no offset (Harbor's `QuerySetter`). An empty `sort` means `name` ascending.
///
/// Only references are collected; for a bounded page the first `offset + page_size` matches are
/// picked with `select_nth_unstable_by` and only they are sorted.
pub fn select<'a>(
    robots: impl Iterator<Item = &'a RobotRecord>,
    filter: &CompiledFilter,
    sort: &[SortKey],
    page: i64,
    page_size: i64,
) -> (usize, Vec<&'a RobotRecord>) {
    let mut hits: Vec<&RobotRecord> = robots.filter(|r| filter.matches(r)).collect();
    let total = hits.len();
    let order = |a: &&RobotRecord, b: &&RobotRecord| compare(sort, a, b);
    if page_size <= 0 {
        hits.sort_unstable_by(order);
        return (total, hits);
    }
    let offset = if page > 0 {
        usize::try_from((page - 1).saturating_mul(page_size)).unwrap_or(usize::MAX)
    } else {
        0
    };
    if offset >= total {
        return (total, Vec::new());
    }
    let end = offset
        .saturating_add(usize::try_from(page_size).unwrap_or(usize::MAX))
        .min(total);
    if end < total {
        // Everything before index `end` is now among the `end` smallest, in no order.
        hits.select_nth_unstable_by(end, order);
        hits.truncate(end);
    }
    hits.sort_unstable_by(order);
    hits.drain(..offset);
    (total, hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse_q;
    use crate::query::parse_sort;

    /// 2026-08-21T06:00:00.123Z in milliseconds.
    const T0_MS: i64 = 1_787_292_000_123;
    const NOW_US: i64 = 1_800_000_000_000_000;

    fn robot(id: i64, name: &str) -> RobotRecord {
        RobotRecord {
            id,
            name: name.into(),
            description: Default::default(),
            secret_hash: Some([id as u8; 32]),
            salt: format!("salt{id}").into(),
            duration: 30,
            project_id: 0,
            expires_at: 1_700_000_000 + id,
            disabled: false,
            visible: true,
            creator_ref: 1,
            creator_type: "local".into(),
            creation_time: T0_MS + id * 1000,
            update_time: T0_MS + id * 1000,
            policies: vec![],
        }
    }

    /// A small, varied table.
    fn robots() -> Vec<RobotRecord> {
        let mut v = vec![
            robot(1, "ci"),
            robot(2, "library+ci"),
            robot(3, "ops"),
            robot(4, "library+CI-2"),
            robot(5, "50%_off"),
            robot(6, "back\\slash"),
        ];
        v[1].project_id = 1;
        v[3].project_id = 1;
        v[2].disabled = true;
        v[2].description = "Ops robot".into();
        v[4].description = "100% done".into();
        v[5].visible = false;
        v[5].creator_type = "robot".into();
        v[5].creation_time = T0_MS - 123; // exactly 06:00:00.000
        v[0].duration = -1;
        v[0].expires_at = -1;
        v
    }

    fn compiled(q: &str) -> Result<CompiledFilter, FilterError> {
        let filter = parse_q(q).unwrap_or_else(|e| panic!("{q:?}: {}", e.reason()));
        compile_at(&filter, NOW_US)
    }

    /// Ids of the robots `q` matches, in id order.
    fn ids(q: &str) -> Vec<i64> {
        let f = compiled(q).unwrap_or_else(|e| panic!("{q:?}: {e}"));
        robots()
            .iter()
            .filter(|r| f.matches(r))
            .map(|r| r.id)
            .collect()
    }

    #[test]
    fn key_spellings() {
        use Field::*;
        // (key, field it filters on, or None if Harbor ignores it)
        let cases: &[(&str, Option<Field>)] = &[
            ("ID", Some(Id)),
            ("id", Some(Id)),
            ("Id", Some(Id)),
            ("iD", None),
            ("Name", Some(Name)),
            ("name", Some(Name)),
            ("NAME", Some(Name)),
            ("nAME", None),
            ("Description", Some(Description)),
            ("description", Some(Description)),
            ("DESCRIPTION", Some(Description)),
            ("Duration", Some(Duration)),
            ("duration", Some(Duration)),
            ("ProjectID", Some(ProjectId)),
            ("project_id", Some(ProjectId)),
            ("projectId", Some(ProjectId)),
            ("projectID", Some(ProjectId)),
            ("ProjectId", Some(ProjectId)),
            ("projectid", None),
            ("PROJECTID", None),
            ("ExpiresAt", Some(ExpiresAt)),
            ("expiresat", Some(ExpiresAt)),
            ("EXPIRESAT", Some(ExpiresAt)),
            ("expires_at", None),
            ("expiresAt", None),
            ("Disabled", Some(Disabled)),
            ("disabled", Some(Disabled)),
            ("disable", None),
            ("Visible", Some(Visible)),
            ("visible", Some(Visible)),
            ("CreatorRef", Some(CreatorRef)),
            ("creator_ref", Some(CreatorRef)),
            ("creatorRef", Some(CreatorRef)),
            ("creatorref", None),
            ("CreatorType", Some(CreatorType)),
            ("creator_type", Some(CreatorType)),
            ("creatorType", Some(CreatorType)),
            ("CreationTime", Some(CreationTime)),
            ("creation_time", Some(CreationTime)),
            ("creationTime", Some(CreationTime)),
            ("creationtime", None),
            ("UpdateTime", Some(UpdateTime)),
            ("update_time", Some(UpdateTime)),
            ("updateTime", Some(UpdateTime)),
            ("Secret", None),
            ("secret", None),
            ("Salt", None),
            ("salt", None),
            ("Level", None),
            ("level", None),
            ("foo", None),
            ("editable", None),
            ("permissions", None),
            ("", None),
            (" name", None),
            ("name ", None),
            // Go lower-cases `İ` to a plain `i`.
            ("İD", Some(Id)),
        ];
        for (key, want) in cases {
            assert_eq!(Field::from_filter_key(key), *want, "key {key:?}");
            if key.is_empty() {
                continue;
            }
            // Through compile: a value matching nothing is a filter iff the key is used.
            let q = format!("{key}=~zzzz");
            let hits = ids(&q);
            assert_eq!(hits.is_empty(), want.is_some(), "q {q:?}");
        }
    }

    #[test]
    fn keys_harbor_accepts_but_beego_cannot_resolve() {
        for key in [
            "PROJECT_ID",
            "Project_ID",
            "project_ID",
            "Creation_time",
            "CREATOR_REF",
            "UPDATE_TIME",
        ] {
            assert!(Field::from_filter_key(key).is_some(), "{key}");
            let err = compiled(&format!("{key}=1")).unwrap_err();
            assert_eq!(err.kind, FilterErrorKind::UnresolvableKey, "{key}");
            // Intersections are skipped before the ORM sees them.
            assert!(compiled(&format!("{key}=(1 2)")).is_ok(), "{key}");
        }
    }

    #[test]
    fn operator_suffixes() {
        let cases: &[(&str, &[i64])] = &[
            ("name__icontains=CI", &[1, 2, 4]),
            ("name__icontains=ci-_", &[4]), // `_` is a wildcard here: no Harbor escaping
            ("description__icontains=100%", &[5]),
            ("name__exact=ci", &[1]),
            ("name__in=ci", &[1]),
            ("id__gt=4", &[5, 6]),
            ("id__gte=4", &[4, 5, 6]),
            ("id__lt=2", &[1]),
            ("id__lte= 2 ", &[1, 2]),
            ("ID__lte=2", &[1, 2]),
            ("name__lt=d", &[1, 5, 6]),
            ("creation_time__lt=2026-08-21 06:00:02", &[1, 6]),
            // Ignored: unknown operator, more than one `__`, empty operator, upper case.
            ("name__startswith=zzz", &[1, 2, 3, 4, 5, 6]),
            ("name__iexact=zzz", &[1, 2, 3, 4, 5, 6]),
            ("a__b__c=x", &[1, 2, 3, 4, 5, 6]),
            ("name__gt__lt=x", &[1, 2, 3, 4, 5, 6]),
            ("name__=zzz", &[1, 2, 3, 4, 5, 6]),
            ("__name=zzz", &[1, 2, 3, 4, 5, 6]),
            ("name__GT=zzz", &[1, 2, 3, 4, 5, 6]),
            ("secret__exact=x", &[1, 2, 3, 4, 5, 6]),
            ("name__bad=~x", &[1, 2, 3, 4, 5, 6]),
            ("id__gt=(1 2)", &[1, 2, 3, 4, 5, 6]),
        ];
        for (q, want) in cases {
            assert_eq!(ids(q), *want, "q {q:?}");
        }
        for q in [
            "name__gt=~x",
            "id__gte=[1~]",
            "id__in={1 2}",
            "name__exact={}",
        ] {
            let err = compiled(q).unwrap_err();
            assert_eq!(err.kind, FilterErrorKind::OperatorWithPattern, "q {q:?}");
        }
    }

    #[test]
    fn exact_fuzzy_range_union() {
        let cases: &[(&str, &[i64])] = &[
            ("", &[1, 2, 3, 4, 5, 6]),
            ("name=ci", &[1]),
            ("name=CI", &[]),
            ("name=\"ci\"", &[]),
            ("name=library%2Bci", &[2]),
            ("name=library+ci", &[]),
            ("name=~ci", &[1, 2, 4]),
            ("NAME=~Ci,project_id=1", &[2, 4]),
            ("name=~ci,name=ops", &[3]),
            ("name=~robot$", &[]),
            // Fuzzy escaping: `_` and `\` literal; `%` is `\` + wildcard (see harbor_escape).
            ("name=~%_", &[]),
            ("name=~_", &[5]),
            ("name=~k\\s", &[6]),
            ("name=~k%5Cs", &[6]),
            ("name=~k%25", &[6]),
            ("description=~100%25", &[]),
            ("description=~ROBOT", &[3]),
            // Fuzzy works on the text form of other columns.
            ("id=~1", &[1]),
            ("expiresat=~-", &[1]),
            ("expiresat=~00000", &[2, 3, 4, 5, 6]),
            ("duration=~-1", &[1]),
            ("disabled=~TRU", &[3]),
            ("Visible=~als", &[6]),
            ("creation_time=~06:00:01.123", &[1]),
            ("creation_time=~2026-08-21 06:00:00", &[6]),
            ("creation_time=~:05.", &[5]),
            ("creation_time=~2026-08-21", &[]), // beego turns it into `2026-08-21 00:00:00`
            // Exact on typed columns: PostgreSQL's input conversion.
            ("id=2", &[2]),
            ("id= 2 ", &[2]),
            ("id=+2", &[2]),
            ("id=0x2", &[2]),
            ("ProjectID=1", &[2, 4]),
            ("project_id=0,Visible=true", &[1, 3, 5]),
            ("disabled=t", &[3]),
            ("disabled=YES", &[3]),
            ("disabled=0", &[1, 2, 4, 5, 6]),
            ("visible=of", &[6]),
            ("creation_time=2026-08-21T06:00:00", &[6]),
            ("creation_time=2026-08-21 06:00:00", &[6]),
            ("creation_time=2026-08-21T06:00:01.123", &[1]),
            // beego cuts the space form to 19 bytes, so the milliseconds never match.
            ("creation_time=2026-08-21 06:00:01.123", &[]),
            ("creator_type=robot", &[6]),
            ("expiresat=-1", &[1]),
            // Ranges, typed.
            ("id=[2~4]", &[2, 3, 4]),
            ("id=[5~]", &[5, 6]),
            ("id=[~1]", &[1]),
            ("id=[\"2\"~'3']", &[2, 3]),
            ("id=[4~2]", &[]),
            ("expiresat=[1700000000~]", &[2, 3, 4, 5, 6]),
            (
                "creation_time=[2026-08-21T06:00:02~2026-08-21T06:00:04]",
                &[2, 3],
            ),
            ("creation_time=[2026-08-21T06:00:02.999~]", &[2, 3, 4, 5]),
            ("creation_time=[2026-08-21~]", &[1, 2, 3, 4, 5, 6]),
            ("creation_time=[~2026-08-20]", &[]),
            ("name=[l~o]", &[2, 4]),
            ("name=[L~O]", &[2, 4]),
            ("disabled=[true~]", &[3]),
            ("name=[2026-01-01T00:00:00~]", &[1, 2, 3, 4, 5, 6]),
            // Unions.
            ("id={1 3 99}", &[1, 3]),
            ("id={}", &[]),
            ("id={'' \"\"}", &[]),
            ("name={ci ops}", &[1, 3]),
            ("name={\"ci\" 'ops'}", &[1, 3]),
            ("disabled={true}", &[3]),
            ("creation_time={2026-08-21T06:00:00}", &[6]),
            ("project_id={\"1\"}", &[2, 4]),
            // Intersections are ignored.
            ("id=(1 2)", &[1, 2, 3, 4, 5, 6]),
            ("id=(abc)", &[1, 2, 3, 4, 5, 6]),
        ];
        for (q, want) in cases {
            assert_eq!(ids(q), *want, "q {q:?}");
        }
    }

    #[test]
    fn values_postgresql_cannot_convert() {
        // (q, key and value the error names)
        let cases: &[(&str, &str, &str)] = &[
            ("id=abc", "id", "abc"),
            ("id=1.5", "id", "1.5"),
            ("id=\"1\"", "id", "\"1\""),
            ("id=9223372036854775808", "id", "9223372036854775808"),
            ("duration=3000000000", "duration", "3000000000"),
            ("disabled=maybe", "disabled", "maybe"),
            (
                "creation_time=yesterdayish",
                "creation_time",
                "yesterdayish",
            ),
            ("creation_time=12:00:00", "creation_time", "12:00:00"),
            ("id=[a~]", "id", "a"),
            ("id=[1~b]", "id", "b"),
            ("id=[2026-01-01T00:00:00~]", "id", "2026-01-01 00:00:00"),
            ("duration=[~3000000000]", "duration", "3000000000"),
            ("name={1 2}", "name", "1"),
            ("name=[1~]", "name", "1"),
            ("disabled=[1~]", "disabled", "1"),
            ("creation_time=[1~]", "creation_time", "1"),
            (
                "creation_time=[0000-01-01T00:00:00~]",
                "creation_time",
                "0000-01-01 00:00:00",
            ),
            ("id={1 x}", "id", "x"),
            ("name=a%00b", "name", "a\0b"),
            ("name=~a%00", "name", "a\0"),
        ];
        for (q, key, value) in cases {
            let err = compiled(q).expect_err(q);
            assert_eq!(
                (err.key.as_str(), err.value.as_str()),
                (*key, *value),
                "q {q:?}"
            );
        }
        assert_eq!(
            compiled("id=abc").unwrap_err().to_string(),
            r#"invalid value for id: "abc""#
        );
        assert_eq!(
            compiled("name=%FF").unwrap_err().kind,
            FilterErrorKind::InvalidEncoding
        );
        // Unknown keys are never checked.
        assert!(compiled("foo=%FF,level=[a~],Secret=abc,expires_at=x").is_ok());
    }

    #[test]
    fn forced_filters_and_with_other_spellings() {
        let mut f = parse_q("project_id=1,ProjectID=~1").unwrap();
        f.set_exact("ProjectID", "0".into());
        f.set_exact("Visible", "true".into());
        let c = compile_at(&f, NOW_US).unwrap();
        assert!(robots().iter().all(|r| !c.matches(r)));
        let mut f = parse_q("Level=system,name=~o").unwrap();
        f.remove("Level");
        f.set_exact("ProjectID", "0".into());
        f.set_exact("Visible", "true".into());
        let c = compile_at(&f, NOW_US).unwrap();
        let hits: Vec<i64> = robots()
            .iter()
            .filter(|r| c.matches(r))
            .map(|r| r.id)
            .collect();
        assert_eq!(hits, [3, 5]);
    }

    fn sorted_ids(sort: &str, table: &[RobotRecord]) -> Vec<i64> {
        let (_, page) = select(
            table.iter(),
            &CompiledFilter::default(),
            &parse_sort(sort),
            1,
            0,
        );
        page.iter().map(|r| r.id).collect()
    }

    #[test]
    fn sort_is_typed_per_field() {
        let mut table: Vec<RobotRecord> = (1..=12).map(|i| robot(i, &format!("r{i}"))).collect();
        // Names: numbers sort as text; case and punctuation by collation.
        assert_eq!(
            sorted_ids("", &table),
            [1, 10, 11, 12, 2, 3, 4, 5, 6, 7, 8, 9]
        );
        assert_eq!(sorted_ids("name", &table), sorted_ids("", &table));
        // Ids and other integers numerically.
        assert_eq!(
            sorted_ids("-id", &table),
            [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
        );
        table[0].duration = 100;
        table[1].duration = 9;
        table[2].duration = -1;
        assert_eq!(sorted_ids("duration", &table)[..3], [3, 2, 4]);
        assert_eq!(sorted_ids("-Duration", &table)[..2], [1, 4]);
        // Bools: false first; ties broken by id.
        table[4].disabled = true;
        table[7].disabled = true;
        assert_eq!(sorted_ids("-disabled", &table)[..3], [5, 8, 1]);
        assert_eq!(sorted_ids("disabled,-id", &table)[..2], [12, 11]);
        // Timestamps.
        table[5].creation_time = 0;
        assert_eq!(sorted_ids("creation_time", &table)[..2], [6, 1]);
        assert_eq!(sorted_ids("-CreationTime", &table)[..2], [12, 11]);
        // Text by collation: lower before upper, punctuation before letters.
        table[0].name = "b".into();
        table[1].name = "B".into();
        table[2].name = "a-b".into();
        table[3].name = "a+b".into();
        table[4].name = "ab".into();
        assert_eq!(sorted_ids("name", &table)[..5], [3, 4, 5, 1, 2]);
        // Secret: NULL (legacy) last ascending, first descending.
        table[6].secret_hash = None;
        assert_eq!(*sorted_ids("secret", &table).last().unwrap(), 7);
        assert_eq!(sorted_ids("-Secret", &table)[0], 7);
        // Several keys.
        for r in &mut table {
            r.project_id = r.id % 3;
        }
        assert_eq!(sorted_ids("project_id,-id", &table)[..4], [12, 9, 6, 3]);
        // Unknown keys fall back to name.
        assert_eq!(
            sorted_ids("creationTime", &table),
            sorted_ids("name", &table)
        );
    }

    #[test]
    fn window_semantics() {
        let table: Vec<RobotRecord> = (1..=25).map(|i| robot(i, &format!("r{i:02}"))).collect();
        let all = CompiledFilter::default();
        let by_id = parse_sort("id");
        let page = |page, size| {
            let (total, rows) = select(table.iter(), &all, &by_id, page, size);
            (total, rows.iter().map(|r| r.id).collect::<Vec<_>>())
        };
        let range = |a: i64, b: i64| (a..=b).collect::<Vec<_>>();
        assert_eq!(page(1, 10), (25, range(1, 10)));
        assert_eq!(page(2, 10), (25, range(11, 20)));
        assert_eq!(page(3, 10), (25, range(21, 25)));
        assert_eq!(page(4, 10), (25, vec![]));
        assert_eq!(page(0, 10), (25, range(1, 10)));
        assert_eq!(page(-3, 10), (25, range(1, 10)));
        assert_eq!(page(1, 0), (25, range(1, 25)));
        assert_eq!(page(7, -1), (25, range(1, 25)));
        assert_eq!(page(25, 1), (25, vec![25]));
        assert_eq!(page(1, 100), (25, range(1, 25)));
        assert_eq!(page(i64::MAX, 100), (25, vec![]));
        // A filtered count ignores the window.
        let f = compiled("id=[5~]").unwrap();
        let (total, rows) = select(table.iter(), &f, &parse_sort("-id"), 2, 5);
        assert_eq!(total, 21);
        assert_eq!(
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            range(16, 20).into_iter().rev().collect::<Vec<_>>()
        );
        // Every window agrees with a full sort.
        let sort = parse_sort("disabled,-name");
        let (_, full) = select(table.iter(), &all, &sort, 1, 0);
        for size in 1..=26 {
            for p in 1..=27 {
                let (_, rows) = select(table.iter(), &all, &sort, p, size);
                let start = ((p - 1) * size) as usize;
                let want: Vec<_> = full
                    .iter()
                    .skip(start)
                    .take(size as usize)
                    .map(|r| r.id)
                    .collect();
                assert_eq!(
                    rows.iter().map(|r| r.id).collect::<Vec<_>>(),
                    want,
                    "page {p} size {size}"
                );
            }
        }
    }

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

    #[test]
    fn itoa_formats_extremes() {
        for v in [0, 7, -7, 1_234_567, i64::MAX, i64::MIN] {
            assert_eq!(itoa(v, &mut [0; 20]), v.to_string());
        }
    }
}

//! Property tests: the parser never panics, and parse → compile → select (the path every list
//! takes) agrees with a deliberately naive reference written here from the spec (spec §4), on
//! random robots.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use time::OffsetDateTime;
use time::macros::format_description;

use std::collections::BTreeMap;

use super::{RobotColumn, RobotRecord};
use crate::query::{CompiledFilter, Paging, compile, parse_q, parse_sort, select};

/// 2026-08-21T06:00:00Z in seconds.
const T0: i64 = 1_787_292_000;
const NOW_MS: i64 = T0 * 1_000;

proptest! {
    // Failing seeds are kept beside this file (`proptests.regressions`), not in the crate root.
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn parser_never_panics_on_any_text(q in any::<String>()) {
        check_no_panic(&q);
    }

    #[test]
    fn parser_never_panics_on_query_like_text(
        q in r#"[a-zA-Z_=,~\[\]{}() \\%+"'0-9.:T-]{0,80}"#
    ) {
        check_no_panic(&q);
    }

    #[test]
    fn evaluation_agrees_with_reference(
        robots in prop::collection::vec(robot_strategy(), 0..24),
        specs in prop::collection::vec(spec_strategy(), 0..4),
        sort in 0..SORTS.len(),
        page in -1i64..5,
        page_size in -1i64..8,
    ) {
        let robots: Vec<RobotRecord> = robots
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| { r.id = i as i64 + 1; r })
            .collect();
        let q = specs.iter().map(|s| format!("{}={}", s.key(), s.value())).collect::<Vec<_>>().join(",");
        let filter = parse_q(&q).map_err(|e| TestCaseError::fail(format!("{q:?}: {}", e.reason())))?;
        let compiled: CompiledFilter<RobotColumn> = compile(&filter, NOW_MS).map_err(|e| TestCaseError::fail(format!("{q:?}: {e}")))?;

        // The reference: the last spec per raw key, all ANDed.
        let mut effective: Vec<&Spec> = Vec::new();
        for s in &specs {
            effective.retain(|e| e.key() != s.key());
            effective.push(s);
        }
        let expect = |r: &RobotRecord| effective.iter().all(|s| s.holds(r));
        for r in &robots {
            prop_assert_eq!(compiled.matches(r), expect(r), "q {:?} robot {:?}", q, r);
        }

        let (sort_text, reference_order) = SORTS[sort];
        let mut want: Vec<&RobotRecord> = robots.iter().filter(|r| expect(r)).collect();
        want.sort_by(|a, b| reference_order(a, b).then(a.id.cmp(&b.id)));
        let total = want.len();
        if page_size > 0 {
            let skip = if page > 0 { ((page - 1) * page_size) as usize } else { 0 };
            want = want.into_iter().skip(skip).take(page_size as usize).collect();
        }
        let table: BTreeMap<i64, RobotRecord> = robots.iter().map(|r| (r.id, r.clone())).collect();
        let selection = select(&table, &compiled, &parse_sort(sort_text), Paging { page, page_size });
        let got = selection.page();
        prop_assert_eq!(selection.total, total);
        let ids = |v: &[&RobotRecord]| v.iter().map(|r| r.id).collect::<Vec<_>>();
        prop_assert_eq!(ids(got), ids(&want), "q {:?} sort {:?} page {} size {}", q, sort_text, page, page_size);
    }
}

fn check_no_panic(q: &str) {
    match parse_q(q) {
        Ok(filter) => {
            for c in filter.clauses() {
                assert!(c.key_span.start <= c.key_span.end && c.key_span.end < c.value_span.end);
            }
            if let Ok(compiled) = compile::<RobotColumn>(&filter, NOW_MS) {
                let table = BTreeMap::from([(1, sample_robot())]);
                let _ = select(&table, &compiled, &parse_sort(q), Paging::DEFAULT);
            }
        }
        Err(e) => {
            assert!(e.span.start <= e.span.end);
            assert!(!e.to_string().is_empty());
        }
    }
}

fn sample_robot() -> RobotRecord {
    RobotRecord {
        id: 1,
        name: "library+ci".into(),
        description: "CI pusher".into(),
        secret_hash: None,
        salt: Default::default(),
        duration: 30,
        project_id: 1,
        expires_at: -1,
        disabled: false,
        visible: true,
        creator_ref: 1,
        creator_type: "local".into(),
        creation_time: T0 * 1000,
        update_time: T0 * 1000,
        policies: vec![],
    }
}

fn robot_strategy() -> impl Strategy<Value = RobotRecord> {
    (
        ("[a-z0-9+]{1,6}", "[a-zA-Z ]{0,6}", -1i64..40, 0i64..4),
        (
            prop_oneof![Just(-1i64), 1_700_000_000i64..1_700_000_100],
            any::<bool>(),
            any::<bool>(),
            0i64..5,
        ),
        (
            prop::sample::select(vec!["local", "robot"]),
            0i64..200_000,
            0i64..200_000,
        ),
    )
        .prop_map(
            |(
                (name, description, duration, project_id),
                (expires_at, disabled, visible, creator_ref),
                (creator_type, c, u),
            )| {
                RobotRecord {
                    id: 0,
                    name: name.into(),
                    description: description.into(),
                    secret_hash: None,
                    salt: Default::default(),
                    duration,
                    project_id,
                    expires_at,
                    disabled,
                    visible,
                    creator_ref,
                    creator_type: creator_type.into(),
                    creation_time: T0 * 1000 + c,
                    update_time: T0 * 1000 + u,
                    policies: vec![],
                }
            },
        )
}

#[derive(Clone, Copy, Debug)]
enum IntCol {
    Id,
    Duration,
    ProjectId,
    ExpiresAt,
    CreatorRef,
}

impl IntCol {
    fn keys(self) -> &'static [&'static str] {
        match self {
            IntCol::Id => &["id", "ID", "Id"],
            IntCol::Duration => &["duration", "Duration", "DURATION"],
            IntCol::ProjectId => &["project_id", "ProjectID", "projectId"],
            IntCol::ExpiresAt => &["expiresat", "ExpiresAt"],
            IntCol::CreatorRef => &["creator_ref", "CreatorRef", "creatorRef"],
        }
    }

    fn get(self, r: &RobotRecord) -> i64 {
        match self {
            IntCol::Id => r.id,
            IntCol::Duration => r.duration,
            IntCol::ProjectId => r.project_id,
            IntCol::ExpiresAt => r.expires_at,
            IntCol::CreatorRef => r.creator_ref,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum TextCol {
    Name,
    Description,
    CreatorType,
}

impl TextCol {
    fn keys(self) -> &'static [&'static str] {
        match self {
            TextCol::Name => &["name", "Name", "NAME"],
            TextCol::Description => &["description", "Description"],
            TextCol::CreatorType => &["creator_type", "CreatorType", "creatorType"],
        }
    }

    fn get(self, r: &RobotRecord) -> &str {
        match self {
            TextCol::Name => &r.name,
            TextCol::Description => &r.description,
            TextCol::CreatorType => &r.creator_type,
        }
    }
}

/// One generated clause: enough to write it into `q` and to evaluate it naively.
#[derive(Clone, Debug)]
enum Spec {
    ExactInt(IntCol, usize, i64, usize),
    FuzzyInt(IntCol, usize, String),
    RangeInt(IntCol, usize, Option<i64>, Option<i64>),
    AnyInt(IntCol, usize, Vec<i64>),
    ExactText(TextCol, usize, String),
    FuzzyText(TextCol, usize, String),
    RangeName(Option<String>, Option<String>),
    AnyText(TextCol, usize, Vec<String>),
    ExactBool(bool, bool, usize),
    RangeCreation(Option<i64>, Option<i64>),
    Ignored(&'static str, String),
}

const TRUE_SPELLINGS: &[&str] = &["true", "TRUE", "t", "y", "yes", "on", "1", " true "];
const FALSE_SPELLINGS: &[&str] = &["false", "f", "F", "n", "no", "off", "0"];

fn int_col() -> impl Strategy<Value = IntCol> {
    prop::sample::select(vec![
        IntCol::Id,
        IntCol::Duration,
        IntCol::ProjectId,
        IntCol::ExpiresAt,
        IntCol::CreatorRef,
    ])
}

fn text_col() -> impl Strategy<Value = TextCol> {
    prop::sample::select(vec![
        TextCol::Name,
        TextCol::Description,
        TextCol::CreatorType,
    ])
}

fn small_int() -> impl Strategy<Value = i64> {
    prop_oneof![-2i64..30, Just(1_700_000_050i64)]
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    prop_oneof![
        (int_col(), 0usize..3, small_int(), 0usize..3)
            .prop_map(|(c, k, v, s)| Spec::ExactInt(c, k, v, s)),
        (int_col(), 0usize..3, "-?[0-9]{1,2}").prop_map(|(c, k, n)| Spec::FuzzyInt(c, k, n)),
        (
            int_col(),
            0usize..3,
            prop::option::of(small_int()),
            prop::option::of(small_int())
        )
            .prop_filter("one bound", |(_, _, a, b)| a.is_some() || b.is_some())
            .prop_map(|(c, k, a, b)| Spec::RangeInt(c, k, a, b)),
        (
            int_col(),
            0usize..3,
            prop::collection::vec(small_int(), 0..4)
        )
            .prop_map(|(c, k, v)| Spec::AnyInt(c, k, v)),
        (text_col(), 0usize..3, "[a-z0-9+]{1,3}").prop_map(|(c, k, v)| Spec::ExactText(c, k, v)),
        (text_col(), 0usize..3, "[a-zA-Z0-9+ ]{1,2}")
            .prop_map(|(c, k, v)| Spec::FuzzyText(c, k, v)),
        (
            prop::option::of("[a-z]{1,2}"),
            prop::option::of("[a-z]{1,2}")
        )
            .prop_filter("one bound", |(a, b)| a.is_some() || b.is_some())
            .prop_map(|(a, b)| Spec::RangeName(a, b)),
        (
            text_col(),
            0usize..3,
            prop::collection::vec("[a-z][a-z0-9]{0,2}", 0..3)
        )
            .prop_map(|(c, k, v)| Spec::AnyText(c, k, v)),
        (any::<bool>(), any::<bool>(), 0usize..7)
            .prop_map(|(col, v, s)| Spec::ExactBool(col, v, s)),
        (prop::option::of(-2i64..202), prop::option::of(-2i64..202))
            .prop_filter("one bound", |(a, b)| a.is_some() || b.is_some())
            .prop_map(|(a, b)| Spec::RangeCreation(a, b)),
        (
            prop::sample::select(vec![
                "foo",
                "Level",
                "level",
                "expires_at",
                "disable",
                "Secret",
                "salt",
                "a__b__c",
                "name__startswith",
                "id__x"
            ]),
            "[a-z]{1,3}"
        )
            .prop_map(|(k, v)| Spec::Ignored(k, v)),
        prop::collection::vec(1i64..9, 0..3)
            .prop_map(|v| Spec::Ignored("id", format!("({})", join(&v)))),
    ]
}

fn join<T: ToString>(items: &[T]) -> String {
    items.iter().map(T::to_string).collect::<Vec<_>>().join(" ")
}

/// `+` must reach the parser as `%2B` to survive the second decoding.
fn encode(s: &str) -> String {
    s.replace('+', "%2B")
}

fn t_format(secs: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(secs).expect("in range");
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]"
    ))
    .expect("formattable")
}

impl Spec {
    fn key(&self) -> String {
        match self {
            Spec::ExactInt(c, k, ..)
            | Spec::FuzzyInt(c, k, _)
            | Spec::RangeInt(c, k, ..)
            | Spec::AnyInt(c, k, _) => c.keys()[k % c.keys().len()].to_string(),
            Spec::ExactText(c, k, _) | Spec::FuzzyText(c, k, _) | Spec::AnyText(c, k, _) => {
                c.keys()[k % c.keys().len()].to_string()
            }
            Spec::RangeName(..) => "Name".into(),
            Spec::ExactBool(disabled, ..) => if *disabled { "disabled" } else { "Visible" }.into(),
            Spec::RangeCreation(..) => "creation_time".into(),
            Spec::Ignored(k, _) => k.to_string(),
        }
    }

    fn value(&self) -> String {
        match self {
            Spec::ExactInt(_, _, v, spelling) => match spelling {
                0 => v.to_string(),
                1 => format!(" {v} "),
                _ if *v >= 0 => format!("%2B{v}"),
                _ => v.to_string(),
            },
            Spec::FuzzyInt(_, _, n) => format!("~{n}"),
            Spec::RangeInt(_, _, a, b) => format!(
                "[{}~{}]",
                a.map(|v| v.to_string()).unwrap_or_default(),
                b.map(|v| v.to_string()).unwrap_or_default()
            ),
            Spec::AnyInt(_, _, v) => format!("{{{}}}", join(v)),
            Spec::ExactText(_, _, v) => encode(v),
            Spec::FuzzyText(_, _, n) => format!("~{}", encode(n).replace(' ', "+")),
            Spec::RangeName(a, b) => format!(
                "[{}~{}]",
                a.clone().unwrap_or_default(),
                b.clone().unwrap_or_default()
            ),
            Spec::AnyText(_, _, v) => format!("{{{}}}", join(v)),
            Spec::ExactBool(_, v, s) => {
                let spellings = if *v { TRUE_SPELLINGS } else { FALSE_SPELLINGS };
                spellings[s % spellings.len()].replace(' ', "+")
            }
            Spec::RangeCreation(a, b) => format!(
                "[{}~{}]",
                a.map(|s| t_format(T0 + s)).unwrap_or_default(),
                b.map(|s| t_format(T0 + s)).unwrap_or_default()
            ),
            Spec::Ignored(_, v) => v.clone(),
        }
    }

    /// The naive meaning of the clause.
    fn holds(&self, r: &RobotRecord) -> bool {
        match self {
            Spec::ExactInt(c, _, v, _) => c.get(r) == *v,
            Spec::FuzzyInt(c, _, n) => c.get(r).to_string().contains(n.as_str()),
            Spec::RangeInt(c, _, a, b) => {
                let x = c.get(r);
                a.is_none_or(|a| x >= a) && b.is_none_or(|b| x <= b)
            }
            Spec::AnyInt(c, _, v) => v.contains(&c.get(r)),
            Spec::ExactText(c, _, v) => c.get(r) == v,
            Spec::FuzzyText(c, _, n) => c.get(r).to_uppercase().contains(&n.to_uppercase()),
            // Names are lower-case ASCII letters, digits and `+`, which collate in byte order.
            Spec::RangeName(a, b) => {
                let x = r.name.as_str();
                a.as_deref().is_none_or(|a| x >= a) && b.as_deref().is_none_or(|b| x <= b)
            }
            Spec::AnyText(c, _, v) => v.iter().any(|s| s == c.get(r)),
            Spec::ExactBool(disabled, v, _) => {
                (if *disabled { r.disabled } else { r.visible }) == *v
            }
            Spec::RangeCreation(a, b) => {
                let ms = r.creation_time;
                a.is_none_or(|s| ms >= (T0 + s) * 1000) && b.is_none_or(|s| ms <= (T0 + s) * 1000)
            }
            Spec::Ignored(..) => true,
        }
    }
}

type Order = fn(&RobotRecord, &RobotRecord) -> std::cmp::Ordering;

/// `sort` texts with their naive comparators (before the id tiebreak).
const SORTS: &[(&str, Order)] = &[
    ("", |a, b| a.name.cmp(&b.name)),
    ("bogus,creationTime", |a, b| a.name.cmp(&b.name)),
    ("-name", |a, b| b.name.cmp(&a.name)),
    ("-id", |a, b| b.id.cmp(&a.id)),
    ("duration,-ID", |a, b| {
        a.duration.cmp(&b.duration).then(b.id.cmp(&a.id))
    }),
    ("-creation_time", |a, b| {
        b.creation_time.cmp(&a.creation_time)
    }),
    ("disabled,Name", |a, b| {
        a.disabled.cmp(&b.disabled).then(a.name.cmp(&b.name))
    }),
    ("project_id,-expiresat", |a, b| {
        a.project_id
            .cmp(&b.project_id)
            .then(b.expires_at.cmp(&a.expires_at))
    }),
    ("-Visible,creator_type", |a, b| {
        b.visible
            .cmp(&a.visible)
            .then(a.creator_type.cmp(&b.creator_type))
    }),
];

#[test]
fn compiled_default_matches_everything() {
    assert!(CompiledFilter::<RobotColumn>::default().matches(&sample_robot()));
}

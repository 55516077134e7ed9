//! The query language over the robot table: Harbor's key spellings, operators and value
//! conversions, and the typed sort.

use std::collections::BTreeMap;

use super::*;
use crate::query::{
    CompiledFilter, FilterError, FilterErrorKind, Paging, SortKey, compile, filter_column, parse_q,
    parse_sort, select,
};

/// 2026-08-21T06:00:00.123Z in milliseconds.
const T0_MS: i64 = 1_787_292_000_123;
const NOW_MS: i64 = 1_800_000_000_000;

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

fn compiled(q: &str) -> Result<CompiledFilter<RobotColumn>, FilterError> {
    let filter = parse_q(q).unwrap_or_else(|e| panic!("{q:?}: {}", e.reason()));
    compile(&filter, NOW_MS)
}

fn table(rows: &[RobotRecord]) -> BTreeMap<i64, RobotRecord> {
    rows.iter().map(|r| (r.id, r.clone())).collect()
}

/// Ids of the robots `q` matches, in id order.
fn ids(q: &str) -> Vec<i64> {
    let f = compiled(q).unwrap_or_else(|e| panic!("{q:?}: {e}"));
    robots()
        .iter()
        .filter(|r| f.matches(*r))
        .map(|r| r.id)
        .collect()
}

#[test]
fn key_spellings() {
    use RobotColumn::*;
    // (key, column it filters on, or None if Harbor ignores it)
    let cases: &[(&str, Option<RobotColumn>)] = &[
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
        assert_eq!(filter_column::<RobotColumn>(key), *want, "key {key:?}");
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
        assert!(filter_column::<RobotColumn>(key).is_some(), "{key}");
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
    let c: CompiledFilter<RobotColumn> = compile(&f, NOW_MS).unwrap();
    assert!(robots().iter().all(|r| !c.matches(r)));
    let mut f = parse_q("Level=system,name=~o").unwrap();
    f.remove("Level");
    f.set_exact("ProjectID", "0".into());
    f.set_exact("Visible", "true".into());
    let c: CompiledFilter<RobotColumn> = compile(&f, NOW_MS).unwrap();
    let hits: Vec<i64> = robots()
        .iter()
        .filter(|r| c.matches(*r))
        .map(|r| r.id)
        .collect();
    assert_eq!(hits, [3, 5]);
}

fn sorted_ids(sort: &str, rows: &[RobotRecord]) -> Vec<i64> {
    let rows = table(rows);
    let all = Paging {
        page: 1,
        page_size: 0,
    };
    let selection = select(&rows, &CompiledFilter::default(), &parse_sort(sort), all);
    selection.page().iter().map(|r| r.id).collect()
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
    let rows: Vec<RobotRecord> = (1..=25).map(|i| robot(i, &format!("r{i:02}"))).collect();
    let table = table(&rows);
    let all = CompiledFilter::default();
    let by_id = parse_sort("id");
    let ids = |s: &crate::query::Selection<'_, RobotRecord>| {
        s.page().iter().map(|r| r.id).collect::<Vec<_>>()
    };
    let page = |page, page_size| {
        let s = select(&table, &all, &by_id, Paging { page, page_size });
        (s.total, ids(&s))
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
    let s = select(
        &table,
        &f,
        &parse_sort("-id"),
        Paging {
            page: 2,
            page_size: 5,
        },
    );
    assert_eq!(s.total, 21);
    assert_eq!(ids(&s), range(16, 20).into_iter().rev().collect::<Vec<_>>());
    // Every window agrees with a full sort.
    let sort = parse_sort("disabled,-name");
    let full = ids(&select(
        &table,
        &all,
        &sort,
        Paging {
            page: 1,
            page_size: 0,
        },
    ));
    for size in 1..=26 {
        for p in 1..=27 {
            let s = select(
                &table,
                &all,
                &sort,
                Paging {
                    page: p,
                    page_size: size,
                },
            );
            let start = ((p - 1) * size) as usize;
            let want: Vec<_> = full
                .iter()
                .skip(start)
                .take(size as usize)
                .copied()
                .collect();
            assert_eq!(ids(&s), want, "page {p} size {size}");
        }
    }
}

#[test]
fn sort_keys() {
    use RobotColumn::*;
    let key = |column, desc| SortKey { column, desc };
    let cases: &[(&str, Vec<SortKey<RobotColumn>>)] = &[
        ("", vec![key(Name, false)]),
        (
            "-creation_time,name",
            vec![key(CreationTime, true), key(Name, false)],
        ),
        ("CreationTime", vec![key(CreationTime, false)]),
        ("creationTime", vec![key(Name, false)]),
        ("ID,-id", vec![key(Id, false)]),
        ("foo,,-,--name,expires_at,level", vec![key(Name, false)]),
        (
            "expiresat,-Secret,salt",
            vec![key(ExpiresAt, false), key(Secret, true), key(Salt, false)],
        ),
        ("-ProjectID,project_id", vec![key(ProjectId, true)]),
        (" name", vec![key(Name, false)]),
        ("NAME", vec![key(Name, false)]),
        (
            "-disabled,Visible,duration,creator_ref,CreatorType,update_time,description",
            vec![
                key(Disabled, true),
                key(Visible, false),
                key(Duration, false),
                key(CreatorRef, false),
                key(CreatorType, false),
                key(UpdateTime, false),
                key(Description, false),
            ],
        ),
    ];
    for (sort, want) in cases {
        assert_eq!(&parse_sort::<RobotColumn>(sort), want, "sort = {sort:?}");
    }
    assert_eq!(
        parse_sort::<RobotColumn>(&"visible,".repeat(10_000)).len(),
        1
    );
}

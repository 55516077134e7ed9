//! `q` parsing, and filter + sort + page over 1k / 10k / 100k robots.
//!
//! Run with `cargo bench --bench query`; `cargo bench --bench query -- --test` runs each once.

use std::hint::black_box;

use std::collections::BTreeMap;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use harbor_mock::harbor::robots::ListScope;
use harbor_mock::query::{CompiledFilter, Paging, compile, parse_q, parse_sort, select};
use harbor_mock::store::{RobotColumn, RobotRecord};

/// A fixed "now" for time words (2026-08-21T06:00:00Z).
const NOW_MS: i64 = 1_787_292_000_000;

/// A tiny deterministic generator (SplitMix64), so the data is the same on every run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "build", "deploy", "scan", "ops", "pull", "push", "mirror", "backup", "sync", "release",
    "nightly", "ci", "gitlab", "jenkins", "argo", "flux",
];
const PROJECTS: &[&str] = &["library", "team-a", "infra", "ml", "web", "data"];

/// `n` robots by id: a third at system level, the rest `<project>+<word>-<n>`; about one in
/// eight names contains `ci`.
fn robots(n: usize) -> BTreeMap<i64, RobotRecord> {
    let mut rng = SplitMix(42);
    let base_ms = 1_767_225_600_000; // 2026-01-01
    (0..n)
        .map(|i| {
            let project_id = if rng.below(3) == 0 {
                0
            } else {
                1 + rng.below(6) as i64
            };
            let word = rng.pick(WORDS);
            let name = match project_id {
                0 => format!("{word}-{i}"),
                p => format!("{}+{word}-{i}", PROJECTS[p as usize - 1]),
            };
            let created = base_ms + rng.below(200 * 86_400_000) as i64;
            let duration = [-1, 30, 90, 365][rng.below(4) as usize];
            let record = RobotRecord {
                id: i as i64 + 1,
                name: name.into(),
                description: format!("{word} robot number {i}").into(),
                secret_hash: Some([(i % 251) as u8; 32]),
                salt: format!("salt{i}").into(),
                duration,
                project_id,
                expires_at: if duration < 0 {
                    -1
                } else {
                    created / 1000 + duration * 86_400
                },
                disabled: rng.below(10) == 0,
                visible: true,
                creator_ref: 1 + rng.below(5) as i64,
                creator_type: rng.pick(&["local", "robot"]).into(),
                creation_time: created,
                update_time: created + rng.below(86_400_000) as i64,
                policies: Vec::new(),
            };
            (record.id, record)
        })
        .collect()
}

fn bench_parse(c: &mut Criterion) {
    let long = format!(
        "id={{{}}},name=~ci",
        (1..=600)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let cases = [
        ("fuzzy", "name=~ci".to_string()),
        ("list-call", "Level=project,ProjectID=1,name=~ci".to_string()),
        (
            "mixed",
            "Level=project,ProjectID=1,name=library%252Bci,id={3 5 8},creation_time=[2026-01-01T00:00:00~2026-02-01T00:00:00],Disabled=false".to_string(),
        ),
        ("600-item-union", long),
    ];
    let mut group = c.benchmark_group("parse_q");
    for (name, q) in &cases {
        group.bench_with_input(BenchmarkId::from_parameter(name), q, |b, q| {
            b.iter(|| parse_q(black_box(q)).expect("valid q"))
        });
    }
    group.finish();
}

fn bench_select(c: &mut Criterion) {
    let first = Paging {
        page: 1,
        page_size: 10,
    };
    let mut group = c.benchmark_group("select name=~ci sort=-creation_time page=1 size=10");
    for n in [1_000, 10_000, 100_000] {
        let table = robots(n);
        let filter: CompiledFilter<RobotColumn> =
            compile(&parse_q("name=~ci").expect("valid q"), NOW_MS).expect("compiles");
        let sort = parse_sort("-creation_time");
        let selection = select(&table, &filter, &sort, first);
        let total = selection.total;
        assert!(
            total > n / 20 && selection.page().len() == 10,
            "{total} matches"
        );
        group.bench_with_input(BenchmarkId::from_parameter(n), &table, |b, table| {
            b.iter(|| select(black_box(table), &filter, &sort, first).total)
        });
    }
    group.finish();

    // The whole list call as the handler makes it: parse, read the scope, compile, select.
    let third = Paging {
        page: 3,
        page_size: 10,
    };
    let mut group = c.benchmark_group("parse+compile+select Level=system,name=~ci page=3 size=10");
    for n in [1_000, 10_000, 100_000] {
        let table = robots(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &table, |b, table| {
            b.iter(|| {
                let mut filter = parse_q(black_box("Level=system,name=~ci")).expect("valid q");
                ListScope::take(&mut filter).expect("system scope");
                let compiled = compile::<RobotColumn>(&filter, NOW_MS).expect("compiles");
                select(table, &compiled, &parse_sort("name"), third).total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_parse, bench_select);
criterion_main!(benches);

//! `parse_q` (and what the list handler does after it) must never panic, whatever `q` is.
#![no_main]

use std::collections::BTreeMap;

use harbor_mock::harbor::robots::ListScope;
use harbor_mock::query::{Paging, compile, parse_q, parse_sort, select};
use harbor_mock::store::{RobotColumn, RobotRecord};
use libfuzzer_sys::fuzz_target;

fn robot(id: i64, name: &str, project_id: i64) -> RobotRecord {
    RobotRecord {
        id,
        name: name.into(),
        description: "CI pusher".into(),
        secret_hash: (id % 2 == 0).then_some([id as u8; 32]),
        salt: "salt".into(),
        duration: if id == 1 { -1 } else { 30 },
        project_id,
        expires_at: if id == 1 { -1 } else { 1_790_000_000 },
        disabled: id == 3,
        visible: id != 4,
        creator_ref: 1,
        creator_type: "local".into(),
        creation_time: 1_787_292_000_123 + id,
        update_time: 1_787_292_000_123 + id,
        policies: Vec::new(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(q) = std::str::from_utf8(data) else {
        return;
    };
    let robots: BTreeMap<i64, RobotRecord> = [
        robot(1, "ci", 0),
        robot(2, "library+ci", 1),
        robot(3, "Ops.bot", 0),
        robot(4, "日本+ß", 2),
    ]
    .into_iter()
    .map(|r| (r.id, r))
    .collect();
    match parse_q(q) {
        Ok(mut filter) => {
            for clause in filter.clauses() {
                assert!(clause.key_span.end < clause.value_span.end);
            }
            let _ = ListScope::take(&mut filter);
            if let Ok(compiled) = compile::<RobotColumn>(&filter, 1_800_000_000_000) {
                let sort = parse_sort(q);
                let paging = Paging {
                    page: 1,
                    page_size: 2,
                };
                let selection = select(&robots, &compiled, &sort, paging);
                let total = selection.total;
                assert!(total <= robots.len() && selection.page().len() <= 2.min(total));
            }
        }
        Err(e) => {
            assert!(e.span.start <= e.span.end);
            assert!(!e.to_string().is_empty() && !e.reason().is_empty());
        }
    }
});

//! A small store and requests for the store's unit tests.

use super::fixtures::Fixtures;
use super::records::ProjectRecord;
use super::robots::NewRobot;
use super::{Store, StoreOptions};
use crate::harbor::rbac::Permission;
use crate::wire::Access;

/// 2026-08-21T06:00:00.123Z, the store tests' "now".
pub const NOW_MS: i64 = 1_787_292_000_123;

/// Admin, project `library` (id 1), seed 1.
pub fn store() -> Store {
    let fixtures: Fixtures = serde_json::from_str(
        r#"{"users":[{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true}],
            "projects":[{"id":1,"name":"library"}]}"#,
    )
    .unwrap();
    let options = StoreOptions {
        seed: Some(1),
        ..StoreOptions::default()
    };
    Store::new(fixtures, options, NOW_MS).unwrap()
}

/// A 30-day robot of `library` pulling (the access given twice, to be merged).
pub fn project_robot(name: &str) -> NewRobot {
    NewRobot {
        name: name.into(),
        project: Some(ProjectRecord {
            id: 1,
            name: "library".into(),
            owner_id: 1,
            creation_time: NOW_MS,
            update_time: NOW_MS,
            metadata: Default::default(),
            registry_id: 0,
            cve_allowlist: Default::default(),
            storage_limit: -1,
        }),
        description: String::new(),
        duration: 30,
        permissions: vec![Permission {
            kind: "project".into(),
            namespace: "library".into(),
            access: vec![
                Access::new("repository", "pull"),
                Access::new("repository", "pull"),
            ],
        }],
        creator_type: "local",
        creator_ref: 1,
    }
}

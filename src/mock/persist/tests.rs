use rusqlite::Connection;
use std::sync::Arc;

use super::*;
use crate::harbor::configurations::ConfigValue;
use crate::harbor::rbac::Permission;
use crate::store::fixtures::Fixtures;
use crate::store::{NewProject, NewRobot, ProjectUpdate, RobotUpdate, Store, StoreOptions};
use crate::wire::{Access, UserProfileReq};

/// 2026-08-21T06:00:00.123Z.
const NOW_MS: i64 = 1_787_292_000_123;

/// A fresh directory under the system's temporary one, removed when dropped.
fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("harbor-mock-persist-{name}-"))
        .tempdir()
        .unwrap()
}

/// Users, projects, members, robots of every kind (system with two scopes, project, legacy,
/// disabled with a deny), a changed configuration item.
fn store() -> Store {
    let fixtures: Fixtures = serde_json::from_str(
        r#"{"users":[{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true},
              {"username":"alice","email":"alice@example.com","password":"Alice12345"}],
            "projects":[{"id":1,"name":"library","public":true},{"name":"team"}],
            "members":[{"project":"team","user":"alice","role":"developer"}],
            "robots":[
              {"name":"ops","secret":"Ops-Secret-1","permissions":[
                {"kind":"system","namespace":"/","access":[{"resource":"robot","action":"list"}]},
                {"kind":"project","namespace":"*","access":[
                  {"resource":"repository","action":"pull"},
                  {"resource":"artifact","action":"read"}]}]},
              {"name":"team+ci","project_id":2,"duration":30,"description":"CI",
               "disable":true,"permissions":[{"kind":"project","namespace":"team","access":[
                 {"resource":"repository","action":"push","effect":"deny"}]}]},
              {"name":"legacy","editable":false,"visible":false}],
            "configurations":{"robot_name_prefix":"bot$","self_registration":true,
              "robot_token_duration":45}}"#,
    )
    .unwrap();
    let options = StoreOptions {
        seed: Some(3),
        ..StoreOptions::default()
    };
    let store = Store::new(fixtures, options, NOW_MS).unwrap();
    let update = ProjectUpdate {
        metadata: [("auto_scan".to_string(), "true".to_string())].into(),
        cve_allowlist: Some((vec!["CVE-2026-0001".into()], Some(1_900_000_000))),
    };
    store.update_project(2, update).unwrap();
    store
        .create_project(NewProject {
            id: None,
            name: "quota".into(),
            owner_id: 2,
            metadata: [("public".to_string(), "false".to_string())].into(),
            storage_limit: 1 << 30,
            creation_time: NOW_MS,
            update_time: NOW_MS + 1,
            owner_is_member: true,
        })
        .unwrap();
    store
}

fn robot(name: &str, namespace: &str) -> NewRobot {
    NewRobot {
        name: name.into(),
        project: None,
        description: "new".into(),
        duration: -1,
        permissions: vec![Permission {
            kind: "project".into(),
            namespace: namespace.into(),
            access: vec![Access::new("repository", "pull")],
        }],
        creator_type: "local",
        creator_ref: 1,
    }
}

fn rows_at(path: &Path) -> Rows {
    match read(path).unwrap() {
        Found::Store(rows) => *rows,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_created_store_reads_back_every_row() {
    let dir = temp_dir("create");
    let path = dir.path().join("state.db");
    let store = store();
    let rows = store.rows();
    assert_eq!(create(&path, &rows, Creation::New).unwrap(), None);
    assert_eq!(rows_at(&path), rows);
    assert!(!dir.path().join("state.db.creating").exists());
}

#[test]
fn committed_changes_leave_the_same_rows_as_a_full_write() {
    // Arrange: a store on disk, attached.
    let dir = temp_dir("commit");
    let path = dir.path().join("state.db");
    let store = store();
    create(&path, &store.rows(), Creation::New).unwrap();
    store.set_change_sink(Some(Committer::start(&path, lock(&path).unwrap()).unwrap()));
    // Act: writes of every kind.
    let ci = store.create_robot(robot("ci", "library"), NOW_MS).unwrap();
    let update = RobotUpdate {
        description: "changed".into(),
        disabled: true,
        duration: 7,
        permissions: vec![robot("x", "team").permissions[0].clone()],
    };
    store.update_robot(ci.id, update, NOW_MS + 5).unwrap();
    store
        .refresh_secret(1, Some("Other-Secret-2".into()), NOW_MS + 6)
        .unwrap();
    store.delete_robot(3).unwrap();
    store
        .create_robot(robot("ci", "library"), NOW_MS)
        .unwrap_err();
    let profile = UserProfileReq {
        email: "alice@corp.example".into(),
        realname: "Alice".into(),
        comment: "c".into(),
    };
    store.update_profile(2, profile, NOW_MS + 7).unwrap();
    store.set_member_role(2, 1, 4).unwrap();
    store.delete_project(2).unwrap();
    store
        .update_configurations(|c, users| {
            c.update([("read_only", ConfigValue::Bool(true))].into(), users)
        })
        .unwrap();
    let expected = store.rows();
    store.set_change_sink(None); // drops the committer: it commits what is queued and closes
    // Assert
    assert_eq!(rows_at(&path), expected);
    // The tables read as Harbor's do.
    let conn = Connection::open(&path).unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM robot ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(names, ["ops", "ci"]);
    let grants: i64 = conn
        .query_row(
            "SELECT count(*) FROM role_permission r JOIN permission_policy p
             ON p.id = r.permission_policy_id WHERE r.role_id = ?1 AND p.scope = '/project/2'",
            [ci.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(grants, 1, "the updated robot's one grant, in team's scope");
}

#[test]
fn a_reset_replaces_every_row() {
    let dir = temp_dir("reset");
    let path = dir.path().join("state.db");
    let store = store();
    create(&path, &store.rows(), Creation::New).unwrap();
    store.set_change_sink(Some(Committer::start(&path, lock(&path).unwrap()).unwrap()));
    store.create_robot(robot("ci", "library"), NOW_MS).unwrap();
    store.reset();
    let expected = store.rows();
    store.set_change_sink(None);
    assert_eq!(rows_at(&path), expected);
}

#[test]
fn a_write_is_durable_when_it_returns() {
    let dir = temp_dir("durable");
    let path = dir.path().join("state.db");
    let store = Arc::new(store());
    create(&path, &store.rows(), Creation::New).unwrap();
    let committer = Committer::start(&path, lock(&path).unwrap()).unwrap();
    store.set_change_sink(Some(committer.clone()));
    // Outside a request, the write itself waits for its commit: another connection sees it.
    let created = store.create_robot(robot("ci", "library"), NOW_MS).unwrap();
    let conn = Connection::open(&path).unwrap();
    let found: i64 = conn
        .query_row(
            "SELECT count(*) FROM robot WHERE id = ?1",
            [created.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, 1);
}

#[test]
fn what_is_not_a_state_store_is_refused_naming_the_file() {
    let dir = temp_dir("foreign");
    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (text TEXT)")
        .unwrap();
    let newer = dir.path().join("newer.db");
    create(&newer, &Rows::default(), Creation::New).unwrap();
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", schema::VERSION + 1)
        .unwrap();
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"\x00\x01not a database at all").unwrap();
    let torn = dir.path().join("torn.db");
    std::fs::write(
        &torn,
        b"SQLite format 3\0 and then nothing that SQLite can read",
    )
    .unwrap();
    let cases = [
        (
            other,
            "an SQLite database, but not a harbor-mock state store",
        ),
        (
            newer,
            "written by a newer harbor-mock (schema version 2; this one reads 1)",
        ),
        (
            garbage,
            "neither a harbor-mock state store (SQLite) nor a JSON state",
        ),
        (torn, "file is not a database"),
        (dir.path().join(""), "a directory"),
    ];
    for (path, expected) in cases {
        let message = read(&path).unwrap_err().to_string();
        assert!(
            message.starts_with(&format!("state store {}: ", path.display())),
            "{message}"
        );
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
fn nothing_json_and_empty_are_told_apart() {
    let dir = temp_dir("kinds");
    assert!(matches!(
        read(&dir.path().join("missing.db")),
        Ok(Found::Nothing)
    ));
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(read(&empty), Ok(Found::Nothing)));
    let json = dir.path().join("state.json");
    std::fs::write(&json, b"{\"users\": []}\n").unwrap();
    assert!(matches!(read(&json), Ok(Found::Legacy)));
    // An import replaces the JSON with the store and keeps the JSON beside it.
    let kept = create(&json, &store().rows(), Creation::Import).unwrap();
    assert_eq!(kept, Some(dir.path().join("state.json.imported")));
    assert!(matches!(read(&json), Ok(Found::Store(_))));
}

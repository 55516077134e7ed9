use super::*;
use std::sync::Arc;

use crate::harbor::auth::Caller;
use crate::store::testing::{NOW_MS, project_robot, store};
use crate::store::{Store, StoreOptions};

#[test]
fn dump_and_load_round_trip() {
    let store = store();
    let created = store.create_robot(project_robot("ci"), NOW_MS).unwrap();
    let dump = store.dump();
    assert!(
        !serde_json::to_string(&dump)
            .unwrap()
            .contains(&created.secret)
    );
    let other = crate::store::testing::store();
    other.load(dump.clone(), NOW_MS).unwrap();
    assert_eq!(other.dump(), dump);
    assert!(matches!(
        other.authenticate("robot$library+ci", &created.secret, NOW_MS),
        Caller::Robot { .. }
    ));
    assert!(matches!(
        other.authenticate("admin", "Harbor12345", NOW_MS),
        Caller::User { sysadmin: true, .. }
    ));
}

#[test]
fn text_and_parsed_fixtures_build_the_same_state_and_reset_to_it() {
    let text = format!(
        r#"{{"users":[{{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true}},
            {{"username":"h","password_hash":"{}","salt":"s"}}],
          "projects":[{{"id":1,"name":"library"}},{{"name":"other"}}],
          "members":[{{"project":"library","user":"admin","role":2}},
            {{"project":"other","user":"h","role":"limitedGuest"}}],
          "robots":[{{"id":7,"name":"library+ci","project_id":1,"duration":30,
            "secret":"Ci-Secret-123","description":"d","disable":true,"visible":false,
            "creator_type":"local","creator_ref":1,"expires_at":5,
            "creation_time":"2026-01-01T00:00:00.000Z","update_time":"2026-01-02T00:00:00Z",
            "permissions":[{{"kind":"project","namespace":"library","access":[
              {{"resource":"repository","action":"pull","effect":"deny"}}]}}]}},
            {{"name":"legacy","editable":false}}],
          "next_robot_id":20}}"#,
        "0a".repeat(32)
    );
    let fixtures: Fixtures = serde_json::from_str(&text).unwrap();
    let options = || StoreOptions {
        seed: Some(7),
        ..StoreOptions::default()
    };
    let parsed = Store::new(fixtures.clone(), options(), NOW_MS).unwrap();
    let (source, users) = Store::from_source(Arc::new(text), "f.json", options(), NOW_MS).unwrap();
    assert_eq!(users, fixtures.users);
    let built = serde_json::to_value(parsed.dump()).unwrap();
    assert_eq!(
        built,
        serde_json::to_value(source.dump()).unwrap(),
        "built the same from text as from parsed fixtures"
    );
    for store in [&parsed, &source] {
        store.create_robot(project_robot("cd"), NOW_MS).unwrap();
        store.delete_robot(7).unwrap();
        store.reset();
        assert_eq!(store.robot_count(), 2);
        assert_eq!(
            serde_json::to_value(store.dump()).unwrap(),
            built,
            "exactly as built"
        );
    }
}

#[test]
fn forks_share_the_initial_state_and_keep_their_changes_to_themselves() {
    let main = store();
    let before = main.dump();
    main.create_robot(project_robot("main-only"), NOW_MS)
        .unwrap();
    let fork = main.fork_initial(Some(1));
    assert_eq!(
        fork.dump(),
        before,
        "the initial state, not the main's current one"
    );
    let created = fork
        .create_robot(project_robot("fork-only"), NOW_MS)
        .unwrap();
    fork.delete_project(1).unwrap();
    assert_eq!(main.robot(created.id).unwrap().name, "library+main-only");
    assert!(
        main.project_by_name("library").is_ok(),
        "the main instance keeps its project"
    );
    assert_eq!(main.robot_count(), 1);
    assert_eq!(fork.robot_count(), 0, "the project's robots went with it");
    fork.reset();
    assert_eq!(fork.dump(), before);
}

#[test]
fn robots_streamed_or_deferred_build_the_same_state() {
    let sections = r#""users":[{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true}],
        "projects":[{"id":1,"name":"library"}],"members":[]"#;
    let robots = r#""robots":[{"name":"library+ci","project_id":1,"secret":"Ci-Secret-1",
        "permissions":[{"kind":"project","namespace":"library",
        "access":[{"resource":"repository","action":"pull"}]}]},{"name":"ops"}]"#;
    let build = |text: String| {
        let options = StoreOptions {
            seed: Some(3),
            ..StoreOptions::default()
        };
        Store::from_source(Arc::new(text), "f.json", options, NOW_MS).map(|(store, _)| store)
    };
    // Sections first: each robot is stored as it is read. Robots first: kept as text.
    let streamed = build(format!("{{{sections},{robots}}}")).unwrap();
    let deferred = build(format!("{{{robots},{sections}}}")).unwrap();
    assert_eq!(streamed.robot_count(), 2);
    assert_eq!(
        serde_json::to_value(streamed.dump()).unwrap(),
        serde_json::to_value(deferred.dump()).unwrap()
    );
    let streamed_error = |robots: &str| {
        build(format!(
            "{{{sections},\n\"robots\":[\n{{\"name\":\"a\"}},\n{robots}]}}"
        ))
        .err()
        .unwrap()
        .to_string()
    };
    assert_eq!(
        streamed_error(r#"{"name":"a"}"#),
        "f.json: line 5: robots[1]: duplicate robot name \"a\""
    );
    assert!(
        streamed_error(r#"{"name":7}"#)
            .starts_with("f.json: line 5, column 9: invalid type: integer `7`"),
        "{}",
        streamed_error(r#"{"name":7}"#)
    );
    assert!(build(format!("{{{sections},{robots},\"robots\":[]}}")).is_err());
}

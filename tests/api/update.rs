use crate::helpers::*;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

async fn put(app: &TestApp, id: i64, body: Value, auth: (&str, &str)) -> Reply {
    app.send(
        Method::PUT,
        &format!("/api/v2.0/robots/{id}"),
        Some(auth),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn put_sending_back_the_fetched_object_returns_200_empty() {
    let app = TestApp::new();
    app.create(project_robot("ci", "library")).await;
    let mut robot = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    robot["description"] = json!("changed");
    robot["disable"] = json!(true);
    app.clock().advance(1_000);
    let reply = put(&app, 1, robot, ADMIN).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.text, "");
    assert_eq!(reply.header("content-type"), None);
    assert_eq!(reply.header("content-length"), Some("0"));
    let got = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    assert_eq!(got["description"], "changed");
    assert_eq!(got["disable"], true);
    assert_eq!(got["update_time"], "2026-08-21T06:00:01.123Z");
    assert_eq!(got["creation_time"], "2026-08-21T06:00:00.123Z");
}

#[tokio::test]
async fn put_replaces_missing_fields_with_zero_values() {
    let app = TestApp::new();
    app.create(project_robot("ci", "library")).await;
    let mut robot = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    robot["disable"] = json!(true);
    put(&app, 1, robot.clone(), ADMIN).await;
    let minimal = json!({"name": "robot$library+ci", "level": "project", "permissions": robot["permissions"]});
    assert_eq!(put(&app, 1, minimal, ADMIN).await.status, StatusCode::OK);
    let got = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    assert!(
        got.get("description").is_none(),
        "missing description -> empty"
    );
    assert_eq!(got["disable"], false, "missing disable re-enables");
    assert_eq!(got["duration"], 30, "missing duration keeps the old one");
}

#[tokio::test]
async fn put_duration_change_counts_from_creation_time() {
    let app = TestApp::new();
    app.create(project_robot("ci", "library")).await;
    app.clock().advance(40 * 86_400_000);
    let mut robot = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    robot["duration"] = json!(10);
    assert_eq!(
        put(&app, 1, robot.clone(), ADMIN).await.status,
        StatusCode::OK
    );
    let got = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    assert_eq!(
        got["expires_at"],
        NOW_SECS + 10 * 86_400,
        "from creation, already expired"
    );
    robot["duration"] = json!(-1);
    put(&app, 1, robot, ADMIN).await;
    assert_eq!(
        app.get("/api/v2.0/robots/1", ADMIN).await.json()["expires_at"],
        -1
    );
}

#[tokio::test]
async fn put_error_table() {
    let app = TestApp::new();
    app.create(project_robot("ci", "library")).await;
    app.store
        .add_project(
            harbor_mock::store::fixtures::ProjectFixture {
                id: Some(2),
                name: "other".into(),
                ..Default::default()
            },
            NOW_MS,
        )
        .unwrap();
    let robot = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut r = robot.clone();
        f(&mut r);
        r
    };
    type Case<'a> = (Value, (&'a str, &'a str), u16, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            with(&|r| r["name"] = json!("ci")),
            ADMIN,
            400,
            "BAD_REQUEST",
            "cannot update the level or name of robot",
        ),
        (
            with(&|r| r["name"] = json!("library+ci")),
            ADMIN,
            400,
            "BAD_REQUEST",
            "cannot update the level or name of robot",
        ),
        (
            with(&|r| r["duration"] = json!(0)),
            ADMIN,
            400,
            "BAD_REQUEST",
            "bad request error duration input: 0, duration must be either -1(Never) or a positive integer",
        ),
        (
            with(&|r| r["permissions"] = json!([])),
            ADMIN,
            400,
            "BAD_REQUEST",
            "bad request empty permission",
        ),
        (
            with(&|r| r["permissions"][0]["namespace"] = json!("nope")),
            ADMIN,
            404,
            "NOT_FOUND",
            "project nope not found",
        ),
        (
            with(&|r| r["permissions"][0]["namespace"] = json!("other")),
            ADMIN,
            400,
            "BAD_REQUEST",
            "cannot update the project id of robot",
        ),
        (robot.clone(), BOB, 403, "FORBIDDEN", "forbidden"),
        (
            with(&|r| r["creation_time"] = json!("yesterday")),
            ADMIN,
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\nparsing robot body from \"\" failed, because parsing time \"yesterday\" as \"2006-01-02\": cannot parse \"yesterday\" as \"2006\"",
        ),
    ];
    for (body, auth, status, code, message) in cases {
        put(&app, 1, body.clone(), auth)
            .await
            .assert_error(status, code, message);
    }
    put(&app, 77, robot.clone(), ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "robot 77 not found");
    app.send(Method::PUT, "/api/v2.0/robots/1", None, Some(robot.clone()))
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    assert_eq!(
        put(&app, 1, robot, ALICE).await.status,
        StatusCode::OK,
        "projectAdmin may update"
    );
}

#[tokio::test]
async fn put_on_a_legacy_robot_is_denied_first() {
    let mut fixtures = default_fixtures();
    fixtures.robots.push(
        serde_json::from_value(json!({"id": 5, "name": "legacy", "editable": false})).unwrap(),
    );
    let app = TestApp::with_fixtures(fixtures);
    let got = app.get("/api/v2.0/robots/5", ADMIN).await.json();
    assert_eq!(
        got["name"], "legacy",
        "legacy robots show their stored name"
    );
    assert_eq!(got["editable"], false);
    put(&app, 5, json!({}), ADMIN).await.assert_error(
        403,
        "DENIED",
        "editing of legacy robot is not allowed",
    );
}

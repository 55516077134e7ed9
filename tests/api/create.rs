use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::json;
use std::sync::Arc;

#[tokio::test]
async fn create_project_robot_returns_201_location_and_secret() {
    // Arrange
    let app = TestApp::new();
    // Act
    let reply = app.post(project_robot("ci", "library"), ADMIN).await;
    // Assert
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.header("location"), Some("/api/v2.0/robots/1"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let body = reply.json();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["creation_time", "expires_at", "id", "name", "secret"]
    );
    assert_eq!(body["name"], "robot$library+ci");
    assert_eq!(body["id"], 1);
    assert_eq!(body["creation_time"], "2026-08-21T06:00:00.123Z");
    assert_eq!(body["expires_at"], NOW_SECS + 30 * 86_400);
    let secret = body["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32);
    assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert!(reply.text.ends_with('\n'));
}

#[tokio::test]
async fn create_system_robot_never_expires_and_records_creator() {
    let app = TestApp::new();
    let created = app.create(system_robot("ops")).await;
    assert_eq!(created["name"], "robot$ops");
    assert_eq!(created["expires_at"], -1);
    let got = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    assert_eq!(got["creator_type"], "local");
    assert_eq!(got["creator_ref"], 1);
    assert_eq!(got["level"], "system");
}

#[tokio::test]
async fn create_ignores_secret_and_disable_in_the_body() {
    let app = TestApp::new();
    let mut body = system_robot("ops");
    body["secret"] = json!("Mine-Secret-123");
    body["disable"] = json!(true);
    let created = app.create(body).await;
    assert_ne!(created["secret"], "Mine-Secret-123");
    let got = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    assert_eq!(got["disable"], false);
}

#[tokio::test]
async fn create_robot_with_duplicate_name_returns_409_and_uses_up_an_id() {
    let app = TestApp::new();
    app.create(project_robot("ci", "library")).await;
    let reply = app.post(project_robot("ci", "library"), ADMIN).await;
    reply.assert_error(409, "CONFLICT", "robot account 1:library+ci already exists");
    let reply = app.post(system_robot("ops"), ADMIN).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.json()["id"], 3, "the rejected insert used id 2");
    let reply = app.post(system_robot("ops"), ADMIN).await;
    reply.assert_error(409, "CONFLICT", "robot account 0:ops already exists");
    // The same short name at system level and in a project is fine.
    assert_eq!(
        app.post(system_robot("ci"), ADMIN).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn create_validation_table() {
    let app = TestApp::new();
    let base = project_robot("ci", "library");
    let with = |key: &str, value: serde_json::Value| {
        let mut b = base.clone();
        b[key] = value;
        b
    };
    let perms = |kind: &str, ns: &str, resource: &str, action: &str| json!([{"kind": kind, "namespace": ns, "access": [{"resource": resource, "action": action}]}]);
    let cases = vec![
        (
            with("name", json!("CI")),
            400,
            "BAD_REQUEST",
            "robot name is not in lower case or contains illegal characters",
        ),
        (
            with("name", json!("")),
            400,
            "BAD_REQUEST",
            "robot name is not in lower case or contains illegal characters",
        ),
        (
            with("name", json!("a+b")),
            400,
            "BAD_REQUEST",
            "robot name is not in lower case or contains illegal characters",
        ),
        (
            with("duration", json!(0)),
            400,
            "BAD_REQUEST",
            "bad request error duration input: 0, duration must be either -1(Never) or a positive integer",
        ),
        (
            with("duration", json!(2147483647)),
            400,
            "BAD_REQUEST",
            "bad request error duration input: 2147483647, duration must be either -1(Never) or a positive integer",
        ),
        (
            with("level", json!("global")),
            400,
            "BAD_REQUEST",
            "bad request error level input: global",
        ),
        (
            with("permissions", json!([])),
            400,
            "BAD_REQUEST",
            "bad request empty permission",
        ),
        (
            with("permissions", json!([null])),
            400,
            "BAD_REQUEST",
            "bad request empty permission",
        ),
        (
            with(
                "permissions",
                json!([{"kind": "project", "namespace": "library", "access": []}]),
            ),
            400,
            "BAD_REQUEST",
            "bad request empty access",
        ),
        (
            with(
                "permissions",
                json!([{"kind": "project", "namespace": "library", "access": [null]}]),
            ),
            400,
            "BAD_REQUEST",
            "bad request empty access",
        ),
        (
            with(
                "permissions",
                perms("project", "library", "robot", "update"),
            ),
            400,
            "BAD_REQUEST",
            "bad request permission: robot:update",
        ),
        (
            with("permissions", perms("Project", "library", "robot", "list")),
            400,
            "BAD_REQUEST",
            "bad request permission level: Project",
        ),
        (
            with("permissions", perms("project", "nope", "robot", "list")),
            404,
            "NOT_FOUND",
            "project nope not found",
        ),
        (
            with("permissions", perms("project", "*", "robot", "list")),
            404,
            "NOT_FOUND",
            "project * not found",
        ),
        (
            with("permissions", perms("project", "my lib", "robot", "list")),
            400,
            "BAD_REQUEST",
            "invalid project name: 'my lib'",
        ),
    ];
    for (body, status, code, message) in cases {
        let reply = app.post(body.clone(), ADMIN).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.text);
        reply.assert_error(status, code, message);
    }
    let mut missing_duration = base.clone();
    missing_duration.as_object_mut().unwrap().remove("duration");
    app.post(missing_duration, ADMIN).await.assert_error(
        400,
        "BAD_REQUEST",
        "bad request error duration input: 0, duration must be either -1(Never) or a positive integer",
    );
    let two = json!({"name": "x", "duration": 1, "level": "project", "permissions": [
        {"kind": "project", "namespace": "library", "access": [{"resource": "robot", "action": "list"}]},
        {"kind": "project", "namespace": "library", "access": [{"resource": "robot", "action": "read"}]}]});
    app.post(two, ADMIN)
        .await
        .assert_error(400, "BAD_REQUEST", "bad request permission");
    assert_eq!(app.store.robot_count(), 0, "nothing was stored");
}

#[tokio::test]
async fn system_robot_scopes_resolve_namespaces() {
    let app = TestApp::new();
    let body = |ns: &str| {
        json!({"name": "ops", "duration": -1, "level": "system", "permissions": [
            {"kind": "system", "namespace": ns, "access": [{"resource": "project", "action": "create"}]}]})
    };
    app.post(body("library"), ADMIN)
        .await
        .assert_error(400, "BAD_REQUEST", "unknown namespace");
    let mixed = json!({"name": "ops", "duration": -1, "level": "system", "permissions": [
        {"kind": "project", "namespace": "*", "access": [{"resource": "repository", "action": "pull"}]},
        {"kind": "project", "namespace": "library", "access": [{"resource": "repository", "action": "pull"}]},
        {"kind": "project", "namespace": "missing", "access": [{"resource": "repository", "action": "pull"}]}]});
    app.post(mixed, ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "project missing not found");
    assert_eq!(
        app.store.robot_count(),
        0,
        "a failed write is rolled back in full"
    );
    app.create(body("/")).await;
}

#[tokio::test]
async fn permissions_for_the_same_scope_are_merged_on_read_back() {
    let app = TestApp::new();
    let body = json!({"name": "ops", "duration": -1, "level": "system", "permissions": [
        {"kind": "project", "namespace": "library", "access": [{"resource": "repository", "action": "pull"}]},
        {"kind": "project", "namespace": "library", "access": [
            {"resource": "repository", "action": "pull"}, {"resource": "repository", "action": "push", "effect": "deny"}]}]});
    app.create(body).await;
    let got = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    assert_eq!(
        got["permissions"],
        json!([{"access": [{"action": "pull", "resource": "repository"},
                           {"action": "push", "effect": "deny", "resource": "repository"}],
                "kind": "project", "namespace": "library"}])
    );
}

#[tokio::test]
async fn create_checks_body_before_caller() {
    let app = TestApp::new();
    let anonymous = |body| async {
        app.send(
            axum::http::Method::POST,
            "/api/v2.0/robots",
            None,
            Some(body),
        )
        .await
    };
    anonymous(project_robot("BAD", "library"))
        .await
        .assert_error(
            400,
            "BAD_REQUEST",
            "robot name is not in lower case or contains illegal characters",
        );
    anonymous(project_robot("ci", "library"))
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    app.post(system_robot("ops"), ("admin", "wrong"))
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
}

#[tokio::test]
async fn parallel_creates_of_one_name_give_one_201_and_one_409() {
    let app = Arc::new(TestApp::new());
    for round in 0..20 {
        let name = format!("race{round}");
        let (a, b) = tokio::join!(
            tokio::spawn({
                let app = app.clone();
                let body = system_robot(&name);
                async move { app.post(body, ADMIN).await.status }
            }),
            tokio::spawn({
                let app = app.clone();
                let body = system_robot(&name);
                async move { app.post(body, ADMIN).await.status }
            }),
        );
        let mut statuses = [a.unwrap().as_u16(), b.unwrap().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "round {round}");
    }
    assert_eq!(app.store.robot_count(), 20);
}

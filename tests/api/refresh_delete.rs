use crate::helpers::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn patch_with_empty_body_generates_a_secret_and_invalidates_the_old() {
    let app = TestApp::new();
    let created = app.create(system_robot("ops")).await;
    let old = created["secret"].as_str().unwrap().to_string();
    let reply = app
        .send(
            Method::PATCH,
            "/api/v2.0/robots/1",
            Some(ADMIN),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let new = reply.json()["secret"].as_str().unwrap().to_string();
    assert_eq!(new.len(), 32);
    assert_ne!(new, old);
    app.get("/api/v2.0/robots/1", ("robot$ops", &old))
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    assert_eq!(
        app.get("/api/v2.0/robots/1", ("robot$ops", &new))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn patch_with_own_secret_returns_empty_object() {
    let app = TestApp::new();
    app.create(system_robot("ops")).await;
    let before = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    let reply = app
        .send(
            Method::PATCH,
            "/api/v2.0/robots/1",
            Some(ADMIN),
            Some(json!({"secret": "My-Own-Secret-1"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text, "{}\n");
    assert_eq!(
        app.get("/api/v2.0/robots/1", ("robot$ops", "My-Own-Secret-1"))
            .await
            .status,
        StatusCode::OK
    );
    let after = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    assert_eq!(
        before["expires_at"], after["expires_at"],
        "refresh never changes expiry"
    );
}

#[tokio::test]
async fn patch_error_table() {
    let app = TestApp::new();
    let created = app.create(system_robot("ops")).await;
    let msg = "the secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number";
    for bad in ["short1A", "alllowercase1", "ALLUPPER1", "NoDigitsHere"] {
        app.send(
            Method::PATCH,
            "/api/v2.0/robots/1",
            Some(ADMIN),
            Some(json!({"secret": bad})),
        )
        .await
        .assert_error(400, "BAD_REQUEST", msg);
    }
    app.send(Method::PATCH, "/api/v2.0/robots/1", Some(ADMIN), None)
        .await
        .assert_error(
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\nrobotSec in body is required",
        );
    app.send(
        Method::PATCH,
        "/api/v2.0/robots/9",
        Some(ADMIN),
        Some(json!({})),
    )
    .await
    .assert_error(404, "NOT_FOUND", "robot 9 not found");
    // A robot can never refresh, not even its own secret.
    let own = ("robot$ops", created["secret"].as_str().unwrap());
    app.send(
        Method::PATCH,
        "/api/v2.0/robots/1",
        Some(own),
        Some(json!({})),
    )
    .await
    .assert_error(403, "FORBIDDEN", "robot$ops");
}

#[tokio::test]
async fn delete_returns_200_empty_then_404() {
    let app = TestApp::new();
    let created = app.create(system_robot("ops")).await;
    let reply = app
        .send(Method::DELETE, "/api/v2.0/robots/1", Some(ADMIN), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text, "");
    assert_eq!(reply.header("content-type"), None);
    app.send(Method::DELETE, "/api/v2.0/robots/1", Some(ADMIN), None)
        .await
        .assert_error(404, "NOT_FOUND", "robot 1 not found");
    let login = ("robot$ops", created["secret"].as_str().unwrap());
    app.get("/api/v2.0/robots", login)
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
}

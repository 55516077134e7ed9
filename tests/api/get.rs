use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn get_returns_the_robot_in_harbor_shape_without_secret() {
    let app = TestApp::new();
    let created = app.create(project_robot("ci", "library")).await;
    let reply = app.get("/api/v2.0/robots/1", ADMIN).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let expected = format!(
        "{}\n",
        r#"{"creation_time":"2026-08-21T06:00:00.123Z","creator_ref":1,"creator_type":"local","description":"CI pusher","disable":false,"duration":30,"editable":true,"expires_at":EXP,"id":1,"level":"project","name":"robot$library+ci","permissions":[{"access":[{"action":"pull","resource":"repository"},{"action":"push","resource":"repository"}],"kind":"project","namespace":"library"}],"update_time":"2026-08-21T06:00:00.123Z"}"#
            .replace("EXP", &(NOW_SECS + 30 * 86_400).to_string())
    );
    assert_eq!(reply.text, expected);
    assert!(!reply.text.contains(created["secret"].as_str().unwrap()));
}

#[tokio::test]
async fn get_missing_zero_and_negative_ids_are_404() {
    let app = TestApp::new();
    for id in ["42", "0", "-3"] {
        app.get(&format!("/api/v2.0/robots/{id}"), ADMIN)
            .await
            .assert_error(404, "NOT_FOUND", &format!("robot {id} not found"));
    }
}

#[tokio::test]
async fn get_non_integer_id_is_422() {
    let app = TestApp::new();
    for id in ["abc", "1.5", "99999999999999999999"] {
        app.get(&format!("/api/v2.0/robots/{id}"), ADMIN)
            .await
            .assert_error(
                422,
                "UNPROCESSABLE_ENTITY",
                &format!(
                    "validation failure list:\nrobot_id in path must be of type int64: \"{id}\""
                ),
            );
    }
}

#[tokio::test]
async fn get_order_is_401_then_404_then_403() {
    let app = TestApp::new();
    app.create(system_robot("ops")).await;
    let anon = app
        .send(axum::http::Method::GET, "/api/v2.0/robots/99", None, None)
        .await;
    anon.assert_error(401, "UNAUTHORIZED", "unauthorized");
    app.get("/api/v2.0/robots/99", CAROL).await.assert_error(
        404,
        "NOT_FOUND",
        "robot 99 not found",
    );
    app.get("/api/v2.0/robots/1", CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "carol");
}

#[tokio::test]
async fn empty_description_is_omitted_and_secret_is_never_shown() {
    let app = TestApp::new();
    let mut body = system_robot("ops");
    body["description"] = json!("");
    app.create(body).await;
    let got = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    assert!(got.get("description").is_none());
    assert!(got.get("secret").is_none());
    assert_eq!(got["editable"], true);
}

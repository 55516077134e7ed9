use crate::helpers::*;
use axum::http::StatusCode;

#[tokio::test]
async fn list_defaults_to_system_robots_with_total_count() {
    let app = TestApp::new();
    app.create(system_robot("ops")).await;
    app.create(project_robot("ci", "library")).await;
    let reply = app.get("/api/v2.0/robots", ADMIN).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("x-total-count"), Some("1"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(reply.header("link").is_none());
    let body = reply.json();
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["name"], "robot$ops");
    assert!(body[0].get("secret").is_none());
}

#[tokio::test]
async fn empty_list_is_an_empty_array_with_zero_count() {
    let app = TestApp::new();
    let reply = app.get("/api/v2.0/robots", ADMIN).await;
    assert_eq!(reply.text, "[]\n");
    assert_eq!(reply.header("x-total-count"), Some("0"));
}

#[tokio::test]
async fn list_pages_with_defaults_of_ten() {
    let app = TestApp::new();
    for i in 0..25 {
        app.create(system_robot(&format!("r{i:02}"))).await;
    }
    let first = app.get("/api/v2.0/robots", ADMIN).await;
    assert_eq!(first.json().as_array().unwrap().len(), 10);
    assert_eq!(first.header("x-total-count"), Some("25"));
    assert_eq!(
        first.header("link"),
        Some("</api/v2.0/robots?page=2&page_size=10>; rel=\"next\"")
    );
    let last = app.get("/api/v2.0/robots?page=3", ADMIN).await;
    let names: Vec<String> = last
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "robot$r20",
            "robot$r21",
            "robot$r22",
            "robot$r23",
            "robot$r24"
        ]
    );
    assert_eq!(
        last.header("link"),
        Some("</api/v2.0/robots?page=2&page_size=10>; rel=\"prev\"")
    );
    let all = app.get("/api/v2.0/robots?page_size=0", ADMIN).await;
    assert_eq!(all.json().as_array().unwrap().len(), 25);
    assert!(all.header("link").is_none());
    let past = app.get("/api/v2.0/robots?page=9", ADMIN).await;
    assert_eq!(past.text, "[]\n");
    assert!(past.header("link").is_none());
}

#[tokio::test]
async fn link_keeps_control_bytes_of_the_query_followable() {
    // Arrange: two pages of one robot each.
    let app = TestApp::new();
    app.create(system_robot("a")).await;
    app.create(system_robot("b")).await;

    // Act: a sort value holding control bytes once unescaped (Go writes them raw).
    let reply = app
        .get(
            "/api/v2.0/robots?page_size=1&sort=name%13%0A%09%C3%A9",
            ADMIN,
        )
        .await;

    // Assert: CR/LF become spaces as in Go's server; other control bytes are escaped rather
    // than the header being dropped; tab and UTF-8 pass through.
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers["link"].as_bytes(),
        "</api/v2.0/robots?page=2&page_size=1&sort=name%13 \t\u{e9}>; rel=\"next\"".as_bytes()
    );
}

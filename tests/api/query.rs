//! `q`, `sort` and paging over HTTP, URL encoding included.

use crate::helpers::*;
use axum::http::Method;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// Lists with `q` (encoded once, as a client's URL library would) and extra raw parameters.
async fn list(app: &TestApp, q: &str, extra: &str) -> Reply {
    let q = utf8_percent_encode(q, NON_ALPHANUMERIC);
    app.get(&format!("/api/v2.0/robots?q={q}{extra}"), ADMIN)
        .await
}

fn names(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text);
    reply
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["name"]
                .as_str()
                .unwrap()
                .trim_start_matches("robot$")
                .to_string()
        })
        .collect()
}

/// ops (1), ci (2), cd (3) at system level; library+ci (4), library+web (5) in project 1.
async fn seeded() -> TestApp {
    let app = TestApp::new();
    for name in ["ops", "ci", "cd"] {
        app.create(system_robot(name)).await;
        app.clock().advance(1_000);
    }
    for name in ["ci", "web"] {
        app.create(project_robot(name, "library")).await;
        app.clock().advance(1_000);
    }
    app
}

#[tokio::test]
async fn filters_over_http() {
    let app = seeded().await;
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("", vec!["cd", "ci", "ops"]),
        ("name=~C", vec!["cd", "ci"]),
        ("name=ci", vec!["ci"]),
        ("name=robot$ci", vec![]),
        ("name=\"ci\"", vec![]),
        ("id={1 3}", vec!["cd", "ops"]),
        ("id=[2~]", vec!["cd", "ci"]),
        ("id=(1 2)", vec!["cd", "ci", "ops"]),
        ("foo=bar,expires_at=1", vec!["cd", "ci", "ops"]),
        ("project_id=1", vec![]),
        (
            "creation_time=[2026-08-21T06:00:01~2026-08-21T06:00:03]",
            vec!["cd", "ci"],
        ),
        // ci was created at 06:00:01.123 and cd at 06:00:02.123: the bound is inclusive, in ms.
        (
            "creation_time=[2026-08-21T06:00:01~2026-08-21T06:00:02]",
            vec!["ci"],
        ),
        ("Disabled=false,name=~o", vec!["ops"]),
        ("name__icontains=P", vec!["ops"]),
        ("Level=system,name=~c", vec!["cd", "ci"]),
        (
            "Level=project,ProjectID=1",
            vec!["library+ci", "library+web"],
        ),
        ("Level=project,ProjectID=1,name=~ci", vec!["library+ci"]),
        // `+` needs a second level of encoding: %2B after the first decode.
        (
            "Level=project,ProjectID=1,name=library%2Bci",
            vec!["library+ci"],
        ),
        // A `+` that survives the first decode is a space after the second.
        ("Level=project,ProjectID=1,name=library+ci", vec![]),
    ];
    for (q, expected) in cases {
        assert_eq!(names(&list(&app, q, "").await), expected, "q={q}");
    }
}

#[tokio::test]
async fn sort_over_http() {
    let app = seeded().await;
    let sorted = |sort: &'static str| {
        let app = &app;
        async move {
            names(
                &app.get(&format!("/api/v2.0/robots?sort={sort}"), ADMIN)
                    .await,
            )
        }
    };
    assert_eq!(sorted("-creation_time").await, ["cd", "ci", "ops"]);
    assert_eq!(sorted("creation_time").await, ["ops", "ci", "cd"]);
    assert_eq!(sorted("-id").await, ["cd", "ci", "ops"]);
    assert_eq!(sorted("-name").await, ["ops", "ci", "cd"]);
    assert_eq!(
        sorted("creationTime").await,
        ["cd", "ci", "ops"],
        "no snake_case fallback: default name"
    );
    assert_eq!(
        sorted("bogus,-id").await,
        ["cd", "ci", "ops"],
        "unknown keys dropped"
    );
}

#[tokio::test]
async fn malformed_q_answers_harbor_400s_after_401() {
    let app = seeded().await;
    let must = "the query string must contain \"=\" and the key/value cannot be empty";
    let cases = [
        ("name", must.to_string()),
        ("=x", must.to_string()),
        ("name=", must.to_string()),
        ("a=b,", must.to_string()),
        ("name=~", "invalid query string value: ~".to_string()),
        (
            "id=[1~2~3]",
            "invalid query string value: [1~2~3]".to_string(),
        ),
        ("id=[~]", "invalid query string value: [~]".to_string()),
        ("id={1 2", "invalid query string value: {1 2".to_string()),
        ("Level=admin", "bad request error level input".to_string()),
        ("Level=~sys", "bad request error level input".to_string()),
        (
            "Level=project",
            "must with project ID when to query project robots".to_string(),
        ),
        (
            "Level=project,ProjectID=x",
            "ProjectID must be a positive integer".to_string(),
        ),
        (
            "Level=project,ProjectID=0",
            "ProjectID must be a positive integer".to_string(),
        ),
        (
            "Level=project,ProjectID=[1~2]",
            "ProjectID must be a positive integer".to_string(),
        ),
    ];
    for (q, message) in cases {
        list(&app, q, "")
            .await
            .assert_error(400, "BAD_REQUEST", &message);
        let encoded = utf8_percent_encode(q, NON_ALPHANUMERIC);
        app.send(
            Method::GET,
            &format!("/api/v2.0/robots?q={encoded}"),
            None,
            None,
        )
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    }
    let long = format!("name={}", "x".repeat(5_000));
    list(&app, &long, "").await.assert_error(
        400,
        "BAD_REQUEST",
        "the query string is too long: 5005 bytes, the limit is 4096",
    );
}

#[tokio::test]
async fn link_keeps_every_parameter_unescaped_and_in_order() {
    let app = TestApp::new();
    for i in 0..5 {
        app.create(project_robot(&format!("b{i}"), "library")).await;
    }
    let reply = list(
        &app,
        "Level=project,ProjectID=1,name=~b",
        "&sort=-id&page=2&page_size=2",
    )
    .await;
    assert_eq!(names(&reply), ["library+b2", "library+b1"]);
    assert_eq!(reply.header("x-total-count"), Some("5"));
    assert_eq!(
        reply.header("link"),
        Some(
            "</api/v2.0/robots?page=1&page_size=2&q=Level=project,ProjectID=1,name=~b&sort=-id>; rel=\"prev\" , </api/v2.0/robots?page=3&page_size=2&q=Level=project,ProjectID=1,name=~b&sort=-id>; rel=\"next\""
        )
    );
}

#[tokio::test]
async fn project_listing_needs_membership_or_robot_list() {
    let app = seeded().await;
    let q = "/api/v2.0/robots?q=Level%3Dproject%2CProjectID%3D1";
    assert_eq!(names(&app.get(q, BOB).await).len(), 2, "a developer lists");
    app.get(q, CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
    app.get("/api/v2.0/robots", BOB)
        .await
        .assert_error(403, "FORBIDDEN", "bob");
    let listed = app.get(&format!("{q}&page_size=1"), ALICE).await;
    assert_eq!(
        listed.header("link"),
        Some("</api/v2.0/robots?page=2&page_size=1&q=Level=project,ProjectID=1>; rel=\"next\"")
    );
}

/// `q`'s time words (`now`, `today`, …) are PostgreSQL's, read from the instance's clock: the
/// main instance's and each session's own, never the machine's. Both clocks here are frozen far
/// from any machine's date.
#[tokio::test]
async fn time_words_in_q_read_the_instance_clock() {
    // 2027-06-01T00:00:00Z, and the same robot made there.
    let app = TestApp::with_settings(default_fixtures(), |s| s.clock = Some(1_811_808_000_000));
    app.create(system_robot("ops")).await;
    let total = |reply: Reply| {
        assert_eq!(reply.status.as_u16(), 200, "{}", reply.text);
        reply.header("x-total-count").unwrap().to_string()
    };
    let cases = [
        ("creation_time=[~now]", "1"),
        ("creation_time=[now~]", "0"),
        ("creation_time=now", "0"),
        ("creation_time=today", "1"),
        ("creation_time=[today~tomorrow]", "1"),
        ("creation_time=[~yesterday]", "0"),
        ("update_time=[~now]", "1"),
    ];
    for (q, want) in cases {
        assert_eq!(total(list(&app, q, "").await), want, "main: {q}");
    }
    // A session keeps its own clock: move it back a year and the same robot, made there at
    // the session's start, is in the future of `now`.
    let session = app
        .send(Method::POST, "/_mock/sessions", None, None)
        .await
        .json();
    let base = session["base_path"].as_str().unwrap().to_string();
    let created = app
        .send(
            Method::POST,
            &format!("{base}/api/v2.0/robots"),
            Some(ADMIN),
            Some(system_robot("ops")),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", created.text);
    let moved = app
        .send(
            Method::POST,
            &format!("{base}/_mock/clock/advance"),
            None,
            Some(serde_json::json!({"by": "-365d"})),
        )
        .await;
    assert_eq!(moved.status.as_u16(), 200, "{}", moved.text);
    for (q, want) in [("creation_time=[now~]", "1"), ("creation_time=[~now]", "0")] {
        let encoded = utf8_percent_encode(q, NON_ALPHANUMERIC);
        let reply = app
            .get(&format!("{base}/api/v2.0/robots?q={encoded}"), ADMIN)
            .await;
        assert_eq!(total(reply), want, "session: {q}");
    }
    assert_eq!(
        total(list(&app, "creation_time=[~now]", "").await),
        "1",
        "the main instance's clock did not move"
    );
}

//! The dashboard under /_mock/ui, driven in-process: what each view renders without script,
//! that no secret reaches a page, the token prompt, the switch, and the live journal's stream.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use std::time::Duration;
use tower::ServiceExt;

const VIEWS: [&str; 7] = [
    "/_mock/ui",
    "/_mock/ui/robots",
    "/_mock/ui/projects",
    "/_mock/ui/users",
    "/_mock/ui/journal",
    "/_mock/ui/faults",
    "/_mock/ui/clock",
];

/// `GET uri` with extra headers.
async fn page(app: &TestApp, uri: &str, headers: &[(&str, &str)]) -> Reply {
    app.send_with(Method::GET, uri, None, None, headers).await
}

/// A form POST.
async fn post_form(app: &TestApp, uri: &str, form: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    app.raw(req.body(Body::from(form.to_string())).unwrap())
        .await
}

/// `text` with HTML's character references for `<>"'&` resolved, in either spelling.
fn unescape(text: &str) -> String {
    [
        ("&#60;", "<"),
        ("&lt;", "<"),
        ("&#62;", ">"),
        ("&gt;", ">"),
        ("&#34;", "\""),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&#38;", "&"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(text.to_string(), |t, (from, to)| t.replace(from, to))
}

#[track_caller]
fn assert_page(reply: &Reply, uri: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8"),
        "{uri}"
    );
    assert!(
        reply
            .header("content-security-policy")
            .is_some_and(|csp| csp.contains("script-src 'self'")),
        "{uri}"
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"), "{uri}");
    assert!(reply.text.starts_with("<!doctype html>"), "{uri}");
    // Read views carry their data in the HTML; the only script is the dashboard's own file.
    assert_eq!(
        reply.text.matches("<script").count(),
        reply
            .text
            .matches("<script src=\"/_mock/ui/assets/ui.js\"")
            .count(),
        "{uri}: no inline script"
    );
}

#[tokio::test]
async fn every_view_is_a_server_rendered_page() {
    let app = TestApp::new();
    for uri in VIEWS {
        let reply = page(&app, uri, &[]).await;
        assert_page(&reply, uri);
        assert!(
            reply
                .text
                .contains("instance <strong id=\"instance\">main</strong>")
        );
        assert!(
            reply.text.contains("2026-08-21T06:00:00.123Z"),
            "{uri} shows the mock clock"
        );
    }
    let users = page(&app, "/_mock/ui/users", &[]).await.text;
    for name in ["admin", "alice", "bob", "carol"] {
        assert!(users.contains(&format!("data-user=\"{name}\"")), "{name}");
    }
    let projects = page(&app, "/_mock/ui/projects", &[]).await.text;
    assert!(projects.contains("data-project=\"library\""));
    assert!(projects.contains("<td>bob</td><td>developer</td>"));
    assert!(projects.contains("badge public"));
}

#[tokio::test]
async fn assets_are_served_from_the_binary() {
    let app = TestApp::new();
    let css = page(&app, "/_mock/ui/assets/ui.css", &[]).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    let js = page(&app, "/_mock/ui/assets/ui.js", &[]).await;
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(js.text.contains("EventSource"));
    assert_eq!(
        page(&app, "/_mock/ui/assets/x.js", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn robots_show_level_project_permissions_creator_and_expiry_on_the_mock_clock() {
    // Arrange
    let app = TestApp::new();
    app.create(system_robot("ops")).await;
    let mut ci = project_robot("ci", "library");
    ci["duration"] = json!(1);
    app.create(ci).await;

    // Act
    let before = page(&app, "/_mock/ui/robots", &[]).await;
    app.clock().advance(2 * 86_400_000);
    let after = page(&app, "/_mock/ui/robots", &[]).await;

    // Assert
    assert_page(&before, "/_mock/ui/robots");
    let row = |text: &str, name: &str| {
        let start = text
            .find(&format!("data-robot=\"{name}\""))
            .unwrap_or_else(|| panic!("{name} missing"));
        let end = start + text[start..].find("</tr>").unwrap();
        text[start..end].to_string()
    };
    let ci = row(&before.text, "robot$library+ci");
    for expected in [
        "<td>project</td>",
        "<td>library</td>",
        "library: repository:pull, repository:push",
        "<td>admin</td>",
        "2026-08-22T06:00:00.000Z",
        "in 1d",
        "badge active",
    ] {
        assert!(ci.contains(expected), "{expected} in {ci}");
    }
    let ops = row(&before.text, "robot$ops");
    assert!(ops.contains("never") && ops.contains("/: robot:list, robot:read"));
    let ci = row(&after.text, "robot$library+ci");
    assert!(
        ci.contains("badge expired") && ci.contains("1d ago"),
        "{ci}"
    );
    assert!(!ci.contains("badge active"));
    assert!(
        before.text.find("robot$library+ci") < before.text.find("robot$ops"),
        "newest first"
    );
    let filtered = page(&app, "/_mock/ui/robots?q=name%3D~op", &[]).await.text;
    assert!(filtered.contains("robot$ops") && !filtered.contains("library+ci"));
    let bad = page(&app, "/_mock/ui/robots?q=name%3D%5B1", &[]).await;
    assert_eq!(bad.status, StatusCode::OK, "a bad q is said on the page");
    assert!(bad.text.contains("class=\"error\""), "{}", bad.text);
}

#[tokio::test]
async fn no_secret_password_or_hash_reaches_a_page() {
    // Arrange: secrets in responses, request bodies, headers and the state.
    let app = TestApp::new();
    let robot = app.create(system_robot("ops")).await;
    let secret = robot["secret"].as_str().unwrap().to_string();
    app.get("/api/v2.0/robots", ("robot$ops", &secret)).await;
    app.send(
        Method::PATCH,
        "/api/v2.0/robots/1",
        Some(ADMIN),
        Some(json!({"secret": "Brand-New-Secret-9"})),
    )
    .await;
    app.create_user("dave", "Dave-Password-1").await;
    let state = app
        .send(Method::GET, "/_mock/state", None, None)
        .await
        .json();
    let mut needles = vec![
        secret,
        "Brand-New-Secret-9".to_string(),
        "Dave-Password-1".to_string(),
        "Harbor12345".to_string(),
        basic("admin", "Harbor12345"),
    ];
    for user in state["users"].as_array().unwrap() {
        needles.push(user["password_hash"].as_str().unwrap().to_string());
        needles.push(user["salt"].as_str().unwrap().to_string());
    }
    for robot in state["robots"].as_array().unwrap() {
        needles.push(robot["secret_hash"].as_str().unwrap().to_string());
        needles.push(robot["salt"].as_str().unwrap().to_string());
    }

    // Act + Assert
    for uri in VIEWS {
        let reply = page(&app, uri, &[]).await;
        assert_page(&reply, uri);
        for needle in &needles {
            assert!(
                !reply.text.contains(needle.as_str()),
                "{uri} leaks {needle}"
            );
        }
    }
    let journal = unescape(&page(&app, "/_mock/ui/journal", &[]).await.text);
    assert!(
        journal.contains("Basic <redacted>"),
        "headers shown redacted"
    );
    assert!(journal.contains("\"secret\": \"<redacted>\""), "bodies too");
}

#[tokio::test]
async fn the_journal_filters_by_method_path_status_and_caller_and_escapes_what_clients_sent() {
    let app = TestApp::new();
    app.get("/api/v2.0/robots", ADMIN).await;
    app.get("/api/v2.0/users", BOB).await;
    app.get("/api/v2.0/robots/9", ADMIN).await;
    app.send_with(
        Method::GET,
        "/api/v2.0/projects",
        None,
        None,
        &[("x-evil", "<script>alert(1)</script>")],
    )
    .await;
    let seqs = |text: &str| -> Vec<u64> {
        text.match_indices("data-seq=\"")
            .map(|(i, m)| {
                let rest = &text[i + m.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    };
    let journal = |q: &'static str| {
        let app = &app;
        async move { page(app, &format!("/_mock/ui/journal?{q}"), &[]).await.text }
    };
    assert_eq!(seqs(&journal("").await), [4, 3, 2, 1], "newest first");
    assert_eq!(seqs(&journal("caller=bob").await), [2]);
    assert_eq!(seqs(&journal("status=404&method=").await), [3]);
    assert_eq!(seqs(&journal("path=%2Fapi%2Fv2.0%2Frobots*").await), [3, 1]);
    assert_eq!(seqs(&journal("method=GET&caller=admin").await), [3, 1]);
    let all = journal("").await;
    assert!(!all.contains("<script>alert(1)"), "client text is escaped");
    assert!(unescape(&all).contains("<td><script>alert(1)</script></td>"));
    let bad = unescape(&journal("status=5xx").await);
    assert!(bad.contains("status \"5xx\" is not a number"));
    assert!(
        all.contains("data-events=\"/_mock/ui/journal/events?after=4\""),
        "the live stream starts after what the page shows"
    );
    let bob = unescape(&journal("caller=bob").await);
    assert!(bob.contains("events?after=4&caller=bob\""));
}

#[tokio::test]
async fn each_session_has_its_dashboard_and_the_journal_switches_instance() {
    let app = TestApp::new();
    let created = app
        .send(Method::POST, "/_mock/sessions", None, None)
        .await
        .json();
    let id = created["id"].as_str().unwrap().to_string();
    app.get(&format!("/sessions/{id}/api/v2.0/robots"), ADMIN)
        .await;
    let home = page(&app, "/_mock/ui", &[]).await;
    assert!(
        home.text
            .contains(&format!("href=\"/sessions/{id}/_mock/ui\""))
    );
    let robots = page(&app, &format!("/sessions/{id}/_mock/ui/robots"), &[]).await;
    assert_page(&robots, "session robots");
    assert!(
        robots
            .text
            .contains(&format!("<strong id=\"instance\">{id}</strong>"))
    );
    assert!(
        robots
            .text
            .contains(&format!("href=\"/sessions/{id}/_mock/ui/journal\""))
    );
    let session_journal = page(&app, &format!("/sessions/{id}/_mock/ui/journal"), &[]).await;
    assert!(session_journal.text.contains("data-seq=\"1\""));
    assert!(
        !page(&app, "/_mock/ui/journal", &[])
            .await
            .text
            .contains("data-seq")
    );

    let switch = page(
        &app,
        &format!("/_mock/ui/journal?instance={id}&method=GET&path="),
        &[],
    )
    .await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
    assert_eq!(
        switch.header("location"),
        Some(format!("/sessions/{id}/_mock/ui/journal?method=GET").as_str())
    );
    let back = page(
        &app,
        &format!("/sessions/{id}/_mock/ui/journal?instance=main"),
        &[],
    )
    .await;
    assert_eq!(back.header("location"), Some("/_mock/ui/journal"));
    assert_eq!(
        page(&app, "/sessions/nope/_mock/ui", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn with_a_token_pages_ask_for_it_once_and_the_cookie_opens_the_control_api_too() {
    let app = TestApp::with_settings(default_fixtures(), |s| {
        s.control_token = Some("t0ken".into())
    });
    // Asked for the token, keeping where the browser was going.
    let prompt = page(&app, "/_mock/ui/robots?q=name%3Dx", &[]).await;
    assert_eq!(prompt.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        prompt.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(prompt.text.contains("name=\"token\""));
    assert!(prompt.text.contains("value=\"/robots?q=name%3Dx\""));
    assert!(!prompt.text.contains("data-robot"));
    assert_eq!(
        page(&app, "/_mock/ui/journal/events", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        page(&app, "/_mock/ui/assets/ui.css", &[]).await.status,
        StatusCode::OK,
        "assets hold no data"
    );

    let wrong = post_form(&app, "/_mock/ui/login", "token=nope&next=%2Frobots", &[]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text.contains("That is not the token"));
    assert!(wrong.header("set-cookie").is_none());

    let right = post_form(
        &app,
        "/_mock/ui/login",
        "token=t0ken&next=%2Frobots%3Fq%3Dname%253Dx",
        &[],
    )
    .await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(
        right.header("location"),
        Some("/_mock/ui/robots?q=name%3Dx")
    );
    let set_cookie = right.header("set-cookie").unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    assert!(!set_cookie.contains("Max-Age") && !set_cookie.contains("Expires"));
    assert!(!set_cookie.contains("t0ken"), "a digest, not the token");
    let cookie = set_cookie.split(';').next().unwrap().to_string();

    for uri in VIEWS {
        assert_page(&page(&app, uri, &[("cookie", &cookie)]).await, uri);
    }
    assert_page(
        &page(&app, "/_mock/ui", &[("authorization", "Bearer t0ken")]).await,
        "bearer",
    );
    let faults = page(&app, "/_mock/faults", &[("cookie", &cookie)]).await;
    assert_eq!(
        faults.status,
        StatusCode::OK,
        "the control API takes the cookie"
    );
    page(&app, "/_mock/faults", &[])
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");

    let outside = post_form(
        &app,
        "/_mock/ui/login",
        "token=t0ken&next=%2F%2Fevil.test",
        &[],
    )
    .await;
    assert_eq!(
        outside.header("location"),
        Some("/_mock/ui"),
        "stays on the dashboard"
    );
    let logout = post_form(&app, "/_mock/ui/logout", "", &[("cookie", &cookie)]).await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert!(logout.header("set-cookie").unwrap().contains("Max-Age=0"));
}

#[tokio::test]
async fn no_control_switches_the_dashboard_off() {
    let app = TestApp::with_settings(default_fixtures(), |s| s.control = false);
    for uri in VIEWS.iter().chain(&["/_mock/ui/assets/ui.js"]) {
        let reply = page(&app, uri, &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/json; charset=utf-8"),
            "{uri}: Harbor's 404"
        );
    }
}

#[tokio::test]
async fn the_live_journal_streams_requests_recorded_after_the_page() {
    // Arrange: one request before the page, whose stream starts after it.
    let app = TestApp::new();
    app.get("/api/v2.0/robots", ADMIN).await;
    let req = Request::get("/_mock/ui/journal/events?after=1&caller=bob")
        .body(Body::empty())
        .unwrap();
    let response = app.router().oneshot(req).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let mut body = response.into_body();

    // Act: one request the filter drops, one it keeps.
    app.get("/api/v2.0/projects", ADMIN).await;
    app.get("/api/v2.0/users/current", BOB).await;

    // Assert: the next event is bob's, rendered like the page's entries.
    let mut text = String::new();
    let deadline = tokio::time::timeout(Duration::from_secs(10), async {
        while !text.contains("\n\n") {
            let frame = body.frame().await.unwrap().unwrap();
            if let Ok(data) = frame.into_data() {
                text.push_str(std::str::from_utf8(&data).unwrap());
            }
        }
    });
    deadline.await.expect("an event within 10 s");
    assert!(text.starts_with("event: entry\n"), "{text}");
    assert!(text.contains("\nid: 3\n"), "{text}");
    let data = text.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    let html: String = serde_json::from_str(data).unwrap();
    assert!(html.contains("data-seq=\"3\"") && html.contains("/api/v2.0/users/current"));
    assert!(html.contains("<span class=\"caller\">bob</span>"));

    // A reconnecting browser's Last-Event-ID wins over `after`.
    let req = Request::get("/_mock/ui/journal/events?after=0")
        .header("last-event-id", "2")
        .body(Body::empty())
        .unwrap();
    let mut body = app.router().oneshot(req).await.unwrap().into_body();
    let first = tokio::time::timeout(Duration::from_secs(10), body.frame())
        .await
        .unwrap()
        .unwrap()
        .unwrap()
        .into_data()
        .unwrap();
    assert!(std::str::from_utf8(&first).unwrap().contains("id: 3\n"));
}

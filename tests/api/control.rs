//! The control API under /_mock, driven in-process.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

async fn control(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Reply {
    let mut req = Request::builder().method(method).uri(path);
    let body = match body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    app.raw(req.body(body).unwrap()).await
}

#[tokio::test]
async fn health_is_always_ok() {
    let app = TestApp::new();
    let reply = control(&app, Method::GET, "/_mock/health", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"status": "ok"}));
}

#[tokio::test]
async fn reset_returns_to_the_fixtures() {
    let app = TestApp::new();
    app.create(system_robot("ops")).await;
    control(
        &app,
        Method::POST,
        "/_mock/faults",
        Some(json!({"path": "/x", "status": 500})),
    )
    .await;
    app.clock().advance(1000);
    let reply = control(&app, Method::POST, "/_mock/reset", None).await;
    assert_eq!(
        reply.json(),
        json!({"users": 4, "projects": 1, "members": 3, "robots": 0})
    );
    assert_eq!(app.store.robot_count(), 0);
    assert_eq!(
        app.clock().now_millis(),
        NOW_MS,
        "the clock is back at its start"
    );
    assert_eq!(
        control(&app, Method::GET, "/_mock/faults", None)
            .await
            .json(),
        json!([])
    );
    assert_eq!(
        control(&app, Method::GET, "/_mock/journal", None)
            .await
            .json(),
        json!([])
    );
}

#[tokio::test]
async fn state_dump_is_a_loadable_fixtures_file_without_plaintext_secrets() {
    let app = TestApp::new();
    let created = app.create(project_robot("ci", "library")).await;
    let secret = created["secret"].as_str().unwrap();
    let dump = control(&app, Method::GET, "/_mock/state", None).await;
    assert!(!dump.text.contains(secret));
    assert!(
        !dump.text.contains("Harbor12345"),
        "passwords are dumped hashed"
    );
    let state = dump.json();
    assert_eq!(state["robots"][0]["name"], "library+ci");
    assert!(state["robots"][0]["secret_hash"].as_str().unwrap().len() == 64);

    // Load it into a fresh instance: the robot authenticates with its secret there.
    let other = TestApp::new();
    let reply = control(&other, Method::PUT, "/_mock/state", Some(state.clone())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    // A project robot may list its project's robots only with robot:list; it still
    // authenticates, so the answer is 403 (not 401) with the right secret.
    other
        .get("/api/v2.0/robots/1", ("robot$library+ci", secret))
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
    other
        .get("/api/v2.0/robots/1", ("robot$library+ci", "Wrong-Secret-1"))
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    assert_eq!(
        control(&other, Method::GET, "/_mock/state", None)
            .await
            .json(),
        state
    );
    // The next id continues after the loaded robots.
    assert_eq!(other.create(system_robot("ops")).await["id"], 2);
}

#[tokio::test]
async fn bad_state_is_rejected_and_changes_nothing() {
    let app = TestApp::new();
    app.create(system_robot("ops")).await;
    let cases = [
        (
            json!({"robots": [{"name": "x", "project_id": 9}]}),
            "robots[0]: project_id 9 is not a known project",
        ),
        (
            json!({"projects": [{"name": "a"}, {"name": "a"}]}),
            "projects[1]: duplicate project name \"a\"",
        ),
        (
            json!({"members": [{"project": "p", "user": "u", "role": "boss"}]}),
            "members[0]: unknown project \"p\"",
        ),
    ];
    for (body, message) in cases {
        control(&app, Method::PUT, "/_mock/state", Some(body))
            .await
            .assert_error(400, "BAD_REQUEST", message);
    }
    let reply = control(
        &app,
        Method::PUT,
        "/_mock/state",
        Some(json!({"robtos": []})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.text.contains("unknown field `robtos`"),
        "{}",
        reply.text
    );
    assert_eq!(app.store.robot_count(), 1);
}

#[tokio::test]
async fn projects_users_and_members_can_be_added() {
    let app = TestApp::new();
    let p = control(
        &app,
        Method::POST,
        "/_mock/projects",
        Some(json!({"name": "team"})),
    )
    .await;
    assert_eq!(p.status, StatusCode::CREATED);
    assert_eq!(p.json(), json!({"id": 2, "name": "team"}));
    let u = control(
        &app,
        Method::POST,
        "/_mock/users",
        Some(json!({"username": "zoe", "password": "Zoe12345"})),
    )
    .await;
    assert_eq!(
        u.json(),
        json!({"id": 5, "username": "zoe", "sysadmin": false})
    );
    let m = control(
        &app,
        Method::POST,
        "/_mock/members",
        Some(json!({"project": "team", "user": "zoe", "role": "projectAdmin"})),
    )
    .await;
    assert_eq!(m.status, StatusCode::CREATED);
    // zoe now administers team's robots.
    let created = app
        .post(project_robot("bot", "team"), ("zoe", "Zoe12345"))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.json()["name"], "robot$team+bot");
    let bad = [
        (
            "/_mock/projects",
            json!({"name": "team"}),
            "duplicate project name \"team\"",
        ),
        (
            "/_mock/projects",
            json!({"name": "a b"}),
            "invalid project name \"a b\"",
        ),
        (
            "/_mock/users",
            json!({"username": "zoe", "password": "x"}),
            "duplicate username \"zoe\"",
        ),
        (
            "/_mock/users",
            json!({"username": "yan"}),
            "give either password, or password_hash and salt",
        ),
        (
            "/_mock/members",
            json!({"project": "team", "user": "zoe", "role": 9}),
            "unknown role Id(9) (projectAdmin, developer, guest, maintainer, limitedGuest or 1-5)",
        ),
    ];
    for (path, body, message) in bad {
        control(&app, Method::POST, path, Some(body))
            .await
            .assert_error(400, "BAD_REQUEST", message);
    }
    control(&app, Method::POST, "/_mock/projects", None)
        .await
        .assert_error(400, "BAD_REQUEST", "a project body is required");
}

#[tokio::test]
async fn clock_can_be_read_set_and_advanced_and_robots_expire() {
    let app = TestApp::new();
    let mut body = system_robot("ci");
    body["duration"] = json!(30);
    let created = app.create(body).await;
    let auth = ("robot$ci", created["secret"].as_str().unwrap());
    let clock = control(&app, Method::GET, "/_mock/clock", None)
        .await
        .json();
    assert_eq!(
        clock,
        json!({"now": "2026-08-21T06:00:00.123Z", "frozen": true})
    );
    let advanced = control(
        &app,
        Method::POST,
        "/_mock/clock/advance",
        Some(json!({"by": "29d"})),
    )
    .await;
    assert_eq!(advanced.json()["now"], "2026-09-19T06:00:00.123Z");
    assert_eq!(
        app.get("/api/v2.0/robots/1", auth).await.status,
        StatusCode::OK
    );
    control(
        &app,
        Method::POST,
        "/_mock/clock/advance",
        Some(json!({"by": "1d"})),
    )
    .await;
    app.get("/api/v2.0/robots/1", auth)
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    let set = control(
        &app,
        Method::PUT,
        "/_mock/clock",
        Some(json!({"now": "2026-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(
        set.json(),
        json!({"now": "2026-01-01T00:00:00.000Z", "frozen": true})
    );
    // Timestamps of new writes follow the clock.
    let robot = app.create(system_robot("later")).await;
    assert_eq!(robot["creation_time"], "2026-01-01T00:00:00.000Z");
    control(
        &app,
        Method::POST,
        "/_mock/clock/advance",
        Some(json!({"by": "soon"})),
    )
    .await
    .assert_error(
        400,
        "BAD_REQUEST",
        "by: \"soon\" is not a duration like 31d, 12h, 90m, 30s or 1h30m",
    );
    control(
        &app,
        Method::PUT,
        "/_mock/clock",
        Some(json!({"now": "tomorrow"})),
    )
    .await
    .assert_error(
        400,
        "BAD_REQUEST",
        "now: \"tomorrow\" is not an RFC 3339 time",
    );
    let running = control(
        &app,
        Method::PUT,
        "/_mock/clock",
        Some(json!({"frozen": false})),
    )
    .await;
    assert_eq!(running.json()["frozen"], false);
}

#[tokio::test]
async fn journal_records_harbor_requests_filtered_and_redacted() {
    let app = TestApp::new();
    let created = app.create(system_robot("ops")).await;
    let secret = created["secret"].as_str().unwrap().to_string();
    app.get("/api/v2.0/robots?q=name%3D~op", ("robot$ops", &secret))
        .await;
    app.get("/api/v2.0/robots/77", ADMIN).await;
    app.send(
        Method::PATCH,
        "/api/v2.0/robots/1",
        Some(ADMIN),
        Some(json!({"secret": "Brand-New-Secret-9"})),
    )
    .await;
    control(&app, Method::GET, "/_mock/health", None).await;
    let all = control(&app, Method::GET, "/_mock/journal", None).await;
    let entries = all.json();
    assert_eq!(
        entries.as_array().unwrap().len(),
        4,
        "control calls are not journaled"
    );
    assert_eq!(entries[1]["caller"], "robot$ops");
    assert_eq!(entries[1]["query"], "q=name%3D~op");
    assert_eq!(entries[1]["headers"]["authorization"], "Basic <redacted>");
    assert_eq!(entries[0]["status"], 201);
    assert_eq!(entries[0]["caller"], "admin");
    assert!(entries[0]["request_id"].as_str().unwrap().len() == 36);
    for needle in [
        secret.as_str(),
        "Brand-New-Secret-9",
        "SGFyYm9yMTIzNDU",
        "Harbor12345",
    ] {
        assert!(!all.text.contains(needle), "journal leaks {needle}");
    }
    let filtered = |q: &str| {
        let app = &app;
        let q = q.to_string();
        async move {
            control(app, Method::GET, &format!("/_mock/journal?{q}"), None)
                .await
                .json()
        }
    };
    assert_eq!(filtered("status=404").await.as_array().unwrap().len(), 1);
    assert_eq!(
        filtered("method=patch").await[0]["path"],
        "/api/v2.0/robots/1"
    );
    assert_eq!(
        filtered("path=/api/v2.0/robots/*")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(filtered("caller=admin").await.as_array().unwrap().len(), 3);
    assert_eq!(filtered("caller=robot$*").await[0]["caller"], "robot$ops");
    assert_eq!(filtered("caller=bob").await, json!([]));
    let all = filtered("").await;
    let second = all[1]["seq"].as_u64().unwrap();
    let after = filtered(&format!("after={second}")).await;
    assert_eq!(after.as_array().unwrap().len(), 2);
    assert_eq!(after[0]["seq"], second + 1);
    control(&app, Method::GET, "/_mock/journal?status=abc", None)
        .await
        .assert_error(
            400,
            "BAD_REQUEST",
            "journal filters are method, path and caller (with * wildcards), status and after (numbers)",
        );
    let cleared = control(&app, Method::DELETE, "/_mock/journal", None).await;
    assert_eq!(cleared.json(), json!({"cleared": 4}));
    assert_eq!(filtered("").await, json!([]));
}

#[tokio::test]
async fn journal_names_the_caller_of_every_request() {
    // The caller is whoever the credentials name, even when the request fails before its
    // handler looks at them: a 422 for a bad id, an injected fault.
    let app = TestApp::new();
    control(
        &app,
        Method::POST,
        "/_mock/faults",
        Some(json!({"method": "DELETE", "path": "/api/v2.0/robots/*", "status": 502})),
    )
    .await;
    app.get("/api/v2.0/robots/abc", ALICE).await;
    app.send(Method::DELETE, "/api/v2.0/robots/1", Some(BOB), None)
        .await;
    app.send(Method::GET, "/api/v2.0/robots", None, None).await;
    app.get("/api/v2.0/robots", ("alice", "wrong")).await;
    let entries = control(&app, Method::GET, "/_mock/journal", None)
        .await
        .json();
    let seen: Vec<(&str, u64)> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["caller"].as_str().unwrap(), e["status"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("alice", 422),
            ("bob", 502),
            ("anonymous", 401),
            ("anonymous", 401)
        ]
    );
    assert_eq!(entries[0]["time"], "2026-08-21T06:00:00.123Z");
    assert_eq!(entries[0]["method"], "GET");
    assert_eq!(entries[1]["method"], "DELETE");
}

#[tokio::test]
async fn journal_is_a_bounded_ring() {
    let app = TestApp::with_settings(default_fixtures(), |s| s.journal_size = 5);
    for _ in 0..12 {
        app.get("/api/v2.0/robots", ADMIN).await;
    }
    let entries = control(&app, Method::GET, "/_mock/journal", None)
        .await
        .json();
    let seqs: Vec<i64> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [8, 9, 10, 11, 12]);
}

#[tokio::test]
async fn fault_rules_answer_errors_then_expire() {
    let app = TestApp::new();
    let rule = control(
        &app,
        Method::POST,
        "/_mock/faults",
        Some(json!({"method": "POST", "path": "/api/v2.0/robots", "times": 2, "status": 503})),
    )
    .await;
    assert_eq!(rule.status, StatusCode::CREATED);
    assert_eq!(rule.json()["id"], 1);
    for _ in 0..2 {
        app.post(system_robot("ops"), ADMIN).await.assert_error(
            503,
            "UNKNOWN",
            "internal server error",
        );
    }
    assert_eq!(
        app.post(system_robot("ops"), ADMIN).await.status,
        StatusCode::CREATED
    );
    let conflict = control(
        &app,
        Method::POST,
        "/_mock/faults",
        Some(json!({"path": "/api/v2.0/robots/*", "status": 409, "message": "simulated"})),
    )
    .await
    .json();
    app.get("/api/v2.0/robots/1", ADMIN)
        .await
        .assert_error(409, "CONFLICT", "simulated");
    assert_eq!(
        control(&app, Method::GET, "/_mock/faults", None)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let removed = control(
        &app,
        Method::DELETE,
        &format!("/_mock/faults/{}", conflict["id"]),
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert_eq!(
        app.get("/api/v2.0/robots/1", ADMIN).await.status,
        StatusCode::OK
    );
    control(&app, Method::DELETE, "/_mock/faults/99", None)
        .await
        .assert_error(404, "NOT_FOUND", "fault 99 not found");
    control(
        &app,
        Method::POST,
        "/_mock/faults",
        Some(json!({"path": "/x", "status": 200})),
    )
    .await
    .assert_error(
        400,
        "BAD_REQUEST",
        "status 200 is not an error status (400-599)",
    );
    let journal = control(&app, Method::GET, "/_mock/journal?status=503", None)
        .await
        .json();
    assert_eq!(
        journal.as_array().unwrap().len(),
        2,
        "faulted requests are journaled"
    );
}

#[tokio::test]
async fn sessions_are_isolated_instances() {
    let app = TestApp::new();
    let a = control(&app, Method::POST, "/_mock/sessions", None).await;
    assert_eq!(a.status, StatusCode::CREATED);
    let a = a.json();
    let base = a["base_path"].as_str().unwrap().to_string();
    assert_eq!(a["api"], format!("{base}/api/v2.0"));
    // A session created from a fixtures body.
    let b = control(
        &app,
        Method::POST,
        "/_mock/sessions",
        Some(json!({"users": [{"username": "solo", "password": "Solo12345", "sysadmin": true}]})),
    )
    .await
    .json();
    let b_base = b["base_path"].as_str().unwrap().to_string();

    let created = app
        .send(
            Method::POST,
            &format!("{base}/api/v2.0/robots"),
            Some(ADMIN),
            Some(system_robot("ops")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    // Like a Harbor behind a path prefix, Location and Link carry Harbor's own paths.
    assert_eq!(created.header("location"), Some("/api/v2.0/robots/1"));
    app.send(
        Method::POST,
        &format!("{base}/api/v2.0/robots"),
        Some(ADMIN),
        Some(system_robot("ops2")),
    )
    .await;
    let paged = app
        .get(&format!("{base}/api/v2.0/robots?page_size=1"), ADMIN)
        .await;
    assert_eq!(
        paged.header("link"),
        Some("</api/v2.0/robots?page=2&page_size=1>; rel=\"next\"")
    );
    app.send(
        Method::DELETE,
        &format!("{base}/api/v2.0/robots/2"),
        Some(ADMIN),
        None,
    )
    .await;
    assert_eq!(app.store.robot_count(), 0, "the main instance is untouched");
    let listed = app.get(&format!("{base}/api/v2.0/robots"), ADMIN).await;
    assert_eq!(listed.header("x-total-count"), Some("1"));
    app.get(&format!("{b_base}/api/v2.0/robots"), ADMIN)
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    assert_eq!(
        app.get(&format!("{b_base}/api/v2.0/robots"), ("solo", "Solo12345"))
            .await
            .header("x-total-count"),
        Some("0")
    );

    // Each session has its own clock and journal.
    control(
        &app,
        Method::POST,
        &format!("{base}/_mock/clock/advance"),
        Some(json!({"by": "1d"})),
    )
    .await;
    assert_eq!(app.clock().now_millis(), NOW_MS);
    let journal = control(&app, Method::GET, &format!("{base}/_mock/journal"), None)
        .await
        .json();
    assert_eq!(journal.as_array().unwrap().len(), 5);
    assert_eq!(
        control(&app, Method::GET, "/_mock/journal", None)
            .await
            .json(),
        json!([])
    );

    let id = a["id"].as_str().unwrap();
    assert_eq!(
        control(&app, Method::DELETE, &format!("/_mock/sessions/{id}"), None)
            .await
            .status,
        StatusCode::OK
    );
    app.get(&format!("{base}/api/v2.0/robots"), ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", &format!("session {id} not found"));
}

#[tokio::test]
async fn control_token_and_switch() {
    let app = TestApp::with_settings(default_fixtures(), |s| {
        s.control_token = Some("t0ken".into())
    });
    control(&app, Method::POST, "/_mock/reset", None)
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    let req = Request::builder()
        .method(Method::POST)
        .uri("/_mock/reset")
        .header("authorization", "Bearer t0ken")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.raw(req).await.status, StatusCode::OK);
    assert_eq!(
        control(&app, Method::GET, "/_mock/health", None)
            .await
            .status,
        StatusCode::OK,
        "health needs no token"
    );

    let off = TestApp::with_settings(default_fixtures(), |s| s.control = false);
    off.raw(
        Request::builder()
            .method(Method::POST)
            .uri("/_mock/reset")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .assert_error(404, "NOT_FOUND", "path /_mock/reset was not found");
    assert_eq!(
        control(&off, Method::GET, "/_mock/health", None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn control_projects_carry_what_harbor_projects_hold() {
    let app = TestApp::new();
    let body = json!({"name": "pub", "public": true, "owner": "alice",
                      "metadata": {"auto_scan": "true"}});
    let reply = control(&app, Method::POST, "/_mock/projects", Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let project = app.get_anonymous("/api/v2.0/projects/pub").await.json();
    assert_eq!(project["owner_name"], "alice");
    assert_eq!(
        project["metadata"],
        json!({"auto_scan": "true", "public": "true"})
    );
    // A fixture project's owner is no member unless the fixtures say so, as they can.
    let members = app.get("/api/v2.0/projects/pub/members", ADMIN).await;
    assert_eq!(members.header("x-total-count"), Some("0"));
    let state = control(&app, Method::GET, "/_mock/state", None)
        .await
        .json();
    let dumped = &state["projects"][1];
    assert_eq!(dumped["name"], "pub");
    assert_eq!(dumped["owner_id"], 2);
    assert_eq!(
        dumped["metadata"],
        json!({"auto_scan": "true", "public": "true"})
    );
}

#[tokio::test]
async fn journal_shows_bodies_redacted_request_id_sources_and_answers() {
    let app = TestApp::new();
    app.send_with(
        Method::POST,
        "/api/v2.0/users",
        Some(ADMIN),
        Some(
            json!({"username": "zoe", "email": "zoe@example.com", "realname": "Zoe",
                    "password": "Zoe-Pass-12345", "nested": [{"Secret": {"deep": "x"}}]}),
        ),
        &[("x-request-id", "client-id-1")],
    )
    .await;
    app.send(
        Method::PUT,
        "/api/v2.0/users/5/password",
        Some(ADMIN),
        Some(json!({"old_password": "", "new_password": "Zoe-New-54321"})),
    )
    .await;
    let refused = app.get("/api/v2.0/robots?q=id%3Dabc", ADMIN).await;
    assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR);
    let journal = control(&app, Method::GET, "/_mock/journal", None).await;
    for needle in ["Zoe-Pass-12345", "Zoe-New-54321", "\"deep\""] {
        assert!(!journal.text.contains(needle), "journal leaks {needle}");
    }
    let entries = journal.json();
    let create = &entries[0];
    assert_eq!(create["request_id"], "client-id-1");
    assert_eq!(create["request_id_source"], "client");
    assert_eq!(
        create["body"],
        "{\"username\":\"zoe\",\"email\":\"zoe@example.com\",\"realname\":\"Zoe\",\"password\":\"<redacted>\",\"nested\":[{\"Secret\":\"<redacted>\"}]}"
    );
    assert_eq!(create["status"], 201);
    assert_eq!(create["response_size"], 0);
    assert!(create.get("error").is_none());
    assert!(create["body_size"].as_u64().unwrap() > 100);
    let password = &entries[1];
    assert_eq!(password["request_id_source"], "generated");
    assert_eq!(
        password["body"],
        "{\"old_password\":\"<redacted>\",\"new_password\":\"<redacted>\"}"
    );
    let list = &entries[2];
    assert_eq!(list["status"], 500);
    assert_eq!(
        list["response_size"],
        "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"internal server error\"}]}\n".len()
    );
    assert_eq!(list["error"], "invalid value for id: \"abc\"");
    assert_eq!(
        refused.header("x-harbor-mock-error"),
        Some("invalid value for id: \\\"abc\\\"")
    );
    assert!(list.get("body").is_none(), "no body, no key");
}

#[tokio::test]
async fn sessions_share_the_fixtures_and_are_listed() {
    let app = TestApp::new();
    // The main instance changes first: a session still starts from the fixtures.
    app.create(system_robot("main-only")).await;
    app.delete("/api/v2.0/users/4", ADMIN).await;
    let id = control(&app, Method::POST, "/_mock/sessions", None)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let base = format!("/sessions/{id}/api/v2.0");
    let robots = app.get(&format!("{base}/robots"), ADMIN).await;
    assert_eq!(robots.header("x-total-count"), Some("0"));
    assert_eq!(
        app.get(&format!("{base}/users/current"), CAROL)
            .await
            .status,
        200
    );
    // Its writes, deletes and reset touch only itself.
    app.delete(&format!("{base}/projects/1"), ADMIN).await;
    app.post_to(
        &format!("{base}/robots"),
        system_robot("session-only"),
        ADMIN,
    )
    .await;
    assert_eq!(app.get("/api/v2.0/projects/1", ADMIN).await.status, 200);
    assert_eq!(app.store.robot_count(), 1);
    control(
        &app,
        Method::POST,
        &format!("/sessions/{id}/_mock/reset"),
        None,
    )
    .await;
    assert_eq!(
        app.get(&format!("{base}/projects/1"), ADMIN).await.status,
        200
    );
    let listed = control(&app, Method::GET, "/_mock/sessions", None)
        .await
        .json();
    let sessions = listed.as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["id"], id.as_str());
    assert_eq!(sessions[0]["robots"], 0);
    for key in ["created", "last_used"] {
        let time = sessions[0][key].as_str().unwrap();
        assert!(time.ends_with('Z') && time.len() == 24, "{key}: {time}");
    }
}

#[tokio::test]
async fn sessions_are_managed_from_the_main_instance_only() {
    let app = TestApp::new();
    let new_id = |reply: Reply| reply.json()["id"].as_str().unwrap().to_string();
    let a = new_id(control(&app, Method::POST, "/_mock/sessions", None).await);
    let b = new_id(control(&app, Method::POST, "/_mock/sessions", None).await);
    let inside = format!("/sessions/{a}/_mock/sessions");
    for (method, path) in [
        (Method::GET, inside.clone()),
        (Method::POST, inside.clone()),
        (Method::DELETE, format!("{inside}/{b}")),
        (Method::DELETE, format!("{inside}/{a}")),
    ] {
        let reply = control(&app, method.clone(), &path, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(reply.json()["errors"][0]["code"], "NOT_FOUND");
    }
    // Neither session was closed, and no third one was opened.
    let listed = control(&app, Method::GET, "/_mock/sessions", None).await;
    assert_eq!(listed.json().as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_method_a_control_path_does_not_take_is_a_405_in_the_envelope() {
    let app = TestApp::new();
    let reply = control(&app, Method::DELETE, "/_mock/faults", None).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        reply.json(),
        json!({"errors": [{"code": "METHOD_NOT_ALLOWED",
                           "message": "method DELETE is not allowed on /_mock/faults"}]})
    );
}

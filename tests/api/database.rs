//! Where Harbor's database says no (issue cases from goharbor/harbor#11338, #13262, #20117):
//! values Harbor writes without checking them first, `q` values PostgreSQL cannot convert, and
//! ids beyond `int4`. Harbor answers 500 `UNKNOWN` `internal server error` and rolls the
//! request back; the mock does the same and says why in `X-Harbor-Mock-Error`. The columns
//! and their limits come from `make/migrations/postgresql/` (varchar counts characters; excess
//! trailing spaces are dropped; NUL is refused everywhere).

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

const ROBOTS: &str = "/api/v2.0/robots";

fn a(n: usize) -> String {
    "a".repeat(n)
}

fn e(n: usize) -> String {
    "é".repeat(n)
}

#[track_caller]
fn assert_500(reply: &Reply, reason: &str) {
    reply.assert_error(500, "UNKNOWN", "internal server error");
    let header = reply.header("x-harbor-mock-error").unwrap_or_default();
    assert!(header.contains(reason), "{header:?} should name {reason:?}");
}

fn system(name: &str) -> Value {
    json!({"name": name, "level": "system", "duration": -1,
           "permissions": [{"kind": "system", "namespace": "/",
                            "access": [{"resource": "project", "action": "list"}]}]})
}

fn project(name: &str, namespace: &str) -> Value {
    json!({"name": name, "level": "project", "duration": 30,
           "permissions": [{"kind": "project", "namespace": namespace,
                            "access": [{"resource": "repository", "action": "pull"}]}]})
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

async fn robot_count(app: &TestApp) -> String {
    let reply = app.get(ROBOTS, ADMIN).await;
    reply.header("x-total-count").unwrap().to_string()
}

#[tokio::test]
async fn robot_names_are_cut_at_the_column_not_by_a_check() {
    let app = TestApp::new();
    assert_eq!(
        app.post(system(&a(255)), ADMIN).await.status,
        StatusCode::CREATED
    );
    for n in [256, 300] {
        let reply = app.post(system(&a(n)), ADMIN).await;
        assert_500(&reply, "character varying(255) (robot.name)");
    }
    // A project robot's stored name is `<project>+<name>`.
    let fits = app.post(project(&a(247), "library"), ADMIN).await;
    assert_eq!(fits.status, StatusCode::CREATED, "{}", fits.text);
    assert_eq!(fits.json()["name"], format!("robot$library+{}", a(247)));
    assert_500(
        &app.post(project(&a(248), "library"), ADMIN).await,
        "robot.name",
    );
    app.create_project(json!({"project_name": a(254)}), ADMIN)
        .await;
    assert_500(&app.post(project("b", &a(254)), ADMIN).await, "robot.name");
    app.create_project(json!({"project_name": a(253)}), ADMIN)
        .await;
    assert_eq!(app.post(project("b", &a(253)), ADMIN).await.status, 201);
    assert_eq!(
        robot_count(&app).await,
        "1",
        "the system robot; the refused ones left nothing"
    );
}

#[tokio::test]
async fn descriptions_count_characters_and_lose_excess_spaces() {
    let app = TestApp::new();
    for (description, status) in [
        (a(1024), 201),
        (e(1024), 201),
        (a(1025), 500),
        (e(1025), 500),
    ] {
        let body = with(system("d"), "description", json!(description));
        let reply = app.post(body, ADMIN).await;
        assert_eq!(
            reply.status.as_u16(),
            status,
            "{} chars",
            description.chars().count()
        );
        if status == 201 {
            app.delete(&format!("{ROBOTS}/{}", reply.json()["id"]), ADMIN)
                .await;
        }
    }
    let cases = [
        (a(1024) + "   ", a(1024)),
        (a(1020) + &" ".repeat(10), a(1020) + "    "),
    ];
    for (i, (sent, stored)) in cases.into_iter().enumerate() {
        let body = with(system(&format!("s{i}")), "description", json!(sent));
        let created = app.create(body).await;
        let robot = app.get(&format!("{ROBOTS}/{}", created["id"]), ADMIN).await;
        assert_eq!(robot.json()["description"], stored);
    }
    for tail in ["\t", "\u{a0}"] {
        let body = with(system("t"), "description", json!(a(1024) + tail));
        assert_500(&app.post(body, ADMIN).await, "robot.description");
    }
    let nul = with(system("n"), "description", json!("a\u{0}b"));
    assert_500(&app.post(nul, ADMIN).await, "0x00 (robot.description)");
}

#[tokio::test]
async fn effects_are_stored_as_the_column_keeps_them() {
    let app = TestApp::new();
    let effect = |name: &str, effect: String| {
        json!({"name": name, "level": "system", "duration": -1,
               "permissions": [{"kind": "system", "namespace": "/",
                   "access": [{"resource": "project", "action": "list", "effect": effect}]}]})
    };
    assert_eq!(app.post(effect("ok", a(255)), ADMIN).await.status, 201);
    assert_500(
        &app.post(effect("long", a(256)), ADMIN).await,
        "permission_policy.effect",
    );
    let padded = app
        .create(effect("pad", "deny".to_string() + &" ".repeat(300)))
        .await;
    let robot = app.get(&format!("{ROBOTS}/{}", padded["id"]), ADMIN).await;
    let stored = &robot.json()["permissions"][0]["access"][0]["effect"];
    assert_eq!(stored, &json!("deny".to_string() + &" ".repeat(251)));
    // The failed create left no robot behind.
    assert_eq!(robot_count(&app).await, "2");
}

#[tokio::test]
async fn a_refused_update_changes_nothing() {
    let app = TestApp::new();
    let created = app.create(system("keep")).await;
    let uri = format!("{ROBOTS}/{}", created["id"]);
    let before = app.get(&uri, ADMIN).await.json();
    let mut body = before.clone();
    body["description"] = json!(a(1025));
    body["disable"] = json!(true);
    assert_500(&app.put(&uri, body, ADMIN).await, "robot.description");
    let mut body = before.clone();
    body["permissions"][0]["access"][0]["effect"] = json!(a(256));
    body["description"] = json!("changed");
    assert_500(
        &app.put(&uri, body, ADMIN).await,
        "permission_policy.effect",
    );
    assert_eq!(app.get(&uri, ADMIN).await.json(), before);
}

#[tokio::test]
async fn project_metadata_values_are_varchar_255_on_create_and_update() {
    let app = TestApp::new();
    let reply = app
        .post_to(
            "/api/v2.0/projects",
            json!({"project_name": "p", "metadata": {"severity": a(256)}}),
            ADMIN,
        )
        .await;
    assert_500(&reply, "project_metadata.value");
    let head = app
        .send(
            Method::HEAD,
            "/api/v2.0/projects?project_name=p",
            Some(ADMIN),
            None,
        )
        .await;
    assert_eq!(head.status, StatusCode::NOT_FOUND, "nothing of it remains");
    let id = app
        .create_project(
            json!({"project_name": "p", "metadata": {"severity": a(255), "auto_scan": "true  "}}),
            ADMIN,
        )
        .await;
    let uri = format!("/api/v2.0/projects/{id}");
    let padded = json!({"metadata": {"prevent_vul": "high".to_string() + &" ".repeat(252)}});
    assert_eq!(app.put(&uri, padded, ADMIN).await.status, 200);
    let before = app.get(&uri, ADMIN).await.json();
    assert_eq!(
        before["metadata"]["prevent_vul"],
        json!("high".to_string() + &" ".repeat(251))
    );
    // goharbor/harbor#20117: nothing checks `public` on update, so the column does.
    let long = json!({"metadata": {"public": a(256), "auto_scan": "false"}});
    assert_500(&app.put(&uri, long, ADMIN).await, "project_metadata.value");
    assert_eq!(app.get(&uri, ADMIN).await.json(), before);
    assert_eq!(
        app.put(&uri, json!({"metadata": {"public": "abc"}}), ADMIN)
            .await
            .status,
        200
    );
    // An allowlist item is JSON in a text column: no limit, NUL escaped.
    let items =
        json!({"cve_allowlist": {"items": [{"cve_id": "CVE-1\u{0}"}, {"cve_id": a(5000)}]}});
    assert_eq!(app.put(&uri, items, ADMIN).await.status, 200);
}

#[tokio::test]
async fn user_columns_refuse_nul_and_a_long_profile_email() {
    let app = TestApp::new();
    let user = |username: &str, email: &str, realname: &str| {
        json!({"username": username, "email": email, "realname": realname,
               "password": "Passw0rd1"})
    };
    for (body, column) in [
        (
            user("a\u{0}b", "ab@example.com", "AB"),
            "harbor_user.username",
        ),
        (user("ab", "a\u{0}b@example.com", "AB"), "harbor_user.email"),
        (
            user("ab", "ab@example.com", "A\u{0}B"),
            "harbor_user.realname",
        ),
    ] {
        assert_500(&app.post_to("/api/v2.0/users", body, ADMIN).await, column);
    }
    // Bytes are checked first: 128 `é` are 256 bytes.
    app.post_to(
        "/api/v2.0/users",
        user(&e(128), "x@example.com", "X"),
        ADMIN,
    )
    .await
    .assert_error(400, "BAD_REQUEST", "username with illegal length");
    let email = |n: usize| format!("{}@x.com", a(n - 6));
    let profile = |email: String| json!({"email": email, "realname": "Carol"});
    assert_500(
        &app.put("/api/v2.0/users/4", profile(email(256)), ADMIN)
            .await,
        "character varying(255) (harbor_user.email)",
    );
    assert_eq!(
        app.get("/api/v2.0/users/4", ADMIN)
            .await
            .json()
            .get("email"),
        None,
        "unchanged"
    );
    let ok = app
        .put("/api/v2.0/users/4", profile(email(255)), ADMIN)
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
}

#[tokio::test]
async fn configuration_strings_refuse_nul_and_nothing_is_half_stored() {
    let app = TestApp::new();
    let uri = "/api/v2.0/configurations";
    let banner = json!({"banner_message": a(100_000)});
    assert_eq!(app.put(uri, banner, ADMIN).await.status, 200);
    let both = json!({"banner_message": "ok", "robot_name_prefix": "x\u{0}"});
    assert_500(&app.put(uri, both, ADMIN).await, "properties.v");
    let config = app.get(uri, ADMIN).await.json();
    assert_eq!(config["banner_message"]["value"], a(100_000));
    assert_eq!(config["robot_name_prefix"]["value"], "robot$");
}

#[tokio::test]
async fn q_values_postgresql_cannot_convert_are_500s() {
    let app = TestApp::new();
    app.create(system("ops")).await;
    let list = |q: &'static str| {
        let app = &app;
        async move {
            let q = utf8_percent_encode(q, NON_ALPHANUMERIC);
            app.get(&format!("{ROBOTS}?q={q}"), ADMIN).await
        }
    };
    for q in [
        "id=abc",
        "project_id=abc",
        "visible=abc",
        "disabled=abc",
        "disabled=[0~1]",
        "name={1 2}",
        "id=99999999999999999999",
        "duration=3000000000",
        "creation_time=abc",
        "name=\u{0}",
        "Level=project,ProjectID=3000000000",
    ] {
        let reply = list(q).await;
        assert_eq!(
            reply.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "q={q}: {}",
            reply.text
        );
        reply.assert_error(500, "UNKNOWN", "internal server error");
        assert!(reply.header("x-harbor-mock-error").is_some(), "q={q}");
    }
    for q in [
        "ProjectID=abc",
        "disabled=yes",
        "name={a b}",
        "id=~abc",
        "creation_time=now",
    ] {
        assert_eq!(list(q).await.status, StatusCode::OK, "q={q}");
    }
    let empty = list("id={}").await;
    assert_eq!(
        (empty.status, empty.text.as_str()),
        (StatusCode::OK, "[]\n")
    );
    let invalid_utf8 = app.get(&format!("{ROBOTS}?q=name%3D%FF"), ADMIN).await;
    invalid_utf8.assert_error(500, "UNKNOWN", "internal server error");
    // A non-admin never reaches the database with a project id it cannot read.
    let q = utf8_percent_encode("Level=project,ProjectID=3000000000", NON_ALPHANUMERIC);
    app.get(&format!("{ROBOTS}?q={q}"), CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
}

#[tokio::test]
async fn other_lists_meet_the_same_conversions() {
    let app = TestApp::new();
    for uri in [
        "/api/v2.0/projects?q=project_id%3Dabc",
        "/api/v2.0/projects?q=project_id%3D3000000000",
        "/api/v2.0/projects?q=Deleted%3Dabc",
        "/api/v2.0/projects?owner=a%00b",
        "/api/v2.0/projects?name=%00",
        "/api/v2.0/users?q=user_id%3Dabc",
        "/api/v2.0/users?q=sysadmin_flag%3Dabc",
        "/api/v2.0/users?username=%00",
        "/api/v2.0/users/search?username=%00",
        "/api/v2.0/projects/1/members?entityname=%00",
    ] {
        let reply = app.get(uri, ADMIN).await;
        assert_eq!(
            reply.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{uri}: {}",
            reply.text
        );
    }
    for uri in [
        "/api/v2.0/projects?q=deleted%3Dabc",
        "/api/v2.0/projects?q=public%3Dabc",
        "/api/v2.0/users?q=deleted%3Dabc",
    ] {
        assert_eq!(app.get(uri, ADMIN).await.status, StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn ids_beyond_int4_are_500s_for_whoever_reaches_the_database() {
    let app = TestApp::new();
    let big = 2_147_483_648_i64;
    assert_500(
        &app.get(&format!("/api/v2.0/projects/{big}"), ADMIN).await,
        "project.project_id",
    );
    app.get(&format!("/api/v2.0/projects/{big}"), CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
    app.get("/api/v2.0/projects/2147483647", ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "project 2147483647 not found");
    assert_500(
        &app.get(&format!("/api/v2.0/users/{big}"), ADMIN).await,
        "harbor_user.user_id",
    );
    let flag = json!({"sysadmin_flag": true});
    assert_500(
        &app.put(
            &format!("/api/v2.0/users/{big}/sysadmin"),
            flag.clone(),
            ADMIN,
        )
        .await,
        "harbor_user.user_id",
    );
    app.put("/api/v2.0/users/2147483647/sysadmin", flag, ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "user with id 2147483647 not found");
    assert_500(
        &app.delete(&format!("/api/v2.0/users/{big}"), ADMIN).await,
        "harbor_user.user_id",
    );
    let members = "/api/v2.0/projects/1/members";
    assert_500(
        &app.put(&format!("{members}/{big}"), json!({"role_id": 2}), ADMIN)
            .await,
        "project_member.id",
    );
    assert_500(
        &app.put(&format!("{members}/3"), json!({"role_id": big}), ADMIN)
            .await,
        "project_member.role",
    );
    assert_eq!(
        app.put(&format!("{members}/3"), json!({"role_id": 99}), ADMIN)
            .await
            .status,
        200
    );
    assert_500(
        &app.get(&format!("{members}/{big}"), ADMIN).await,
        "project_member.id",
    );
    // The user lookup's driver error is wrapped as a 400 by the member controller.
    let reply = app
        .post_to(
            members,
            json!({"role_id": 2, "member_user": {"user_id": big}}),
            ADMIN,
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply
            .text
            .contains(&format!("Failed to get user {big}: failed to encode args[")),
        "{}",
        reply.text
    );
}

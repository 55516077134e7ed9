//! `GET /search` (`src/server/v2.0/handler/search.go` `Search`): the projects a caller may see
//! whose name holds `q`, as `@hapic/harbor`'s `search` looks a project id up.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ADMIN, ALICE, CAROL, TestApp, project_robot};

/// library (public), platform (private, alice its admin as creator) and tools (public).
async fn three_projects() -> TestApp {
    let app = TestApp::new();
    app.create_project(json!({"project_name": "platform"}), ALICE)
        .await;
    app.create_project(
        json!({"project_name": "tools", "metadata": {"public": "true"}}),
        ADMIN,
    )
    .await;
    app
}

fn names(reply: &Value) -> Vec<&str> {
    reply["project"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn search_answers_projects_with_metadata_but_no_owner_name_or_allowlist() {
    // Arrange
    let app = three_projects().await;
    // Act
    let reply = app.get("/api/v2.0/search?q=plat", ALICE).await;
    // Assert: `projectCtl.List(ctx, q.New(kw))` without options loads metadata (Detail and
    // Metadata default to true, `controller/project/options.go` newOptions) but not the owner
    // or the allowlist, which `ToSwagger` copies from the zero value; the roles are the local
    // user's (`ListRoles`); `searchOK` writes `project` then `repository`, `[]` when empty.
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.text,
        "{\"project\":[{\"creation_time\":\"2026-08-21T06:00:00.123Z\",\
         \"current_user_role_id\":1,\"current_user_role_ids\":[1],\"cve_allowlist\":\
         {\"creation_time\":\"0001-01-01T00:00:00.000Z\",\"items\":null,\
         \"update_time\":\"0001-01-01T00:00:00.000Z\"},\"metadata\":{\"public\":\"false\"},\
         \"name\":\"platform\",\"owner_id\":2,\"project_id\":2,\"repo_count\":0,\
         \"update_time\":\"2026-08-21T06:00:00.123Z\"}],\"repository\":[]}\n"
    );
}

#[tokio::test]
async fn search_shows_each_caller_what_harbor_shows_them() {
    let app = three_projects().await;
    let ci = app.create(project_robot("ci", "platform")).await;
    let robot = (ci["name"].as_str().unwrap(), ci["secret"].as_str().unwrap());
    let everything = app.create(json!({
        "name": "all", "duration": -1, "level": "system",
        "permissions": [{"kind": "project", "namespace": "*",
            "access": [{"resource": "repository", "action": "pull"}]}]
    }));
    let everything = everything.await;
    let all = (
        everything["name"].as_str().unwrap(),
        everything["secret"].as_str().unwrap(),
    );
    // A sysadmin sees every project (`IsSysAdmin`), a local user their own and the public
    // ones (`MemberQuery{WithPublic: true}`), anyone else the public ones (`kw["public"]`),
    // robots too, whatever their permissions: a robot's context is no `local.SecurityContext`.
    let cases = [
        ("admin", ADMIN, vec!["library", "platform", "tools"]),
        (
            "alice, platform's admin",
            ALICE,
            vec!["library", "platform", "tools"],
        ),
        ("carol, no member", CAROL, vec!["library", "tools"]),
        ("platform's project robot", robot, vec!["library", "tools"]),
        ("a robot on every project", all, vec!["library", "tools"]),
    ];
    for (who, auth, want) in cases {
        let reply = app.get("/api/v2.0/search?q=l", auth).await;
        assert_eq!(names(&reply.json()), want, "{who}");
    }
    let anonymous = app.get_anonymous("/api/v2.0/search?q=l").await;
    assert_eq!(anonymous.status, StatusCode::OK, "search never answers 401");
    assert_eq!(names(&anonymous.json()), ["library", "tools"]);
    // Robots and anonymous callers get no roles.
    assert_eq!(
        anonymous.json()["project"][0]["current_user_role_ids"],
        Value::Null
    );
    assert_eq!(
        app.get("/api/v2.0/search?q=library", robot).await.json()["project"][0]["current_user_role_ids"],
        Value::Null
    );
}

#[tokio::test]
async fn search_matches_names_as_go_strings_contains() {
    let app = three_projects().await;
    let search = |q: &'static str| {
        let app = &app;
        async move {
            names(
                &app.get(&format!("/api/v2.0/search?q={q}"), ADMIN)
                    .await
                    .json(),
            )
            .join(" ")
        }
    };
    assert_eq!(search("o").await, "platform tools");
    assert_eq!(search("brar").await, "library");
    assert_eq!(search("LIB").await, "", "case-sensitive");
    assert_eq!(search("%25").await, "", "no LIKE wildcards");
    assert_eq!(search("nothing").await, "");
    let empty = app.get("/api/v2.0/search?q=nothing", ADMIN).await;
    assert_eq!(empty.text, "{\"project\":[],\"repository\":[]}\n");
}

#[tokio::test]
async fn search_needs_q() {
    let app = TestApp::new();
    // `q` is `required: true` in the swagger: go-swagger's binding, before the handler.
    for uri in ["/api/v2.0/search", "/api/v2.0/search?q="] {
        app.get(uri, ADMIN).await.assert_error(
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\nq in query is required",
        );
    }
    app.send(
        axum::http::Method::POST,
        "/api/v2.0/search?q=a",
        Some(ADMIN),
        None,
    )
    .await
    .assert_error(
        405,
        "METHOD_NOT_ALLOWED",
        "method POST is not allowed, but [GET] are",
    );
}

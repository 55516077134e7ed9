//! The project API (neighbours spec §6, §8): listing by caller, create, read by name or id,
//! update (a merge), delete with its cascade, summary, repositories.

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

const PROJECTS: &str = "/api/v2.0/projects";

fn names(reply: &Reply) -> Vec<String> {
    reply
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

/// `library` (public) plus `secret` (private, alice admin) and `shared` (private, carol
/// guest), all created by the admin.
async fn three_projects() -> TestApp {
    let app = TestApp::new();
    app.create_project(json!({"project_name": "secret"}), ALICE)
        .await;
    app.create_project(json!({"project_name": "shared"}), ADMIN)
        .await;
    let reply = app
        .post_to(
            "/api/v2.0/projects/shared/members",
            json!({"role_id": 3, "member_user": {"username": "carol"}}),
            ADMIN,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    app
}

#[tokio::test]
async fn a_project_reads_as_harbor_writes_it() {
    let app = TestApp::new();
    let reply = app.get("/api/v2.0/projects/1", ADMIN).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.text,
        "{\"creation_time\":\"2026-08-21T06:00:00.123Z\",\"current_user_role_id\":1,\
         \"current_user_role_ids\":[1],\"cve_allowlist\":{\"creation_time\":\
         \"0001-01-01T00:00:00.000Z\",\"id\":1,\"items\":[],\"project_id\":1,\
         \"update_time\":\"0001-01-01T00:00:00.000Z\"},\"metadata\":{\"public\":\"true\"},\
         \"name\":\"library\",\"owner_id\":1,\"owner_name\":\"admin\",\"project_id\":1,\
         \"repo_count\":0,\"update_time\":\"2026-08-21T06:00:00.123Z\"}\n"
    );
    // Robots and anonymous callers have no role: no id, and a null list.
    let robot = app.create(system_robot("ops")).await;
    let secret = robot["secret"].as_str().unwrap();
    for reply in [
        app.get_anonymous("/api/v2.0/projects/1").await,
        app.get("/api/v2.0/projects/1", CAROL).await,
    ] {
        let body = reply.json();
        assert_eq!(body["current_user_role_ids"], Value::Null);
        assert!(body.get("current_user_role_id").is_none());
    }
    // A system robot with no project permission has no public access (errata 2).
    app.get("/api/v2.0/projects/1", ("robot$ops", secret))
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
    let bob = app.get("/api/v2.0/projects/library", BOB).await.json();
    assert_eq!(bob["current_user_role_id"], 2);
    assert_eq!(bob["current_user_role_ids"], json!([2]));
}

#[tokio::test]
async fn names_and_ids_are_told_apart_as_harbor_does() {
    let app = TestApp::new();
    let id = app
        .create_project(json!({"project_name": "123"}), ADMIN)
        .await;
    assert_eq!(id, 2);
    let by_id = app.get("/api/v2.0/projects/123", ADMIN).await;
    by_id.assert_error(404, "NOT_FOUND", "project 123 not found");
    let by_name = app
        .send_with(
            Method::GET,
            "/api/v2.0/projects/123",
            Some(ADMIN),
            None,
            &[("x-is-resource-name", "true")],
        )
        .await;
    assert_eq!(by_name.json()["project_id"], 2);
    assert_eq!(
        app.get("/api/v2.0/projects/002", ADMIN).await.json()["name"],
        "123"
    );
    assert_eq!(
        app.get("/api/v2.0/projects/%2B1", ADMIN).await.json()["name"],
        "library",
        "+1 parses as an id"
    );
    app.get("/api/v2.0/projects/a%20b", CAROL)
        .await
        .assert_error(400, "BAD_REQUEST", "invalid project name: 'a b'");
}

#[tokio::test]
async fn a_missing_project_is_404_only_for_sysadmins() {
    let app = TestApp::new();
    app.get("/api/v2.0/projects/nope", ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "project nope not found");
    app.get("/api/v2.0/projects/nope", CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
    app.get_anonymous("/api/v2.0/projects/nope")
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    app.get("/api/v2.0/projects/99/members", ALICE)
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
}

#[tokio::test]
async fn each_caller_lists_what_harbor_shows_them() {
    let app = three_projects().await;
    let list = |auth: Option<(&'static str, &'static str)>, query: &'static str| {
        let app = &app;
        async move {
            let uri = format!("{PROJECTS}{query}");
            names(&app.send(Method::GET, &uri, auth, None).await)
        }
    };
    assert_eq!(list(Some(ADMIN), "").await, ["library", "secret", "shared"]);
    assert_eq!(list(None, "").await, ["library"]);
    assert!(list(None, "?public=false").await.is_empty());
    // q cannot widen an anonymous view: public is forced to true.
    assert_eq!(list(None, "?q=public%3Dfalse").await, ["library"]);
    assert_eq!(list(Some(CAROL), "").await, ["library", "shared"]);
    assert_eq!(list(Some(CAROL), "?public=false").await, ["shared"]);
    assert_eq!(list(Some(CAROL), "?public=true").await, ["library"]);
    assert_eq!(list(Some(ALICE), "").await, ["library", "secret"]);
    assert_eq!(list(Some(ALICE), "?owner=admin").await, ["library"]);
    assert_eq!(list(Some(ADMIN), "?name=EC").await, ["secret"]);
    assert_eq!(list(Some(ADMIN), "?q=name%3D~har").await, ["shared"]);
    assert_eq!(
        list(Some(ADMIN), "?sort=-project_id").await,
        ["shared", "secret", "library"]
    );
    let anonymous = app.get_anonymous("/api/v2.0/projects?public=false").await;
    assert_eq!(anonymous.header("x-total-count"), Some("0"));
    assert_eq!(anonymous.text, "[]\n");
}

#[tokio::test]
async fn robots_list_their_namespaces_and_public_projects() {
    let app = three_projects().await;
    let robot = |name: &str, namespace: &str, resource: &str, action: &str| {
        json!({"name": name, "duration": -1, "level": "system",
            "permissions": [{"kind": "project", "namespace": namespace,
                "access": [{"resource": resource, "action": action}]}]})
    };
    let named = app
        .create(robot("named", "secret", "repository", "pull"))
        .await;
    let star = app.create(robot("star", "*", "repository", "pull")).await;
    let lister = app
        .create(json!({"name": "lister", "duration": -1, "level": "system",
            "permissions": [{"kind": "system", "namespace": "/",
                "access": [{"resource": "project", "action": "list"}]}]}))
        .await;
    let secret_of = |r: &Value| r["secret"].as_str().unwrap().to_string();
    let list = |name: &'static str, secret: String, query: &'static str| {
        let app = &app;
        async move {
            let uri = format!("{PROJECTS}{query}");
            names(&app.get(&uri, (name, &secret)).await)
        }
    };
    assert_eq!(
        list("robot$named", secret_of(&named), "").await,
        ["library", "secret"]
    );
    assert_eq!(
        list("robot$named", secret_of(&named), "?public=false").await,
        ["secret"]
    );
    assert_eq!(
        list("robot$star", secret_of(&star), "").await,
        ["library", "secret", "shared"]
    );
    // System permissions only: no names, so no filter at all (Harbor's FilterByNames).
    assert_eq!(
        list("robot$lister", secret_of(&lister), "").await,
        ["library", "secret", "shared"]
    );
}

#[tokio::test]
async fn the_project_list_pages_with_the_robot_lists_engine() {
    let app = TestApp::new();
    for name in ["p1", "p2", "p3", "p4", "p5"] {
        app.create_project(json!({"project_name": name}), ADMIN)
            .await;
    }
    let reply = app
        .get("/api/v2.0/projects?page=2&page_size=2&sort=name", ADMIN)
        .await;
    assert_eq!(reply.header("x-total-count"), Some("6"));
    assert_eq!(names(&reply), ["p2", "p3"]);
    assert_eq!(
        reply.header("link"),
        Some(
            "</api/v2.0/projects?page=1&page_size=2&sort=name>; rel=\"prev\" , \
             </api/v2.0/projects?page=3&page_size=2&sort=name>; rel=\"next\""
        )
    );
    // q errors are 400 before any authentication, even for anonymous callers.
    app.get_anonymous("/api/v2.0/projects?q=name%3D%5Ba")
        .await
        .assert_error(400, "BAD_REQUEST", "invalid query string value: [a");
    app.get("/api/v2.0/projects?page_size=101", ADMIN)
        .await
        .assert_error(
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\npage_size in query should be less than or equal to 100",
        );
}

#[tokio::test]
async fn with_detail_false_leaves_metadata_owner_and_allowlist_out() {
    let app = TestApp::new();
    let reply = app.get("/api/v2.0/projects?with_detail=false", ADMIN).await;
    let project = &reply.json()[0];
    assert!(project.get("metadata").is_none());
    assert!(project.get("owner_name").is_none());
    assert_eq!(
        project["cve_allowlist"],
        json!({"creation_time": "0001-01-01T00:00:00.000Z", "items": null,
               "update_time": "0001-01-01T00:00:00.000Z"})
    );
}

#[tokio::test]
async fn head_probes_any_project_for_any_authenticated_caller() {
    let app = three_projects().await;
    let head = |uri: &'static str, auth: Option<(&'static str, &'static str)>| {
        let app = &app;
        async move { app.send(Method::HEAD, uri, auth, None).await }
    };
    let found = head("/api/v2.0/projects?project_name=secret", Some(CAROL)).await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.text, "");
    assert_eq!(
        head("/api/v2.0/projects?project_name=nope", Some(CAROL))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        head("/api/v2.0/projects?project_name=library", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        head("/api/v2.0/projects?project_name=a%20b", Some(CAROL))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        head("/api/v2.0/projects?project_name=", Some(CAROL))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn creating_a_project_makes_the_owner_its_admin() {
    let app = TestApp::new();
    let reply = app
        .post_to(
            PROJECTS,
            json!({"project_name": "team", "public": true}),
            CAROL,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.text, "");
    assert_eq!(reply.header("content-type"), None);
    assert_eq!(reply.header("location"), Some("/api/v2.0/projects/2"));
    let project = app.get("/api/v2.0/projects/team", CAROL).await.json();
    assert_eq!(project["owner_id"], 4);
    assert_eq!(project["owner_name"], "carol");
    assert_eq!(project["metadata"], json!({"public": "true"}));
    assert_eq!(project["current_user_role_id"], 1);
    let members = app.get("/api/v2.0/projects/2/members", CAROL).await.json();
    assert_eq!(
        members,
        json!([{"entity_id": 4, "entity_name": "carol", "entity_type": "u", "id": 4,
                "project_id": 2, "role_id": 1, "role_name": "projectAdmin"}])
    );
    let by_name = app
        .send_with(
            Method::POST,
            PROJECTS,
            Some(CAROL),
            Some(json!({"project_name": "team2"})),
            &[("x-resource-name-in-location", "true")],
        )
        .await;
    assert_eq!(by_name.header("location"), Some("/api/v2.0/projects/team2"));
}

#[tokio::test]
async fn robots_create_projects_owned_by_the_first_admin_except_project_robots() {
    let app = TestApp::new();
    let system = app.create(system_robot("ops")).await;
    let reply = app
        .post_to(
            PROJECTS,
            json!({"project_name": "made-by-robot"}),
            ("robot$ops", system["secret"].as_str().unwrap()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let project = app
        .get("/api/v2.0/projects/made-by-robot", ADMIN)
        .await
        .json();
    assert_eq!(project["owner_name"], "admin");
    let project_robot = app.create(project_robot("ci", "library")).await;
    app.post_to(
        PROJECTS,
        json!({"project_name": "nope"}),
        (
            "robot$library+ci",
            project_robot["secret"].as_str().unwrap(),
        ),
    )
    .await
    .assert_error(
        403,
        "FORBIDDEN",
        "Only system level robot can create project",
    );
}

#[tokio::test]
async fn project_creation_checks_in_harbors_order() {
    let app = TestApp::new();
    let cases = [
        (
            json!({"project_name": "Upper"}),
            400,
            "BAD_REQUEST",
            "project name is not in lower case or contains illegal characters",
        ),
        (
            json!({"project_name": "a--b"}),
            400,
            "BAD_REQUEST",
            "project name is not in lower case or contains illegal characters",
        ),
        (
            json!({"project_name": ""}),
            400,
            "BAD_REQUEST",
            "Project name  is illegal in length. (greater than 255 or less than 1)",
        ),
        (
            json!({"project_name": "p", "metadata": {"public": "yes"}}),
            400,
            "BAD_REQUEST",
            "metadata.public should only be 'true' or 'false', but got: 'yes'",
        ),
        (
            json!({"project_name": "p", "metadata": {"retention_id": "7"}}),
            400,
            "BAD_REQUEST",
            "bad request: the retention_id in the request's payload when creating a project should be omitted, alternatively passing an empty string",
        ),
        (
            json!({"project_name": "p", "storage_limit": 0, "registry_id": 0}),
            400,
            "BAD_REQUEST",
            "bad request: 0 is invalid value of registry_id, it should be geater than 0",
        ),
        (
            json!({"project_name": "p", "storage_limit": -5}),
            400,
            "BAD_REQUEST",
            "bad request: invalid non-positive value for quota limit, value=-5",
        ),
        (
            json!({"project_name": "p", "metadata": {"public": true}}),
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\nparsing project body from \"\" failed, because json: cannot unmarshal bool into Go struct field ProjectMetadata.metadata.public of type string",
        ),
        (
            json!({"project_name": "library"}),
            409,
            "CONFLICT",
            "The project named library already exists",
        ),
    ];
    for (body, status, code, message) in cases {
        app.post_to(PROJECTS, body, ADMIN)
            .await
            .assert_error(status, code, message);
    }
    app.post_to(PROJECTS, json!({"project_name": "a".repeat(256)}), ADMIN)
        .await
        .assert_error(
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\nvalidation failure list:\nproject_name in body should be at most 255 chars long",
        );
    app.post_to(
        PROJECTS,
        json!({"project_name": "p", "registry_id": 3}),
        CAROL,
    )
    .await
    .assert_error(
        403,
        "FORBIDDEN",
        "Only system admin can create proxy cache project",
    );
    app.send(
        Method::POST,
        PROJECTS,
        None,
        Some(json!({"project_name": "p"})),
    )
    .await
    .assert_error(401, "UNAUTHORIZED", "unauthorized");
    // The 409 used up id 2, as Harbor's failed insert uses up a sequence value.
    assert_eq!(
        app.create_project(json!({"project_name": "next"}), ADMIN)
            .await,
        3
    );
    assert_eq!(names(&app.get(PROJECTS, ADMIN).await), ["library", "next"]);
}

#[tokio::test]
async fn admin_only_creation_keeps_users_out() {
    let app = TestApp::new();
    app.put(
        "/api/v2.0/configurations",
        json!({"project_creation_restriction": "adminonly"}),
        ADMIN,
    )
    .await;
    app.post_to(PROJECTS, json!({"project_name": "p"}), CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "Only system admin can create project");
    assert_eq!(
        app.post_to(PROJECTS, json!({"project_name": "p"}), ADMIN)
            .await
            .status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn an_update_merges_metadata_and_leaves_the_rest() {
    let app = TestApp::new();
    let body = json!({"project_name": "renamed", "public": false, "storage_limit": 5,
        "metadata": {"auto_scan": "true", "severity": "Negligible", "public": ""},
        "cve_allowlist": {"items": [{"cve_id": "CVE-2026-1"}], "expires_at": 1900000000}});
    let reply = app.put("/api/v2.0/projects/library", body, ALICE).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.text, "");
    let project = app.get("/api/v2.0/projects/1", ALICE).await.json();
    assert_eq!(project["name"], "library");
    assert_eq!(
        project["metadata"],
        json!({"auto_scan": "true", "public": "true", "severity": "none"})
    );
    assert_eq!(
        project["cve_allowlist"]["items"],
        json!([{"cve_id": "CVE-2026-1"}])
    );
    assert_eq!(project["cve_allowlist"]["expires_at"], 1900000000);
    assert_eq!(project["update_time"], "2026-08-21T06:00:00.123Z");
    // No validation on update: any string is stored; only `true`/`1` mean public.
    app.put(
        "/api/v2.0/projects/1",
        json!({"metadata": {"public": "TRUE"}}),
        ADMIN,
    )
    .await;
    assert_eq!(
        app.get_anonymous("/api/v2.0/projects/1").await.status,
        StatusCode::OK,
        "readable anonymously"
    );
    assert!(
        names(&app.get_anonymous(PROJECTS).await).is_empty(),
        "but not listed as public (errata 4)"
    );
}

#[tokio::test]
async fn update_refusals() {
    let app = TestApp::new();
    app.put("/api/v2.0/projects/1", json!({}), BOB)
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
    app.put(
        "/api/v2.0/projects/1",
        json!({"cve_allowlist": {"project_id": 9, "items": []}}),
        ADMIN,
    )
    .await
    .assert_error(
        400,
        "BAD_REQUEST",
        "project_id in cve_allowlist must be 1 but it's 9",
    );
    app.put(
        "/api/v2.0/projects/1",
        json!({"metadata": {"retention_id": ""}}),
        ADMIN,
    )
    .await
    .assert_error(
        400,
        "BAD_REQUEST",
        "the retention_id in the request's payload when updating a project should be omitted, alternatively passing the one that has already been associated to this project",
    );
    let before = app.get("/api/v2.0/projects/1", ADMIN).await.text;
    let reply = app
        .put(
            "/api/v2.0/projects/1",
            json!({"metadata": {"auto_scan": "true"},
                   "cve_allowlist": {"items": [{"cve_id": "CVE-1"}, {"cve_id": "CVE-1"}]}}),
            ADMIN,
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        reply.text
    );
    assert_eq!(
        app.get("/api/v2.0/projects/1", ADMIN).await.text,
        before,
        "a failed update changes nothing"
    );
}

#[tokio::test]
async fn deleting_a_project_deletes_its_robots_and_hides_it_from_system_robots() {
    let app = TestApp::new();
    let id = app
        .create_project(json!({"project_name": "team"}), ADMIN)
        .await;
    let project_bot = app.create(project_robot("ci", "team")).await;
    let project_secret = project_bot["secret"].as_str().unwrap().to_string();
    let system_bot = app
        .create(json!({"name": "wide", "duration": -1, "level": "system",
            "permissions": [
                {"kind": "project", "namespace": "team",
                 "access": [{"resource": "repository", "action": "pull"}]},
                {"kind": "project", "namespace": "library",
                 "access": [{"resource": "repository", "action": "pull"}]}]}))
        .await;
    app.post_to(
        "/api/v2.0/projects/team/members",
        json!({"role_id": 2, "member_user": {"username": "carol"}}),
        ADMIN,
    )
    .await;
    let reply = app.delete(&format!("{PROJECTS}/{id}"), ADMIN).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.text, "");

    app.get("/api/v2.0/projects/team", ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "project team not found");
    app.get(&format!("/api/v2.0/robots/{}", project_bot["id"]), ADMIN)
        .await
        .assert_error(
            404,
            "NOT_FOUND",
            &format!("robot {} not found", project_bot["id"]),
        );
    let gone = app
        .get(
            "/api/v2.0/users/search?username=a",
            ("robot$team+ci", &project_secret),
        )
        .await;
    assert_eq!(
        gone.status,
        StatusCode::UNAUTHORIZED,
        "its credentials stop working"
    );
    let wide = app
        .get(&format!("/api/v2.0/robots/{}", system_bot["id"]), ADMIN)
        .await
        .json();
    let namespaces: Vec<_> = wide["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["namespace"].clone())
        .collect();
    assert_eq!(namespaces, [json!("library")]);
    assert_eq!(app.get("/api/v2.0/permissions", CAROL).await.status, 403);

    // The name is free at once; the new project has a new id, not covered by the robot.
    let again = app
        .create_project(json!({"project_name": "team"}), ADMIN)
        .await;
    assert_eq!(again, id + 1);
    let wide = app
        .get(&format!("/api/v2.0/robots/{}", system_bot["id"]), ADMIN)
        .await
        .json();
    assert_eq!(wide["permissions"].as_array().unwrap().len(), 1);
    let members = app.get(&format!("{PROJECTS}/{again}/members"), ADMIN).await;
    assert_eq!(
        members.header("x-total-count"),
        Some("1"),
        "only the new owner"
    );
}

#[tokio::test]
async fn who_may_delete_a_project() {
    let app = TestApp::new();
    for auth in [BOB, CAROL] {
        app.delete("/api/v2.0/projects/1", auth)
            .await
            .assert_error(403, "FORBIDDEN", "forbidden");
    }
    app.send(Method::DELETE, "/api/v2.0/projects/1", None, None)
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    assert_eq!(
        app.get("/api/v2.0/projects/1/_deletable", ALICE)
            .await
            .json(),
        json!({"deletable": true})
    );
    assert_eq!(
        app.delete("/api/v2.0/projects/library", ALICE).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_summary_shows_what_the_caller_may_see() {
    let app = TestApp::new();
    assert_eq!(
        app.get("/api/v2.0/projects/1/summary", ADMIN).await.json(),
        json!({"developer_count": 1, "project_admin_count": 2,
               "quota": {"hard": {"storage": -1}, "used": {"storage": 0}}, "repo_count": 0})
    );
    assert_eq!(
        app.get_anonymous("/api/v2.0/projects/1/summary").await.text,
        "{\"repo_count\":0}\n"
    );
}

#[tokio::test]
async fn a_mock_registry_holds_no_repositories() {
    let app = three_projects().await;
    let reply = app
        .get("/api/v2.0/projects/library/repositories", CAROL)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text, "[]\n");
    assert_eq!(reply.header("x-total-count"), Some("0"));
    assert_eq!(reply.header("link"), None);
    // Always by name, even when it looks like an id.
    app.get("/api/v2.0/projects/1/repositories", ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "project 1 not found");
    app.get("/api/v2.0/projects/secret/repositories", CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
    app.get("/api/v2.0/projects/nope/repositories", ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "project nope not found");
}

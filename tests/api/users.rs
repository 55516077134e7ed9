//! The user API (neighbours spec §3, §9): the current user, creating, reading, deleting and
//! searching users through Harbor's own API.

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

const USERS: &str = "/api/v2.0/users";

fn zoe() -> serde_json::Value {
    json!({"username": "zoe", "email": "zoe@example.com", "realname": "Zoe Q",
           "comment": "tester", "password": "Zoe12345"})
}

#[tokio::test]
async fn current_user_is_the_callers_user_resp_without_a_password() {
    let app = TestApp::new();
    let reply = app.get("/api/v2.0/users/current", ADMIN).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.text,
        "{\"admin_role_in_auth\":false,\"comment\":\"admin user\",\
         \"creation_time\":\"2026-08-21T06:00:00.123Z\",\"realname\":\"system admin\",\
         \"sysadmin_flag\":true,\"update_time\":\"2026-08-21T06:00:00.123Z\",\"user_id\":1,\
         \"username\":\"admin\"}\n"
    );
    let carol = app.get("/api/v2.0/users/current", CAROL).await.json();
    assert_eq!(
        carol,
        json!({"admin_role_in_auth": false, "creation_time": "2026-08-21T06:00:00.123Z",
               "sysadmin_flag": false, "update_time": "2026-08-21T06:00:00.123Z",
               "user_id": 4, "username": "carol"})
    );
}

#[tokio::test]
async fn current_user_is_a_precondition_failure_for_robots_and_401_for_anonymous() {
    let app = TestApp::new();
    let robot = app.create(system_robot("ops")).await;
    let secret = robot["secret"].as_str().unwrap();
    app.get("/api/v2.0/users/current", ("robot$ops", secret))
        .await
        .assert_error(
            412,
            "PRECONDITION",
            "get current user not available for security context: robot",
        );
    app.get_anonymous("/api/v2.0/users/current")
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
}

#[tokio::test]
async fn a_user_created_by_the_admin_can_log_in_by_name_or_email() {
    let app = TestApp::new();
    let reply = app.post_to(USERS, zoe(), ADMIN).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.text, "");
    assert_eq!(reply.header("content-type"), None);
    assert_eq!(reply.header("location"), Some("/api/v2.0/users/5"));
    for login in ["zoe", "zoe@example.com"] {
        let me = app
            .get("/api/v2.0/users/current", (login, "Zoe12345"))
            .await;
        assert_eq!(me.status, StatusCode::OK, "{login}");
        assert_eq!(me.json()["user_id"], 5);
        assert_eq!(me.json()["email"], "zoe@example.com");
        assert_eq!(me.json()["realname"], "Zoe Q");
        assert_eq!(me.json()["comment"], "tester");
        assert!(!me.text.contains("Zoe12345"));
    }
    assert_eq!(
        app.get("/api/v2.0/users/5", ADMIN).await.json()["username"],
        "zoe"
    );
}

#[tokio::test]
async fn only_a_sysadmin_or_a_robot_with_user_create_may_create_users() {
    let app = TestApp::new();
    app.send(Method::POST, USERS, None, Some(zoe()))
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    app.post_to(USERS, zoe(), ALICE)
        .await
        .assert_error(403, "FORBIDDEN", "alice");
    let robot = app
        .create(json!({"name": "users", "duration": -1, "level": "system",
            "permissions": [{"kind": "system", "namespace": "/",
                "access": [{"resource": "user", "action": "create"}]}]}))
        .await;
    let secret = robot["secret"].as_str().unwrap();
    let reply = app.post_to(USERS, zoe(), ("robot$users", secret)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
}

#[tokio::test]
async fn user_creation_checks_in_harbors_order() {
    let app = TestApp::new();
    let with = |patch: serde_json::Value| {
        let mut body = zoe();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases = [
        (
            json!({"password": "weak"}),
            "the password or secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number",
        ),
        (json!({"email": ""}), "email can't be empty"),
        (json!({"email": "zoe@example"}), "email with illegal format"),
        (json!({"realname": ""}), "realname with illegal length"),
        (
            json!({"realname": "Zoe $"}),
            "realname contains illegal characters",
        ),
        (
            json!({"comment": "c".repeat(31)}),
            "comment with illegal length",
        ),
        (json!({"username": ""}), "username with illegal length"),
        (
            json!({"username": "zo~e"}),
            "username contains illegal characters",
        ),
    ];
    for (patch, message) in cases {
        app.post_to(USERS, with(patch.clone()), ADMIN)
            .await
            .assert_error(400, "BAD_REQUEST", message);
    }
    app.post_to(USERS, with(json!({"username": "z".repeat(256)})), ADMIN)
        .await
        .assert_error(
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\nvalidation failure list:\nusername in body should be at most 255 chars long",
        );
    app.send(Method::POST, USERS, Some(ADMIN), None)
        .await
        .assert_error(
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\nuserReq in body is required",
        );
}

#[tokio::test]
async fn a_taken_name_or_email_is_a_conflict_that_uses_up_an_id() {
    let app = TestApp::new();
    app.post_to(USERS, zoe(), ADMIN).await;
    let mut same_email = zoe();
    same_email["username"] = json!("zoe2");
    app.post_to(USERS, same_email, ADMIN).await.assert_error(
        409,
        "CONFLICT",
        "user zoe2 or email zoe@example.com already exists",
    );
    app.post_to(USERS, zoe(), ADMIN).await.assert_error(
        409,
        "CONFLICT",
        "user zoe or email zoe@example.com already exists",
    );
    // Two failed inserts used up ids 6 and 7, as Harbor's sequence does.
    assert_eq!(app.create_user("yan", "Yan12345").await, 8);
}

#[tokio::test]
async fn self_registration_does_not_open_the_api() {
    let app = TestApp::new();
    let on = app
        .put(
            "/api/v2.0/configurations",
            json!({"self_registration": true}),
            ADMIN,
        )
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.text);
    for auth in [None, Some(CAROL)] {
        app.send(Method::POST, USERS, auth, Some(zoe()))
            .await
            .assert_error(
                403,
                "FORBIDDEN",
                "self-registration cannot be triggered via API",
            );
    }
    // The portal's session cookie is what lets a sign-up through.
    let reply = app
        .send_with(
            Method::POST,
            USERS,
            None,
            Some(zoe()),
            &[("cookie", "sid=abc")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
}

#[tokio::test]
async fn users_read_themselves_and_admins_read_anyone() {
    let app = TestApp::new();
    assert_eq!(
        app.get("/api/v2.0/users/4", CAROL).await.json()["username"],
        "carol"
    );
    app.get("/api/v2.0/users/2", CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "carol");
    app.get_anonymous("/api/v2.0/users/2")
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    app.get("/api/v2.0/users/99", ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "user 99 not found");
    app.get("/api/v2.0/users/x", ADMIN).await.assert_error(
        422,
        "UNPROCESSABLE_ENTITY",
        "validation failure list:\nuser_id in path must be of type int64: \"x\"",
    );
}

#[tokio::test]
async fn deleting_a_user_frees_the_name_removes_memberships_and_keeps_the_id_used() {
    let app = TestApp::new();
    let reply = app.delete("/api/v2.0/users/3", ADMIN).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.text, "");
    app.get("/api/v2.0/users/3", ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "user 3 not found");
    assert_eq!(app.get("/api/v2.0/users/current", BOB).await.status, 401);
    let members = app.get("/api/v2.0/projects/1/members", ADMIN).await.json();
    let names: Vec<_> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["entity_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["admin", "alice"]);
    // The name is free again; the new user gets a new id.
    assert_eq!(app.create_user("bob", "Bob12345").await, 5);
    app.delete("/api/v2.0/users/3", ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "user 3 not found");
}

#[tokio::test]
async fn nobody_deletes_themselves_or_the_first_admin() {
    let app = TestApp::new();
    app.delete("/api/v2.0/users/1", ADMIN).await.assert_error(
        403,
        "FORBIDDEN",
        "User with ID 1 cannot be deleted",
    );
    app.delete("/api/v2.0/users/4", CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "carol");
    // A second admin still cannot delete user 1.
    let reply = app
        .put(
            "/api/v2.0/users/2/sysadmin",
            json!({"sysadmin_flag": true}),
            ADMIN,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    app.delete("/api/v2.0/users/1", ALICE).await.assert_error(
        403,
        "FORBIDDEN",
        "User with ID 1 cannot be deleted",
    );
    app.delete("/api/v2.0/users/2", ALICE).await.assert_error(
        403,
        "FORBIDDEN",
        "User with ID 2 cannot be deleted",
    );
}

#[tokio::test]
async fn the_sysadmin_flag_grants_and_revokes_admin_rights() {
    let app = TestApp::new();
    assert_eq!(app.get("/api/v2.0/configurations", CAROL).await.status, 403);
    app.put(
        "/api/v2.0/users/4/sysadmin",
        json!({"sysadmin_flag": true}),
        ADMIN,
    )
    .await;
    assert_eq!(app.get("/api/v2.0/configurations", CAROL).await.status, 200);
    assert_eq!(
        app.get("/api/v2.0/users/current", CAROL).await.json()["sysadmin_flag"],
        true
    );
    app.put(
        "/api/v2.0/users/4/sysadmin",
        json!({"sysadmin_flag": false}),
        ADMIN,
    )
    .await;
    assert_eq!(app.get("/api/v2.0/configurations", CAROL).await.status, 403);
    app.put(
        "/api/v2.0/users/99/sysadmin",
        json!({"sysadmin_flag": true}),
        ADMIN,
    )
    .await
    .assert_error(404, "NOT_FOUND", "user with id 99 not found");
}

#[tokio::test]
async fn search_counts_without_admin_but_lists_with_it_and_ignores_the_page() {
    let app = TestApp::new();
    let reply = app.get("/api/v2.0/users/search?username=a", CAROL).await;
    assert_eq!(reply.status, StatusCode::OK);
    // Count: names containing `a` in any case, user 1 excluded (alice, carol).
    assert_eq!(reply.header("x-total-count"), Some("2"));
    // Items: case-sensitive LIKE, admin included, by name length then name.
    assert_eq!(
        reply.json(),
        json!([{"user_id": 1, "username": "admin"}, {"user_id": 2, "username": "alice"},
               {"user_id": 4, "username": "carol"}])
    );
    let page2 = app
        .get(
            "/api/v2.0/users/search?username=a&page=2&page_size=1",
            CAROL,
        )
        .await;
    assert_eq!(page2.json(), json!([{"user_id": 1, "username": "admin"}]));
    let admin = app
        .get("/api/v2.0/users/search?username=admin", CAROL)
        .await;
    assert_eq!(admin.header("x-total-count"), Some("0"));
    assert_eq!(admin.text, "[]\n");
    let upper = app.get("/api/v2.0/users/search?username=A", CAROL).await;
    assert_eq!(upper.header("x-total-count"), Some("2"));
    assert_eq!(upper.text, "[]\n");
}

#[tokio::test]
async fn search_needs_a_name_and_a_caller() {
    let app = TestApp::new();
    app.get("/api/v2.0/users/search", CAROL).await.assert_error(
        422,
        "UNPROCESSABLE_ENTITY",
        "validation failure list:\nusername in query is required",
    );
    app.get_anonymous("/api/v2.0/users/search?username=a")
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
}

#[tokio::test]
async fn a_profile_update_is_harbors_blind_row_update() {
    let app = TestApp::new();
    let profile = json!({"email": "carol@example.com", "realname": "Carol C", "comment": "qa"});
    let reply = app.put("/api/v2.0/users/4", profile, CAROL).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.text, "");
    let carol = app.get("/api/v2.0/users/current", CAROL).await.json();
    assert_eq!(
        (&carol["email"], &carol["realname"], &carol["comment"]),
        (&json!("carol@example.com"), &json!("Carol C"), &json!("qa"))
    );
    // Another user's email trips the database's unique key, which Harbor does not map: 500.
    let taken = json!({"email": "carol@example.com", "realname": "Bob"});
    app.put("/api/v2.0/users/3", taken, ADMIN)
        .await
        .assert_error(500, "UNKNOWN", "internal server error");
    assert_eq!(
        app.get("/api/v2.0/users/3", ADMIN)
            .await
            .json()
            .get("email"),
        None,
        "nothing changed"
    );
    let ok = json!({"email": "x@example.com", "realname": "X"});
    app.put("/api/v2.0/users/99", ok.clone(), ADMIN)
        .await
        .assert_error(404, "NOT_FOUND", "user with id 99 not found");
    app.put("/api/v2.0/users/3", ok, CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "carol");
    app.put(
        "/api/v2.0/users/4",
        json!({"email": "", "realname": "C"}),
        CAROL,
    )
    .await
    .assert_error(400, "BAD_REQUEST", "email can't be empty");
}

#[tokio::test]
async fn the_user_list_takes_q_sort_paging_and_name_filters() {
    let app = TestApp::new();
    let names = |reply: &Reply| -> Vec<String> {
        reply
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_string())
            .collect()
    };
    let all = app.get(USERS, ADMIN).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.header("x-total-count"), Some("4"));
    assert_eq!(names(&all), ["admin", "alice", "bob", "carol"]);
    assert_eq!(all.json()[0]["realname"], "system admin");
    assert!(!all.text.contains("password"));
    let page = app
        .get("/api/v2.0/users?page=2&page_size=3&sort=-user_id", ADMIN)
        .await;
    assert_eq!(names(&page), ["admin"]);
    assert_eq!(
        page.header("link"),
        Some("</api/v2.0/users?page=1&page_size=3&sort=-user_id>; rel=\"prev\"")
    );
    let fuzzy = app.get("/api/v2.0/users?username=AL", ADMIN).await;
    assert_eq!(names(&fuzzy), ["alice"]);
    let q = app
        .get("/api/v2.0/users?q=sysadmin_flag%3Dtrue", ADMIN)
        .await;
    assert_eq!(names(&q), ["admin"]);
    // `password` is tagged `filter:"false"`: the key is ignored.
    let unfiltered = app.get("/api/v2.0/users?q=password%3Dx", ADMIN).await;
    assert_eq!(names(&unfiltered), ["admin", "alice", "bob", "carol"]);
    // Access comes before the query is read.
    app.get("/api/v2.0/users?q=name%3D%5Ba", CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "carol");
}

#[tokio::test]
async fn passwords_change_as_in_harbor() {
    let app = TestApp::new();
    let change = |old: &str, new: &str| json!({"old_password": old, "new_password": new});
    let own = "/api/v2.0/users/4/password";
    app.put(own, change("wrong", "Carol54321"), CAROL)
        .await
        .assert_error(403, "FORBIDDEN", "Current password is incorrect");
    app.put(own, change("Carol12345", "weak"), CAROL)
        .await
        .assert_error(
            400,
            "BAD_REQUEST",
            "the password or secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number",
        );
    app.put(own, change("Carol12345", "Carol12345"), CAROL)
        .await
        .assert_error(
            400,
            "BAD_REQUEST",
            "New password is identical to old password",
        );
    let reply = app
        .put(own, change("Carol12345", "Carol54321"), CAROL)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.text, "");
    assert_eq!(app.get("/api/v2.0/users/current", CAROL).await.status, 401);
    assert_eq!(
        app.get("/api/v2.0/users/current", ("carol", "Carol54321"))
            .await
            .status,
        200
    );
    // An admin sets anyone's password without the old one; others may not.
    let reply = app
        .put("/api/v2.0/users/3/password", change("", "Bob54321x"), ADMIN)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    app.put(
        "/api/v2.0/users/2/password",
        change("", "Alice5432x"),
        ("carol", "Carol54321"),
    )
    .await
    .assert_error(403, "FORBIDDEN", "carol");
    app.put(
        "/api/v2.0/users/99/password",
        change("", "Nobody123x"),
        ADMIN,
    )
    .await
    .assert_error(404, "NOT_FOUND", "user 99 not found");
}

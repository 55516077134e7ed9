//! The member API (neighbours spec §7): list, add by name or id, change role, remove, with
//! Harbor's errors and quirks.

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

const MEMBERS: &str = "/api/v2.0/projects/library/members";

fn entity_names(reply: &Reply) -> Vec<String> {
    reply
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["entity_name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn members_are_listed_by_name_and_the_count_ignores_the_filter() {
    let app = TestApp::new();
    let reply = app.get(MEMBERS, BOB).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("x-total-count"), Some("3"));
    assert_eq!(
        reply.json()[1],
        json!({"entity_id": 2, "entity_name": "alice", "entity_type": "u", "id": 2,
               "project_id": 1, "role_id": 1, "role_name": "projectAdmin"})
    );
    assert_eq!(entity_names(&reply), ["admin", "alice", "bob"]);
    let filtered = app.get(&format!("{MEMBERS}?entityname=bob"), BOB).await;
    assert_eq!(entity_names(&filtered), ["bob"]);
    assert_eq!(filtered.header("x-total-count"), Some("3"));
    let none = app.get(&format!("{MEMBERS}?entityname=Bob"), BOB).await;
    assert_eq!(none.text, "[]\n");
    assert_eq!(none.header("x-total-count"), Some("3"));
    let page = app.get(&format!("{MEMBERS}?page=2&page_size=2"), BOB).await;
    assert_eq!(entity_names(&page), ["bob"]);
    assert_eq!(
        page.header("link"),
        Some("</api/v2.0/projects/library/members?page=1&page_size=2>; rel=\"prev\"")
    );
}

#[tokio::test]
async fn who_may_see_and_change_members() {
    let app = TestApp::new();
    let frank = app.create_user("frank", "Frank12345").await;
    app.post_to(
        MEMBERS,
        json!({"role_id": 5, "member_user": {"user_id": frank}}),
        ADMIN,
    )
    .await;
    // limitedGuest and non-members of a public project: no member access at all.
    for auth in [("frank", "Frank12345"), CAROL] {
        app.get(MEMBERS, auth)
            .await
            .assert_error(403, "FORBIDDEN", "forbidden");
    }
    app.get_anonymous(MEMBERS)
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
    // A developer reads but may not add.
    app.post_to(
        MEMBERS,
        json!({"role_id": 2, "member_user": {"username": "carol"}}),
        BOB,
    )
    .await
    .assert_error(403, "FORBIDDEN", "forbidden");
    let reply = app
        .post_to(
            MEMBERS,
            json!({"role_id": 2, "member_user": {"username": "carol"}}),
            ALICE,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
}

#[tokio::test]
async fn adding_a_member_answers_with_a_location_under_the_project_as_addressed() {
    let app = TestApp::new();
    let reply = app
        .post_to(
            "/api/v2.0/projects/1/members",
            json!({"role_id": 4, "member_user": {"username": "carol"}}),
            ADMIN,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.text, "");
    assert_eq!(
        reply.header("location"),
        Some("/api/v2.0/projects/1/members/4")
    );
    let member = app.get("/api/v2.0/projects/library/members/4", CAROL).await;
    assert_eq!(
        member.json(),
        json!({"entity_id": 4, "entity_name": "carol", "entity_type": "u", "id": 4,
               "project_id": 1, "role_id": 4, "role_name": "maintainer"})
    );
    // Now a maintainer, carol sees the project's private sibling data: its members.
    assert_eq!(app.get(MEMBERS, CAROL).await.status, StatusCode::OK);
}

#[tokio::test]
async fn member_creation_checks_in_harbors_order() {
    let app = TestApp::new();
    let cases: [(Option<Value>, u16, &str, &str); 8] = [
        (
            None,
            400,
            "BAD_REQUEST",
            "the project member should provide",
        ),
        (
            Some(json!({"role_id": 2})),
            400,
            "BAD_REQUEST",
            "at least one of member_user or member_group must be provided",
        ),
        (
            Some(json!({"role_id": 2, "member_user": {"user_id": 99}})),
            400,
            "BAD_REQUEST",
            "Failed to get user 99: user 99 not found",
        ),
        (
            Some(json!({"role_id": 2, "member_user": {"username": "nobody"}})),
            404,
            "NOT_FOUND",
            "user nobody is not found",
        ),
        (
            Some(json!({"role_id": 2, "member_group": {"group_name": "devs"}})),
            404,
            "NOT_FOUND",
            "devs not found: not supported",
        ),
        // user_id beats username.
        (
            Some(json!({"role_id": 2, "member_user": {"user_id": 3, "username": "carol"}})),
            409,
            "CONFLICT",
            "The project member specified already exist",
        ),
        // The duplicate check comes before the role's.
        (
            Some(json!({"role_id": 9, "member_user": {"username": "bob"}})),
            409,
            "CONFLICT",
            "The project member specified already exist",
        ),
        (
            Some(json!({"role_id": 9, "member_user": {"username": "carol"}})),
            400,
            "BAD_REQUEST",
            "Failed to update project member, role is not in 1,2,3",
        ),
    ];
    for (body, status, code, message) in cases {
        app.send(Method::POST, MEMBERS, Some(ADMIN), body)
            .await
            .assert_error(status, code, message);
    }
    // A missing project: 404 for sysadmins, after the body checks.
    app.post_to(
        "/api/v2.0/projects/nope/members",
        json!({"role_id": 2, "member_user": {"username": "carol"}}),
        ADMIN,
    )
    .await
    .assert_error(404, "NOT_FOUND", "project nope not found");
    assert_eq!(
        app.get(MEMBERS, ADMIN).await.header("x-total-count"),
        Some("3")
    );
}

#[tokio::test]
async fn reading_one_member() {
    let app = TestApp::new();
    app.get(&format!("{MEMBERS}/0"), ADMIN).await.assert_error(
        400,
        "BAD_REQUEST",
        "the member id can not be empty!",
    );
    app.get(&format!("{MEMBERS}/99"), ADMIN).await.assert_error(
        404,
        "NOT_FOUND",
        "the project member is not found, project id 1, member id 99",
    );
    // A negative id disables the id filter: the first member by name.
    let first = app.get(&format!("{MEMBERS}/-1"), ADMIN).await;
    assert_eq!(first.json()["entity_name"], "admin");
    app.get(&format!("{MEMBERS}/x"), ADMIN).await.assert_error(
        422,
        "UNPROCESSABLE_ENTITY",
        "validation failure list:\nmid in path must be of type int64: \"x\"",
    );
}

#[tokio::test]
async fn a_role_change_is_blind_as_in_harbor() {
    let app = TestApp::new();
    let reply = app
        .put(&format!("{MEMBERS}/3"), json!({"role_id": 3}), ALICE)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.text, "");
    assert_eq!(
        app.get(&format!("{MEMBERS}/3"), ALICE).await.json()["role_name"],
        "guest"
    );
    // An unknown member: 200, nothing happens.
    assert_eq!(
        app.put(&format!("{MEMBERS}/99"), json!({"role_id": 1}), ALICE)
            .await
            .status,
        StatusCode::OK
    );
    // Any role is stored; the member then drops out of reads but still counts.
    app.put(&format!("{MEMBERS}/3"), json!({"role_id": 42}), ALICE)
        .await;
    let list = app.get(MEMBERS, ALICE).await;
    assert_eq!(entity_names(&list), ["admin", "alice"]);
    assert_eq!(list.header("x-total-count"), Some("3"));
    app.get(&format!("{MEMBERS}/3"), ALICE).await.assert_error(
        404,
        "NOT_FOUND",
        "the project member is not found, project id 1, member id 3",
    );
    app.send(Method::PUT, &format!("{MEMBERS}/3"), Some(ALICE), None)
        .await
        .assert_error(400, "BAD_REQUEST", "role can not be empty");
    app.put(&format!("{MEMBERS}/0"), json!({"role_id": 1}), ALICE)
        .await
        .assert_error(400, "BAD_REQUEST", "member id can not be empty");
    app.put(&format!("{MEMBERS}/3"), json!({"role_id": 1}), BOB)
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
}

#[tokio::test]
async fn removing_a_member_is_blind_too() {
    let app = TestApp::new();
    let reply = app.delete(&format!("{MEMBERS}/3"), ALICE).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        app.get(MEMBERS, ALICE).await.header("x-total-count"),
        Some("2")
    );
    assert_eq!(
        app.get("/api/v2.0/projects/library", BOB).await.json()["current_user_role_ids"],
        Value::Null,
        "bob is no member now"
    );
    assert_eq!(
        app.delete(&format!("{MEMBERS}/3"), ALICE).await.status,
        StatusCode::OK,
        "already gone: still 200"
    );
    app.delete(&format!("{MEMBERS}/0"), ALICE)
        .await
        .assert_error(400, "BAD_REQUEST", "the project member id is required.");
    // Nothing stops a project admin from removing themselves.
    assert_eq!(app.delete(&format!("{MEMBERS}/2"), ALICE).await.status, 200);
    app.get(MEMBERS, ALICE)
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
}

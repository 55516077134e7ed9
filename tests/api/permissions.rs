//! `GET /permissions` (neighbours spec §4): both lists for sysadmins, the project list for
//! project admins, 403 for everyone else (robots included), 401 with an empty message.

use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// `NolimitProvider.GetPermissions`, in Harbor's order: `resource: action action …`.
const SYSTEM: &str = "audit-log: list · preheat-instance: read create delete list update · \
    project: list create · replication-policy: read create delete list update · \
    replication: read create list · replication-adapter: list · \
    registry: read create delete list update · scan-all: read update stop create · \
    system-volumes: read · garbage-collection: read create list update stop · \
    purge-audit: read create list update stop · jobservice-monitor: list stop · \
    scanner: read create delete list update · label: read create delete update · \
    security-hub: read list · catalog: read · quota: read list · robot: create read list delete · \
    user: create read update list delete · ldap-user: create list · quota: update · \
    user-group: create read update list delete";

const PROJECT: &str = "log: list · project: read delete update · \
    metadata: read create delete list update · repository: read update delete list pull push · \
    artifact: read create list delete · scan: create read stop · sbom: create stop read · \
    tag: create list delete · accessory: list · artifact-addition: read · \
    artifact-label: create delete · scanner: create read · \
    preheat-policy: read create delete list update · immutable-tag: create delete list update · \
    notification-policy: read create delete list update · \
    tag-retention: read create delete list update · label: read create delete list update · \
    quota: read · robot: create read list delete · export-cve: create read · \
    member: create read update list delete";

fn expected(list: &str) -> Value {
    let items: Vec<Value> = list
        .split('·')
        .flat_map(|group| {
            let (resource, actions) = group.split_once(':').unwrap();
            let resource = resource.trim().to_string();
            actions
                .split_whitespace()
                .map(move |action| json!({"action": action, "resource": resource}))
        })
        .collect();
    assert_eq!(items.len(), 70);
    Value::Array(items)
}

#[tokio::test]
async fn a_sysadmin_gets_both_lists_in_harbors_order() {
    let app = TestApp::new();
    let reply = app.get("/api/v2.0/permissions", ADMIN).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({"project": expected(PROJECT), "system": expected(SYSTEM)})
    );
}

#[tokio::test]
async fn a_project_admin_gets_the_project_list_and_a_null_system() {
    let app = TestApp::new();
    let reply = app.get("/api/v2.0/permissions", ALICE).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({"project": expected(PROJECT), "system": null})
    );
    assert!(reply.text.ends_with(",\"system\":null}\n"));
}

#[tokio::test]
async fn everyone_else_is_refused_and_anonymous_gets_an_empty_message() {
    let app = TestApp::new();
    let robot = app
        .create(json!({"name": "all", "duration": -1, "level": "system",
            "permissions": [{"kind": "project", "namespace": "*",
                "access": [{"resource": "member", "action": "create"}]}]}))
        .await;
    let secret = robot["secret"].as_str().unwrap();
    for auth in [BOB, CAROL, ("robot$all", secret)] {
        app.get("/api/v2.0/permissions", auth).await.assert_error(
            403,
            "FORBIDDEN",
            "forbidden: only admins(system and project) can access permissions",
        );
    }
    app.get_anonymous("/api/v2.0/permissions")
        .await
        .assert_error(401, "UNAUTHORIZED", "");
}

#[tokio::test]
async fn becoming_a_project_admin_opens_the_project_list() {
    let app = TestApp::new();
    assert_eq!(app.get("/api/v2.0/permissions", CAROL).await.status, 403);
    let id = app
        .create_project(json!({"project_name": "carols"}), CAROL)
        .await;
    assert_eq!(id, 2);
    assert_eq!(app.get("/api/v2.0/permissions", CAROL).await.status, 200);
    app.delete("/api/v2.0/projects/2", CAROL).await;
    assert_eq!(app.get("/api/v2.0/permissions", CAROL).await.status, 403);
}

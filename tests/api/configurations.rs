//! `GET`/`PUT /configurations` (neighbours spec §5): Harbor's whole default object with every
//! value of its JSON type, sysadmin only, and the robot keys' effect on names and logins.

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use harbor_mock::store::fixtures::Fixtures;
use serde_json::{Value, json};

const CONFIGURATIONS: &str = "/api/v2.0/configurations";

/// Harbor's defaults (`metadatalist.go`), as `GET /configurations` shows them.
fn defaults() -> Value {
    let s = |v: &str| json!(v);
    let items = [
        ("audit_log_forward_endpoint", s("")),
        ("auth_mode", s("db_auth")),
        ("banner_message", s("")),
        ("disabled_audit_log_event_types", s("")),
        ("http_authproxy_admin_groups", s("")),
        ("http_authproxy_admin_usernames", s("")),
        ("http_authproxy_endpoint", s("")),
        ("http_authproxy_server_certificate", s("")),
        ("http_authproxy_skip_search", json!(false)),
        ("http_authproxy_tokenreview_endpoint", s("")),
        ("http_authproxy_verify_cert", json!(true)),
        ("ldap_base_dn", s("")),
        ("ldap_filter", s("")),
        ("ldap_group_admin_dn", s("")),
        ("ldap_group_attach_parallel", json!(false)),
        ("ldap_group_attribute_name", s("")),
        ("ldap_group_base_dn", s("")),
        ("ldap_group_membership_attribute", s("memberof")),
        ("ldap_group_search_filter", s("")),
        ("ldap_group_search_scope", json!(2)),
        ("ldap_scope", json!(2)),
        ("ldap_search_dn", s("")),
        ("ldap_timeout", json!(5)),
        ("ldap_uid", s("cn")),
        ("ldap_url", s("")),
        ("ldap_verify_cert", json!(true)),
        ("notification_enable", json!(true)),
        ("oidc_admin_group", s("")),
        ("oidc_auto_onboard", json!(false)),
        ("oidc_client_id", s("")),
        ("oidc_endpoint", s("")),
        ("oidc_extra_redirect_parms", s("{}")),
        ("oidc_group_filter", s("")),
        ("oidc_groups_claim", s("")),
        ("oidc_logout", json!(false)),
        ("oidc_name", s("")),
        ("oidc_scope", s("")),
        ("oidc_user_claim", s("")),
        ("oidc_verify_cert", json!(true)),
        ("primary_auth_mode", json!(false)),
        ("project_creation_restriction", s("everyone")),
        ("quota_per_project_enable", json!(true)),
        ("read_only", json!(false)),
        ("robot_name_prefix", s("robot$")),
        ("robot_token_duration", json!(30)),
        ("scanner_skip_update_pulltime", json!(false)),
        ("self_registration", json!(false)),
        ("session_timeout", json!(60)),
        ("skip_audit_log_database", json!(false)),
        ("storage_per_project", json!(-1)),
        ("token_expiration", json!(30)),
        ("uaa_client_id", s("")),
        ("uaa_client_secret", s("")),
        ("uaa_endpoint", s("")),
        ("uaa_verify_cert", json!(false)),
    ];
    let mut object = serde_json::Map::new();
    for (key, value) in items {
        let editable = key != "auth_mode";
        object.insert(key.into(), json!({"editable": editable, "value": value}));
    }
    object.insert("scan_all_policy".into(), json!({}));
    Value::Object(object)
}

#[tokio::test]
async fn the_whole_default_object_in_key_order_with_typed_values() {
    let app = TestApp::new();
    let reply = app.get(CONFIGURATIONS, ADMIN).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body, defaults());
    let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys.len(), 56);
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(reply.text.contains(
        "\"robot_name_prefix\":{\"editable\":true,\"value\":\"robot$\"},\
         \"robot_token_duration\":{\"editable\":true,\"value\":30}"
    ));
}

#[tokio::test]
async fn auth_mode_is_editable_only_while_admin_is_the_only_user() {
    let only_admin: Fixtures = serde_json::from_value(json!({
        "users": [{"id": 1, "username": "admin", "password": "Harbor12345", "sysadmin": true}]
    }))
    .unwrap();
    let app = TestApp::with_fixtures(only_admin);
    let editable =
        || async { app.get(CONFIGURATIONS, ADMIN).await.json()["auth_mode"]["editable"].clone() };
    assert_eq!(editable().await, true);
    let ldap = app
        .put(CONFIGURATIONS, json!({"auth_mode": "ldap_auth"}), ADMIN)
        .await;
    assert_eq!(ldap.status, StatusCode::OK, "{}", ldap.text);
    app.put(CONFIGURATIONS, json!({"auth_mode": "db_auth"}), ADMIN)
        .await;
    app.create_user("zoe", "Zoe12345").await;
    assert_eq!(editable().await, false);
    app.put(CONFIGURATIONS, json!({"auth_mode": "ldap_auth"}), ADMIN)
        .await
        .assert_error(
            400,
            "BAD_REQUEST",
            "the auth mode cannot be modified as new users have been inserted into database",
        );
    // Setting the current mode again is no change.
    let same = app
        .put(CONFIGURATIONS, json!({"auth_mode": "db_auth"}), ADMIN)
        .await;
    assert_eq!(same.status, StatusCode::OK);
}

#[tokio::test]
async fn only_sysadmins_and_the_403_names_the_caller() {
    let app = TestApp::new();
    let robot = app
        .create(json!({"name": "ops", "duration": -1, "level": "system",
            "permissions": [{"kind": "system", "namespace": "/",
                "access": [{"resource": "project", "action": "create"}]}]}))
        .await;
    let secret = robot["secret"].as_str().unwrap();
    for method in [Method::GET, Method::PUT] {
        let body = (method == Method::PUT).then(|| json!({}));
        app.send(method.clone(), CONFIGURATIONS, Some(ALICE), body.clone())
            .await
            .assert_error(403, "FORBIDDEN", "alice");
        app.send(
            method.clone(),
            CONFIGURATIONS,
            Some(("robot$ops", secret)),
            body.clone(),
        )
        .await
        .assert_error(403, "FORBIDDEN", "robot$ops");
        app.send(method, CONFIGURATIONS, None, body)
            .await
            .assert_error(401, "UNAUTHORIZED", "unauthorized");
    }
}

#[tokio::test]
async fn a_new_prefix_renames_every_robot_on_the_wire_and_at_login() {
    let app = TestApp::new();
    let created = app.create(project_robot("ci", "library")).await;
    let secret = created["secret"].as_str().unwrap().to_string();
    let reply = app
        .put(
            CONFIGURATIONS,
            json!({"robot_name_prefix": "  bot-  "}),
            ADMIN,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text, "");
    assert_eq!(
        app.get(CONFIGURATIONS, ADMIN).await.json()["robot_name_prefix"]["value"],
        "bot-",
        "stored trimmed"
    );
    let robot = app.get("/api/v2.0/robots/1", ADMIN).await.json();
    assert_eq!(robot["name"], "bot-library+ci");
    // The old full name is no one now (anonymous: 401); the new one logs in.
    let search = "/api/v2.0/users/search?username=a";
    let old = app.get(search, ("robot$library+ci", &secret)).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app.get(search, ("bot-library+ci", &secret)).await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.text);
    // A robot created now is named with the new prefix.
    let next = app.create(system_robot("ops")).await;
    assert_eq!(next["name"], "bot-ops");
}

#[tokio::test]
async fn the_robot_token_duration_is_stored_and_changes_nothing_else() {
    let app = TestApp::new();
    let reply = app
        .put(CONFIGURATIONS, json!({"robot_token_duration": 7}), ADMIN)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        app.get(CONFIGURATIONS, ADMIN).await.json()["robot_token_duration"]["value"],
        7
    );
    let robot = app.create(project_robot("ci", "library")).await;
    assert_eq!(
        robot["expires_at"],
        NOW_SECS + 30 * 86_400,
        "from the request"
    );
}

#[tokio::test]
async fn bad_items_get_harbors_answers_and_change_nothing() {
    let app = TestApp::new();
    let cases = [
        (
            json!({"robot_name_prefix": "   "}),
            400,
            "BAD_REQUEST",
            "bad request: robot_name_prefix cannot be empty or contain only spaces",
        ),
        (
            json!({"robot_token_duration": 0}),
            400,
            "BAD_REQUEST",
            "the robot_token_duration value must be positive",
        ),
        (
            json!({"robot_token_duration": 10_000_000_000_i64}),
            400,
            "BAD_REQUEST",
            "the robot_token_duration value is over the limit value: 9999999999",
        ),
        (
            json!({"project_creation_restriction": "nobody", "robot_name_prefix": "x$"}),
            400,
            "BAD_REQUEST",
            "bad request: item name project_creation_restriction: invalid project_creation_restriction, should be adminonly or everyone",
        ),
        (
            json!({"storage_per_project": -2}),
            400,
            "BAD_REQUEST",
            "bad request: invalid non-positive value for quota limit, value=-2",
        ),
        (
            json!({"robot_token_duration": "30"}),
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\nparsing configurations body from \"\" failed, because json: cannot unmarshal string into Go struct field Configurations.robot_token_duration of type int64",
        ),
    ];
    for (body, status, code, message) in cases {
        app.put(CONFIGURATIONS, body, ADMIN)
            .await
            .assert_error(status, code, message);
    }
    assert_eq!(app.get(CONFIGURATIONS, ADMIN).await.json(), defaults());
    app.send(Method::PUT, CONFIGURATIONS, Some(ADMIN), None)
        .await
        .assert_error(
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\nconfigurations in body is required",
        );
}

#[tokio::test]
async fn unknown_keys_and_nulls_are_dropped() {
    let app = TestApp::new();
    let reply = app
        .put(
            CONFIGURATIONS,
            json!({"no_such_item": 1, "robot_name_prefix": null, "email_host": "x"}),
            ADMIN,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(app.get(CONFIGURATIONS, ADMIN).await.json(), defaults());
}

#[tokio::test]
async fn read_only_mode_refuses_every_write_but_this_one() {
    let app = TestApp::new();
    app.put(CONFIGURATIONS, json!({"read_only": true}), ADMIN)
        .await;
    let denied = "The system is in read only mode. Any modification is prohibited.";
    app.post(project_robot("ci", "library"), ADMIN)
        .await
        .assert_error(403, "DENIED", denied);
    app.post_to("/api/v2.0/projects", json!({"project_name": "p"}), ADMIN)
        .await
        .assert_error(403, "DENIED", denied);
    app.delete("/api/v2.0/projects/1", ADMIN)
        .await
        .assert_error(403, "DENIED", denied);
    // Reads still work, and the configuration is how one leaves read-only mode.
    assert_eq!(app.get("/api/v2.0/projects", ADMIN).await.status, 200);
    let off = app
        .put(CONFIGURATIONS, json!({"read_only": false}), ADMIN)
        .await;
    assert_eq!(off.status, StatusCode::OK);
    assert_eq!(
        app.post(project_robot("ci", "library"), ADMIN).await.status,
        201
    );
}

#[tokio::test]
async fn the_starting_prefix_comes_from_the_settings() {
    let app = TestApp::with_settings(default_fixtures(), |s| s.robot_prefix = "svc-".into());
    assert_eq!(
        app.get(CONFIGURATIONS, ADMIN).await.json()["robot_name_prefix"]["value"],
        "svc-"
    );
    let robot = app.create(system_robot("ops")).await;
    assert_eq!(robot["name"], "svc-ops");
}

//! `GET /ping`, `/health`, `/systeminfo` (neighbours spec §2): what clients call to see that
//! Harbor is there.

use crate::helpers::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn ping_is_plain_text_pong_and_never_looks_at_credentials() {
    let app = TestApp::new();
    for auth in [
        None,
        Some(ADMIN),
        Some(("admin", "wrong")),
        Some(("robot$x", "y")),
    ] {
        let reply = app.send(Method::GET, "/api/v2.0/ping", auth, None).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.text, "Pong", "4 bytes, no newline");
        assert_eq!(reply.header("content-type"), Some("text/plain"));
        assert!(reply.header("x-request-id").is_some());
    }
}

#[tokio::test]
async fn ping_refuses_an_accept_without_text_plain() {
    let app = TestApp::new();
    let reply = app
        .send_with(
            Method::GET,
            "/api/v2.0/ping",
            None,
            None,
            &[("accept", "application/json")],
        )
        .await;
    reply.assert_error(
        422,
        "UNPROCESSABLE_ENTITY",
        "validation failure list:\nunsupported media type requested, only [text/plain] are available",
    );
    for accept in [
        "text/plain",
        "*/*",
        "text/*",
        "application/json, text/plain;q=0.5",
    ] {
        let reply = app
            .send_with(
                Method::GET,
                "/api/v2.0/ping",
                None,
                None,
                &[("accept", accept)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "Accept: {accept}");
    }
}

#[tokio::test]
async fn health_lists_a_real_installs_components_all_healthy() {
    let app = TestApp::new();
    let reply = app.get_anonymous("/api/v2.0/health").await;
    assert_eq!(reply.status, StatusCode::OK);
    let healthy = |name: &str| json!({"name": name, "status": "healthy"});
    assert_eq!(
        reply.json(),
        json!({"components": [healthy("core"), healthy("database"), healthy("jobservice"),
            healthy("portal"), healthy("redis"), healthy("registry"), healthy("registryctl")],
            "status": "healthy"})
    );
}

#[tokio::test]
async fn systeminfo_shows_the_public_part_to_anonymous_callers() {
    let app = TestApp::new();
    let expected = "{\"auth_mode\":\"db_auth\",\"banner_message\":\"\",\"oidc_provider_name\":\"\",\
                    \"primary_auth_mode\":false,\"self_registration\":false}\n";
    assert_eq!(
        app.get_anonymous("/api/v2.0/systeminfo").await.text,
        expected
    );
    // Bad credentials are an anonymous view, not a 401.
    let reply = app.get("/api/v2.0/systeminfo", ("admin", "wrong")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text, expected);
}

#[tokio::test]
async fn systeminfo_shows_everything_to_users_and_robots() {
    let app = TestApp::new();
    let robot = app.create(system_robot("ops")).await;
    let secret = robot["secret"].as_str().unwrap();
    for auth in [ADMIN, CAROL, ("robot$ops", secret)] {
        let reply = app.get("/api/v2.0/systeminfo", auth).await;
        let info = reply.json();
        assert_eq!(info["current_time"], "2026-08-21T06:00:00.123Z", "{auth:?}");
        assert_eq!(info["harbor_version"], "v2.15.2-080b0220");
        assert_eq!(info["project_creation_restriction"], "everyone");
        assert_eq!(info["read_only"], false);
        assert_eq!(info["notification_enable"], true);
        assert_eq!(info["has_ca_root"], false);
        assert_eq!(info["registry_storage_provider_name"], "filesystem");
        let keys: Vec<_> = info.as_object().unwrap().keys().cloned().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "keys come out in byte order");
        assert_eq!(keys.len(), 14);
    }
}

#[tokio::test]
async fn systeminfo_urls_are_the_address_the_client_reached() {
    let app = TestApp::new();
    let reply = app
        .send_with(
            Method::GET,
            "/api/v2.0/systeminfo",
            Some(ADMIN),
            None,
            &[("host", "harbor.test:8443")],
        )
        .await;
    let info = reply.json();
    assert_eq!(info["external_url"], "http://harbor.test:8443");
    assert_eq!(info["registry_url"], "harbor.test:8443");
}

#[tokio::test]
async fn systeminfo_follows_the_configuration() {
    let app = TestApp::new();
    let reply = app
        .put(
            "/api/v2.0/configurations",
            json!({"project_creation_restriction": "adminonly", "read_only": true,
                   "banner_message": "maintenance"}),
            ADMIN,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let info = app.get("/api/v2.0/systeminfo", ADMIN).await.json();
    assert_eq!(info["project_creation_restriction"], "adminonly");
    assert_eq!(info["read_only"], true);
    assert_eq!(info["banner_message"], "maintenance");
}

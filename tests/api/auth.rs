use crate::helpers::*;
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn anonymous_and_wrong_credentials_get_401_on_every_route() {
    let app = TestApp::new();
    app.create(system_robot("ops")).await;
    let routes = [
        (Method::GET, "/api/v2.0/robots"),
        (Method::GET, "/api/v2.0/robots/1"),
        (Method::DELETE, "/api/v2.0/robots/1"),
    ];
    for (method, path) in routes {
        for auth in [None, Some(("admin", "wrong")), Some(("nobody", "x"))] {
            app.send(method.clone(), path, auth, None)
                .await
                .assert_error(401, "UNAUTHORIZED", "unauthorized");
        }
    }
    let reply = app.send(Method::GET, "/api/v2.0/robots", None, None).await;
    assert!(
        reply.header("www-authenticate").is_none(),
        "Harbor sends no challenge"
    );
}

#[tokio::test]
async fn a_robot_logs_in_with_its_full_name_and_secret() {
    let app = TestApp::new();
    let created = app.create(system_robot("ops")).await;
    let secret = created["secret"].as_str().unwrap();
    assert_eq!(
        app.get("/api/v2.0/robots", ("robot$ops", secret))
            .await
            .status,
        StatusCode::OK
    );
    app.get("/api/v2.0/robots", ("ops", secret))
        .await
        .assert_error(401, "UNAUTHORIZED", "unauthorized");
}

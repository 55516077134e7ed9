//! Deterministic mode: the same seed and clock give byte-identical responses.

use crate::helpers::*;
use axum::http::Method;
use serde_json::json;

async fn session(app: &TestApp) -> Vec<String> {
    let mut transcript = Vec::new();
    let mut log = |reply: Reply| {
        let mut headers: Vec<String> = reply
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap()))
            .collect();
        headers.sort();
        transcript.push(format!(
            "{} {}\n{}",
            reply.status,
            headers.join("\n"),
            reply.text
        ));
    };
    log(app.post(system_robot("ops"), ADMIN).await);
    log(app.post(project_robot("ci", "library"), ADMIN).await);
    log(app
        .send(
            Method::PATCH,
            "/api/v2.0/robots/1",
            Some(ADMIN),
            Some(json!({})),
        )
        .await);
    log(app
        .get("/api/v2.0/robots?q=Level%3Dproject%2CProjectID%3D1", ADMIN)
        .await);
    log(app.get("/api/v2.0/robots/404", ADMIN).await);
    log(app
        .raw(
            axum::http::Request::get("/_mock/sessions")
                .method(Method::POST)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await);
    transcript
}

#[tokio::test]
async fn two_runs_with_one_seed_and_clock_are_byte_identical() {
    let first = session(&TestApp::new()).await;
    let second = session(&TestApp::new()).await;
    assert_eq!(first, second);
    assert!(
        first[0].contains("\"secret\":"),
        "secrets are part of the comparison"
    );
    assert!(
        first[0].contains("x-request-id: "),
        "generated request ids too"
    );
    let other_seed = session(&TestApp::with_settings(default_fixtures(), |s| {
        s.seed = Some(43)
    }))
    .await;
    assert_ne!(first[0], other_seed[0], "the seed decides the secrets");
}

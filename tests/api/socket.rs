//! Over a real socket on port 0: what only the wire shows.

use crate::helpers::*;
use serde_json::json;

async fn spawn(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn headers_as_sent_on_the_wire() {
    let app = TestApp::new();
    let base = spawn(&app).await;
    let client = reqwest::Client::new();
    // POST: 201, path-only Location, JSON content type, request id echoed.
    let created = client
        .post(format!("{base}/api/v2.0/robots"))
        .basic_auth("admin", Some("Harbor12345"))
        .header("X-Request-Id", "trace-1")
        .json(&system_robot("ops"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], "/api/v2.0/robots/1");
    assert_eq!(created.headers()["x-request-id"], "trace-1");
    assert_eq!(created.headers()["content-type"], "application/json");
    let secret = created.json::<serde_json::Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    // DELETE: 200 with an empty body and no content type.
    for i in 0..12 {
        client
            .post(format!("{base}/api/v2.0/robots"))
            .basic_auth("admin", Some("Harbor12345"))
            .json(&system_robot(&format!("bulk{i:02}")))
            .send()
            .await
            .unwrap();
    }
    let list = client
        .get(format!(
            "{base}/api/v2.0/robots?page_size=5&page=2&q=name%3D~bulk"
        ))
        .basic_auth("robot$ops", Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    assert_eq!(list.headers()["x-total-count"], "12");
    assert_eq!(
        list.headers()["link"],
        "</api/v2.0/robots?page=1&page_size=5&q=name=~bulk>; rel=\"prev\" , </api/v2.0/robots?page=3&page_size=5&q=name=~bulk>; rel=\"next\""
    );
    let id = list.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36);
    let deleted = client
        .delete(format!("{base}/api/v2.0/robots/1"))
        .basic_auth("admin", Some("Harbor12345"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    assert!(deleted.headers().get("content-type").is_none());
    assert_eq!(deleted.headers()["content-length"], "0");
    assert_eq!(deleted.text().await.unwrap(), "");
}

#[tokio::test]
async fn errors_on_the_wire_carry_envelope_and_request_id() {
    let app = TestApp::new();
    let base = spawn(&app).await;
    let reply = reqwest::Client::new()
        .put(format!("{base}/api/v2.0/robots/abc"))
        .basic_auth("admin", Some("Harbor12345"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 422);
    assert_eq!(
        reply.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    assert!(reply.headers().contains_key("x-request-id"));
    assert_eq!(
        reply.text().await.unwrap(),
        "{\"errors\":[{\"code\":\"UNPROCESSABLE_ENTITY\",\"message\":\"validation failure list:\\nrobot_id in path must be of type int64: \\\"abc\\\"\"}]}\n"
    );
}

#[tokio::test]
async fn injected_faults_as_a_real_client_sees_them() {
    let harbor = harbor_mock::MockHarbor::start().await;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v2.0/robots", harbor.uri());
    let add = |rule: serde_json::Value| {
        let client = client.clone();
        let uri = harbor.uri();
        async move {
            let reply = client
                .post(format!("{uri}/_mock/faults"))
                .json(&rule)
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), 201);
        }
    };
    // An error status with Harbor's body.
    add(json!({"method": "GET", "path": "/api/v2.0/robots", "times": 1, "status": 502})).await;
    let reply = client
        .get(&url)
        .basic_auth("admin", Some("Harbor12345"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 502);
    assert_eq!(
        reply.text().await.unwrap(),
        "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"internal server error\"}]}\n"
    );
    // Latency: the request still succeeds, later.
    add(json!({"path": "/api/v2.0/robots", "times": 1, "latency_ms": 300})).await;
    let start = std::time::Instant::now();
    let reply = client
        .get(&url)
        .basic_auth("admin", Some("Harbor12345"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert!(start.elapsed() >= std::time::Duration::from_millis(300));
    // A dropped connection: the client gets no response at all.
    add(json!({"path": "/api/v2.0/robots", "times": 1, "drop": true})).await;
    let result = async {
        let reply = client
            .get(&url)
            .basic_auth("admin", Some("Harbor12345"))
            .send()
            .await?;
        reply.bytes().await
    }
    .await;
    assert!(
        result.is_err(),
        "expected a transport error, got {result:?}"
    );
    // And then the route works again.
    let reply = client
        .get(&url)
        .basic_auth("admin", Some("Harbor12345"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(harbor.journal().len(), 4);
}

#[tokio::test]
async fn the_server_sweeps_away_sessions_nobody_touches_again() {
    let harbor = harbor_mock::MockHarbor::builder()
        .session_ttl(std::time::Duration::from_millis(200))
        .start()
        .await;
    let reply = reqwest::Client::new()
        .post(format!("{}/_mock/sessions", harbor.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 201);
    assert_eq!(harbor.state().sessions.len(), 1);
    // `len` does not sweep and nothing else is sent: only the server's own sweep can drop it.
    let start = std::time::Instant::now();
    while !harbor.state().sessions.is_empty() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "no sweep happened"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

//! No request of any shape produces a 5xx or a panic.

use crate::helpers::*;
use axum::body::Body;
use axum::http::Request;
use proptest::prelude::*;

fn method() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
    ])
}

fn path() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("robots".to_string()),
        Just("1".to_string()),
        Just("-1".to_string()),
        Just("99999999999999999999".to_string()),
        "[a-zA-Z0-9%._~-]{0,12}",
    ];
    (
        prop::collection::vec(segment, 0..4),
        "[a-zA-Z0-9=%,~{}()\\[\\] ._+-]{0,40}",
    )
        .prop_map(|(segments, q)| {
            let query = q.replace(' ', "%20");
            format!("/api/v2.0/{}?q={query}&page_size=3", segments.join("/"))
        })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        Just(br#"{"name":"ci","duration":30,"level":"system","permissions":[{"kind":"system","namespace":"/","access":[{"resource":"robot","action":"list"}]}]}"#.to_vec()),
        Just(br#"{"name":"robot$ci","level":"project","duration":-1,"permissions":[{"kind":"project","namespace":"library","access":[null]}],"creation_time":"x"}"#.to_vec()),
        Just(br#"{"secret":"Abcdefgh1"}"#.to_vec()),
        "\\PC{0,60}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..60),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn no_request_gets_a_server_error(method in method(), path in path(), body in body(), json in any::<bool>()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let app = TestApp::new();
            app.create(system_robot("ops")).await;
            let Ok(uri) = path.parse::<axum::http::Uri>() else { return Ok(()) };
            let head = method == "HEAD";
            let mut req = Request::builder()
                .method(method)
                .uri(uri)
                .header("authorization", basic(ADMIN.0, ADMIN.1));
            if json {
                req = req.header("content-type", "application/json");
            }
            let reply = app.raw(req.body(Body::from(body)).unwrap()).await;
            prop_assert!(reply.status.as_u16() < 500, "{} {path}: {}", reply.status, reply.text);
            if reply.status.is_client_error() && !head {
                prop_assert!(reply.text.starts_with("{\"errors\":[{\"code\":"), "{}", reply.text);
            }
            Ok(())
        })?;
    }
}

/// Bodies at Go's limits, over a real socket (the server's own worker threads, not the test's):
/// 10000 levels of nesting decode, 10001 are Go's syntax error, and megabyte bodies of the
/// costliest shapes get their answers (decoding is linear; nothing recurses on the body); past
/// the mock's 1 MiB limit, a 422.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_at_gos_limits_get_harbors_answers_over_a_socket() {
    // Arrange
    let app = TestApp::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app.router();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let client = reqwest::Client::new();
    // Just under the mock's 1 MiB limit: `head`, `unit` repeated (joined by `sep`), `tail`.
    let megabyte = |head: &str, unit: &str, sep: &str, tail: &str| {
        let n = ((1 << 20) - head.len() - tail.len()) / (unit.len() + sep.len());
        format!("{head}{}{tail}", vec![unit; n].join(sep))
    };
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let parse = "validation failure list:\nparsing robot body from \"\" failed, because ";
    let cases = [
        (
            format!(r#"{{"x":{},"name":"a"}}"#, nested(9999)),
            400,
            "bad request error duration input: 0, duration must be either -1(Never) or a positive integer".to_owned(),
        ),
        (
            format!(r#"{{"x":{},"name":"a"}}"#, nested(10000)),
            422,
            format!("{parse}invalid character '[' exceeded max depth"),
        ),
        (
            nested(10000),
            422,
            format!("{parse}json: cannot unmarshal array into Go value of type models.RobotCreate"),
        ),
        (
            megabyte(r#"{"permissions":["#, "1", ",", "]}"),
            422,
            format!(
                "{parse}json: cannot unmarshal number into Go struct field \
                 RobotCreate.permissions of type models.RobotPermission"
            ),
        ),
        (
            megabyte(r#"{"description":""#, r"\ud800", "", r#""}"#),
            400,
            "robot name is not in lower case or contains illegal characters".to_owned(),
        ),
        // The mock's own limit (Harbor reads a body of any size): Go's `MaxBytesReader` text.
        (
            format!("{{}}{}", " ".repeat(1 << 20)),
            422,
            format!("{parse}http: request body too large"),
        ),
    ];
    for (body, status, message) in cases {
        // Act
        let reply = client
            .post(format!("{base}/api/v2.0/robots"))
            .basic_auth(ADMIN.0, Some(ADMIN.1))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        // Assert
        assert_eq!(reply.status().as_u16(), status, "{}…", &body[..40]);
        let answer: serde_json::Value = reply.json().await.unwrap();
        assert_eq!(
            answer["errors"][0]["message"],
            message.as_str(),
            "{}…",
            &body[..40]
        );
    }
}

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

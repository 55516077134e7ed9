use crate::helpers::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};

fn request(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", basic(ADMIN.0, ADMIN.1))
}

#[tokio::test]
async fn binding_failures_are_422_validation_lists() {
    let app = TestApp::new();
    let cases: Vec<(Request<Body>, &str)> = vec![
        (
            request(Method::POST, "/api/v2.0/robots")
                .body(Body::empty())
                .unwrap(),
            "robot in body is required",
        ),
        (
            request(Method::POST, "/api/v2.0/robots")
                .header("content-type", "application/json")
                .body(Body::from("   "))
                .unwrap(),
            "robot in body is required",
        ),
        (
            request(Method::POST, "/api/v2.0/robots")
                .body(Body::from("{}"))
                .unwrap(),
            "unsupported media type \"application/octet-stream\", only [application/json] are allowed",
        ),
        (
            request(Method::POST, "/api/v2.0/robots")
                .header("content-type", "text/plain")
                .body(Body::from("{}"))
                .unwrap(),
            "unsupported media type \"text/plain\", only [application/json] are allowed",
        ),
        // go-openapi names the parsed media type, lower case and without parameters.
        (
            request(Method::POST, "/api/v2.0/robots")
                .header("content-type", "Text/Plain; charset=utf-8")
                .body(Body::from("{}"))
                .unwrap(),
            "unsupported media type \"text/plain\", only [application/json] are allowed",
        ),
        // A value Go's mime.ParseMediaType refuses.
        (
            request(Method::POST, "/api/v2.0/robots")
                .header("content-type", "application/json;;")
                .body(Body::from("{}"))
                .unwrap(),
            "parsing Content-Type header from \"application/json;;\" failed, because mime: invalid media parameter",
        ),
        (
            request(Method::DELETE, "/api/v2.0/robots/1")
                .header("content-type", "application/json; a=1; a=2")
                .header("content-length", "2")
                .body(Body::from("{}"))
                .unwrap(),
            "parsing Content-Type header from \"application/json; a=1; a=2\" failed, because mime: duplicate parameter name",
        ),
        (
            request(Method::POST, "/api/v2.0/robots")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"name":"a","duration":"30"}"#))
                .unwrap(),
            "parsing robot body from \"\" failed, because json: cannot unmarshal string into Go struct field RobotCreate.duration of type int64",
        ),
        (
            request(Method::GET, "/api/v2.0/robots")
                .header("accept", "text/html")
                .body(Body::empty())
                .unwrap(),
            "unsupported media type requested, only [application/json] are available",
        ),
        (
            request(Method::GET, "/api/v2.0/robots?page_size=101")
                .body(Body::empty())
                .unwrap(),
            "page_size in query should be less than or equal to 100",
        ),
        (
            request(Method::GET, "/api/v2.0/robots?page=x")
                .body(Body::empty())
                .unwrap(),
            "page in query must be of type int64: \"x\"",
        ),
    ];
    for (req, line) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let reply = app.raw(req).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            reply.text
        );
        reply.assert_error(
            422,
            "UNPROCESSABLE_ENTITY",
            &format!("validation failure list:\n{line}"),
        );
    }
}

#[tokio::test]
async fn json_charset_and_case_insensitive_keys_are_accepted() {
    let app = TestApp::new();
    let req = request(Method::POST, "/api/v2.0/robots")
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::from(
            r#"{"NAME":"ops","Duration":-1,"LEVEL":"system","permissions":[{"KIND":"system","namespace":"/","access":[{"resource":"robot","action":"list"}]}],"unknown":1}"#,
        ))
        .unwrap();
    let reply = app.raw(req).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let app = TestApp::new();
    app.get("/api/v2.0/robotz", ADMIN).await.assert_error(
        404,
        "NOT_FOUND",
        "path /api/v2.0/robotz was not found",
    );
    let reply = app
        .send(Method::DELETE, "/api/v2.0/robots", Some(ADMIN), None)
        .await;
    reply.assert_error(
        405,
        "METHOD_NOT_ALLOWED",
        "method DELETE is not allowed, but [GET,POST] are",
    );
    assert!(reply.header("allow").is_none());
    app.send(Method::POST, "/api/v2.0/robots/1", Some(ADMIN), None)
        .await
        .assert_error(
            405,
            "METHOD_NOT_ALLOWED",
            "method POST is not allowed, but [DELETE,GET,PATCH,PUT] are",
        );
    // go-swagger's router has no HEAD fallback to GET; a HEAD answer has no body.
    for path in ["/api/v2.0/robots", "/api/v2.0/robots/1"] {
        let reply = app.send(Method::HEAD, path, Some(ADMIN), None).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_eq!(reply.text, "", "{path}");
        assert!(reply.header("allow").is_none(), "{path}");
    }
}

#[tokio::test]
async fn malformed_raw_query_is_400_without_request_id() {
    let app = TestApp::new();
    for (query, message) in [
        ("a=1;b=2", "invalid semicolon separator in query"),
        ("q=%zz", "invalid URL escape \"%zz\""),
    ] {
        let reply = app.get(&format!("/api/v2.0/robots?{query}"), ADMIN).await;
        reply.assert_error(400, "BAD_REQUEST", message);
        assert!(reply.header("x-request-id").is_none(), "{query}");
    }
}

#[tokio::test]
async fn trailing_and_double_slashes_are_accepted() {
    let app = TestApp::new();
    for path in [
        "/api/v2.0/robots/",
        "//api/v2.0//robots",
        "/api/v2.0/robots//",
    ] {
        let reply = app.get(path, ADMIN).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
    }
    let reply = app.post(system_robot("ops"), ADMIN).await;
    assert_eq!(reply.header("location"), Some("/api/v2.0/robots/1"));
}

#[tokio::test]
async fn request_id_is_echoed_or_generated_on_every_response() {
    let app = TestApp::new();
    let req = request(Method::GET, "/api/v2.0/robots/404")
        .header("X-Request-ID", "my id/with spaces")
        .body(Body::empty())
        .unwrap();
    let reply = app.raw(req).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.header("x-request-id"), Some("my id/with spaces"));
    for path in ["/api/v2.0/robots", "/api/v2.0/robots/abc", "/nope"] {
        let reply = app.get(path, ADMIN).await;
        let id = reply.header("x-request-id").expect(path);
        let uuid = uuid::Uuid::parse_str(id).unwrap();
        assert_eq!(uuid.get_version_num(), 4, "{path}");
        assert_eq!(id, id.to_lowercase());
    }
}

#[tokio::test]
async fn error_messages_escape_html_like_go() {
    let app = TestApp::new();
    let reply = app.post(project_robot("ci", "a<b>&c"), ADMIN).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(
        reply
            .text
            .contains(r#""project a\u003cb\u003e\u0026c not found""#),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_body_media_type_is_checked_first_on_every_operation() {
    // Arrange: one robot, so DELETE and GET would otherwise succeed.
    let app = TestApp::new();
    let id = app.create(system_robot("ops")).await["id"]
        .as_i64()
        .unwrap();
    let uri = format!("/api/v2.0/robots/{id}");
    let text_body = |method: Method, uri: &str| {
        request(method, uri)
            .header("content-type", "text/plain")
            .header("content-length", "2")
            .body(Body::from("{}"))
            .unwrap()
    };
    let unsupported = "validation failure list:\nunsupported media type \"text/plain\", only [application/json] are allowed";

    // Act + Assert: go-openapi rejects a non-JSON body before looking at Accept or parameters,
    // whatever the operation.
    for req in [
        text_body(Method::GET, "/api/v2.0/robots"),
        text_body(Method::GET, &uri),
        text_body(Method::DELETE, &uri),
        text_body(Method::DELETE, "/api/v2.0/robots/abc"),
        {
            let mut req = text_body(Method::PUT, "/api/v2.0/robots/abc");
            req.headers_mut()
                .insert("accept", "text/html".parse().unwrap());
            req
        },
    ] {
        let what = format!("{} {}", req.method(), req.uri());
        let reply = app.raw(req).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        reply.assert_error(422, "UNPROCESSABLE_ENTITY", unsupported);
    }

    // A JSON body on DELETE is ignored (harbor-api-client sends `{}` with every DELETE).
    let req = request(Method::DELETE, &uri)
        .header("content-type", "application/json")
        .header("content-length", "2")
        .body(Body::from("{}"))
        .unwrap();
    let reply = app.raw(req).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.text, "");
}

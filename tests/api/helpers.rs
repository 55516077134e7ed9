//! Test harness: an app on a fixed clock and seed, driven in-process or over a socket.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use base64::Engine;
use harbor_mock::app::app;
use harbor_mock::http::Front;
use harbor_mock::mock::clock::Clock;
use harbor_mock::mock::instance::Settings;
use harbor_mock::mock::state::Instances;
use harbor_mock::store::Store;
use harbor_mock::store::fixtures::Fixtures;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

/// 2026-08-21T06:00:00.123Z
pub const NOW_MS: i64 = 1_787_292_000_123;
pub const NOW_SECS: i64 = 1_787_292_000;

pub const ADMIN: (&str, &str) = ("admin", "Harbor12345");
pub const ALICE: (&str, &str) = ("alice", "Alice12345"); // projectAdmin of library
pub const BOB: (&str, &str) = ("bob", "Bob12345"); // developer of library
pub const CAROL: (&str, &str) = ("carol", "Carol12345"); // no membership

pub fn default_fixtures() -> Fixtures {
    serde_json::from_str(include_str!("../../fixtures/default.json")).unwrap()
}

pub struct TestApp {
    pub state: Instances,
    pub store: Arc<Store>,
}

/// A response as the tests look at it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// Asserts a Harbor error envelope with this status, code and message.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str, message: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(
            self.text,
            format!(
                "{}\n",
                json!({"errors": [{"code": code, "message": message}]})
            ),
            "status {status}"
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/json; charset=utf-8")
        );
    }
}

pub fn basic(user: &str, password: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {token}")
}

impl TestApp {
    pub fn new() -> TestApp {
        TestApp::with_fixtures(default_fixtures())
    }

    pub fn with_fixtures(fixtures: Fixtures) -> TestApp {
        TestApp::with_settings(fixtures, |_| {})
    }

    /// Seed 42 and a clock frozen at [`NOW_MS`], then `adjust`.
    pub fn with_settings(fixtures: Fixtures, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = Settings {
            seed: Some(42),
            clock: Some(NOW_MS),
            ..Settings::default()
        };
        adjust(&mut settings);
        let state = Instances::new(fixtures, settings).unwrap();
        TestApp {
            store: state.store().clone(),
            state,
        }
    }

    pub fn router(&self) -> Front {
        app(self.state.clone())
    }

    /// The main instance's clock.
    pub fn clock(&self) -> &Clock {
        &self.state.main.clock
    }

    /// Sends a request in-process. `body` is sent as JSON when given.
    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        auth: Option<(&str, &str)>,
        body: Option<Value>,
    ) -> Reply {
        self.send_with(method, uri, auth, body, &[]).await
    }

    /// [`TestApp::send`] with extra request headers.
    pub async fn send_with(
        &self,
        method: Method,
        uri: &str,
        auth: Option<(&str, &str)>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some((u, p)) = auth {
            req = req.header("authorization", basic(u, p));
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let req = match body {
            Some(v) => req
                .header("content-type", "application/json")
                .body(Body::from(v.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        self.raw(req).await
    }

    pub async fn raw(&self, req: Request<Body>) -> Reply {
        send_to(self.router(), req).await
    }

    pub async fn get(&self, uri: &str, auth: (&str, &str)) -> Reply {
        self.send(Method::GET, uri, Some(auth), None).await
    }

    pub async fn post(&self, body: Value, auth: (&str, &str)) -> Reply {
        self.send(Method::POST, "/api/v2.0/robots", Some(auth), Some(body))
            .await
    }

    /// `POST uri` with a JSON body.
    pub async fn post_to(&self, uri: &str, body: Value, auth: (&str, &str)) -> Reply {
        self.send(Method::POST, uri, Some(auth), Some(body)).await
    }

    /// `PUT uri` with a JSON body.
    pub async fn put(&self, uri: &str, body: Value, auth: (&str, &str)) -> Reply {
        self.send(Method::PUT, uri, Some(auth), Some(body)).await
    }

    /// `DELETE uri`.
    pub async fn delete(&self, uri: &str, auth: (&str, &str)) -> Reply {
        self.send(Method::DELETE, uri, Some(auth), None).await
    }

    /// `GET uri` without credentials.
    pub async fn get_anonymous(&self, uri: &str) -> Reply {
        self.send(Method::GET, uri, None, None).await
    }

    /// Creates a project as `auth` and returns its id (from `Location`).
    pub async fn create_project(&self, body: Value, auth: (&str, &str)) -> i64 {
        let reply = self.post_to("/api/v2.0/projects", body, auth).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        location_id(&reply)
    }

    /// Creates a user as admin and returns its id.
    pub async fn create_user(&self, username: &str, password: &str) -> i64 {
        let body = json!({"username": username, "email": format!("{username}@example.com"),
            "realname": username, "password": password});
        let reply = self.post_to("/api/v2.0/users", body, ADMIN).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        location_id(&reply)
    }

    /// Creates a robot as admin and returns the 201 body.
    pub async fn create(&self, body: Value) -> Value {
        let reply = self.post(body, ADMIN).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json()
    }
}

pub fn system_robot(name: &str) -> Value {
    json!({
        "name": name, "duration": -1, "level": "system",
        "permissions": [{"kind": "system", "namespace": "/",
            "access": [{"resource": "robot", "action": "list"}, {"resource": "robot", "action": "read"}]}]
    })
}

pub fn project_robot(name: &str, project: &str) -> Value {
    json!({
        "name": name, "duration": 30, "level": "project", "description": "CI pusher",
        "permissions": [{"kind": "project", "namespace": project,
            "access": [{"resource": "repository", "action": "pull"}, {"resource": "repository", "action": "push"}]}]
    })
}

/// The id at the end of a 201's `Location`.
#[track_caller]
pub fn location_id(reply: &Reply) -> i64 {
    let location = reply.header("location").expect("a Location header");
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// Sends `req` through `router` in-process and collects the reply.
pub async fn send_to(router: Front, req: Request<Body>) -> Reply {
    let response = router.oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        text: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

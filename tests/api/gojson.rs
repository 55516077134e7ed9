//! The differential test with Go (issue 15): Harbor decodes bodies with Go's `encoding/json`,
//! so for every body of `tests/gojson/corpus.jsonl` the mock must answer what Harbor answers,
//! derived from Go's recorded decoding (`expected.jsonl`, written by `tests/gojson/main.go`):
//!
//! * Go fails: 422 `validation failure list:\nparsing <param> body from "" failed, because
//!   <Go's error>`, or `<param> in body is required` for `io.EOF` on a required body
//!   (go-swagger `parameter.gotmpl`); an empty body is never decoded (`runtime.HasBody`).
//! * Go decodes it: no binding 422 (the handler's own checks decide the status), except the
//!   model's `Validate` failures (its `maxLength`s, checked on Go's value; the corpus names
//!   them too, in `validate`), in their doubled list; and when the mock stores the body, what
//!   it stored, read back through the API, is what Go decoded.
//!
//! The same check runs on the bounded generated run when `tests/gojson/run-generated.sh` sets
//! `GOJSON_CASES` and `GOJSON_EXPECTED`.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Method, Request};
use base64::Engine;
use serde_json::Value;

use harbor_mock::http::Front;

use crate::helpers::{ADMIN, Reply, TestApp, basic, default_fixtures, send_to};

const CORPUS: &str = include_str!("../gojson/corpus.jsonl");
const EXPECTED: &str = include_str!("../gojson/expected.jsonl");

/// One body and what Go made of it.
struct Case {
    id: String,
    class: String,
    shape: String,
    body: Vec<u8>,
    /// The model `Validate` failure Harbor reports for it, if any.
    validate: Option<String>,
    /// Go's answer: `{"ok":true,"value":…}` or `{"ok":false,"eof":…,"error":…}`.
    go: Value,
}

fn cases(corpus: &str, expected: &str) -> Vec<Case> {
    let answers: Vec<Value> = expected
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("an expected.jsonl line"))
        .filter(|a| a.get("id").is_some())
        .collect();
    let lines: Vec<Value> = corpus
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a corpus line"))
        .collect();
    assert_eq!(lines.len(), answers.len(), "one answer per case");
    lines
        .into_iter()
        .zip(answers)
        .map(|(c, go)| {
            let text = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
            assert_eq!(go["id"], c["id"], "answers are in corpus order");
            let body = match c.get("body_b64") {
                Some(b) => base64::engine::general_purpose::STANDARD
                    .decode(b.as_str().unwrap())
                    .unwrap(),
                None => text("body").into_bytes(),
            };
            Case {
                id: text("id"),
                class: c.get("class").map_or("generated".into(), |_| text("class")),
                shape: text("shape"),
                body,
                validate: c.get("validate").map(|_| text("validate")),
                go,
            }
        })
        .collect()
}

/// The robot every `Robot` and `RobotSec` body is sent to.
const ROBOT: &str = "robot$gojson";
const BOB_ID: i64 = 3;

/// Where a model is sent: method, path, go-swagger's parameter name, whether it is required.
fn route(shape: &str, robot: i64, member: i64) -> (Method, String, &'static str, bool) {
    let (method, path, param, required) = match shape {
        "RobotCreate" => (Method::POST, "/robots".into(), "robot", true),
        "Robot" => (Method::PUT, format!("/robots/{robot}"), "robot", true),
        "RobotSec" => (Method::PATCH, format!("/robots/{robot}"), "robotSec", true),
        "ProjectReq" => (Method::POST, "/projects".into(), "project", true),
        "ProjectMember" => (
            Method::POST,
            "/projects/library/members".into(),
            "projectMember",
            false,
        ),
        "RoleRequest" => (
            Method::PUT,
            format!("/projects/library/members/{member}"),
            "role",
            false,
        ),
        "UserCreationReq" => (Method::POST, "/users".into(), "userReq", true),
        "UserProfile" => (Method::PUT, format!("/users/{BOB_ID}"), "profile", true),
        "PasswordReq" => (
            Method::PUT,
            format!("/users/{BOB_ID}/password"),
            "password",
            true,
        ),
        "UserSysAdminFlag" => (
            Method::PUT,
            format!("/users/{BOB_ID}/sysadmin"),
            "sysadminFlag",
            true,
        ),
        "Configurations" => (
            Method::PUT,
            "/configurations".into(),
            "configurations",
            true,
        ),
        other => panic!("no route for shape {other}"),
    };
    (method, format!("/api/v2.0{path}"), param, required)
}

/// The mock every case is sent to: one router (building one costs more than a request in a
/// debug build) over fixtures with the robot the `Robot`/`RobotSec` bodies address, reset
/// before each case.
struct Mock {
    /// Keeps the instances alive.
    _app: TestApp,
    router: Front,
    /// The id of [`ROBOT`].
    robot: i64,
    /// Bob's membership id in `library`.
    member: i64,
}

impl Mock {
    async fn new() -> Mock {
        let mut fixtures = default_fixtures();
        fixtures.robots.push(
            serde_json::from_value(serde_json::json!({
                "name": "gojson", "duration": 30, "secret": "Gojson123",
                "permissions": [{"kind": "system", "namespace": "/",
                    "access": [{"resource": "project", "action": "create"}]}]
            }))
            .unwrap(),
        );
        let app = TestApp::with_fixtures(fixtures);
        let router = app.router();
        let mut mock = Mock {
            _app: app,
            router,
            robot: 0,
            member: 0,
        };
        let robots = mock.get("/api/v2.0/robots", ADMIN).await.json();
        let robot = robots
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == ROBOT);
        mock.robot = robot
            .and_then(|r| r["id"].as_i64())
            .expect("the gojson robot");
        let members = mock
            .get("/api/v2.0/projects/library/members?entityname=bob", ADMIN)
            .await;
        mock.member = members.json()[0]["id"].as_i64().expect("bob in library");
        mock
    }

    async fn send(&self, req: Request<Body>) -> Reply {
        send_to(self.router.clone(), req).await
    }

    async fn get(&self, uri: &str, auth: (&str, &str)) -> Reply {
        self.get_with(uri, auth, &[]).await
    }

    async fn get_with(&self, uri: &str, auth: (&str, &str), headers: &[(&str, &str)]) -> Reply {
        let mut req = Request::get(uri).header("authorization", basic(auth.0, auth.1));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    async fn reset(&self) {
        let req = Request::post("/_mock/reset").body(Body::empty()).unwrap();
        assert_eq!(self.send(req).await.status, 200, "reset");
    }
}

/// What Harbor answers when Go fails to decode, or `None` when Go decodes the body.
fn harbor_refusal(case: &Case, param: &str, required: bool) -> Option<String> {
    if case.body.is_empty() {
        // `runtime.HasBody` is false: nothing is decoded.
        return required.then(|| format!("validation failure list:\n{param} in body is required"));
    }
    if case.go["ok"] == true {
        let lines = validate(&case.shape, &case.go["value"]);
        if let Some(named) = &case.validate {
            assert_eq!(
                &lines.join("\n"),
                named,
                "{}: the corpus names another failure",
                case.id
            );
        }
        return (!lines.is_empty()).then(|| {
            format!(
                "validation failure list:\nvalidation failure list:\n{}",
                lines.join("\n")
            )
        });
    }
    let error = case.go["error"].as_str().unwrap();
    Some(if case.go["eof"] == true && required {
        format!("validation failure list:\n{param} in body is required")
    } else {
        format!("validation failure list:\nparsing {param} body from \"\" failed, because {error}")
    })
}

/// The generated `Validate` of the decoded model (the Go program stops at decoding): the
/// swagger's `maxLength` 255 on `ProjectReq.project_name` and `UserCreationReq.email` and
/// `.username`, counted in runes, one line per failure in field order.
fn validate(shape: &str, go: &Value) -> Vec<String> {
    let fields: &[&str] = match shape {
        "ProjectReq" => &["project_name"],
        "UserCreationReq" => &["email", "username"],
        _ => &[],
    };
    fields
        .iter()
        .filter(|f| go[**f].as_str().unwrap_or_default().chars().count() > 255)
        .map(|f| format!("{f} in body should be at most 255 chars long"))
        .collect()
}

/// How a case that matched Harbor went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Harbor's binder refuses it (Go's decoding or the model's `Validate`); the mock gave the
    /// same 422.
    Refused,
    /// Go decoded it; the handler answered something else than 2xx, as Harbor's may.
    Handled,
    /// Go decoded it and the mock stored it as Go decoded it.
    Stored,
}

/// Runs one case on a fresh mock; `Err` says how the mock differs from Harbor.
async fn check(mock: &Mock, case: &Case) -> Result<Outcome, String> {
    mock.reset().await;
    let (method, path, param, required) = route(&case.shape, mock.robot, mock.member);
    // What a nil configuration pointer must leave unchanged.
    let before = match case.shape.as_str() {
        "Configurations" => mock.get("/api/v2.0/configurations", ADMIN).await.json(),
        _ => Value::Null,
    };
    let req = Request::builder()
        .method(method)
        .uri(&path)
        .header("authorization", basic(ADMIN.0, ADMIN.1))
        .header("content-type", "application/json")
        .header("content-length", case.body.len())
        .body(Body::from(case.body.clone()))
        .unwrap();
    let reply = mock.send(req).await;
    let status = reply.status.as_u16();
    let message = || {
        serde_json::from_str::<Value>(&reply.text)
            .ok()
            .and_then(|v| v["errors"][0]["message"].as_str().map(str::to_owned))
    };
    match harbor_refusal(case, param, required) {
        Some(want) => {
            return match (status, message()) {
                (422, Some(got)) if got == want => Ok(Outcome::Refused),
                (_, got) => Err(format!(
                    "Harbor: 422 {want:?}\n    mock:   {status} {}",
                    got.unwrap_or_else(|| reply.text.clone())
                )),
            };
        }
        None if status == 422 => {
            return Err(format!(
                "Harbor decodes it (Go: {}), mock: 422 {:?}",
                case.go["value"],
                message().unwrap_or_default()
            ));
        }
        None => {}
    }
    if !(200..300).contains(&status) {
        return if case.class == "stored" {
            Err(format!(
                "meant to be stored, mock: {status} {}",
                message().unwrap_or_default()
            ))
        } else {
            Ok(Outcome::Handled)
        };
    }
    let go = &case.go["value"];
    read_back(mock, &case.shape, go, &reply.text, &before).await?;
    Ok(Outcome::Stored)
}

/// Compares what the mock stored with Go's decoded value `go`, through the API.
async fn read_back(
    mock: &Mock,
    shape: &str,
    go: &Value,
    answer: &str,
    before: &Value,
) -> Result<(), String> {
    let mut diffs = Vec::new();
    let mut same = |what: &str, mock: &Value, go: &Value| {
        if mock != go {
            diffs.push(format!("{what}: mock {mock}, Go {go}"));
        }
    };
    let text = |v: &Value| Value::String(v.as_str().unwrap_or_default().to_owned());
    match shape {
        "RobotCreate" | "Robot" => {
            let id = match shape {
                "Robot" => mock.robot,
                _ => serde_json::from_str::<Value>(answer).unwrap()["id"]
                    .as_i64()
                    .unwrap(),
            };
            let got = mock
                .get(&format!("/api/v2.0/robots/{id}"), ADMIN)
                .await
                .json();
            // A project robot's stored name is `<project>+<name>`.
            let name = match (shape, go["level"].as_str()) {
                ("Robot", _) => go["name"].clone(),
                (_, Some("project")) => Value::String(format!(
                    "robot${}+{}",
                    go["permissions"][0]["namespace"].as_str().unwrap(),
                    go["name"].as_str().unwrap()
                )),
                _ => Value::String(format!("robot${}", go["name"].as_str().unwrap())),
            };
            same("name", &got["name"], &name);
            same(
                "description",
                &text(&got["description"]),
                &go["description"],
            );
            let duration = match &go["duration"] {
                Value::Null => Value::from(30),
                d => d.clone(),
            };
            same("duration", &got["duration"], &duration);
            if shape == "Robot" {
                same("disable", &got["disable"], &go["disable"]);
            }
            same(
                "permissions",
                &grants(&got["permissions"]),
                &grants(&go["permissions"]),
            );
        }
        "RobotSec" => {
            if let Some(secret) = go["secret"].as_str().filter(|s| !s.is_empty()) {
                let reply = mock.get("/api/v2.0/users/current", (ROBOT, secret)).await;
                same(
                    "robot login with the new secret",
                    &Value::Bool(reply.status != 401),
                    &Value::Bool(true),
                );
            }
        }
        "ProjectReq" => {
            let name = go["project_name"].as_str().unwrap();
            let path = format!(
                "/api/v2.0/projects/{}",
                percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
            );
            let got = mock
                .get_with(&path, ADMIN, &[("x-is-resource-name", "true")])
                .await
                .json();
            same("name", &got["name"], &go["project_name"]);
            // Kept as given: the keys `POST /projects` neither drops nor rewrites.
            for key in ["auto_scan", "prevent_vul", "reuse_sys_cve_allowlist"] {
                if let Some(value) = go["metadata"][key].as_str() {
                    same(key, &got["metadata"][key], &Value::from(value));
                }
            }
        }
        "ProjectMember" => {
            let name = go["member_user"]["username"].as_str().unwrap_or_default();
            let list = mock
                .get(
                    &format!("/api/v2.0/projects/library/members?entityname={name}"),
                    ADMIN,
                )
                .await
                .json();
            let found = list
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["entity_name"] == name);
            same(
                "role_id",
                &found.map_or(Value::Null, |m| int(&m["role_id"])),
                &go["role_id"],
            );
        }
        // Harbor lists a member by joining its role: one of an unknown role cannot be read back.
        "RoleRequest" if !known_role(&go["role_id"]) => {}
        "RoleRequest" => {
            let got = mock
                .get(
                    &format!("/api/v2.0/projects/library/members/{}", mock.member),
                    ADMIN,
                )
                .await
                .json();
            same("role_id", &int(&got["role_id"]), &go["role_id"]);
        }
        "UserCreationReq" | "UserProfile" => {
            let id = match shape {
                "UserProfile" => BOB_ID,
                _ => user_id(mock, go["username"].as_str().unwrap()).await,
            };
            let got = mock
                .get(&format!("/api/v2.0/users/{id}"), ADMIN)
                .await
                .json();
            for key in ["email", "realname", "comment"] {
                same(key, &text(&got[key]), &go[key]);
            }
            if shape == "UserCreationReq" {
                same("username", &got["username"], &go["username"]);
            }
        }
        "PasswordReq" => {
            let password = go["new_password"].as_str().unwrap();
            let reply = mock.get("/api/v2.0/users/current", ("bob", password)).await;
            same(
                "bob logs in with the new password",
                &Value::from(reply.status.as_u16()),
                &Value::from(200),
            );
        }
        "UserSysAdminFlag" => {
            let got = mock
                .get(&format!("/api/v2.0/users/{BOB_ID}"), ADMIN)
                .await
                .json();
            same("sysadmin_flag", &got["sysadmin_flag"], &go["sysadmin_flag"]);
        }
        "Configurations" => {
            let got = mock.get("/api/v2.0/configurations", ADMIN).await.json();
            for (key, value) in go.as_object().unwrap() {
                // Write-only items are not shown; a nil pointer is no change.
                let Some(item) = got.get(key) else { continue };
                let want = if value.is_null() {
                    &before[key]["value"]
                } else {
                    value
                };
                same(key, &item["value"], want);
            }
        }
        other => panic!("no read-back for {other}"),
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!("stored values differ: {}", diffs.join("; ")))
    }
}

/// One of Harbor's five project roles (`role` table ids 1 to 5).
fn known_role(role: &Value) -> bool {
    role.as_i64().is_some_and(|r| (1..=5).contains(&r))
}

/// An integer the mock omits when 0.
fn int(v: &Value) -> Value {
    Value::from(v.as_i64().unwrap_or(0))
}

/// A user's id by exact name.
async fn user_id(mock: &Mock, name: &str) -> i64 {
    let list = mock
        .get("/api/v2.0/users?page_size=100", ADMIN)
        .await
        .json();
    list.as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == name)
        .and_then(|u| u["user_id"].as_i64())
        .unwrap_or_else(|| panic!("user {name} was created"))
}

/// Robot permissions as a set of `(kind, namespace, resource, action, effect)`: the mock
/// shows one entry per scope and each grant once.
fn grants(permissions: &Value) -> Value {
    let mut set = BTreeSet::new();
    for p in permissions.as_array().into_iter().flatten() {
        for a in p["access"].as_array().into_iter().flatten() {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            set.insert(
                [
                    s(&p["kind"]),
                    s(&p["namespace"]),
                    s(&a["resource"]),
                    s(&a["action"]),
                    s(&a["effect"]),
                ]
                .join(" "),
            );
        }
    }
    Value::from(set.into_iter().collect::<Vec<_>>())
}

/// Runs every case; panics with each difference, grouped by class. Returns how many cases
/// ended how.
async fn differential(corpus: &str, expected: &str) -> BTreeMap<Outcome, usize> {
    let cases = cases(corpus, expected);
    let mock = Mock::new().await;
    let mut failed: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut outcomes = BTreeMap::new();
    for case in &cases {
        match check(&mock, case).await {
            Ok(outcome) => *outcomes.entry(outcome).or_default() += 1,
            Err(why) => failed
                .entry(&case.class)
                .or_default()
                .push(format!("  {} ({}): {why}", case.id, case.shape)),
        }
    }
    if !failed.is_empty() {
        let total: usize = failed.values().map(Vec::len).sum();
        let mut report = format!("{total} of {} cases differ from Harbor:\n", cases.len());
        for (class, lines) in &failed {
            report.push_str(&format!("{class}: {}\n{}\n", lines.len(), lines.join("\n")));
        }
        panic!("{report}");
    }
    outcomes
}

#[tokio::test]
async fn every_corpus_body_gets_harbors_answer_and_is_stored_as_go_decodes_it() {
    let outcomes = differential(CORPUS, EXPECTED).await;
    let n: usize = outcomes.values().sum();
    println!("corpus: {outcomes:?}");
    assert!(n >= 400, "the corpus has {n} cases");
    assert!(
        outcomes[&Outcome::Stored] >= 40,
        "read back through the API: {outcomes:?}"
    );
}

/// The bounded generated run (`tests/gojson/run-generated.sh`).
#[tokio::test]
async fn generated_bodies_get_harbors_answer() {
    let (Ok(cases), Ok(expected)) = (
        std::env::var("GOJSON_CASES"),
        std::env::var("GOJSON_EXPECTED"),
    ) else {
        return; // not asked for
    };
    let cases = std::fs::read_to_string(cases).expect("GOJSON_CASES");
    let expected = std::fs::read_to_string(expected).expect("GOJSON_EXPECTED");
    let outcomes = differential(&cases, &expected).await;
    println!("generated cases, all with Harbor's answer: {outcomes:?}");
}

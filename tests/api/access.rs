//! Who may call what (spec §9.4): every caller kind against every operation.

use crate::helpers::*;
use axum::http::Method;
use harbor_mock::store::fixtures::Fixtures;
use serde_json::{Value, json};

const SYS_TARGET: i64 = 1;
const PROJ_TARGET: i64 = 2;

fn fixtures() -> Fixtures {
    let all = |kind: &str, ns: &str| {
        json!({"kind": kind, "namespace": ns, "access": [
            {"resource": "robot", "action": "list"}, {"resource": "robot", "action": "read"},
            {"resource": "robot", "action": "create"}, {"resource": "robot", "action": "delete"}]})
    };
    let mut f = default_fixtures();
    let extra: Fixtures = serde_json::from_value(json!({
        "users": [
            {"id": 5, "username": "dave", "password": "Dave12345"},
            {"id": 6, "username": "erin", "password": "Erin12345"},
            {"id": 7, "username": "frank", "password": "Frank12345"}
        ],
        "members": [
            {"project": "library", "user": "dave", "role": "maintainer"},
            {"project": "library", "user": "erin", "role": 3},
            {"project": "library", "user": "frank", "role": "limitedGuest"}
        ],
        "robots": [
            {"id": 1, "name": "target", "permissions": [{"kind": "system", "namespace": "/", "access": [{"resource": "robot", "action": "list"}]}]},
            {"id": 2, "name": "library+target", "project_id": 1, "duration": 30,
             "permissions": [{"kind": "project", "namespace": "library", "access": [{"resource": "repository", "action": "pull"}]}]},
            {"id": 3, "name": "sysbot", "secret": "Sysbot-Secret-1", "permissions": [all("system", "/"), all("project", "*")]},
            {"id": 4, "name": "sysnone", "secret": "Sysnone-Secret-1",
             "permissions": [{"kind": "system", "namespace": "/", "access": [{"resource": "project", "action": "list"}]}]},
            {"id": 5, "name": "library+projbot", "project_id": 1, "secret": "Projbot-Secret-1", "permissions": [all("project", "library")]},
            {"id": 6, "name": "library+projnone", "project_id": 1, "secret": "Projnone-Secret-1",
             "permissions": [{"kind": "project", "namespace": "library", "access": [{"resource": "repository", "action": "push"}]}]}
        ]
    }))
    .unwrap();
    f.users.extend(extra.users);
    f.members.extend(extra.members);
    f.robots = extra.robots;
    f
}

#[derive(Clone, Copy, Debug)]
enum Op {
    ListSys,
    ListProj,
    CreateSys,
    CreateProj,
    GetSys,
    GetProj,
    PutSys,
    PutProj,
    PatchSys,
    PatchProj,
    DelSys,
    DelProj,
}

const OPS: [Op; 12] = [
    Op::ListSys,
    Op::ListProj,
    Op::CreateSys,
    Op::CreateProj,
    Op::GetSys,
    Op::GetProj,
    Op::PutSys,
    Op::PutProj,
    Op::PatchSys,
    Op::PatchProj,
    Op::DelSys,
    Op::DelProj,
];

async fn run(app: &TestApp, op: Op, auth: Option<(&str, &str)>) -> Reply {
    let target = |id: i64| format!("/api/v2.0/robots/{id}");
    let current = |id: i64| async move { app.get(&target(id), ADMIN).await.json() };
    let create_sys = json!({"name": "new", "duration": -1, "level": "system",
        "permissions": [{"kind": "system", "namespace": "/", "access": [{"resource": "robot", "action": "list"}]}]});
    let create_proj = json!({"name": "new", "duration": 30, "level": "project",
        "permissions": [{"kind": "project", "namespace": "library", "access": [{"resource": "robot", "action": "list"}]}]});
    let (method, path, body): (Method, String, Option<Value>) = match op {
        Op::ListSys => (Method::GET, "/api/v2.0/robots".into(), None),
        Op::ListProj => (
            Method::GET,
            "/api/v2.0/robots?q=Level%3Dproject%2CProjectID%3D1".into(),
            None,
        ),
        Op::CreateSys => (Method::POST, "/api/v2.0/robots".into(), Some(create_sys)),
        Op::CreateProj => (Method::POST, "/api/v2.0/robots".into(), Some(create_proj)),
        Op::GetSys => (Method::GET, target(SYS_TARGET), None),
        Op::GetProj => (Method::GET, target(PROJ_TARGET), None),
        Op::PutSys => (
            Method::PUT,
            target(SYS_TARGET),
            Some(current(SYS_TARGET).await),
        ),
        Op::PutProj => (
            Method::PUT,
            target(PROJ_TARGET),
            Some(current(PROJ_TARGET).await),
        ),
        Op::PatchSys => (Method::PATCH, target(SYS_TARGET), Some(json!({}))),
        Op::PatchProj => (Method::PATCH, target(PROJ_TARGET), Some(json!({}))),
        Op::DelSys => (Method::DELETE, target(SYS_TARGET), None),
        Op::DelProj => (Method::DELETE, target(PROJ_TARGET), None),
    };
    app.send(method, &path, auth, body).await
}

/// Expected outcome: a success status, or a 403/401 with its code and message.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Want {
    Ok,
    Unauthorized,
    /// 403 FORBIDDEN with the caller's name.
    DeniedAs,
    /// 403 FORBIDDEN `forbidden`.
    Forbidden,
}

fn success(op: Op) -> u16 {
    match op {
        Op::CreateSys | Op::CreateProj => 201,
        _ => 200,
    }
}

#[tokio::test]
async fn the_access_matrix_of_spec_9_4() {
    use Want::*;
    // Per caller: ListSys ListProj CreateSys CreateProj GetSys GetProj PutSys PutProj PatchSys PatchProj DelSys DelProj
    let member_read = [
        DeniedAs, Ok, DeniedAs, Forbidden, DeniedAs, Ok, DeniedAs, Forbidden, DeniedAs, Forbidden,
        DeniedAs, Forbidden,
    ];
    let outsider = [
        DeniedAs, Forbidden, DeniedAs, Forbidden, DeniedAs, Forbidden, DeniedAs, Forbidden,
        DeniedAs, Forbidden, DeniedAs, Forbidden,
    ];
    type Row<'a> = (&'a str, Option<(&'a str, &'a str)>, [Want; 12]);
    let table: Vec<Row> = vec![
        ("anonymous", None, [Unauthorized; 12]),
        ("sysadmin", Some(ADMIN), [Ok; 12]),
        (
            "projectAdmin",
            Some(ALICE),
            [
                DeniedAs, Ok, DeniedAs, Ok, DeniedAs, Ok, DeniedAs, Ok, DeniedAs, Ok, DeniedAs, Ok,
            ],
        ),
        ("maintainer", Some(("dave", "Dave12345")), member_read),
        ("developer", Some(BOB), member_read),
        ("guest", Some(("erin", "Erin12345")), member_read),
        ("limitedGuest", Some(("frank", "Frank12345")), outsider),
        ("non-member", Some(CAROL), outsider),
        (
            "system robot with robot perms",
            Some(("robot$sysbot", "Sysbot-Secret-1")),
            [
                Ok, Ok, Ok, Ok, Ok, Ok, DeniedAs, Forbidden, DeniedAs, Forbidden, Ok, Ok,
            ],
        ),
        (
            "system robot without",
            Some(("robot$sysnone", "Sysnone-Secret-1")),
            outsider,
        ),
        (
            "project robot with robot perms",
            Some(("robot$library+projbot", "Projbot-Secret-1")),
            [
                DeniedAs, Ok, DeniedAs, Ok, DeniedAs, Ok, DeniedAs, Forbidden, DeniedAs, Forbidden,
                DeniedAs, Ok,
            ],
        ),
        (
            "project robot without",
            Some(("robot$library+projnone", "Projnone-Secret-1")),
            outsider,
        ),
    ];
    for (caller, auth, wants) in table {
        for (op, want) in OPS.into_iter().zip(wants) {
            let app = TestApp::with_fixtures(fixtures());
            let reply = run(&app, op, auth).await;
            let what = format!("{caller} {op:?}");
            match want {
                Ok => assert_eq!(reply.status.as_u16(), success(op), "{what}: {}", reply.text),
                Unauthorized => reply.assert_error(401, "UNAUTHORIZED", "unauthorized"),
                DeniedAs => {
                    let name = auth.unwrap().0;
                    assert_eq!(reply.status.as_u16(), 403, "{what}: {}", reply.text);
                    reply.assert_error(403, "FORBIDDEN", name);
                }
                Forbidden => {
                    assert_eq!(reply.status.as_u16(), 403, "{what}: {}", reply.text);
                    reply.assert_error(403, "FORBIDDEN", "forbidden");
                }
            }
        }
    }
}

#[tokio::test]
async fn robot_creator_is_recorded_and_over_reach_is_denied() {
    let app = TestApp::with_fixtures(fixtures());
    let auth = ("robot$library+projbot", "Projbot-Secret-1");
    let ok = json!({"name": "child", "duration": 1, "level": "project",
        "permissions": [{"kind": "project", "namespace": "library", "access": [{"resource": "robot", "action": "read"}]}]});
    let created = app.post(ok.clone(), auth).await;
    assert_eq!(created.status.as_u16(), 201, "{}", created.text);
    let got = app
        .get(&format!("/api/v2.0/robots/{}", created.json()["id"]), ADMIN)
        .await
        .json();
    assert_eq!(got["creator_type"], "robot");
    assert_eq!(got["creator_ref"], 5);
    let denied = "permission scope is invalid. It must be equal to or more restrictive than the creator robot's permissions: robot$library+projbot";
    for access in [
        json!({"resource": "repository", "action": "pull"}),
        json!({"resource": "robot", "action": "read", "effect": "allow"}),
    ] {
        let mut body = ok.clone();
        body["name"] = json!("more");
        body["permissions"][0]["access"] = json!([access]);
        app.post(body, auth)
            .await
            .assert_error(403, "DENIED", denied);
    }
    // A system robot holding project "*" may create in any project.
    let sys = ("robot$sysbot", "Sysbot-Secret-1");
    let mut body = ok.clone();
    body["name"] = json!("viastar");
    assert_eq!(app.post(body, sys).await.status.as_u16(), 201);
}

#[tokio::test]
async fn sysadmin_listing_a_missing_project_gets_an_empty_page() {
    let app = TestApp::new();
    let reply = app
        .get("/api/v2.0/robots?q=Level%3Dproject%2CProjectID%3D99", ADMIN)
        .await;
    assert_eq!(reply.status.as_u16(), 200);
    assert_eq!(reply.text, "[]\n");
    assert_eq!(reply.header("x-total-count"), Some("0"));
    app.get("/api/v2.0/robots?q=Level%3Dproject%2CProjectID%3D99", ALICE)
        .await
        .assert_error(403, "FORBIDDEN", "forbidden");
}

#[tokio::test]
async fn robot_login_is_rejected_for_each_reason() {
    let app = TestApp::with_fixtures(fixtures());
    let path = "/api/v2.0/robots?q=Level%3Dproject%2CProjectID%3D1";
    let auth = ("robot$library+projbot", "Projbot-Secret-1");
    assert_eq!(app.get(path, auth).await.status.as_u16(), 200);
    let unauthorized = |reply: Reply| reply.assert_error(401, "UNAUTHORIZED", "unauthorized");
    unauthorized(
        app.get(path, ("robot$library+projbot", "Wrong-Secret-1"))
            .await,
    );
    unauthorized(app.get(path, ("robot$projbot", "Projbot-Secret-1")).await);
    unauthorized(app.get(path, ("library+projbot", "Projbot-Secret-1")).await);

    // Disabled through PUT, then enabled again.
    let mut robot = app.get("/api/v2.0/robots/5", ADMIN).await.json();
    robot["disable"] = json!(true);
    app.send(
        Method::PUT,
        "/api/v2.0/robots/5",
        Some(ADMIN),
        Some(robot.clone()),
    )
    .await;
    unauthorized(app.get(path, auth).await);
    robot["disable"] = json!(false);
    app.send(
        Method::PUT,
        "/api/v2.0/robots/5",
        Some(ADMIN),
        Some(robot.clone()),
    )
    .await;
    assert_eq!(app.get(path, auth).await.status.as_u16(), 200);

    // Expiry: a 1-day robot works until expires_at, then is anonymous.
    robot["duration"] = json!(1);
    app.send(Method::PUT, "/api/v2.0/robots/5", Some(ADMIN), Some(robot))
        .await;
    let expires_at = app.get("/api/v2.0/robots/5", ADMIN).await.json()["expires_at"]
        .as_i64()
        .unwrap();
    let now = app.clock().now_secs();
    app.clock().advance((expires_at - now - 1) * 1000);
    assert_eq!(
        app.get(path, auth).await.status.as_u16(),
        200,
        "one second before expiry"
    );
    app.clock().advance(1000);
    unauthorized(app.get(path, auth).await);
    let listed = app.get(path, ADMIN).await.json();
    assert!(
        listed.as_array().unwrap().iter().any(|r| r["id"] == 5),
        "expired robots are still listed"
    );

    // Refresh: the old secret stops at once; delete: the new one too.
    let sys = ("robot$sysbot", "Sysbot-Secret-1");
    assert_eq!(
        app.get("/api/v2.0/robots/1", sys).await.status.as_u16(),
        200
    );
    let new = app
        .send(
            Method::PATCH,
            "/api/v2.0/robots/3",
            Some(ADMIN),
            Some(json!({})),
        )
        .await
        .json();
    unauthorized(app.get("/api/v2.0/robots/1", sys).await);
    let new_auth = ("robot$sysbot", new["secret"].as_str().unwrap());
    assert_eq!(
        app.get("/api/v2.0/robots/1", new_auth)
            .await
            .status
            .as_u16(),
        200
    );
    app.send(Method::DELETE, "/api/v2.0/robots/3", Some(ADMIN), None)
        .await;
    unauthorized(app.get("/api/v2.0/robots/1", new_auth).await);
}

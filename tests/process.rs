//! The binary as a process: start-up errors, signals, logs, and the state store across
//! restarts and under SIGKILL.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_harbor-mock");

fn fixtures_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/default.json")
}

/// A fresh directory under the system's temporary one, removed when the test ends.
fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("harbor-mock-{name}-"))
        .tempdir()
        .unwrap()
}

/// A running server process; its output is collected for inspection.
struct Server {
    child: Child,
    base: String,
    output: Arc<Output>,
}

/// A process's stdout and stderr so far, and a signal for each new line.
#[derive(Default)]
struct Output {
    text: Mutex<String>,
    grew: Condvar,
}

impl Output {
    fn push(&self, line: &str) {
        let mut text = self.text.lock().unwrap();
        text.push_str(line);
        text.push('\n');
        self.grew.notify_all();
    }

    fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }

    /// Waits until the output contains `needle` (woken by each new line), at most `limit`.
    fn wait_for(&self, needle: &str, limit: Duration) -> String {
        let text = self.text.lock().unwrap();
        let (text, _) = self
            .grew
            .wait_timeout_while(text, limit, |t| !t.contains(needle))
            .unwrap();
        text.clone()
    }
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--fixtures"])
            .arg(fixtures_path())
            .args(args)
            .env_remove("HARBOR_MOCK_LOG_FORMAT")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Output::default());
        let (tx, rx) = std::sync::mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = output.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    // Kept before the address is handed over, so a started server's output
                    // holds its listening line.
                    output.push(&line);
                    if let Some(rest) = line.split("listening on ").nth(1) {
                        let addr = rest.split(';').next().unwrap_or_default().to_string();
                        let _ = tx.send(addr);
                    }
                }
            });
        }
        let base = rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("no listening line; output: {}", output.text()));
        Server {
            child,
            base,
            output,
        }
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for exit, returning the status and how long it took.
    fn wait(&mut self, limit: Duration) -> (Option<i32>, Duration) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status.code(), start.elapsed());
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                return (None, start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sending a test's request: a transport error fails the test.
trait Fetch {
    async fn fetch(self) -> reqwest::Response;
    async fn fetch_json<T: serde::de::DeserializeOwned>(self) -> T;
}

impl Fetch for reqwest::RequestBuilder {
    async fn fetch(self) -> reqwest::Response {
        self.send().await.unwrap()
    }

    async fn fetch_json<T: serde::de::DeserializeOwned>(self) -> T {
        self.fetch().await.json().await.unwrap()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[test]
fn a_bad_fixtures_file_stops_the_server_naming_file_and_line() {
    let dir = temp_dir("bad-fixtures");
    let cases = [
        (
            "{\n  \"users\": [\n    {\"username\": 1}\n  ]\n}\n",
            "line 3, column",
        ),
        (
            "{\n  \"projects\": [\n    {\"name\": \"a\"},\n    {\"name\": \"a\"}\n  ]\n}\n",
            "line 4: projects[1]: duplicate project name \"a\"",
        ),
        // Robots are parsed one at a time while the store is built; their errors still say
        // where.
        (
            "{\"robots\": [\n  {\"name\": \"a\"},\n  {\"name\": 7}\n]}\n",
            "line 3: robots[1]: invalid type: integer `7`, expected a string",
        ),
        (
            "{\"robots\": [\n  {\"name\": \"a\"},\n  {\"name\": \"b\" \"x\"}\n]}\n",
            "line 3, column",
        ),
    ];
    for (text, expected) in cases {
        let path = dir.path().join("bad.json");
        std::fs::write(&path, text).unwrap();
        let out = Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--fixtures"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&path.display().to_string()), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[tokio::test]
async fn sigterm_with_an_open_connection_exits_0_within_a_second() {
    for signal in ["-TERM", "-INT"] {
        let mut server = Server::start(&[]);
        let client = client();
        // Keep a keep-alive connection open, as a test client would.
        let reply = client
            .get(format!("{}/api/v2.0/robots", server.base))
            .basic_auth("admin", Some("Harbor12345"))
            .fetch()
            .await;
        assert_eq!(reply.status(), 200);
        server.signal(signal);
        let (code, took) = server.wait(Duration::from_secs(5));
        assert_eq!(code, Some(0), "{signal}");
        assert!(took < Duration::from_secs(1), "{signal} took {took:?}");
        assert!(server.output.text().contains("harbor-mock stopped"));
    }
}

#[tokio::test]
async fn logs_never_carry_credentials_or_secrets() {
    let server = Server::start(&["--log-level", "trace", "--log-format", "json"]);
    let client = client();
    let created: serde_json::Value = client
        .post(format!("{}/api/v2.0/robots", server.base))
        .basic_auth("admin", Some("Harbor12345"))
        .header("X-Request-Id", "log-check-1")
        .json(&serde_json::json!({"name": "ops", "duration": -1, "level": "system",
            "permissions": [{"kind": "system", "namespace": "/", "access": [{"resource": "robot", "action": "list"}]}]}))
.fetch_json()
.await;
    let secret = created["secret"].as_str().unwrap().to_string();
    client
        .get(format!("{}/api/v2.0/robots", server.base))
        .basic_auth("robot$ops", Some(&secret))
        .fetch()
        .await;
    client
        .patch(format!("{}/api/v2.0/robots/1", server.base))
        .basic_auth("admin", Some("Harbor12345"))
        .json(&serde_json::json!({"secret": "Supplied-Secret-7"}))
        .fetch()
        .await;
    // The request lines are flushed by the log writer's thread; wait for the last one.
    let output = server.output.wait_for("PATCH", Duration::from_secs(5));
    assert!(
        output.contains("log-check-1"),
        "the request log line is there: {output}"
    );
    for needle in [
        secret.as_str(),
        "Supplied-Secret-7",
        "YWRtaW46SGFyYm9yMTIzNDU", // base64 of admin:Harbor12345
        "Basic ",
    ] {
        assert!(!output.contains(needle), "log leaks {needle}");
    }
}

/// Crash test: concurrent writers, SIGKILL at random moments, 50 times; every acknowledged
/// write must be in the state the next start loads, and the store must stay whole.
#[tokio::test]
async fn state_store_survives_sigkill_with_every_acknowledged_write() {
    let dir = temp_dir("crash");
    let state = dir.path().join("harbor.db");
    let state_arg = state.display().to_string();
    let client = client();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut rng_state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next_random = move || {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        rng_state
    };
    const ROUNDS: usize = 50;
    const WRITERS: usize = 4;
    for round in 0..ROUNDS {
        let mut server = Server::start(&["--state-file", &state_arg]);
        // Every write acknowledged before the last kill is here.
        let names = robot_names(&client, &server.base).await;
        for name in &acknowledged {
            assert!(
                names.contains(name),
                "round {round}: acknowledged {name} was lost"
            );
        }
        // Writers on their own connections; the kill lands at a random moment among them.
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let base = server.base.clone();
                let client = client.clone();
                tokio::spawn(async move {
                    let mut done = Vec::new();
                    for i in 0.. {
                        let name = format!("r{round}w{w}x{i}");
                        let reply = client
                            .post(format!("{base}/api/v2.0/robots"))
                            .basic_auth("admin", Some("Harbor12345"))
                            .json(&system_robot(&name))
                            .send()
                            .await;
                        match reply {
                            Ok(r) if r.status() == 201 => done.push(format!("robot${name}")),
                            _ => break,
                        }
                    }
                    done
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(5 + next_random() % 40)).await;
        server.signal("-KILL");
        server.wait(Duration::from_secs(5));
        for writer in writers {
            acknowledged.extend(writer.await.unwrap());
        }
    }
    assert!(
        acknowledged.len() >= ROUNDS,
        "only {} writes were acknowledged",
        acknowledged.len()
    );
    // The last round's writes are checked by one more start, and the file by SQLite itself.
    let server = Server::start(&["--state-file", &state_arg]);
    let names = robot_names(&client, &server.base).await;
    assert!(acknowledged.iter().all(|name| names.contains(name)));
    drop(server);
    let conn = rusqlite::Connection::open(&state).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

fn system_robot(name: &str) -> serde_json::Value {
    serde_json::json!({"name": name, "duration": -1, "level": "system",
        "permissions": [{"kind": "system", "namespace": "/",
            "access": [{"resource": "robot", "action": "list"}]}]})
}

/// The full names of every robot the server lists.
async fn robot_names(client: &reqwest::Client, base: &str) -> std::collections::HashSet<String> {
    let list: Vec<serde_json::Value> = client
        .get(format!("{base}/api/v2.0/robots?page_size=0"))
        .basic_auth("admin", Some("Harbor12345"))
        .fetch_json()
        .await;
    list.iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

/// The state store across restarts: created from the fixtures, readable with SQL under
/// Harbor's table names, `GET/PUT /_mock/state` in the fixtures format, reset to the fixtures.
#[tokio::test]
async fn state_store_keeps_the_state_across_restarts() {
    let dir = temp_dir("restart");
    let state = dir.path().join("harbor.db");
    let state_arg = state.display().to_string();
    let client = client();
    let admin = |req: reqwest::RequestBuilder| req.basic_auth("admin", Some("Harbor12345"));
    // A new store: created from the fixtures at start.
    let server = Server::start(&["--state-file", &state_arg]);
    let started = server
        .output
        .wait_for("listening on", Duration::from_secs(5));
    assert!(started.contains("into a new state store"), "{started}");
    let reply = admin(client.post(format!("{}/api/v2.0/robots", server.base)))
        .json(&system_robot("kept"))
        .fetch()
        .await;
    assert_eq!(reply.status(), 201);
    let mut dumped: serde_json::Value = client
        .get(format!("{}/_mock/state", server.base))
        .fetch_json()
        .await;
    drop(server);
    // Readable as Harbor's tables, while no server runs.
    {
        let conn = rusqlite::Connection::open(&state).unwrap();
        let name: String = conn
            .query_row("SELECT name FROM robot WHERE name = 'kept'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(name, "kept");
    }
    // Loaded at the next start, which says where from.
    let server = Server::start(&["--state-file", &state_arg]);
    let started = server
        .output
        .wait_for("listening on", Duration::from_secs(5));
    assert!(
        started.contains(&format!("state store {state_arg}:")),
        "{started}"
    );
    assert!(
        robot_names(&client, &server.base)
            .await
            .contains("robot$kept")
    );
    // PUT /_mock/state takes the fixtures format, and what it puts survives a restart.
    dumped["robots"][0]["description"] = "put back".into();
    let reply = client
        .put(format!("{}/_mock/state", server.base))
        .json(&dumped)
        .fetch()
        .await;
    assert_eq!(reply.status(), 200);
    drop(server);
    let server = Server::start(&["--state-file", &state_arg]);
    let robot: serde_json::Value = admin(client.get(format!("{}/api/v2.0/robots/1", server.base)))
        .fetch_json()
        .await;
    assert_eq!(robot["description"], "put back");
    // Reset goes back to the fixtures, and so does the store.
    let reply = client
        .post(format!("{}/_mock/reset", server.base))
        .fetch()
        .await;
    assert_eq!(reply.status(), 200);
    drop(server);
    let server = Server::start(&["--state-file", &state_arg]);
    assert!(robot_names(&client, &server.base).await.is_empty());
}

/// A state file of an earlier version (the whole state as JSON) is imported once, and kept.
#[tokio::test]
async fn a_json_state_file_of_an_earlier_version_is_imported_once() {
    let dir = temp_dir("import");
    let state = dir.path().join("state.json");
    let state_arg = state.display().to_string();
    let json = r#"{"users":[{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true}],
        "projects":[{"id":1,"name":"library","public":true}],
        "robots":[{"id":5,"name":"old","secret":"Old-Secret-1","permissions":[{"kind":"system",
          "namespace":"/","access":[{"resource":"robot","action":"list"}]}]}],
        "next_robot_id":9}"#;
    std::fs::write(&state, json).unwrap();
    let client = client();
    let server = Server::start(&["--state-file", &state_arg]);
    let imported = server.output.wait_for("imported", Duration::from_secs(5));
    assert!(
        imported.contains(&format!(
            "imported the JSON state file of an earlier version: {state_arg} is now an SQLite \
             state store; the JSON is kept as {state_arg}.imported"
        )),
        "{imported}"
    );
    let status = client
        .get(format!("{}/api/v2.0/robots", server.base))
        .basic_auth("robot$old", Some("Old-Secret-1"))
        .fetch()
        .await
        .status();
    assert_eq!(status, 200, "the imported robot logs in with its secret");
    let reply = client
        .post(format!("{}/api/v2.0/robots", server.base))
        .basic_auth("admin", Some("Harbor12345"))
        .json(&system_robot("new"))
        .fetch()
        .await;
    let created: serde_json::Value = reply.json().await.unwrap();
    assert_eq!(created["id"], 9, "the sequence came along");
    drop(server);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("state.json.imported")).unwrap(),
        json
    );
    assert!(
        std::fs::read(&state)
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );
    // Imported once: the next start reads the store.
    let server = Server::start(&["--state-file", &state_arg]);
    let started = server
        .output
        .wait_for("listening on", Duration::from_secs(5));
    assert!(!started.contains("imported the JSON"), "{started}");
    let names = robot_names(&client, &server.base).await;
    assert!(names.contains("robot$old") && names.contains("robot$new"));
}

#[test]
fn a_state_file_that_is_no_state_store_stops_the_server_naming_it() {
    let dir = temp_dir("bad-state");
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"PK\x03\x04 a zip file").unwrap();
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (text TEXT)")
        .unwrap();
    let missing_dir = dir.path().join("no-such-dir").join("harbor.db");
    let cases = [
        (
            &garbage,
            "neither a harbor-mock state store (SQLite) nor a JSON state",
        ),
        (
            &other,
            "an SQLite database, but not a harbor-mock state store",
        ),
        (&missing_dir, "No such file or directory"),
    ];
    for (path, expected) in cases {
        let out = Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--state-file"])
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("state store {}: ", path.display())),
            "{stderr}"
        );
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[test]
fn healthcheck_subcommand_reports_readiness() {
    let server = Server::start(&[]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let ok = Command::new(BIN)
        .args(["--listen", &addr, "healthcheck"])
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    drop(server);
    let down = Command::new(BIN)
        .args(["--listen", &addr, "healthcheck"])
        .output()
        .unwrap();
    assert_eq!(down.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&down.stderr).contains("healthcheck failed"));
}

#[tokio::test]
async fn session_ttl_flag_expires_idle_sessions() {
    let server = Server::start(&["--session-ttl", "1s"]);
    let client = client();
    let created: serde_json::Value = client
        .post(format!("{}/_mock/sessions", server.base))
        .fetch_json()
        .await;
    let id = created["id"].as_str().unwrap();
    let robots = format!("{}/sessions/{id}/api/v2.0/robots", server.base);
    let used = client
        .get(&robots)
        .basic_auth("admin", Some("Harbor12345"))
        .fetch()
        .await;
    assert_eq!(used.status(), 200);
    // Idle from now: gone once idle a second (listing sweeps too). Polled, with a generous
    // limit, rather than slept.
    let listed = || async {
        client
            .get(format!("{}/_mock/sessions", server.base))
            .fetch()
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    let start = Instant::now();
    while listed().await.as_array().is_some_and(|s| !s.is_empty()) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the session never expired"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let gone = client
        .get(&robots)
        .basic_auth("admin", Some("Harbor12345"))
        .fetch()
        .await;
    assert_eq!(gone.status(), 404);
    assert_eq!(
        gone.text().await.unwrap(),
        format!(
            "{{\"errors\":[{{\"code\":\"NOT_FOUND\",\"message\":\"session {id} not found\"}}]}}\n"
        )
    );
}

#[test]
fn a_state_store_serves_one_server_and_is_never_the_fixtures_file() {
    let dir = temp_dir("one-server");
    let state = dir.path().join("harbor.db");
    let state_arg = state.to_str().unwrap();
    let first = Server::start(&["--state-file", state_arg]);
    assert!(
        first.output.text().contains("admin admin:Harbor12345"),
        "{}",
        first.output.text()
    );
    let second = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--state-file", state_arg])
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains(&format!(
            "state store {state_arg}: in use by another harbor-mock (it holds {state_arg}.lock)"
        )),
        "{stderr}"
    );
    // The lock goes with the process, however it ends (Drop kills it).
    drop(first);
    let again = Server::start(&["--state-file", state_arg]);
    // The store holds hashes only: the start-up line names the admins without a password.
    assert!(
        again
            .output
            .text()
            .contains("admin admin (password as stored)"),
        "{}",
        again.output.text()
    );
    drop(again);

    let fixtures = dir.path().join("fixtures.json");
    std::fs::copy(fixtures_path(), &fixtures).unwrap();
    let same = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--fixtures"])
        .arg(&fixtures)
        .arg("--state-file")
        .arg(&fixtures)
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&same.stderr);
    assert!(
        stderr.contains(&format!(
            "--state-file {}: the same file as --fixtures",
            fixtures.display()
        )),
        "{stderr}"
    );
    let kept = std::fs::read(&fixtures).unwrap();
    assert_eq!(kept, std::fs::read(fixtures_path()).unwrap());
}

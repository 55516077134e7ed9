//! The binary as a process: start-up errors, signals, logs, and the state file under SIGKILL.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_harbor-mock");

fn fixtures_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/default.json")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("harbor-mock-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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
                    if let Some(rest) = line.split("listening on ").nth(1) {
                        let addr = rest.split(';').next().unwrap_or_default().to_string();
                        let _ = tx.send(addr);
                    }
                    output.push(&line);
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
        let path = dir.join("bad.json");
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
            .send()
            .await
            .unwrap();
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
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = created["secret"].as_str().unwrap().to_string();
    client
        .get(format!("{}/api/v2.0/robots", server.base))
        .basic_auth("robot$ops", Some(&secret))
        .send()
        .await
        .unwrap();
    client
        .patch(format!("{}/api/v2.0/robots/1", server.base))
        .basic_auth("admin", Some("Harbor12345"))
        .json(&serde_json::json!({"secret": "Supplied-Secret-7"}))
        .send()
        .await
        .unwrap();
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

/// Crash test: a stream of writes, SIGKILL at random moments, and every acknowledged write
/// must be in the state the next start loads.
#[tokio::test]
async fn state_file_survives_sigkill_with_every_acknowledged_write() {
    let dir = temp_dir("crash");
    let state = dir.join("state.json");
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
    for round in 0..ROUNDS {
        let mut server = Server::start(&["--state-file", &state_arg]);
        // Every write acknowledged before the last kill is here.
        let list: Vec<serde_json::Value> = client
            .get(format!("{}/api/v2.0/robots?page_size=0", server.base))
            .basic_auth("admin", Some("Harbor12345"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let names: std::collections::HashSet<String> = list
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect();
        for name in &acknowledged {
            assert!(
                names.contains(name),
                "round {round}: acknowledged {name} was lost"
            );
        }
        // Writes from a background task; the kill lands at a random moment among them.
        let base = server.base.clone();
        let writer_client = client.clone();
        let writer = tokio::spawn(async move {
            let mut done = Vec::new();
            for i in 0.. {
                let name = format!("r{round}x{i}");
                let reply = writer_client
                    .post(format!("{base}/api/v2.0/robots"))
                    .basic_auth("admin", Some("Harbor12345"))
                    .json(&serde_json::json!({"name": name, "duration": -1, "level": "system",
                        "permissions": [{"kind": "system", "namespace": "/", "access": [{"resource": "robot", "action": "list"}]}]}))
                    .send()
                    .await;
                match reply {
                    Ok(r) if r.status() == 201 => done.push(format!("robot${name}")),
                    _ => break,
                }
            }
            done
        });
        tokio::time::sleep(Duration::from_millis(5 + next_random() % 40)).await;
        server.signal("-KILL");
        server.wait(Duration::from_secs(5));
        acknowledged.extend(writer.await.unwrap());
        // The file on disk is always a whole, valid state.
        let text = std::fs::read_to_string(&state).unwrap();
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("round {round}: torn state file: {e}"));
    }
    assert!(
        acknowledged.len() >= ROUNDS,
        "only {} writes were acknowledged",
        acknowledged.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
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
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let robots = format!("{}/sessions/{id}/api/v2.0/robots", server.base);
    let used = client
        .get(&robots)
        .basic_auth("admin", Some("Harbor12345"))
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 200);
    // Idle from now: gone once idle a second (listing sweeps too). Polled, with a generous
    // limit, rather than slept.
    let listed = || async {
        client
            .get(format!("{}/_mock/sessions", server.base))
            .send()
            .await
            .unwrap()
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
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    assert_eq!(
        gone.text().await.unwrap(),
        format!(
            "{{\"errors\":[{{\"code\":\"NOT_FOUND\",\"message\":\"session {id} not found\"}}]}}\n"
        )
    );
}

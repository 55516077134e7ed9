//! In-process use from Rust tests, in the spirit of wiremock-rs.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use harbor_mock::MockHarbor;
//!
//! let harbor = MockHarbor::builder().seed(7).clock("2026-01-01T00:00:00Z").start().await;
//! let client = reqwest::Client::new();
//! let created: serde_json::Value = client
//!     .post(format!("{}/api/v2.0/robots", harbor.uri()))
//!     .basic_auth("admin", Some("Harbor12345"))
//!     .json(&serde_json::json!({
//!         "name": "ci", "duration": 30, "level": "system",
//!         "permissions": [{"kind": "system", "namespace": "/",
//!                          "access": [{"resource": "robot", "action": "list"}]}]
//!     }))
//!     .send().await.unwrap()
//!     .json().await.unwrap();
//! assert_eq!(created["name"], "robot$ci");
//!
//! // Move time on: the robot is expired and its secret no longer logs in.
//! harbor.clock().advance(31 * 86_400_000);
//! let status = client
//!     .get(format!("{}/api/v2.0/robots", harbor.uri()))
//!     .basic_auth("robot$ci", created["secret"].as_str())
//!     .send().await.unwrap()
//!     .status();
//! assert_eq!(status, 401);
//! assert_eq!(harbor.journal().len(), 2);
//! # }
//! ```
//! Dropping the [`MockHarbor`] shuts its server down.

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::clock::Clock;
use super::faults::Faults;
use super::instance::Settings;
use super::journal::Journal;
use super::state::Instances;
use crate::app;
use crate::datetime::parse_rfc3339_millis;
use crate::store::Store;
use crate::store::fixtures::{Fixtures, default_fixtures};

/// A running mock on 127.0.0.1 and a free port.
pub struct MockHarbor {
    addr: SocketAddr,
    state: Instances,
    shutdown: Option<oneshot::Sender<()>>,
}

/// Configures a [`MockHarbor`] before it starts.
#[derive(Debug, Clone, Default)]
pub struct MockHarborBuilder {
    fixtures: Option<Fixtures>,
    settings: Settings,
}

impl MockHarborBuilder {
    /// Serve these fixtures instead of the default ones.
    pub fn fixtures(mut self, fixtures: Fixtures) -> Self {
        self.fixtures = Some(fixtures);
        self
    }

    /// Deterministic secrets, salts and request ids.
    pub fn seed(mut self, seed: u64) -> Self {
        self.settings.seed = Some(seed);
        self
    }

    /// Start the clock frozen at this RFC 3339 time. Panics on a malformed time.
    pub fn clock(mut self, rfc3339: &str) -> Self {
        let ms = parse_rfc3339_millis(rfc3339)
            .unwrap_or_else(|| panic!("MockHarbor clock: {rfc3339:?} is not an RFC 3339 time"));
        self.settings.clock = Some(ms);
        self
    }

    /// Robot name prefix (default `robot$`).
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.settings.robot_prefix = prefix.to_string();
        self
    }

    /// Number of requests the journal keeps (default 1000).
    pub fn journal_size(mut self, size: usize) -> Self {
        self.settings.journal_size = size;
        self
    }

    /// Drop sessions idle longer than `ttl` (default: never).
    pub fn session_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.settings.session_ttl = Some(ttl);
        self
    }

    /// Binds 127.0.0.1:0 and serves. Panics if the fixtures are invalid or no port is free.
    pub async fn start(self) -> MockHarbor {
        self.try_start()
            .await
            .unwrap_or_else(|e| panic!("MockHarbor: {e}"))
    }

    /// Like [`MockHarborBuilder::start`], returning the error instead of panicking.
    pub async fn try_start(self) -> Result<MockHarbor, String> {
        let fixtures = self.fixtures.unwrap_or_else(default_fixtures);
        let state = Instances::new(fixtures, self.settings).map_err(|e| e.to_string())?;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot bind 127.0.0.1:0: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app::serve(listener, state.clone(), async {
            let _ = rx.await;
        }));
        Ok(MockHarbor {
            addr,
            state,
            shutdown: Some(tx),
        })
    }
}

impl MockHarbor {
    /// A mock serving the default fixtures.
    pub async fn start() -> MockHarbor {
        MockHarbor::builder().start().await
    }

    /// A builder, to set fixtures, seed, clock, prefix or journal size first.
    pub fn builder() -> MockHarborBuilder {
        MockHarborBuilder::default()
    }

    /// `http://127.0.0.1:<port>`; Harbor clients take `{uri}/api/v2.0` or `{uri}` as base.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// The state: users, projects, memberships, robots.
    pub fn store(&self) -> &Arc<Store> {
        &self.state.main.store
    }

    /// The clock every timestamp and expiry check reads.
    pub fn clock(&self) -> &Clock {
        &self.state.main.clock
    }

    /// The requests received so far.
    pub fn journal(&self) -> &Journal {
        &self.state.main.journal
    }

    /// The active fault rules.
    pub fn faults(&self) -> &Faults {
        &self.state.main.faults
    }

    /// Everything the server shares, e.g. to open sessions.
    pub fn state(&self) -> &Instances {
        &self.state
    }
}

impl Drop for MockHarbor {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

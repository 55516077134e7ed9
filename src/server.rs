//! Turning a [`Config`] into a running server: load fixtures, bind, serve, shut down cleanly.

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

use crate::clock::Clock;
use crate::config::Config;
use crate::fixtures::{self, Fixtures};
use crate::model::parse_rfc3339_millis;
use crate::store::{Store, StoreOptions};
use crate::{AppState, app};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Fixtures(#[from] fixtures::FixturesError),
    #[error("--clock / HARBOR_MOCK_CLOCK: {0:?} is not an RFC 3339 time")]
    Clock(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

/// A server bound to its socket, ready to run.
pub struct Bound {
    pub listener: TcpListener,
    pub state: AppState,
    pub summary: String,
}

/// Builds the store from the configuration (fixtures, clock, seed, prefix).
pub fn build_state(config: &Config) -> Result<(AppState, String), StartError> {
    let clock = match &config.clock {
        Some(text) => Clock::frozen(
            parse_rfc3339_millis(text).ok_or_else(|| StartError::Clock(text.clone()))?,
        ),
        None => Clock::system(),
    };
    let path = config.fixtures.display().to_string();
    let (fixtures, text) = Fixtures::load(&config.fixtures)?;
    let options = StoreOptions {
        robot_prefix: config.robot_prefix.clone(),
        seed: config.seed,
    };
    let store = Store::new(fixtures.clone(), Arc::new(clock), options)
        .map_err(|entry| fixtures::locate(&entry, &text, &path))?;
    let admins: Vec<String> = fixtures
        .users
        .iter()
        .filter(|u| u.sysadmin)
        .map(|u| match &u.password {
            Some(p) => format!("{}:{p}", u.username),
            None => format!("{} (hashed password)", u.username),
        })
        .collect();
    let summary = format!(
        "fixtures {path}: {} users, {} projects, {} members, {} robots; admin {}",
        fixtures.users.len(),
        fixtures.projects.len(),
        fixtures.members.len(),
        fixtures.robots.len(),
        if admins.is_empty() {
            "none".to_string()
        } else {
            admins.join(", ")
        },
    );
    Ok((AppState::new(Arc::new(store), config.seed), summary))
}

/// Builds the state and binds the listener.
pub async fn bind(config: &Config) -> Result<Bound, StartError> {
    let (state, summary) = build_state(config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
    Ok(Bound {
        listener,
        state,
        summary,
    })
}

/// Serves until `shutdown` resolves, then stops accepting and finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

//! Turning a [`Config`] into a running server: load fixtures, bind, serve, shut down cleanly.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::Config;
use crate::fixtures;
use crate::model::parse_rfc3339_millis;
use crate::{AppState, Settings, app, persist};

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

/// The instance settings a configuration asks for.
pub fn settings(config: &Config) -> Result<Settings, StartError> {
    let clock = match &config.clock {
        Some(text) => {
            Some(parse_rfc3339_millis(text).ok_or_else(|| StartError::Clock(text.clone()))?)
        }
        None => None,
    };
    Ok(Settings {
        robot_prefix: config.robot_prefix.clone(),
        seed: config.seed,
        clock,
        journal_size: config.journal_size,
        control: !config.no_control,
        control_token: config.control_token.clone(),
    })
}

/// Builds the state from the configuration (fixtures, state file, clock, seed, prefix).
pub fn build_state(config: &Config) -> Result<(AppState, String), StartError> {
    let path = config.fixtures.display().to_string();
    let text = Arc::new(fixtures::read(&config.fixtures)?);
    let (state, users) = AppState::from_source(text, &path, settings(config)?)?;
    let admins: Vec<String> = users
        .iter()
        .filter(|u| u.sysadmin)
        .map(|u| match &u.password {
            Some(p) => format!("{}:{p}", u.username),
            None => format!("{} (hashed password)", u.username),
        })
        .collect();
    let mut source = format!("fixtures {path}");
    let mut state_text = None;
    if let Some(state_path) = &config.state_file {
        if let Some(text) = persist::load(state_path)? {
            let shown = state_path.display().to_string();
            state.store().load_source(&text, &shown)?;
            source = format!("state file {shown}");
            state_text = Some(text);
        }
        state
            .store()
            .set_change_hook(Some(persist::hook(state_path.clone())));
    }
    let counts = state.store().counts();
    if counts.robots >= crate::store::LARGE_FIXTURES {
        // Unmapping the state file's text and trimming the heap take a while at this size.
        crate::store::release_later(state_text);
    }
    let summary = format!(
        "{source}: {} users, {} projects, {} members, {} robots; admin {}",
        counts.users,
        counts.projects,
        counts.members,
        counts.robots,
        if admins.is_empty() {
            "none".to_string()
        } else {
            admins.join(", ")
        },
    );
    Ok((state, summary))
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

/// How long in-flight requests get to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_millis(800);

/// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests
/// finish for at most [`DRAIN`], so `docker stop` never has to wait for its kill timeout.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stopping = Arc::new(Notify::new());
    let signal = stopping.clone();
    let server = axum::serve(listener, app(state)).with_graceful_shutdown(async move {
        shutdown.await;
        signal.notify_one();
    });
    tokio::select! {
        result = server => result,
        () = async {
            stopping.notified().await;
            tokio::time::sleep(DRAIN).await;
        } => Ok(()),
    }
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

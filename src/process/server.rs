//! Turning a [`Config`] into a running server: load fixtures, bind, serve, shut down cleanly.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio::net::TcpListener;

use super::config::Config;
use crate::datetime::parse_rfc3339_millis;
use crate::mock::instance::Settings;
use crate::mock::persist::{self, Creation, Found};
use crate::mock::state::Instances;
use crate::store::fixtures::{self, DEFAULT_FIXTURES};
use crate::store::{LARGE_FIXTURES, release_later};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The fixtures or a JSON state file cannot be read or used.
    #[error(transparent)]
    Fixtures(#[from] fixtures::FixturesError),
    /// The state store cannot be opened, read or created.
    #[error(transparent)]
    State(#[from] persist::StateError),
    /// `--fixtures` and `--state-file` name the same file.
    #[error(
        "--state-file {0}: the same file as --fixtures; the state store would replace the \
         fixtures (give the store a path of its own)"
    )]
    SameFile(std::path::PathBuf),
    /// `--clock` is not a time.
    #[error("--clock / HARBOR_MOCK_CLOCK: {0:?} is not an RFC 3339 time")]
    Clock(String),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// `--listen`.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// A server bound to its socket, ready to run.
pub struct Bound {
    /// The socket.
    pub listener: TcpListener,
    /// The instances it serves.
    pub state: Instances,
    /// What was loaded, for the start-up line.
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
        journal_bytes: config.journal_bytes,
        session_ttl: config.session_ttl,
        control: !config.no_control,
        control_token: config.control_token.clone(),
    })
}

/// Builds the state from the configuration (fixtures, state store, clock, seed, prefix).
pub fn build_state(config: &Config) -> Result<(Instances, String), StartError> {
    let (path, text) = match &config.fixtures {
        Some(file) => (file.display().to_string(), fixtures::read(file)?),
        None => ("built-in default".to_string(), DEFAULT_FIXTURES.to_string()),
    };
    if let (Some(fixtures), Some(state_file)) = (&config.fixtures, &config.state_file) {
        refuse_one_file_for_both(fixtures, state_file)?;
    }
    let (state, users) = Instances::from_source(Arc::new(text), &path, settings(config)?)?;
    let mut admins: Vec<String> = users
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
        let opened = open_state(&state, state_path, &source)?;
        if !opened.from_fixtures {
            // The state came from the store, whose passwords are hashes: names only.
            let names = state.store().sysadmin_names().into_iter();
            admins = names.map(|n| format!("{n} (password as stored)")).collect();
        }
        source = opened.source;
        state_text = opened.text;
    }
    let counts = state.store().counts();
    if counts.robots >= LARGE_FIXTURES {
        // Unmapping the state file's text and trimming the heap take a while at this size.
        release_later(state_text);
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

/// `--fixtures` and `--state-file` naming one file would turn the fixtures into the store.
fn refuse_one_file_for_both(fixtures: &Path, state_file: &Path) -> Result<(), StartError> {
    match (fixtures.canonicalize(), state_file.canonicalize()) {
        (Ok(a), Ok(b)) if a == b => Err(StartError::SameFile(state_file.to_path_buf())),
        _ => Ok(()),
    }
}

/// Loads the state store at `path` into the main instance (importing a JSON state file of an
/// earlier version, or creating the store from the `fixtures` loaded) and attaches it, so
/// every later change is committed to it.
fn open_state(state: &Instances, path: &Path, fixtures: &str) -> Result<Opened, StartError> {
    let lock = persist::lock(path)?;
    let store = state.store();
    let shown = path.display().to_string();
    let (source, text, from_fixtures) = match persist::read(path)? {
        Found::Store(rows) => {
            store
                .restore(*rows)
                .map_err(|e| persist::StateError::invalid(path, e))?;
            (format!("state store {shown}"), None, false)
        }
        Found::Legacy => {
            let text = fixtures::read(path)?;
            store.load_source(&text, &shown, state.main.clock.now_millis())?;
            let kept = persist::create(path, &store.rows(), Creation::Import)?;
            tracing::info!(
                "imported the JSON state file of an earlier version: {shown} is now an SQLite \
                 state store; the JSON is kept as {}",
                kept.map(|k| k.display().to_string()).unwrap_or_default()
            );
            (format!("state file {shown} (imported)"), Some(text), false)
        }
        Found::Nothing => {
            persist::create(path, &store.rows(), Creation::New)?;
            (
                format!("{fixtures} into a new state store {shown}"),
                None,
                true,
            )
        }
    };
    store.set_change_sink(Some(persist::Committer::start(path, lock)?));
    Ok(Opened {
        source,
        text,
        from_fixtures,
    })
}

/// What [`open_state`] loaded.
struct Opened {
    /// What the state came from, for the start-up line.
    source: String,
    /// The text of an imported JSON file, to be freed later.
    text: Option<String>,
    /// Whether the state is the fixtures' (a new store), not the store's own.
    from_fixtures: bool,
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

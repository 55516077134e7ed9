//! Command line and environment configuration (every flag also reads a `HARBOR_MOCK_*` var).

use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::harbor::DEFAULT_ROBOT_PREFIX;
use crate::mock::clock::parse_duration;
use crate::mock::journal;

/// A faithful stand-in for Harbor's robot-account API.
#[derive(Debug, Clone, Parser)]
#[command(name = "harbor-mock", version, about)]
pub struct Cli {
    /// What to do (serve when absent).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The server's settings.
    #[command(flatten)]
    pub config: Config,
}

/// What to do; serving is the default.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve,
    /// Exit 0 if a server on `--listen` answers `GET /_mock/health` with 200 (for HEALTHCHECK).
    Healthcheck,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Pretty,
    /// One JSON object per event.
    Json,
}

/// Server settings.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (the startup line says which).
    #[arg(long, env = "HARBOR_MOCK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Fixtures file loaded at start and on reset [default: the built-in default fixtures,
    /// fixtures/default.json]
    #[arg(long, env = "HARBOR_MOCK_FIXTURES")]
    pub fixtures: Option<PathBuf>,
    /// Starting prefix of robot names on the wire and at login (Harbor's robot_name_prefix;
    /// `PUT /api/v2.0/configurations` changes it at run time).
    #[arg(long, env = "HARBOR_MOCK_ROBOT_PREFIX", default_value = DEFAULT_ROBOT_PREFIX)]
    pub robot_prefix: String,
    /// Log filter (`info`, `debug`, `harbor_mock=debug,tower=warn`, ...).
    #[arg(long, env = "HARBOR_MOCK_LOG_LEVEL", default_value = "info")]
    pub log_level: String,
    /// Log format.
    #[arg(
        long,
        env = "HARBOR_MOCK_LOG_FORMAT",
        value_enum,
        default_value = "pretty"
    )]
    pub log_format: LogFormat,
    /// Seed for secrets, salts and generated request ids (deterministic runs).
    #[arg(long, env = "HARBOR_MOCK_SEED")]
    pub seed: Option<u64>,
    /// Start the clock at this RFC 3339 time and hold it still unless moved.
    #[arg(long, env = "HARBOR_MOCK_CLOCK")]
    pub clock: Option<String>,
    /// SQLite state store: loaded at start (created from the fixtures when missing; a JSON
    /// state file of an earlier version is imported), every change committed to it before its
    /// response.
    #[arg(long, env = "HARBOR_MOCK_STATE_FILE")]
    pub state_file: Option<PathBuf>,
    /// Require `Authorization: Bearer <token>` on the control API.
    #[arg(long, env = "HARBOR_MOCK_CONTROL_TOKEN", hide_env_values = true)]
    pub control_token: Option<String>,
    /// Switch the control API under `/_mock` off (health stays).
    #[arg(long, env = "HARBOR_MOCK_NO_CONTROL")]
    pub no_control: bool,
    /// Number of requests the journal keeps.
    #[arg(long, env = "HARBOR_MOCK_JOURNAL_SIZE", default_value_t = 1000)]
    pub journal_size: usize,
    /// Drop sessions idle this long (`30m`, `2h`, `90s`; units ms, s, m, h, d); off by default.
    #[arg(long, env = "HARBOR_MOCK_SESSION_TTL", value_parser = parse_ttl)]
    pub session_ttl: Option<Duration>,
    /// Bytes the journal's entries may hold (headers and bodies); the oldest go first.
    #[arg(long, env = "HARBOR_MOCK_JOURNAL_BYTES", default_value_t = journal::DEFAULT_BUDGET)]
    pub journal_bytes: usize,
}

/// A session TTL: a positive [`parse_duration`].
fn parse_ttl(text: &str) -> Result<Duration, String> {
    match parse_duration(text) {
        Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms.unsigned_abs())),
        _ => Err(format!(
            "{text:?} is not a positive duration like 30m, 2h or 90s"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let cli = Cli::try_parse_from(["harbor-mock"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(cli.config.robot_prefix, "robot$");
        assert_eq!(cli.config.journal_size, 1000);
    }

    #[test]
    fn flags_override() {
        let cli = Cli::try_parse_from([
            "harbor-mock",
            "--listen",
            "0.0.0.0:0",
            "--robot-prefix",
            "bot+",
            "--seed",
            "7",
            "healthcheck",
        ])
        .unwrap();
        assert!(matches!(cli.command, Some(Command::Healthcheck)));
        assert_eq!(cli.config.listen.port(), 0);
        assert_eq!(cli.config.robot_prefix, "bot+");
        assert_eq!(cli.config.seed, Some(7));
    }
}

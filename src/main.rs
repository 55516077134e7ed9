//! The `harbor-mock` binary: configuration in, server out. All logic lives in the library.

use clap::Parser;
use harbor_mock::app;
use harbor_mock::process::config::{Cli, Command, LogFormat};
use harbor_mock::process::logging::LogWriter;
use harbor_mock::process::{healthcheck, server};
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Healthcheck) = cli.command {
        return match healthcheck::check(cli.config.listen, std::time::Duration::from_secs(2)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("healthcheck failed: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let filter =
        EnvFilter::try_new(&cli.config.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    // Request lines are buffered off the request path (see `harbor_mock::logging`); colour
    // codes only on a terminal.
    let logs = LogWriter::stdout();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .with_writer(logs.clone());
    match cli.config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Pretty => builder.compact().init(),
    }
    let code = run(&cli);
    logs.flush();
    code
}

fn run(cli: &Cli) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("harbor-mock: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let bound = match server::bind(&cli.config).await {
            Ok(bound) => bound,
            Err(e) => {
                eprintln!("harbor-mock: {e}");
                return ExitCode::FAILURE;
            }
        };
        let addr = bound
            .listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        tracing::info!("harbor-mock listening on http://{addr}; {}", bound.summary);
        match app::serve(bound.listener, bound.state, server::shutdown_signal()).await {
            Ok(()) => {
                tracing::info!("harbor-mock stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("harbor-mock: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

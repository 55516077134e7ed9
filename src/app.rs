//! The application: Harbor's routes, the control API and its dashboard behind the front
//! service, and the one way it is served (by the binary and by
//! [`crate::mock::harness::MockHarbor`] alike).

use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::api;
use crate::http::Front;
use crate::mock::state::Instances;
use crate::mock::{control, ui};

/// The whole application as a tower service: serve it with [`serve`], or call it in-process
/// with `tower::ServiceExt::oneshot`. Path clean-up and session scoping have to happen before
/// routing, so [`Front`] does them and then calls the router.
pub fn app(state: Instances) -> Front {
    let mut routes = Router::new()
        .merge(api::router())
        .nest("/_mock", control::router(&state.settings));
    if state.settings.control {
        routes = routes.nest("/_mock/ui", ui::router(&state));
    }
    let routes = routes.fallback(api::not_found).with_state(state.clone());
    Front::new(state, routes)
}

/// How long in-flight requests get to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_millis(800);

/// Serves `state` on `listener` until `shutdown` resolves, then stops accepting and lets
/// in-flight requests finish for at most [`DRAIN`], so `docker stop` never has to wait for its
/// kill timeout.
pub async fn serve(
    listener: TcpListener,
    state: Instances,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stopping = Arc::new(Notify::new());
    let signal = stopping.clone();
    // Expired sessions are also dropped when touched; this frees the forgotten ones.
    let sweeper = state.sessions.ttl().map(|ttl| {
        let sessions = state.sessions.clone();
        let every = (ttl / 2).clamp(Duration::from_secs(1), Duration::from_secs(60));
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            loop {
                ticks.tick().await;
                sessions.sweep();
            }
        })
    });
    let _sweeper = AbortOnDrop(sweeper);
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

/// Stops a background task when the server stops.
struct AbortOnDrop(Option<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(task) = &self.0 {
            task.abort();
        }
    }
}

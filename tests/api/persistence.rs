//! A write with a state store attached is answered only once the store has committed it, and
//! reads never wait for that; a write the store cannot commit is a 500. The state store here
//! is a stand-in that commits when told (`tests/process.rs` runs the real one).

use axum::http::StatusCode;
use harbor_mock::store::durability::{Durability, Ticket};
use harbor_mock::store::{Change, ChangeSink};
use parking_lot::Mutex;
use std::sync::Arc;
use tokio::sync::mpsc;

use crate::helpers::*;

/// Commits only when told; reports each submission's number and changes.
struct Held {
    durability: Arc<Durability>,
    submitted: Mutex<u64>,
    seen: mpsc::UnboundedSender<(u64, Vec<Change>)>,
}

impl ChangeSink for Held {
    fn submit(&self, changes: Vec<Change>) -> Ticket {
        let mut submitted = self.submitted.lock();
        *submitted += 1;
        let _ = self.seen.send((*submitted, changes));
        self.durability.ticket(*submitted)
    }
}

fn held(app: &TestApp) -> (Arc<Durability>, mpsc::UnboundedReceiver<(u64, Vec<Change>)>) {
    let durability = Durability::new();
    let (seen, submissions) = mpsc::unbounded_channel();
    let sink = Held {
        durability: durability.clone(),
        submitted: Mutex::new(0),
        seen,
    };
    app.store.set_change_sink(Some(Arc::new(sink)));
    (durability, submissions)
}

#[tokio::test]
async fn a_write_is_answered_once_committed_and_reads_do_not_wait_for_it() {
    // Arrange
    let app = Arc::new(TestApp::new());
    let (durability, mut submissions) = held(&app);
    // Act: the POST's change reaches the state store, which does not commit yet.
    let post = {
        let app = app.clone();
        tokio::spawn(async move { app.post(system_robot("ci"), ADMIN).await })
    };
    let (seq, changes) = submissions.recv().await.unwrap();
    // Assert: the robot's row is what went to the store...
    assert!(
        matches!(&changes[0], Change::Robot(r) if r.name == "ci"),
        "{changes:?}"
    );
    // ...reads are served meanwhile, from memory...
    let list = app.get("/api/v2.0/robots", ADMIN).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    assert_eq!(
        app.get("/api/v2.0/robots/1", ADMIN).await.status,
        StatusCode::OK
    );
    // ...and the POST is answered only after the commit.
    assert!(!post.is_finished(), "answered before committed");
    durability.advance(seq);
    assert_eq!(post.await.unwrap().status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_write_the_state_store_cannot_commit_is_a_500() {
    let app = TestApp::new();
    let (durability, _submissions) = held(&app);
    durability.fail("state store /state/harbor.db: cannot commit: disk I/O error");
    let reply = app.post(system_robot("ci"), ADMIN).await;
    reply.assert_error(500, "UNKNOWN", "internal server error");
    // Reads still work; so do requests that write nothing.
    assert_eq!(
        app.get("/api/v2.0/robots", ADMIN).await.status,
        StatusCode::OK
    );
    let missing = app.delete("/api/v2.0/robots/99", ADMIN).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn control_writes_wait_for_the_commit_too() {
    let app = Arc::new(TestApp::new());
    let (durability, mut submissions) = held(&app);
    let reset = {
        let app = app.clone();
        tokio::spawn(async move {
            app.send(axum::http::Method::POST, "/_mock/reset", None, None)
                .await
        })
    };
    let (seq, changes) = submissions.recv().await.unwrap();
    assert!(matches!(changes.as_slice(), [Change::Replaced(_)]));
    assert!(!reset.is_finished(), "answered before committed");
    durability.advance(seq);
    assert_eq!(reset.await.unwrap().status, StatusCode::OK);
}

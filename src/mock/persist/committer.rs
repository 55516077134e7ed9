//! The thread that commits: the store's writes queue their changes here (under the store's
//! lock, so in change order) and go on; this thread takes whatever has queued, writes it in one
//! transaction, commits (an fsync of the WAL) and marks it durable. Writes arriving during a
//! commit go together into the next one, so a burst costs one fsync per commit, not per write.
//!
//! A whole new state (reset, `PUT /_mock/state`) is written as a new file that replaces the
//! store, as when it was created.
//!
//! A commit that fails (disk full, I/O error) stops the committing: that change and every
//! later one stay in memory only, their requests are answered 500, and the store on disk keeps
//! every change acknowledged before.

use parking_lot::{Condvar, Mutex};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use super::write::Writer;
use super::{Creation, Lock, Problem, StateError, create, open_store};
use crate::store::durability::{Durability, Ticket};
use crate::store::{Change, ChangeSink};

/// The state store's writer; a [`ChangeSink`]. Dropping it commits what is queued and closes
/// the database.
pub struct Committer {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// Held for as long as the store is written to.
    _lock: Lock,
}

struct Shared {
    queue: Mutex<Queue>,
    /// Wakes the thread: changes queued, or closing.
    queued: Condvar,
    durability: Arc<Durability>,
    path: PathBuf,
}

#[derive(Default)]
struct Queue {
    /// The number of the last submission.
    submitted: u64,
    /// The changes of the submissions not yet taken, in order; the last is `submitted`.
    pending: Vec<Vec<Change>>,
    closing: bool,
}

impl Committer {
    /// Opens the state store at `path`, which `lock` keeps to this process, for writing and
    /// starts its thread.
    pub fn start(path: &Path, lock: Lock) -> Result<Arc<Committer>, StateError> {
        let conn = open_store(path)?;
        let writer = Writer::new(&conn).map_err(|e| StateError::sqlite(path, e))?;
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            queued: Condvar::new(),
            durability: Durability::new(),
            path: path.to_path_buf(),
        });
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("state-store".into())
                .spawn(move || shared.run(conn, writer))
                .map_err(|e| StateError::io(path, e))?
        };
        Ok(Arc::new(Committer {
            shared,
            thread: Mutex::new(Some(thread)),
            _lock: lock,
        }))
    }
}

impl ChangeSink for Committer {
    fn submit(&self, changes: Vec<Change>) -> Ticket {
        let mut queue = self.shared.queue.lock();
        queue.submitted += 1;
        let seq = queue.submitted;
        // Once the store has failed nothing more is committed: keep nothing.
        if self.shared.durability.failure().is_none() {
            queue.pending.push(changes);
            self.shared.queued.notify_one();
        }
        self.shared.durability.ticket(seq)
    }
}

impl Shared {
    fn run(&self, conn: Connection, writer: Writer) {
        let mut store = Some((conn, writer));
        loop {
            let (batch, last) = {
                let mut queue = self.queue.lock();
                while queue.pending.is_empty() && !queue.closing {
                    self.queued.wait(&mut queue);
                }
                if queue.pending.is_empty() {
                    break;
                }
                (std::mem::take(&mut queue.pending), queue.submitted)
            };
            match self.commit(&mut store, batch) {
                Ok(()) => self.durability.advance(last),
                Err(e) => {
                    let why = format!("cannot commit: {e}");
                    tracing::error!(
                        "{why}; later changes are kept in memory only, and their requests \
                         answered 500"
                    );
                    self.durability.fail(&why);
                    break;
                }
            }
        }
        // Closing the connection checkpoints the WAL into the database file.
        if let Some((conn, _)) = store
            && let Err((_, e)) = conn.close()
        {
            tracing::warn!(path = %self.path.display(), error = %e, "closing the state store");
        }
    }

    /// Writes the submissions of `batch` in one transaction and commits it. A whole new state
    /// (reset, `PUT /_mock/state`) supersedes what comes before it: it is written as a new
    /// file that replaces the store (as at its creation, without a journal: at a million
    /// robots a third of the time of rewriting every row through the WAL), and what comes
    /// after it is committed to that file.
    fn commit(
        &self,
        store: &mut Option<(Connection, Writer)>,
        mut batch: Vec<Vec<Change>>,
    ) -> Result<(), StateError> {
        let path = self.path.as_path();
        let whole = batch.iter().rposition(|changes| {
            changes
                .iter()
                .any(|change| matches!(change, Change::Replaced(_)))
        });
        let mut rest: Vec<Change> = Vec::new();
        if let Some(at) = whole {
            let mut changes = batch.drain(..=at).next_back().unwrap_or_default();
            let start = changes
                .iter()
                .rposition(|change| matches!(change, Change::Replaced(_)))
                .expect("found above");
            rest = changes.split_off(start + 1);
            let Some(Change::Replaced(rows)) = changes.pop() else {
                unreachable!("found above")
            };
            if let Some((conn, _)) = store.take() {
                conn.close().map_err(|(_, e)| StateError::sqlite(path, e))?;
            }
            create(path, &rows, Creation::New)?;
            let conn = open_store(path)?;
            let writer = Writer::new(&conn).map_err(|e| StateError::sqlite(path, e))?;
            *store = Some((conn, writer));
        }
        let Some((conn, writer)) = store.as_mut() else {
            return Err(StateError::new(path, Problem::Foreign("closed".into())));
        };
        let sql = |e| StateError::sqlite(path, e);
        let tx = conn.transaction().map_err(sql)?;
        for change in rest.iter().chain(batch.iter().flatten()) {
            writer.apply(&tx, change).map_err(sql)?;
        }
        tx.commit().map_err(sql)
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        self.shared.queue.lock().closing = true;
        self.shared.queued.notify_one();
        if let Some(thread) = self.thread.lock().take() {
            let _ = thread.join();
        }
    }
}

//! Acknowledgement after durability: a write that a state store persists is answered only
//! once the store has committed it, and nothing else waits for that.
//!
//! A store write applies its change in memory and hands the changed rows to its
//! [`ChangeSink`](super::ChangeSink) under the write lock, which returns a [`Ticket`]; the lock
//! is released before any disk I/O, so reads never wait for it. The ticket then goes to
//! whoever acknowledges the write:
//! - inside [`acknowledged`] (the front service runs every request in it), the request's
//!   response waits for its last ticket asynchronously, after the handler has returned;
//! - anywhere else, the write itself blocks until its ticket is durable.
//!
//! Sinks commit in submission order, so when a ticket is durable every earlier change is too,
//! and what is on disk is always a prefix of the changes made. A read may see a change whose
//! commit is still under way (as another request's GET may see a POST before its 201): only
//! what has been answered is promised to survive a crash.

use parking_lot::{Condvar, Mutex};
use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

/// A sink's progress: how far its changes are durable, and whether it has failed.
#[derive(Debug, Default)]
pub struct Durability {
    progress: Mutex<Progress>,
    /// Wakes blocked waiters.
    settled: Condvar,
    /// Wakes asynchronous waiters.
    notify: tokio::sync::Notify,
}

#[derive(Debug, Default)]
struct Progress {
    /// Every submission numbered up to this one is durable.
    durable: u64,
    /// Why the sink stopped committing; no later submission becomes durable.
    failure: Option<Arc<str>>,
}

/// A change that the state store could not make durable: the sink stopped at this error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the change is in memory but not in the state store: {0}")]
pub struct NotDurable(pub Arc<str>);

impl Durability {
    /// A fresh progress record: nothing submitted, nothing durable.
    pub fn new() -> Arc<Durability> {
        Arc::new(Durability::default())
    }

    /// A ticket for submission `seq` (numbered from 1, in order).
    pub fn ticket(self: &Arc<Self>, seq: u64) -> Ticket {
        Ticket {
            seq,
            durability: self.clone(),
        }
    }

    /// Records that every submission up to `seq` is durable.
    pub fn advance(&self, seq: u64) {
        let mut progress = self.progress.lock();
        progress.durable = progress.durable.max(seq);
        drop(progress);
        self.wake();
    }

    /// Records that the sink failed with `why`: no pending or later ticket becomes durable.
    pub fn fail(&self, why: &str) {
        let mut progress = self.progress.lock();
        if progress.failure.is_none() {
            progress.failure = Some(why.into());
        }
        drop(progress);
        self.wake();
    }

    /// The failure, if the sink has failed.
    pub fn failure(&self) -> Option<Arc<str>> {
        self.progress.lock().failure.clone()
    }

    fn wake(&self) {
        self.settled.notify_all();
        self.notify.notify_waiters();
    }

    /// `Some` once submission `seq` is durable (or can no longer be).
    fn outcome(progress: &Progress, seq: u64) -> Option<Result<(), NotDurable>> {
        if progress.durable >= seq {
            Some(Ok(()))
        } else {
            progress.failure.clone().map(|why| Err(NotDurable(why)))
        }
    }
}

/// One submission to a sink: becomes durable when the sink has committed it.
#[derive(Clone, Debug)]
pub struct Ticket {
    seq: u64,
    durability: Arc<Durability>,
}

impl Ticket {
    /// The submission's number.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Waits, without blocking the thread, until the submission is durable.
    pub async fn durable(&self) -> Result<(), NotDurable> {
        loop {
            // Registered before the check, so a wake-up between the two is not lost.
            let notified = self.durability.notify.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if let Some(outcome) = Durability::outcome(&self.durability.progress.lock(), self.seq) {
                return outcome;
            }
            notified.await;
        }
    }

    /// Blocks the thread until the submission is durable.
    pub fn wait(&self) -> Result<(), NotDurable> {
        let mut progress = self.durability.progress.lock();
        loop {
            if let Some(outcome) = Durability::outcome(&progress, self.seq) {
                return outcome;
            }
            self.durability.settled.wait(&mut progress);
        }
    }
}

tokio::task_local! {
    /// The last ticket of the writes made by the request being served.
    static PENDING: RefCell<Option<Ticket>>;
}

/// Runs `request` (a request's handling) so that the writes it makes are not waited for one by
/// one but all at its end: returns its output once they are durable, or with the reason they
/// cannot be.
pub async fn acknowledged<F: Future>(request: F) -> (F::Output, Result<(), NotDurable>) {
    let (output, pending) = PENDING
        .scope(RefCell::new(None), async {
            let output = request.await;
            (output, PENDING.with(|p| p.borrow_mut().take()))
        })
        .await;
    let durable = match pending {
        Some(ticket) => ticket.durable().await,
        None => Ok(()),
    };
    (output, durable)
}

/// Settles a write's ticket: left to [`acknowledged`] when the write runs inside it, else
/// waited for here. A request writes to one store, whose tickets come in order, so its last
/// ticket covers the ones before.
pub(super) fn settle(ticket: Ticket) {
    let deferred = PENDING.try_with(|pending| *pending.borrow_mut() = Some(ticket.clone()));
    if deferred.is_err()
        && let Err(e) = ticket.wait()
    {
        tracing::error!(error = %e, "a write outside a request is not durable");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_is_durable_once_the_sink_reaches_it() {
        let durability = Durability::new();
        let (first, second) = (durability.ticket(1), durability.ticket(2));
        durability.advance(1);
        assert_eq!(first.wait(), Ok(()));
        let waiter = std::thread::spawn(move || second.wait());
        durability.advance(2);
        assert_eq!(waiter.join().unwrap(), Ok(()));
    }

    #[test]
    fn a_failed_sink_fails_every_pending_and_later_ticket() {
        let durability = Durability::new();
        let pending = durability.ticket(1);
        durability.fail("disk full");
        durability.fail("second failure is not recorded");
        let expected = Err(NotDurable("disk full".into()));
        assert_eq!(pending.wait(), expected);
        assert_eq!(durability.ticket(2).wait(), expected);
    }

    #[tokio::test]
    async fn a_request_waits_for_its_last_ticket_at_its_end() {
        let durability = Durability::new();
        let sink = durability.clone();
        let request = async move {
            settle(sink.ticket(1));
            settle(sink.ticket(2));
            // Both writes are deferred: the request itself goes on at once.
            "response"
        };
        let served = tokio::spawn(acknowledged(request));
        tokio::task::yield_now().await;
        assert!(!served.is_finished(), "acknowledged before durable");
        durability.advance(1);
        tokio::task::yield_now().await;
        assert!(!served.is_finished(), "acknowledged before its last write");
        durability.advance(2);
        assert_eq!(served.await.unwrap(), ("response", Ok(())));
    }
}

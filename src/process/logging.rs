//! Where log lines go: standard output, with the per-request access log taken off the request
//! path.
//!
//! Writing every access-log line straight to stdout costs each request a locked `write(2)`, and
//! with two workers writing at once, a wait for the other's: under load that was the largest
//! cost after the HTTP stack itself (`BENCHMARKS.md`). Request lines (events with a
//! `latency_us` field at INFO or below) are appended to a buffer that a background thread
//! writes out every [`FLUSH_EVERY`] or once [`FLUSH_AT`] bytes are waiting. Every other line
//! (start-up, shutdown, warnings, errors, 5xx request lines) is written at once, after whatever
//! is buffered, so lines never change order. The buffer is bounded: past [`MAX_PENDING`] bytes a
//! request line is written synchronously again, so a stalled reader slows requests down as
//! before instead of growing memory. A SIGKILL can lose at most the last [`FLUSH_EVERY`] of
//! request lines.

use parking_lot::{Condvar, Mutex};
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// How long a request line may wait in the buffer.
pub const FLUSH_EVERY: Duration = Duration::from_millis(20);
/// Buffered bytes that wake the writer thread early.
pub const FLUSH_AT: usize = 64 * 1024;
/// Buffered bytes past which request lines are written synchronously.
pub const MAX_PENDING: usize = 4 * 1024 * 1024;

/// The field that marks an access-log event.
const REQUEST_FIELD: &str = "latency_us";

/// A [`MakeWriter`] for standard output; clones share one buffer and writer thread.
#[derive(Clone)]
pub struct LogWriter {
    shared: Arc<Shared>,
}

struct Shared {
    /// Request lines not yet written.
    pending: Mutex<Vec<u8>>,
    /// Wakes the writer thread early.
    wake: Condvar,
    /// Held while writing to stdout; always taken before `pending`, so that whoever writes
    /// also writes everything buffered before it, in order.
    out: Mutex<()>,
    /// False when the writer thread could not be started: then every line is written at once.
    buffered: AtomicBool,
}

impl Shared {
    /// Writes the buffered lines, then `line`. Caller holds `out`.
    fn write_through(&self, line: &[u8]) -> io::Result<()> {
        let pending = std::mem::take(&mut *self.pending.lock());
        let mut stdout = io::stdout().lock();
        stdout.write_all(&pending)?;
        stdout.write_all(line)?;
        stdout.flush()
    }
}

impl LogWriter {
    /// A writer to stdout with its background thread started.
    pub fn stdout() -> LogWriter {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Vec::new()),
            wake: Condvar::new(),
            out: Mutex::new(()),
            buffered: AtomicBool::new(true),
        });
        let worker = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || {
                loop {
                    {
                        let mut pending = worker.pending.lock();
                        if pending.len() < FLUSH_AT {
                            worker.wake.wait_for(&mut pending, FLUSH_EVERY);
                        }
                        if pending.is_empty() {
                            continue;
                        }
                    }
                    let _out = worker.out.lock();
                    let _ = worker.write_through(&[]);
                }
            });
        if spawned.is_err() {
            // No thread, no buffering: every line is written at once.
            shared.buffered.store(false, Ordering::Relaxed);
        }
        LogWriter { shared }
    }

    /// Writes out everything buffered (call before exiting).
    pub fn flush(&self) {
        let _out = self.shared.out.lock();
        let _ = self.shared.write_through(&[]);
    }
}

/// One event's writer.
pub struct LineWriter<'a> {
    shared: &'a Shared,
    deferred: bool,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.deferred {
            let mut pending = self.shared.pending.lock();
            if pending.len() + buf.len() <= MAX_PENDING {
                pending.extend_from_slice(buf);
                if pending.len() >= FLUSH_AT {
                    self.shared.wake.notify_one();
                }
                return Ok(buf.len());
            }
        }
        let _out = self.shared.out.lock();
        self.shared.write_through(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogWriter {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> LineWriter<'a> {
        LineWriter {
            shared: &self.shared,
            deferred: false,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> LineWriter<'a> {
        let deferred = self.shared.buffered.load(Ordering::Relaxed)
            && *meta.level() >= Level::INFO
            && meta.fields().field(REQUEST_FIELD).is_some();
        LineWriter {
            shared: &self.shared,
            deferred,
        }
    }
}

//! `--state-file`: the state survives restarts in an SQLite database (WAL mode) whose tables
//! are named after Harbor's (`robot`, `role_permission`, `harbor_user`, `project`, …; see
//! `schema`), so `sqlite3 state.db 'SELECT name FROM robot'` reads it.
//!
//! At start the file is read into the in-memory store, which serves every read from then on
//! (see [`read`]). Each write then hands the rows it changed to the [`Committer`], which
//! commits them in one transaction before the write's response is sent: a write costs its own
//! rows and one WAL append with an fsync, whatever the size of the state, and no read waits
//! for it (`store::durability`). A SIGKILL at any moment leaves the last commit, which holds
//! every acknowledged write; SQLite recovers the WAL at the next open.
//!
//! The JSON state file of earlier versions is imported once: the store is created in its
//! place, and the JSON kept as `<file>.imported` (`legacy`).
//!
//! Files: `schema` (tables, and telling a state store from other files), `write` (changes into
//! rows), `read` (rows into records), `committer` (the committing thread), `legacy` (the JSON
//! state file).

mod committer;
mod legacy;
mod read;
mod schema;
mod write;

pub use committer::Committer;
pub use read::ReadError;

use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::store::Rows;
use crate::store::fixtures::InvalidEntry;
use schema::Kind;
use write::Writer;

/// Why the state store cannot be used: always names the file.
#[derive(Debug, thiserror::Error)]
#[error("state store {}: {problem}", path.display())]
pub struct StateError {
    /// `--state-file`.
    pub path: PathBuf,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong with a state store.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// The file cannot be read, written or created.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// SQLite failed.
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file is something else: another program's database, a newer schema, neither SQLite
    /// nor JSON.
    #[error("{0}")]
    Foreign(String),
    /// A row holds what no version of the mock writes.
    #[error("cannot read its rows: {0}")]
    Read(#[from] ReadError),
    /// The rows are not a state the store accepts.
    #[error("its rows are not a valid state: {0}")]
    Invalid(InvalidEntry),
    /// Another process holds the store.
    #[error("in use by another harbor-mock (it holds {0}); one server per store")]
    InUse(String),
}

/// The lock that keeps a state store to one process: an exclusive `flock` on `<store>.lock`,
/// held until the server ends (the kernel drops it with the process, however it dies). A file
/// beside the store rather than the store itself, because a reset replaces the store's file
/// and SQLite's own locks are per transaction. Dropping it unlocks.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Takes the lock of the state store at `path`, or says which file another process holds.
pub fn lock(path: &Path) -> Result<Lock, StateError> {
    let lock_path = sibling(path, ".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| StateError::io(path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(Lock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(StateError::new(
            path,
            Problem::InUse(lock_path.display().to_string()),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(StateError::io(path, e)),
    }
}

impl StateError {
    fn new(path: &Path, problem: impl Into<Problem>) -> StateError {
        StateError {
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }

    fn io(path: &Path, e: io::Error) -> StateError {
        StateError::new(path, e)
    }

    fn sqlite(path: &Path, e: rusqlite::Error) -> StateError {
        StateError::new(path, e)
    }

    /// Rows that the store refused.
    pub fn invalid(path: &Path, entry: InvalidEntry) -> StateError {
        StateError::new(path, Problem::Invalid(entry))
    }
}

/// What `--state-file` names.
#[derive(Debug)]
pub enum Found {
    /// No file, an empty one, or an empty database: the store is to be created.
    Nothing,
    /// A state store, and its rows.
    Store(Box<Rows>),
    /// The JSON state file of an earlier version, to import.
    Legacy,
}

/// Reads what `path` holds. Anything but a missing or empty file, a state store or a JSON
/// state file is an error naming the file and saying what it is instead.
pub fn read(path: &Path) -> Result<Found, StateError> {
    let mut head = [0u8; 16];
    let read = match File::open(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(StateError::io(path, e)),
        Ok(mut file) => {
            if file
                .metadata()
                .map_err(|e| StateError::io(path, e))?
                .is_dir()
            {
                return Err(StateError::new(
                    path,
                    Problem::Foreign("a directory".into()),
                ));
            }
            read_head(&mut file, &mut head).map_err(|e| StateError::io(path, e))?
        }
    };
    let head = &head[..read];
    if head.is_empty() {
        return Ok(Found::Nothing);
    }
    if legacy::is_json(head) {
        return Ok(Found::Legacy);
    }
    if head != b"SQLite format 3\0" {
        return Err(StateError::new(
            path,
            Problem::Foreign("neither a harbor-mock state store (SQLite) nor a JSON state".into()),
        ));
    }
    let conn = open_existing(path)?;
    match schema::identify(&conn).map_err(|why| StateError::new(path, Problem::Foreign(why)))? {
        Kind::Empty => Ok(Found::Nothing),
        Kind::Store => {
            read::map_whole_file(&conn).map_err(|e| StateError::new(path, e))?;
            let rows = read::rows(&conn, path).map_err(|e| StateError::new(path, e))?;
            Ok(Found::Store(Box::new(rows)))
        }
    }
}

fn read_head(file: &mut File, head: &mut [u8]) -> io::Result<usize> {
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(read)
}

/// How [`create`] treats what is at the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Creation {
    /// Nothing worth keeping is there.
    New,
    /// The JSON state of an earlier version: kept beside the store.
    Import,
}

/// Creates the state store at `path` holding `rows`. It is built whole under a temporary name
/// and renamed into place, so a crash leaves either what was there or the complete store. On
/// an import, returns where the JSON was kept.
pub fn create(path: &Path, rows: &Rows, creation: Creation) -> Result<Option<PathBuf>, StateError> {
    let temp = sibling(path, ".creating");
    let io = |e| StateError::io(path, e);
    let sql = |e| StateError::sqlite(path, e);
    for file in [sibling(&temp, "-wal"), sibling(&temp, "-shm"), temp.clone()] {
        remove_if_there(&file).map_err(io)?;
    }
    {
        let mut conn = Connection::open(&temp).map_err(sql)?;
        // The file is not in place before it is whole and fsynced (below), so it is written
        // without a journal, straight into the file; it is in WAL mode from then on.
        conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
            .map_err(sql)?;
        let tx = conn.transaction().map_err(sql)?;
        schema::create(&tx).map_err(sql)?;
        Writer::new(&tx)
            .and_then(|mut writer| writer.replace(&tx, rows))
            .map_err(sql)?;
        tx.commit().map_err(sql)?;
        schema::configure(&conn).map_err(|e| StateError::new(path, e))?;
        conn.close().map_err(|(_, e)| sql(e))?;
    }
    File::open(&temp).and_then(|f| f.sync_all()).map_err(io)?;
    let kept = match creation {
        Creation::Import => Some(legacy::keep(path).map_err(io)?),
        Creation::New => None,
    };
    // What is at the path is no store (or an empty one): its WAL, if any, must not be
    // applied to the new file.
    for file in [sibling(path, "-wal"), sibling(path, "-shm")] {
        remove_if_there(&file).map_err(io)?;
    }
    std::fs::rename(&temp, path).map_err(io)?;
    sync_dir(path).map_err(io)?;
    Ok(kept)
}

/// Opens an existing state store for writing, set up for commits (see `schema::configure`).
fn open_store(path: &Path) -> Result<Connection, StateError> {
    let conn = open_existing(path)?;
    match schema::identify(&conn) {
        Ok(Kind::Store) => {}
        Ok(Kind::Empty) => {
            return Err(StateError::new(
                path,
                Problem::Foreign("an empty database".into()),
            ));
        }
        Err(why) => return Err(StateError::new(path, Problem::Foreign(why))),
    }
    schema::configure(&conn).map_err(|e| StateError::new(path, e))?;
    // Every statement a change runs, prepared once.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn open_existing(path: &Path) -> Result<Connection, StateError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| StateError::sqlite(path, e))?;
    // Not a database at all shows only when it is first read.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .map_err(|e| StateError::sqlite(path, e))?;
    Ok(conn)
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn remove_if_there(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Makes a rename in `path`'s directory durable.
fn sync_dir(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests;

//! The JSON state file of earlier versions (`--state-file` before the SQLite store): the whole
//! state in the fixtures format. It is imported once: the store is created in its place and
//! the JSON kept beside it.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// Whether `head`, the first bytes of a file, starts a JSON object.
pub fn is_json(head: &[u8]) -> bool {
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Where the JSON of `path` is kept once imported: `<path>.imported`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".imported");
    path.with_file_name(name)
}

/// Keeps the JSON at `path` as [`backup_path`], before the store replaces it: a hard link
/// (the same file under a second name), or a copy where links are not possible.
pub fn keep(path: &Path) -> io::Result<PathBuf> {
    let backup = backup_path(path);
    match fs::remove_file(&backup) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    if fs::hard_link(path, &backup).is_err() {
        fs::copy(path, &backup)?;
        File::open(&backup)?.sync_all()?;
    }
    Ok(backup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_told_by_its_first_byte() {
        assert!(is_json(b"{\"users\":[]}"));
        assert!(is_json(b"\n  {"));
        assert!(!is_json(b"SQLite format 3\0"));
        assert!(!is_json(b"[]"));
        assert!(!is_json(b""));
    }

    #[test]
    fn the_json_is_kept_beside_the_store() {
        let tmp = tempfile::Builder::new()
            .prefix("harbor-mock-legacy-")
            .tempdir()
            .unwrap();
        let dir = tmp.path();
        let path = dir.join("state.json");
        fs::write(&path, "{}\n").unwrap();
        let backup = keep(&path).unwrap();
        assert_eq!(backup, dir.join("state.json.imported"));
        assert_eq!(fs::read_to_string(&backup).unwrap(), "{}\n");
        // A second import (a crash before the store replaced the JSON) keeps it again.
        assert_eq!(keep(&path).unwrap(), backup);
    }
}

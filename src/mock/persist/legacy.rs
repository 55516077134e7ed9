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

/// Where the JSON of `path` is kept once imported: `<path>.imported`, or `<path>.imported.N`
/// (the first free N from 1) when that name holds another file.
fn backup_path(path: &Path, n: u32) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".imported");
    if n > 0 {
        name.push(format!(".{n}"));
    }
    path.with_file_name(name)
}

/// Keeps the JSON at `path` under a [`backup_path`], before the store replaces it: a hard link
/// (the same file under a second name), or a copy where links are not possible. A backup
/// already holding this JSON (an import cut short by a crash) is kept as it is; a file there
/// with other content is never replaced.
pub fn keep(path: &Path) -> io::Result<PathBuf> {
    for n in 0.. {
        let backup = backup_path(path, n);
        match fs::symlink_metadata(&backup) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if fs::hard_link(path, &backup).is_err() {
                    fs::copy(path, &backup)?;
                    File::open(&backup)?.sync_all()?;
                }
                return Ok(backup);
            }
            Err(e) => return Err(e),
            Ok(_) if same_content(path, &backup)? => return Ok(backup),
            Ok(_) => {}
        }
    }
    unreachable!("a free backup name is found before u32 runs out")
}

/// Whether `a` and `b` are one file (a hard link) or hold the same bytes.
fn same_content(a: &Path, b: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let (ma, mb) = (fs::metadata(a)?, fs::metadata(b)?);
    if (ma.dev(), ma.ino()) == (mb.dev(), mb.ino()) {
        return Ok(true);
    }
    Ok(ma.len() == mb.len() && mb.is_file() && fs::read(a)? == fs::read(b)?)
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
        // Another file under that name is never replaced: the next free name is taken.
        fs::remove_file(&backup).unwrap();
        fs::write(&backup, "PRECIOUS").unwrap();
        let next = keep(&path).unwrap();
        assert_eq!(next, dir.join("state.json.imported.1"));
        assert_eq!(fs::read_to_string(&backup).unwrap(), "PRECIOUS");
        assert_eq!(fs::read_to_string(&next).unwrap(), "{}\n");
        // A copy with the same bytes counts as this JSON kept.
        fs::remove_file(&next).unwrap();
        fs::write(&next, "{}\n").unwrap();
        assert_eq!(keep(&path).unwrap(), next);
    }
}

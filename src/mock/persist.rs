//! `--state-file`: the state survives a restart. Every change is written to a temporary file,
//! fsynced and renamed over the old one (then the directory is fsynced), so a crash at any
//! moment leaves either the old or the new state, never a torn file.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::store::ChangeHook;
use crate::store::fixtures::{self, Fixtures, FixturesError};

/// Writes `state` to `path` atomically and durably.
pub fn write_atomic(path: &Path, state: &Fixtures) -> io::Result<()> {
    let tmp = temp_path(path);
    {
        let file = File::create(&tmp)?;
        let mut writer = BufWriter::new(file);
        serde_json::to_writer(&mut writer, state)?;
        writer.write_all(b"\n")?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    File::open(dir)?.sync_all()
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp.{}", std::process::id()));
    path.with_file_name(name)
}

/// The state file's text, if it exists.
pub fn load(path: &Path) -> Result<Option<String>, FixturesError> {
    if !path.exists() {
        return Ok(None);
    }
    fixtures::read(path).map(Some)
}

/// The store hook that writes every change to `path`.
pub fn hook(path: PathBuf) -> ChangeHook {
    Arc::new(move |state: &Fixtures| {
        if let Err(e) = write_atomic(&path, state) {
            // The change is already in memory; say loudly that it is not on disk.
            tracing::error!(path = %path.display(), error = %e, "cannot write the state file");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_loads_back() {
        let dir = std::env::temp_dir().join(format!("harbor-mock-persist-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let state: Fixtures =
            serde_json::from_str(r#"{"projects":[{"id":3,"name":"p"}]}"#).unwrap();
        write_atomic(&path, &state).unwrap();
        let text = load(&path).unwrap().unwrap();
        assert_eq!(serde_json::from_str::<Fixtures>(&text).unwrap(), state);
        assert!(!temp_path(&path).exists(), "the temporary file was renamed");
        assert!(load(&dir.join("missing.json")).unwrap().is_none());
        fs::remove_dir_all(&dir).unwrap();
    }
}

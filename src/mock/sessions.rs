//! Isolated instances for parallel tests, each served under `/sessions/<id>/api/v2.0`.

use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::Arc;

use super::instance::Instance;
use crate::store::fixtures::InvalidEntry;

/// Most sessions alive at once; each holds a whole state, so the number is bounded.
pub const MAX_SESSIONS: usize = 1024;

/// Why a session could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The fixtures given for it are invalid.
    #[error("invalid fixtures: {0}")]
    Fixtures(#[from] InvalidEntry),
    /// [`MAX_SESSIONS`] are alive.
    #[error("too many sessions ({MAX_SESSIONS}); delete some first")]
    TooMany,
}

/// The live sessions by id.
#[derive(Default)]
pub struct Sessions {
    map: RwLock<HashMap<String, Arc<Instance>>>,
}

impl Sessions {
    /// The instance of session `id`.
    pub fn get(&self, id: &str) -> Option<Arc<Instance>> {
        self.map.read().get(id).cloned()
    }

    /// Registers a session.
    pub fn insert(&self, id: String, instance: Arc<Instance>) -> Result<(), SessionError> {
        let mut map = self.map.write();
        if map.len() >= MAX_SESSIONS {
            return Err(SessionError::TooMany);
        }
        map.insert(id, instance);
        Ok(())
    }

    /// Drops a session; `false` if there was none.
    pub fn remove(&self, id: &str) -> bool {
        self.map.write().remove(id).is_some()
    }

    /// Number of live sessions.
    pub fn len(&self) -> usize {
        self.map.read().len()
    }

    /// Whether no session is alive.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

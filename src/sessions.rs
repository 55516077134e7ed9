//! Isolated states for parallel tests, each served under `/sessions/<id>/api/v2.0`.

use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::Arc;

use crate::store::Store;

/// The live sessions by id.
#[derive(Default)]
pub struct Sessions {
    map: RwLock<HashMap<String, Arc<Store>>>,
}

impl Sessions {
    /// The store of session `id`.
    pub fn get(&self, id: &str) -> Option<Arc<Store>> {
        self.map.read().get(id).cloned()
    }

    /// Registers a session.
    pub fn insert(&self, id: String, store: Arc<Store>) {
        self.map.write().insert(id, store);
    }

    /// Drops a session; `false` if there was none.
    pub fn remove(&self, id: &str) -> bool {
        self.map.write().remove(id).is_some()
    }
}

//! Swagger `Access`, the one definition used alike in requests, responses and storage.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// Swagger `Access`: one `resource:action` grant, the same both ways and as stored. `effect` is
/// kept exactly as sent (`""`, `allow`, `deny`, ...). Compact strings: these words fit inline,
/// so a stored grant needs no allocation of its own.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Access {
    /// e.g. `pull`.
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub action: CompactString,
    /// `allow`, `deny` or empty (which counts as allow).
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub effect: CompactString,
    /// e.g. `repository`.
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub resource: CompactString,
}

impl Access {
    /// A grant with no effect (allow).
    pub fn new(resource: &str, action: &str) -> Access {
        Access {
            action: action.into(),
            effect: CompactString::default(),
            resource: resource.into(),
        }
    }

    /// During permission checks an empty effect counts as `allow`.
    pub fn is_deny(&self) -> bool {
        self.effect == "deny"
    }
}

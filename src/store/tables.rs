//! The tables of one instance, as Harbor's database holds them, plus the indexes lookups need.
//! Each other file of the store adds the operations on them it owns (`impl Tables`).

use compact_str::CompactString;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};

use super::records::{Project, RobotRecord, User};
use crate::harbor::rbac::Role;

/// The tables, as Harbor's database holds them, plus the indexes lookups need.
#[derive(Clone, Debug, Default)]
pub(super) struct Tables {
    pub(super) robots: BTreeMap<i64, RobotRecord>,
    /// Stored name → id. Fx hashing: several times faster than SipHash on short names
    /// (collision attacks are no concern for a test double).
    pub(super) robot_names: FxHashMap<CompactString, i64>,
    pub(super) projects: BTreeMap<i64, Project>,
    pub(super) project_names: HashMap<String, i64>,
    pub(super) users: BTreeMap<i64, User>,
    pub(super) user_names: HashMap<String, i64>,
    /// `(project_id, user_id)` → role.
    pub(super) members: BTreeMap<(i64, i64), Role>,
    pub(super) next_robot_id: i64,
}

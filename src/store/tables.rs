//! The tables of one instance, as Harbor's database holds them, plus the indexes lookups need.
//! Each other file of the store adds the operations on them it owns (`impl Tables`).

use compact_str::CompactString;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};

use super::changes::Touched;
use super::records::{MemberRecord, ProjectRecord, RobotRecord, UserRecord};
use crate::harbor::configurations::Configurations;

/// The tables, as Harbor's database holds them, plus the indexes lookups need.
#[derive(Clone, Debug, Default)]
pub(super) struct Tables {
    pub(super) robots: BTreeMap<i64, RobotRecord>,
    /// Stored name → id. Fx hashing: several times faster than SipHash on short names
    /// (collision attacks are no concern for a test double).
    pub(super) robot_names: FxHashMap<CompactString, i64>,
    pub(super) projects: BTreeMap<i64, ProjectRecord>,
    pub(super) project_names: HashMap<String, i64>,
    pub(super) users: BTreeMap<i64, UserRecord>,
    pub(super) user_names: HashMap<String, i64>,
    /// Non-empty emails → user id.
    pub(super) user_emails: HashMap<String, i64>,
    /// By member id.
    pub(super) members: BTreeMap<i64, MemberRecord>,
    /// `(project_id, user_id)` → member id.
    pub(super) member_ids: HashMap<(i64, i64), i64>,
    /// The `properties` table: the system configuration.
    pub(super) configurations: Configurations,
    /// The next id of each sequence; Harbor never hands an id out twice.
    pub(super) next: Sequences,
    /// The keys the write in progress touched (see `changes`).
    pub(super) touched: Touched,
}

/// The next id of each of Harbor's sequences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sequences {
    /// `robot_id_seq`.
    pub robot: i64,
    /// `project_project_id_seq`.
    pub project: i64,
    /// `harbor_user_user_id_seq`.
    pub user: i64,
    /// `project_member_id_seq`.
    pub member: i64,
    /// `cve_allowlist_id_seq`.
    pub allowlist: i64,
}

impl Default for Sequences {
    fn default() -> Self {
        Sequences {
            robot: 1,
            project: 1,
            user: 1,
            member: 1,
            allowlist: 1,
        }
    }
}

impl Sequences {
    /// Takes the next value of `seq`.
    pub(super) fn take(seq: &mut i64) -> i64 {
        let id = *seq;
        *seq += 1;
        id
    }
}

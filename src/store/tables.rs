//! The tables of one instance, as Harbor's database holds them, plus the indexes lookups need.
//! Each other file of the store adds the operations on them it owns (`impl Tables`).

use compact_str::CompactString;
use rustc_hash::FxBuildHasher;
use std::hash::RandomState;

use super::changes::Touched;
use super::layered::{Index, Table};
use super::records::{MemberRecord, ProjectRecord, RobotRecord, UserRecord};
use crate::harbor::configurations::Configurations;

/// The tables, as Harbor's database holds them, plus the indexes lookups need. Each table and
/// index shares a frozen base (`super::layered`): [`Tables::fork`] is O(1) whatever they hold.
#[derive(Clone, Debug, Default)]
pub(super) struct Tables {
    pub(super) robots: Table<RobotRecord>,
    /// Stored name → id. Fx hashing: several times faster than SipHash on short names
    /// (collision attacks are no concern for a test double).
    pub(super) robot_names: Index<CompactString, i64, FxBuildHasher>,
    pub(super) projects: Table<ProjectRecord>,
    pub(super) project_names: Index<String, i64, RandomState>,
    pub(super) users: Table<UserRecord>,
    pub(super) user_names: Index<String, i64, RandomState>,
    /// Non-empty emails → user id.
    pub(super) user_emails: Index<String, i64, RandomState>,
    /// By member id.
    pub(super) members: Table<MemberRecord>,
    /// `(project_id, user_id)` → member id.
    pub(super) member_ids: Index<(i64, i64), i64, RandomState>,
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

impl Tables {
    /// The same state, sharing every table's base and none of their changes: O(1) once the
    /// state is [frozen](Tables::freeze).
    pub(super) fn fork(&self) -> Tables {
        Tables {
            robots: self.robots.fork(),
            robot_names: self.robot_names.fork(),
            projects: self.projects.fork(),
            project_names: self.project_names.fork(),
            users: self.users.fork(),
            user_names: self.user_names.fork(),
            user_emails: self.user_emails.fork(),
            members: self.members.fork(),
            member_ids: self.member_ids.fork(),
            configurations: self.configurations.clone(),
            next: self.next,
            touched: Touched::default(),
        }
    }

    /// Makes everything written so far the shared base, so that forks of this state cost
    /// nothing (done once a state is built from fixtures).
    pub(super) fn freeze(&mut self) {
        self.robots.freeze();
        self.robot_names.freeze();
        self.projects.freeze();
        self.project_names.freeze();
        self.users.freeze();
        self.user_names.freeze();
        self.user_emails.freeze();
        self.members.freeze();
        self.member_ids.freeze();
    }
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

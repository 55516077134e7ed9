//! The stored records, named after Harbor's tables, and how the query language sees the
//! `robot` and `project` tables (their Go models `src/pkg/robot/model/model.go`,
//! `src/pkg/project/models/project.go`).

use compact_str::CompactString;
use std::collections::BTreeMap;

use crate::harbor::rbac::{Policy, Role};
use crate::harbor::robots::Level;
use crate::query::{Cell, Column, ColumnType, Row};

/// A row of Harbor's `project` table, with its `project_metadata` and `cve_allowlist` rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectRecord {
    /// `project_id`.
    pub id: i64,
    /// The unique name.
    pub name: String,
    /// `owner_id`: the creator (for robot-created projects, the first sysadmin).
    pub owner_id: i64,
    /// Unix milliseconds.
    pub creation_time: i64,
    /// Unix milliseconds; metadata and allowlist changes leave it alone.
    pub update_time: i64,
    /// `project_metadata`: name → value, all strings (`public`, `auto_scan`, …).
    pub metadata: BTreeMap<String, String>,
    /// `registry_id`: non-zero for a proxy-cache project.
    pub registry_id: i64,
    /// The project's CVE allowlist.
    pub cve_allowlist: CveAllowlist,
    /// The storage quota in bytes, -1 for none.
    pub storage_limit: i64,
}

impl ProjectRecord {
    /// Harbor's `IsPublic`: metadata `public` is `true` or `1`, any case.
    pub fn is_public(&self) -> bool {
        self.metadata
            .get("public")
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }
}

/// A row of `cve_allowlist`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CveAllowlist {
    /// The row id.
    pub id: i64,
    /// CVE ids.
    pub items: Vec<String>,
    /// Unix seconds, if the allowlist expires.
    pub expires_at: Option<i64>,
}

/// A row of Harbor's `harbor_user` table; the password is kept only as a salted digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// `user_id`.
    pub id: i64,
    /// The unique login name.
    pub username: String,
    /// Unique among users, may be empty (fixtures).
    pub email: String,
    /// The full name.
    pub realname: String,
    /// Free text.
    pub comment: String,
    /// The salt of `password_hash`.
    pub salt: String,
    /// Salted SHA-256 of the password.
    pub password_hash: [u8; 32],
    /// `sysadmin_flag`.
    pub sysadmin: bool,
    /// Unix milliseconds.
    pub creation_time: i64,
    /// Unix milliseconds.
    pub update_time: i64,
}

/// A row of `project_member` for a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberRecord {
    /// The member id (`mid`).
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The user (`entity_id`, `entity_type` `u`).
    pub user_id: i64,
    /// The role id as stored: `PUT …/members/{mid}` stores any number, and a member whose
    /// role is not 1–5 no longer shows (its role joins nothing) and has no rights.
    pub role_id: i64,
}

impl MemberRecord {
    /// The role, if the stored id is one.
    pub fn role(&self) -> Option<Role> {
        Role::from_id(self.role_id)
    }
}

/// A row of Harbor's `robot` table, with its permissions resolved into policies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RobotRecord {
    /// `id`.
    pub id: i64,
    /// Stored name: no prefix; project robots carry `<project>+`. Compact strings here and
    /// below keep short values inline: a million stored robots are the biggest use of memory.
    pub name: CompactString,
    /// Free text.
    pub description: CompactString,
    /// Salted SHA-256 of the secret; `None` for a legacy (pre-2.2, not editable) robot.
    pub secret_hash: Option<[u8; 32]>,
    /// The salt of `secret_hash`.
    pub salt: CompactString,
    /// Days; -1 never expires.
    pub duration: i64,
    /// 0 for system robots.
    pub project_id: i64,
    /// Unix seconds, or -1.
    pub expires_at: i64,
    /// Whether it may log in.
    pub disabled: bool,
    /// Listed by `GET /robots` (Harbor hides some internal robots).
    pub visible: bool,
    /// Id of the user or robot that created it.
    pub creator_ref: i64,
    /// `local` or `robot`.
    pub creator_type: CompactString,
    /// Unix milliseconds, UTC.
    pub creation_time: i64,
    /// Unix milliseconds, UTC.
    pub update_time: i64,
    /// Its permissions, one policy per scope.
    pub policies: Vec<Policy>,
}

impl RobotRecord {
    /// `system` when `project_id` is 0.
    pub fn level(&self) -> Level {
        Level::of_project_id(self.project_id)
    }

    /// Harbor calls a robot editable when it has a stored secret.
    pub fn editable(&self) -> bool {
        self.secret_hash.is_some()
    }

    /// Expired = `expires_at != -1 && expires_at <= now` (seconds).
    pub fn is_expired(&self, now_secs: i64) -> bool {
        self.expires_at != -1 && self.expires_at <= now_secs
    }
}

/// The `robot` table's columns, as `q` and `sort` name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RobotColumn {
    /// `ID` / `id`, bigint.
    Id,
    /// `Name` / `name`, varchar: the stored name (no `robot$`, `<project>+` for project robots).
    Name,
    /// `Description` / `description`, varchar.
    Description,
    /// `Secret` / `secret`: sortable, not filterable.
    Secret,
    /// `Salt` / `salt`: sortable, not filterable.
    Salt,
    /// `Duration` / `duration`, int.
    Duration,
    /// `ProjectID` / `project_id`, int.
    ProjectId,
    /// `ExpiresAt` / `expiresat` (no underscore), bigint.
    ExpiresAt,
    /// `Disabled` / `disabled`, boolean.
    Disabled,
    /// `Visible` / `visible`, boolean.
    Visible,
    /// `CreatorRef` / `creator_ref`, bigint.
    CreatorRef,
    /// `CreatorType` / `creator_type`, varchar.
    CreatorType,
    /// `CreationTime` / `creation_time`, timestamp.
    CreationTime,
    /// `UpdateTime` / `update_time`, timestamp.
    UpdateTime,
}

impl Column for RobotColumn {
    const ALL: &'static [RobotColumn] = &[
        RobotColumn::Id,
        RobotColumn::Name,
        RobotColumn::Description,
        RobotColumn::Secret,
        RobotColumn::Salt,
        RobotColumn::Duration,
        RobotColumn::ProjectId,
        RobotColumn::ExpiresAt,
        RobotColumn::Disabled,
        RobotColumn::Visible,
        RobotColumn::CreatorRef,
        RobotColumn::CreatorType,
        RobotColumn::CreationTime,
        RobotColumn::UpdateTime,
    ];

    /// Harbor lists robots by name by default.
    const DEFAULT_SORT: RobotColumn = RobotColumn::Name;

    fn go_name(self) -> &'static str {
        match self {
            RobotColumn::Id => "ID",
            RobotColumn::Name => "Name",
            RobotColumn::Description => "Description",
            RobotColumn::Secret => "Secret",
            RobotColumn::Salt => "Salt",
            RobotColumn::Duration => "Duration",
            RobotColumn::ProjectId => "ProjectID",
            RobotColumn::ExpiresAt => "ExpiresAt",
            RobotColumn::Disabled => "Disabled",
            RobotColumn::Visible => "Visible",
            RobotColumn::CreatorRef => "CreatorRef",
            RobotColumn::CreatorType => "CreatorType",
            RobotColumn::CreationTime => "CreationTime",
            RobotColumn::UpdateTime => "UpdateTime",
        }
    }

    fn name(self) -> &'static str {
        match self {
            RobotColumn::Id => "id",
            RobotColumn::Name => "name",
            RobotColumn::Description => "description",
            RobotColumn::Secret => "secret",
            RobotColumn::Salt => "salt",
            RobotColumn::Duration => "duration",
            RobotColumn::ProjectId => "project_id",
            RobotColumn::ExpiresAt => "expiresat",
            RobotColumn::Disabled => "disabled",
            RobotColumn::Visible => "visible",
            RobotColumn::CreatorRef => "creator_ref",
            RobotColumn::CreatorType => "creator_type",
            RobotColumn::CreationTime => "creation_time",
            RobotColumn::UpdateTime => "update_time",
        }
    }

    fn column_type(self) -> ColumnType {
        match self {
            RobotColumn::Id | RobotColumn::ExpiresAt | RobotColumn::CreatorRef => ColumnType::Int8,
            RobotColumn::Duration | RobotColumn::ProjectId => ColumnType::Int4,
            RobotColumn::Disabled | RobotColumn::Visible => ColumnType::Bool,
            RobotColumn::CreationTime | RobotColumn::UpdateTime => ColumnType::Timestamp,
            RobotColumn::Secret => ColumnType::Digest,
            RobotColumn::Name
            | RobotColumn::Description
            | RobotColumn::Salt
            | RobotColumn::CreatorType => ColumnType::Text,
        }
    }

    /// `Secret` and `Salt` carry `filter:"false"`.
    fn filterable(self) -> bool {
        !matches!(self, RobotColumn::Secret | RobotColumn::Salt)
    }
}

impl Row for RobotRecord {
    type Column = RobotColumn;

    fn id(&self) -> i64 {
        self.id
    }

    fn cell(&self, column: RobotColumn) -> Cell<'_> {
        match column {
            RobotColumn::Id => Cell::Int(self.id),
            RobotColumn::Name => Cell::Text(&self.name),
            RobotColumn::Description => Cell::Text(&self.description),
            RobotColumn::Secret => Cell::Digest(self.secret_hash.as_ref()),
            RobotColumn::Salt => Cell::Text(&self.salt),
            RobotColumn::Duration => Cell::Int(self.duration),
            RobotColumn::ProjectId => Cell::Int(self.project_id),
            RobotColumn::ExpiresAt => Cell::Int(self.expires_at),
            RobotColumn::Disabled => Cell::Bool(self.disabled),
            RobotColumn::Visible => Cell::Bool(self.visible),
            RobotColumn::CreatorRef => Cell::Int(self.creator_ref),
            RobotColumn::CreatorType => Cell::Text(&self.creator_type),
            RobotColumn::CreationTime => Cell::Time(self.creation_time.saturating_mul(1000)),
            RobotColumn::UpdateTime => Cell::Time(self.update_time.saturating_mul(1000)),
        }
    }
}

/// The `harbor_user` table's columns, as `q` and `sort` name them (`src/pkg/user/dao/user.go`);
/// `password` and `salt` are tagged `filter:"false"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserColumn {
    /// `UserID` / `user_id`, int.
    UserId,
    /// `Username` / `username`, varchar.
    Username,
    /// `Email` / `email`, varchar.
    Email,
    /// `Password` / `password`, varchar: not filterable.
    Password,
    /// `PasswordVersion` / `password_version`, varchar: `sha256` for every mock user.
    PasswordVersion,
    /// `Realname` / `realname`, varchar.
    Realname,
    /// `Comment` / `comment`, varchar.
    Comment,
    /// `Deleted` / `deleted`, boolean: false for every user the mock shows.
    Deleted,
    /// `SysAdminFlag` / `sysadmin_flag`, boolean.
    SysAdminFlag,
    /// `ResetUUID` / `reset_uuid`, varchar: always empty.
    ResetUuid,
    /// `Salt` / `salt`, varchar: not filterable.
    Salt,
    /// `CreationTime` / `creation_time`, timestamp.
    CreationTime,
    /// `UpdateTime` / `update_time`, timestamp.
    UpdateTime,
}

impl Column for UserColumn {
    const ALL: &'static [UserColumn] = &[
        UserColumn::UserId,
        UserColumn::Username,
        UserColumn::Email,
        UserColumn::Password,
        UserColumn::PasswordVersion,
        UserColumn::Realname,
        UserColumn::Comment,
        UserColumn::Deleted,
        UserColumn::SysAdminFlag,
        UserColumn::ResetUuid,
        UserColumn::Salt,
        UserColumn::CreationTime,
        UserColumn::UpdateTime,
    ];

    /// `Username` carries `sort:"default"`.
    const DEFAULT_SORT: UserColumn = UserColumn::Username;

    fn go_name(self) -> &'static str {
        match self {
            UserColumn::UserId => "UserID",
            UserColumn::Username => "Username",
            UserColumn::Email => "Email",
            UserColumn::Password => "Password",
            UserColumn::PasswordVersion => "PasswordVersion",
            UserColumn::Realname => "Realname",
            UserColumn::Comment => "Comment",
            UserColumn::Deleted => "Deleted",
            UserColumn::SysAdminFlag => "SysAdminFlag",
            UserColumn::ResetUuid => "ResetUUID",
            UserColumn::Salt => "Salt",
            UserColumn::CreationTime => "CreationTime",
            UserColumn::UpdateTime => "UpdateTime",
        }
    }

    fn name(self) -> &'static str {
        match self {
            UserColumn::UserId => "user_id",
            UserColumn::Username => "username",
            UserColumn::Email => "email",
            UserColumn::Password => "password",
            UserColumn::PasswordVersion => "password_version",
            UserColumn::Realname => "realname",
            UserColumn::Comment => "comment",
            UserColumn::Deleted => "deleted",
            UserColumn::SysAdminFlag => "sysadmin_flag",
            UserColumn::ResetUuid => "reset_uuid",
            UserColumn::Salt => "salt",
            UserColumn::CreationTime => "creation_time",
            UserColumn::UpdateTime => "update_time",
        }
    }

    fn column_type(self) -> ColumnType {
        match self {
            UserColumn::UserId => ColumnType::Int4,
            UserColumn::Deleted | UserColumn::SysAdminFlag => ColumnType::Bool,
            UserColumn::CreationTime | UserColumn::UpdateTime => ColumnType::Timestamp,
            _ => ColumnType::Text,
        }
    }

    fn filterable(self) -> bool {
        !matches!(self, UserColumn::Password | UserColumn::Salt)
    }
}

impl Row for UserRecord {
    type Column = UserColumn;

    fn id(&self) -> i64 {
        self.id
    }

    /// The password and salt are never compared: their columns cannot be filtered, and
    /// sorting by them is by an empty text.
    fn cell(&self, column: UserColumn) -> Cell<'_> {
        match column {
            UserColumn::UserId => Cell::Int(self.id),
            UserColumn::Username => Cell::Text(&self.username),
            UserColumn::Email => Cell::Text(&self.email),
            UserColumn::PasswordVersion => Cell::Text("sha256"),
            UserColumn::Realname => Cell::Text(&self.realname),
            UserColumn::Comment => Cell::Text(&self.comment),
            UserColumn::Deleted => Cell::Bool(false),
            UserColumn::SysAdminFlag => Cell::Bool(self.sysadmin),
            UserColumn::Password | UserColumn::Salt | UserColumn::ResetUuid => Cell::Text(""),
            UserColumn::CreationTime => Cell::Time(self.creation_time.saturating_mul(1000)),
            UserColumn::UpdateTime => Cell::Time(self.update_time.saturating_mul(1000)),
        }
    }
}

/// The `project` table's columns, as `q` and `sort` name them. `public` and `owner` are not
/// columns: `GET /projects` turns them into its own filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProjectColumn {
    /// `ProjectID` / `project_id`, int.
    ProjectId,
    /// `OwnerID` / `owner_id`, int.
    OwnerId,
    /// `Name` / `name`, varchar.
    Name,
    /// `CreationTime` / `creation_time`, timestamp.
    CreationTime,
    /// `UpdateTime` / `update_time`, timestamp.
    UpdateTime,
    /// `Deleted` / `deleted`, boolean: false for every project the mock shows.
    Deleted,
    /// `RegistryID` / `registry_id`, int.
    RegistryId,
}

impl Column for ProjectColumn {
    const ALL: &'static [ProjectColumn] = &[
        ProjectColumn::ProjectId,
        ProjectColumn::OwnerId,
        ProjectColumn::Name,
        ProjectColumn::CreationTime,
        ProjectColumn::UpdateTime,
        ProjectColumn::Deleted,
        ProjectColumn::RegistryId,
    ];

    /// `Name` carries `sort:"default"`.
    const DEFAULT_SORT: ProjectColumn = ProjectColumn::Name;

    fn go_name(self) -> &'static str {
        match self {
            ProjectColumn::ProjectId => "ProjectID",
            ProjectColumn::OwnerId => "OwnerID",
            ProjectColumn::Name => "Name",
            ProjectColumn::CreationTime => "CreationTime",
            ProjectColumn::UpdateTime => "UpdateTime",
            ProjectColumn::Deleted => "Deleted",
            ProjectColumn::RegistryId => "RegistryID",
        }
    }

    fn name(self) -> &'static str {
        match self {
            ProjectColumn::ProjectId => "project_id",
            ProjectColumn::OwnerId => "owner_id",
            ProjectColumn::Name => "name",
            ProjectColumn::CreationTime => "creation_time",
            ProjectColumn::UpdateTime => "update_time",
            ProjectColumn::Deleted => "deleted",
            ProjectColumn::RegistryId => "registry_id",
        }
    }

    fn column_type(self) -> ColumnType {
        match self {
            ProjectColumn::ProjectId | ProjectColumn::OwnerId | ProjectColumn::RegistryId => {
                ColumnType::Int4
            }
            ProjectColumn::Name => ColumnType::Text,
            ProjectColumn::CreationTime | ProjectColumn::UpdateTime => ColumnType::Timestamp,
            ProjectColumn::Deleted => ColumnType::Bool,
        }
    }
}

impl Row for ProjectRecord {
    type Column = ProjectColumn;

    fn id(&self) -> i64 {
        self.id
    }

    fn cell(&self, column: ProjectColumn) -> Cell<'_> {
        match column {
            ProjectColumn::ProjectId => Cell::Int(self.id),
            ProjectColumn::OwnerId => Cell::Int(self.owner_id),
            ProjectColumn::Name => Cell::Text(&self.name),
            ProjectColumn::CreationTime => Cell::Time(self.creation_time.saturating_mul(1000)),
            ProjectColumn::UpdateTime => Cell::Time(self.update_time.saturating_mul(1000)),
            ProjectColumn::Deleted => Cell::Bool(false),
            ProjectColumn::RegistryId => Cell::Int(self.registry_id),
        }
    }
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

//! The JSON Harbor's clients see: one Rust type per swagger definition and direction.
//!
//! Responses are what go-swagger generates: keys in alphabetical order (Harbor's JSON comes out
//! that way), zero-valued scalars left out unless the swagger says otherwise, timestamps as
//! strfmt writes them ([`crate::datetime::format_millis`]). Response types borrow from the stored
//! records, so GET and list serialise straight from the store without copying strings.
//!
//! Requests are the bodies as go-swagger's binding decodes them (Go's `encoding/json`: pointers
//! become `Option`, a `null` array entry stays `None`); `crate::http::bodies` reads them.
//! Where the swagger uses one definition both ways, the request type takes a `Req` suffix:
//!
//! | swagger definition | response type | request type |
//! |---|---|---|
//! | `Robot` | [`Robot`] (GET, list) | [`RobotReq`] (PUT body) |
//! | `RobotCreate` | – | [`RobotCreate`] (POST body) |
//! | `RobotCreated` | [`RobotCreated`] | – |
//! | `RobotSec` | [`RobotSec`] (PATCH answer) | [`RobotSecReq`] (PATCH body) |
//! | `RobotPermission` | [`RobotPermission`] | [`RobotPermissionReq`] |
//! | `Access` | [`Access`] | [`Access`] |
//! | `Project` | [`Project`] | – |
//! | `ProjectReq` | – | [`ProjectReq`] (POST, PUT) |
//! | `CVEAllowlist` | [`CveAllowlist`] | [`CveAllowlistReq`] |
//! | `ProjectSummary`, `ProjectDeletable` | [`ProjectSummary`], [`ProjectDeletable`] | – |
//! | `ProjectMemberEntity` | [`ProjectMemberEntity`] | – |
//! | `ProjectMember`, `RoleRequest` | – | [`ProjectMember`], [`RoleRequest`] |
//! | `UserResp`, `UserSearchRespItem` | [`UserResp`], [`UserSearchRespItem`] | – |
//! | `UserCreationReq`, `UserProfile`, `PasswordReq`, `UserSysAdminFlag` | – | [`UserCreationReq`], [`UserProfileReq`], [`PasswordReq`], [`UserSysAdminFlag`] |
//! | `OverallHealthStatus`, `GeneralInfo`, `Permissions` | [`OverallHealthStatus`], [`GeneralInfo`], [`Permissions`] | – |
//! | `ConfigurationsResponse` | [`ConfigurationsResponse`] | `Configurations`: a map of typed items |

mod access;
mod json;
mod project;
mod robot;
mod system;
mod user;

pub use access::Access;
pub use json::json_line;
pub use project::{
    CveAllowlist, CveAllowlistItem, CveAllowlistReq, PROJECT_METADATA_KEYS, Project,
    ProjectDeletable, ProjectMember, ProjectMemberEntity, ProjectReq, ProjectSummary,
    ProjectSummaryQuota, RoleRequest, ZERO_TIME_MS,
};
pub use robot::{
    Robot, RobotCreate, RobotCreated, RobotName, RobotPermission, RobotPermissionReq, RobotReq,
    RobotSec, RobotSecReq,
};
pub use system::{
    ComponentHealthStatus, ConfigurationsResponse, GeneralInfo, OverallHealthStatus, Permission,
    Permissions,
};
pub use user::{
    PasswordReq, UserCreationReq, UserProfileReq, UserResp, UserSearchRespItem, UserSysAdminFlag,
};

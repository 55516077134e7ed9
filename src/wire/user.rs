//! The user definitions of Harbor's swagger (`UserResp`, `UserCreationReq`,
//! `UserSearchRespItem`, `SysAdminFlag`).

use serde::Serialize;

use super::json::is_empty;
use crate::datetime::harbor_time;

/// Swagger `UserResp`: a user as `GET /users/{id}` and `GET /users/current` show them; never a
/// password.
#[derive(Clone, Debug, Serialize)]
pub struct UserResp<'a> {
    /// True only when an external authenticator made the user an admin: never under `db_auth`.
    pub admin_role_in_auth: bool,
    /// Omitted when empty.
    #[serde(skip_serializing_if = "is_empty")]
    pub comment: &'a str,
    /// Unix milliseconds.
    #[serde(with = "harbor_time")]
    pub creation_time: i64,
    /// Omitted when empty.
    #[serde(skip_serializing_if = "is_empty")]
    pub email: &'a str,
    /// Omitted when empty.
    #[serde(skip_serializing_if = "is_empty")]
    pub realname: &'a str,
    /// The admin flag.
    pub sysadmin_flag: bool,
    /// Unix milliseconds.
    #[serde(with = "harbor_time")]
    pub update_time: i64,
    /// The id.
    pub user_id: i64,
    /// The login name.
    pub username: &'a str,
}

/// Swagger `UserSearchRespItem`.
#[derive(Clone, Debug, Serialize)]
pub struct UserSearchRespItem<'a> {
    /// The id.
    pub user_id: i64,
    /// The login name.
    pub username: &'a str,
}

/// Swagger `UserCreationReq`, the `POST /users` body. `username` and `email` count in runes
/// for their `maxLength` 255.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserCreationReq {
    /// The login name.
    pub username: String,
    /// The email.
    pub email: String,
    /// The full name.
    pub realname: String,
    /// Free text.
    pub comment: String,
    /// The password, in clear.
    pub password: String,
}

/// Swagger `UserProfile`, the `PUT /users/{id}` body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserProfileReq {
    /// The email.
    pub email: String,
    /// The full name.
    pub realname: String,
    /// Free text.
    pub comment: String,
}

/// Swagger `PasswordReq`, the `PUT /users/{id}/password` body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PasswordReq {
    /// The current password (checked when users change their own).
    pub old_password: String,
    /// The new password.
    pub new_password: String,
}

/// Swagger `UserSysAdminFlag`, the `PUT /users/{id}/sysadmin` body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserSysAdminFlag {
    /// The new admin flag.
    pub sysadmin_flag: bool,
}

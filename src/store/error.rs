//! What can go wrong in a store operation.

use super::postgres::DbRefusal;

/// Failures of store operations; the HTTP edge maps each to Harbor's status and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// 404.
    #[error("robot {0} not found")]
    RobotNotFound(i64),
    /// 404.
    #[error("project {0} not found")]
    ProjectNotFound(String),
    /// 400: Harbor refuses names with a space before looking them up.
    #[error("invalid project name: '{0}'")]
    InvalidProjectName(String),
    /// 409.
    #[error("robot account {project_id}:{name} already exists")]
    Conflict {
        /// 0 for a system robot.
        project_id: i64,
        /// The stored name.
        name: String,
    },
    /// 409.
    #[error("The project named {0} already exists")]
    ProjectConflict(String),
    /// 404.
    #[error("user {0} not found")]
    UserNotFound(i64),
    /// 404 from an update of the `harbor_user` row (Harbor's `dao.Update` words it so).
    #[error("user with id {0} not found")]
    UserRowNotFound(i64),
    /// 500: a unique key PostgreSQL refuses where Harbor does not turn it into a 409
    /// (`PUT /users/{id}` with another user's email).
    #[error("duplicate key value violates unique constraint \"{0}\"")]
    UniqueViolation(&'static str),
    /// 409.
    #[error("user {username} or email {email} already exists")]
    UserConflict {
        /// The name asked for.
        username: String,
        /// The email asked for.
        email: String,
    },
    /// 409.
    #[error("The project member specified already exist")]
    MemberConflict,
    /// 400: a system permission on a namespace other than `/`.
    #[error("unknown namespace")]
    UnknownNamespace,
    /// 400: control-API misuse (duplicate user, unknown role, …).
    #[error("{0}")]
    Invalid(String),
    /// 500: a value Harbor's database refuses (see `super::postgres`).
    #[error(transparent)]
    Database(#[from] DbRefusal),
}

//! Sending a [`ApiError`] (Harbor's error, `crate::harbor::error`), and turning the other
//! modules' errors into one, so handlers use `?`. A 5xx's detail is logged, never sent.

use axum::response::{IntoResponse, Response};

use super::response;
pub use crate::harbor::error::ApiError;
use crate::mock::sessions::SessionError;
use crate::query::{FilterError, ParseError};
use crate::store::StoreError;
use crate::store::fixtures::InvalidEntry;

/// Result alias used by handlers.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        response::error(self.status(), self.code(), &self.message())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        use StoreError as S;
        let message = e.to_string();
        match e {
            S::RobotNotFound(_)
            | S::ProjectNotFound(_)
            | S::UserNotFound(_)
            | S::UserRowNotFound(_) => ApiError::NotFound(message),
            S::UniqueViolation(_) => ApiError::Internal(message),
            S::Conflict { .. }
            | S::ProjectConflict(_)
            | S::UserConflict { .. }
            | S::MemberConflict => ApiError::Conflict(message),
            S::InvalidProjectName(_) | S::UnknownNamespace | S::Invalid(_) => {
                ApiError::BadRequest(message)
            }
        }
    }
}

/// Fixtures given to the control API that do not make a state: a 400 saying why.
impl From<InvalidEntry> for ApiError {
    fn from(e: InvalidEntry) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}

/// A session the control API cannot open: a 400 saying why.
impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}

/// A `q` syntax error: Harbor's 400 with its message.
impl From<ParseError> for ApiError {
    fn from(e: ParseError) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}

/// A `q` real Harbor fails on in PostgreSQL: a 400 naming key and value (Harbor: 500).
impl From<FilterError> for ApiError {
    fn from(e: FilterError) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}

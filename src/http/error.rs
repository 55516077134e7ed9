//! Sending a [`ApiError`] (Harbor's error, `crate::harbor::error`), and turning the other
//! modules' errors into one, so handlers use `?`. A 5xx's detail is logged, never sent.

use axum::response::{IntoResponse, Response};

use super::response;
pub use crate::harbor::error::ApiError;
use crate::mock::sessions::SessionError;
use crate::query::{FilterError, ParseError};
use crate::store::StoreError;
use crate::store::fixtures::InvalidEntry;
use crate::store::postgres::DbRefusal;

/// Result alias used by handlers.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

impl IntoResponse for ApiError {
    /// Harbor's envelope; a 500 also says why in `X-Harbor-Mock-Error` (not a Harbor header:
    /// Harbor's body hides the reason, which a developer testing against the mock wants).
    fn into_response(self) -> Response {
        let mut reply = response::error(self.status(), self.code(), &self.message());
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
            response::explain(&mut reply, detail);
        }
        reply
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
            S::UniqueViolation(_) | S::Database(_) => ApiError::Internal(message),
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

/// A value the database refuses, found before reaching the store: Harbor's 500.
impl From<DbRefusal> for ApiError {
    fn from(e: DbRefusal) -> Self {
        ApiError::Internal(e.to_string())
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

/// A `q` value PostgreSQL (or the driver, or beego) fails on: Harbor's 500, the detail only
/// logged, journaled and put in `X-Harbor-Mock-Error`.
impl From<FilterError> for ApiError {
    fn from(e: FilterError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

//! The request context: which instance serves the request, who is calling, and what time it
//! is, resolved once by the front service and read by every handler, API and control alike.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::sync::Arc;

use super::error::ApiError;
use crate::harbor::auth::Caller;
use crate::mock::instance::Instance;
use crate::store::Store;

/// What every handler works with. Built by [`super::Front`] before routing.
#[derive(Clone, Debug)]
pub struct Context {
    /// The main instance, or the session's.
    pub instance: Arc<Instance>,
    /// Who the credentials name (anonymous when they name no one).
    pub caller: Caller,
    /// The instance's clock when the request arrived, Unix milliseconds: the only "now" a
    /// request sees.
    pub now: i64,
}

impl Context {
    /// The instance's state.
    pub fn store(&self) -> &Store {
        &self.instance.store
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Context {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.remove::<Context>().ok_or_else(|| {
            ApiError::Internal("a request reached a handler without its context".into())
        })
    }
}

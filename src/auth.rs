//! Who is calling, and may they do this.
//!
//! Authentication never rejects a request by itself: bad or missing credentials make the caller
//! [`Caller::Anonymous`], and each handler turns that into 401 at the step where Harbor does
//! (spec §3.0). The access checks mirror Harbor's `RequireSystemAccess`,
//! `RequireProjectAccess` and the robot handler's `requireAccess`.

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::error::ApiError;
use crate::model::{Permission, RobotRecord};
use crate::rbac::{Target, robot_allows};
use crate::store::{Caller, Store};

/// Basic-auth credentials: the decoded `user:password`, split at the first colon. One buffer
/// rather than two strings, because every API request parses them.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    decoded: String,
    colon: usize,
}

impl Credentials {
    pub fn username(&self) -> &str {
        &self.decoded[..self.colon]
    }

    pub fn password(&self) -> &str {
        &self.decoded[self.colon + 1..]
    }
}

// The password must never reach a log line.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username())
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Why an `Authorization` header gave no credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("no Authorization header")]
    Missing,
    #[error("Authorization header is not valid UTF-8")]
    NotUtf8,
    #[error("Authorization scheme is not Basic")]
    NotBasic,
    #[error("Authorization value is not base64")]
    BadBase64,
    #[error("Basic credentials have no ':'")]
    NoColon,
}

/// Parses `Authorization: Basic base64(user:password)`; the scheme is case-insensitive.
pub fn parse_basic(headers: &HeaderMap) -> Result<Credentials, AuthError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(AuthError::Missing)?
        .to_str()
        .map_err(|_| AuthError::NotUtf8)?;
    let (scheme, encoded) = value.split_once(' ').ok_or(AuthError::NotBasic)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(AuthError::NotBasic);
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .map_err(|_| AuthError::BadBase64)?;
    let decoded = String::from_utf8(decoded).map_err(|_| AuthError::NotUtf8)?;
    let colon = decoded.find(':').ok_or(AuthError::NoColon)?;
    Ok(Credentials { decoded, colon })
}

/// Resolves the caller of a request against `store`.
pub fn resolve(store: &Store, headers: &HeaderMap) -> Caller {
    match parse_basic(headers) {
        Ok(c) => store.authenticate(c.username(), c.password()),
        Err(_) => Caller::Anonymous,
    }
}

impl Caller {
    /// The name Harbor puts in a system-level 403 (`dev1`, `robot$ops`).
    pub fn username(&self) -> &str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::User { username, .. } => username,
            Caller::Robot { name, .. } => name,
        }
    }

    pub fn is_sysadmin(&self) -> bool {
        matches!(self, Caller::User { sysadmin: true, .. })
    }

    /// `creator_type` and `creator_ref` for robots this caller creates.
    pub fn creator(&self) -> (String, i64) {
        match self {
            Caller::Robot { id, .. } => ("robot".into(), *id),
            Caller::User { id, .. } => ("local".into(), *id),
            Caller::Anonymous => (String::new(), 0),
        }
    }

    /// 401 for anonymous callers.
    pub fn require_authenticated(&self) -> Result<(), ApiError> {
        match self {
            Caller::Anonymous => Err(ApiError::Unauthorized),
            _ => Ok(()),
        }
    }

    /// Harbor's `RequireSystemAccess` on resource `robot`: 401, or 403 naming the caller.
    pub fn require_system(&self, action: &str) -> Result<(), ApiError> {
        let allowed = match self {
            Caller::Anonymous => return Err(ApiError::Unauthorized),
            Caller::User { sysadmin, .. } => *sysadmin,
            // No robot may update robots, whatever it holds (Harbor has no `robot:update`).
            Caller::Robot { .. } if action == "update" => false,
            Caller::Robot {
                project_id,
                policies,
                ..
            } => robot_allows(*project_id, policies, Target::System, "robot", action),
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(self.username().to_string()))
        }
    }

    /// Harbor's `RequireProjectAccess` on resource `robot`; `project_id` 0 stands for a
    /// project that does not exist (sysadmins still pass).
    pub fn require_project(
        &self,
        store: &Store,
        project_id: i64,
        action: &str,
    ) -> Result<(), ApiError> {
        let allowed = match self {
            Caller::Anonymous => return Err(ApiError::Unauthorized),
            Caller::User { sysadmin: true, .. } => true,
            Caller::User { id, .. } => {
                project_id != 0
                    && store
                        .role(project_id, *id)
                        .is_some_and(|role| role.allows_on_robot(action))
            }
            Caller::Robot { .. } if action == "update" => false,
            Caller::Robot {
                project_id: own,
                policies,
                ..
            } => robot_allows(*own, policies, Target::Project(project_id), "robot", action),
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden("forbidden".into()))
        }
    }

    /// [`Caller::require_project`] for a project named in a request; unknown names count as 0.
    pub fn require_project_named(
        &self,
        store: &Store,
        name: &str,
        action: &str,
    ) -> Result<(), ApiError> {
        let id = store.project_by_name(name).map(|p| p.id).unwrap_or(0);
        self.require_project(store, id, action)
    }

    /// The robot handler's `requireAccess` for an existing robot.
    pub fn require_robot(
        &self,
        store: &Store,
        robot: &RobotRecord,
        action: &str,
    ) -> Result<(), ApiError> {
        self.require_robot_in(store, robot.project_id, action)
    }

    /// [`Caller::require_robot`] for a robot of project `project_id` (0: a system robot).
    pub fn require_robot_in(
        &self,
        store: &Store,
        project_id: i64,
        action: &str,
    ) -> Result<(), ApiError> {
        if project_id == 0 {
            self.require_system(action)
        } else {
            self.require_project(store, project_id, action)
        }
    }

    /// Harbor's `isValidPermissionScope`: a robot may only create robots whose permissions are
    /// a subset of its own (same kind and namespace, or the same kind with `*`; identical
    /// resource, action and effect text).
    pub fn require_subset(&self, store: &Store, requested: &[Permission]) -> Result<(), ApiError> {
        let Caller::Robot { name, policies, .. } = self else {
            return Ok(());
        };
        let held = store.permissions_of(policies);
        let covered = requested.iter().all(|want| {
            let holder = held
                .iter()
                .find(|h| h.kind == want.kind && h.namespace == want.namespace)
                .or_else(|| {
                    held.iter()
                        .find(|h| h.kind == want.kind && h.namespace == "*")
                });
            holder.is_some_and(|h| want.access.iter().all(|a| h.access.contains(a)))
        });
        if covered {
            Ok(())
        } else {
            Err(ApiError::Denied(format!(
                "permission scope is invalid. It must be equal to or more restrictive than the creator robot's permissions: {name}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &[u8]) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_bytes(value).unwrap(),
        );
        h
    }

    #[test]
    fn parse_basic_table() {
        let ok = parse_basic(&headers(b"Basic YWRtaW46SGFyYm9yMTIzNDU=")).unwrap();
        assert_eq!(ok.username(), "admin");
        assert_eq!(ok.password(), "Harbor12345");
        let colon_in_password = parse_basic(&headers(b"basic dTpwOnE=")).unwrap();
        assert_eq!(
            colon_in_password.password(),
            "p:q",
            "split at the first colon"
        );
        let cases: [(&[u8], AuthError); 5] = [
            (b"Bearer abc", AuthError::NotBasic),
            (b"Basic", AuthError::NotBasic),
            (b"Basic !!!", AuthError::BadBase64),
            (b"Basic dXNlcg==", AuthError::NoColon),
            (b"Basic \xff", AuthError::NotUtf8),
        ];
        for (value, expected) in cases {
            assert_eq!(
                parse_basic(&headers(value)),
                Err(expected),
                "{}",
                String::from_utf8_lossy(value)
            );
        }
        assert_eq!(parse_basic(&HeaderMap::new()), Err(AuthError::Missing));
    }

    #[test]
    fn credentials_debug_hides_the_password() {
        let c = parse_basic(&headers(b"Basic dTpTZWNyZXQxMjM=")).unwrap();
        assert_eq!(c.password(), "Secret123");
        assert!(!format!("{c:?}").contains("Secret123"));
    }
}

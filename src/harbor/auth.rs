//! Who is calling: basic-auth credentials and the [`Caller`] they resolve to.
//!
//! Authentication never rejects a request by itself: bad or missing credentials make the caller
//! [`Caller::Anonymous`], and each handler turns that into 401 at the step where Harbor does
//! (spec §3.0). Resolving a name and password against users and robots is the store's job
//! (`Store::authenticate`); what a caller may do is [`super::access`].

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::rbac::Policy;

/// Who made a request, as resolved from its credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// No credentials, or credentials that name no one.
    Anonymous,
    /// A local user.
    User {
        /// `harbor_user.user_id`.
        id: i64,
        /// The login name.
        username: String,
        /// Whether the user has the admin flag.
        sysadmin: bool,
    },
    /// A robot account.
    Robot {
        /// `robot.id`.
        id: i64,
        /// The full prefixed name the robot logged in with.
        name: String,
        /// 0 for a system robot.
        project_id: i64,
        /// Its stored permissions.
        policies: Vec<Policy>,
    },
}

impl Caller {
    /// The name Harbor puts in a system-level 403 (`dev1`, `robot$ops`), and the journal's
    /// `caller`.
    pub fn username(&self) -> &str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::User { username, .. } => username,
            Caller::Robot { name, .. } => name,
        }
    }

    /// Whether the caller is a user with the admin flag.
    pub fn is_sysadmin(&self) -> bool {
        matches!(self, Caller::User { sysadmin: true, .. })
    }

    /// `creator_type` and `creator_ref` for robots this caller creates.
    pub fn creator(&self) -> (&'static str, i64) {
        match self {
            Caller::Robot { id, .. } => ("robot", *id),
            Caller::User { id, .. } => ("local", *id),
            Caller::Anonymous => ("", 0),
        }
    }
}

/// Basic-auth credentials: the decoded `user:password`, split at the first colon. One buffer
/// rather than two strings, because every API request parses them.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    decoded: String,
    colon: usize,
}

impl Credentials {
    /// The part before the first colon.
    pub fn username(&self) -> &str {
        &self.decoded[..self.colon]
    }

    /// The part after the first colon.
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
#[allow(missing_docs)] // each variant's message says it
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

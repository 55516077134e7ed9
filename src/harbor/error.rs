//! Harbor's errors: the codes of `src/lib/errors/const.go`, the statuses they map to, and the
//! envelope `src/lib/http/error.go` writes them in.
//!
//! Harbor answers every error with `{"errors":[{"code":"…","message":"…"}]}` followed by a
//! newline, the JSON escaped the way Go's `json.Marshal` escapes it (`<`, `>`, `&` as
//! `\u003c` …), and any status ≥ 500 replaced by `UNKNOWN` / `internal server error`. The
//! variants follow Harbor's codes, not generic HTTP ones: Harbor has two 403 codes and answers
//! 422 for anything its binding rejects. Sending one is the HTTP edge's job
//! (`crate::http`), as is turning other modules' errors into one.

use axum::http::StatusCode;

/// An error as Harbor reports it; the variant decides status and `code`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 400 `BAD_REQUEST`.
    #[error("{0}")]
    BadRequest(String),
    /// 401 `UNAUTHORIZED`, always with the message `unauthorized`.
    #[error("unauthorized")]
    Unauthorized,
    /// 401 `UNAUTHORIZED` with another message (`GET /permissions` sends the anonymous
    /// username, an empty string).
    #[error("{0}")]
    UnauthorizedAs(String),
    /// 403 `FORBIDDEN`; the message is the caller's username or `forbidden`.
    #[error("{0}")]
    Forbidden(String),
    /// 403 `DENIED`: robot over-reach, legacy robot edits.
    #[error("{0}")]
    Denied(String),
    /// 404 `NOT_FOUND`.
    #[error("{0}")]
    NotFound(String),
    /// 405 `METHOD_NOT_ALLOWED`, in go-swagger's words.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 409 `CONFLICT`.
    #[error("{0}")]
    Conflict(String),
    /// 412 `PRECONDITION`.
    #[error("{0}")]
    PreconditionFailed(String),
    /// 422 from the binding layer; the message is the full `validation failure list:` text.
    #[error("{0}")]
    Unprocessable(String),
    /// A bug or an injected fault; the detail is logged, never sent.
    #[error("{0}")]
    Internal(String),
}

/// Result alias used by handlers.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

impl ApiError {
    /// A 422 in go-swagger's composite form: `validation failure list:\n<line>`.
    pub fn validation(line: impl std::fmt::Display) -> Self {
        ApiError::Unprocessable(format!("validation failure list:\n{line}"))
    }

    /// Robot ids that do not exist, including 0 and negative ones.
    pub fn robot_not_found(id: i64) -> Self {
        ApiError::NotFound(format!("robot {id} not found"))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::UnauthorizedAs(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Denied(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Harbor's error code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "BAD_REQUEST",
            ApiError::Unauthorized | ApiError::UnauthorizedAs(_) => "UNAUTHORIZED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::Denied(_) => "DENIED",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::MethodNotAllowed(_) => "METHOD_NOT_ALLOWED",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::PreconditionFailed(_) => "PRECONDITION",
            ApiError::Unprocessable(_) => "UNPROCESSABLE_ENTITY",
            ApiError::Internal(_) => "UNKNOWN",
        }
    }

    /// The message sent: the variant's, except for 5xx.
    pub fn message(&self) -> String {
        match self {
            ApiError::Internal(_) => "internal server error".to_string(),
            other => other.to_string(),
        }
    }

    /// The envelope exactly as Harbor writes it, trailing newline included.
    pub fn body(&self) -> String {
        error_body(self.code(), &self.message())
    }
}

/// `{"errors":[{"code":…,"message":…}]}\n` with Go's HTML-safe escaping.
pub fn error_body(code: &str, message: &str) -> String {
    let value = serde_json::json!({"errors": [{"code": code, "message": message}]});
    let mut out = go_html_escape(&value.to_string());
    out.push('\n');
    out
}

/// Go's `json.Marshal` escapes `<`, `>` and `&` even inside strings; outside strings they
/// cannot occur in JSON, so a plain replacement is exact.
fn go_html_escape(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_matches_harbor_byte_for_byte() {
        let body = ApiError::robot_not_found(42).body();
        assert_eq!(
            body,
            "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"robot 42 not found\"}]}\n"
        );
    }

    #[test]
    fn html_characters_are_escaped_like_go() {
        let body = ApiError::BadRequest("a<b>&c".into()).body();
        assert!(body.contains(r#""a\u003cb\u003e\u0026c""#), "{body}");
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let err = ApiError::Internal("lock poisoned at x.rs:3".into());
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            err.body()
                .contains(r#""code":"UNKNOWN","message":"internal server error""#)
        );
    }

    #[test]
    fn status_and_code_pairs() {
        let cases = [
            (ApiError::BadRequest(String::new()), 400, "BAD_REQUEST"),
            (ApiError::Unauthorized, 401, "UNAUTHORIZED"),
            (ApiError::Forbidden(String::new()), 403, "FORBIDDEN"),
            (ApiError::Denied(String::new()), 403, "DENIED"),
            (ApiError::NotFound(String::new()), 404, "NOT_FOUND"),
            (
                ApiError::MethodNotAllowed(String::new()),
                405,
                "METHOD_NOT_ALLOWED",
            ),
            (ApiError::Conflict(String::new()), 409, "CONFLICT"),
            (
                ApiError::PreconditionFailed(String::new()),
                412,
                "PRECONDITION",
            ),
            (
                ApiError::Unprocessable(String::new()),
                422,
                "UNPROCESSABLE_ENTITY",
            ),
        ];
        for (err, status, code) in cases {
            assert_eq!(err.status().as_u16(), status, "{err:?}");
            assert_eq!(err.code(), code, "{err:?}");
        }
    }
}

//! axum extractors whose rejections are Harbor's errors.
//!
//! go-swagger validates path, query and body before a handler runs and answers every failure
//! with a 422 `validation failure list:` message; these extractors do the same, so handlers only
//! ever see parsed values.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use std::sync::Arc;

use crate::AppState;
use crate::body::{Body, decode};
use crate::error::ApiError;
use crate::store::{Caller, Store};

/// Largest request body accepted; Harbor has no limit of its own, but nothing a client sends
/// to these routes comes near it.
const BODY_LIMIT: usize = 1 << 20;

/// The state a request works on: the default store, or an isolated session's.
#[derive(Clone)]
pub struct Scope {
    pub store: Arc<Store>,
}

impl FromRequestParts<AppState> for Scope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(parts
            .extensions
            .get::<Scope>()
            .cloned()
            .unwrap_or_else(|| Scope {
                store: state.main.store.clone(),
            }))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    /// [`crate::Front`] resolves the caller of every API request (the journal names it), so
    /// this takes that one; resolving here is only for a router called without it.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(caller) = parts.extensions.remove::<Caller>() {
            return Ok(caller);
        }
        let scope = Scope::from_request_parts(parts, state).await?;
        Ok(crate::auth::resolve(&scope.store, &parts.headers))
    }
}

/// The `robot_id` path parameter (int64).
#[derive(Clone, Copy, Debug)]
pub struct RobotId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for RobotId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        check_declared_body(&parts.headers)?;
        check_accept(&parts.headers)?;
        // The id is the last path segment of `/robots/{robot_id}` (path already normalised).
        let raw = parts.uri.path().rsplit('/').next().unwrap_or_default();
        let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
        decoded.parse::<i64>().map(RobotId).map_err(|_| {
            ApiError::validation(format!(
                "robot_id in path must be of type int64: {decoded:?}"
            ))
        })
    }
}

/// Parsed `GET /robots` query parameters.
#[derive(Clone, Debug)]
pub struct ListParams {
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: i64,
    pub page_size: i64,
    /// Every query parameter as sent (decoded, last value per key wins), for `Link`.
    pub pairs: Vec<(String, String)>,
}

/// go-swagger's defaults and maximum.
const DEFAULT_PAGE: i64 = 1;
const DEFAULT_PAGE_SIZE: i64 = 10;
const MAX_PAGE_SIZE: i64 = 100;

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        check_declared_body(&parts.headers)?;
        check_accept(&parts.headers)?;
        let raw = parts.uri.query().unwrap_or_default();
        ListParams::parse(raw)
    }
}

impl ListParams {
    /// Parses a raw query string (already checked by the URL middleware).
    pub fn parse(raw: &str) -> Result<ListParams, ApiError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
            pairs.push((k.into_owned(), v.into_owned()));
        }
        // The last value of a repeated parameter wins; empty counts as not given.
        let last = |key: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        let int = |key: &str, default: i64| -> Result<i64, ApiError> {
            match last(key) {
                None => Ok(default),
                Some(v) => v.parse::<i64>().map_err(|_| {
                    ApiError::validation(format!("{key} in query must be of type int64: {v:?}"))
                }),
            }
        };
        let page = int("page", DEFAULT_PAGE)?;
        let page_size = int("page_size", DEFAULT_PAGE_SIZE)?;
        if page_size > MAX_PAGE_SIZE {
            return Err(ApiError::validation(format!(
                "page_size in query should be less than or equal to {MAX_PAGE_SIZE}"
            )));
        }
        Ok(ListParams {
            q: last("q"),
            sort: last("sort"),
            page,
            page_size,
            pairs,
        })
    }
}

/// A JSON body decoded with go-swagger's rules.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: Body> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let accept = check_accept(req.headers());
        let has_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_none_or(|v| v.as_bytes() != b"0");
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let too_large = || {
            ApiError::validation(format!(
                "parsing {} body from \"\" failed, because http: request body too large",
                T::PARAM
            ))
        };
        let bytes = axum::body::to_bytes(req.into_body(), BODY_LIMIT)
            .await
            .map_err(|_| too_large())?;
        // go-openapi only checks the media type when a body is present, and before `Accept`.
        if has_length && !bytes.is_empty() {
            check_media_type(content_type.as_deref())?;
        }
        accept?;
        match decode::<T>(&bytes) {
            Ok(Some(value)) => Ok(ApiJson(value)),
            Ok(None) => Err(ApiError::validation(format!(
                "{} in body is required",
                T::PARAM
            ))),
            Err(message) => Err(ApiError::validation(format!(
                "parsing {} body from \"\" failed, because {message}",
                T::PARAM
            ))),
        }
    }
}

/// go-openapi's `BindValidRequest` checks the media type of a request body first, on every
/// operation: a GET or DELETE with a non-JSON body is a 422 too (a JSON one is ignored, which is
/// what harbor-api-client relies on: it sends `{}` with every DELETE). Only the headers are
/// looked at here; `ApiJson` checks the body it reads.
fn check_declared_body(headers: &HeaderMap) -> Result<(), ApiError> {
    let has_body = match headers.get(header::CONTENT_LENGTH) {
        Some(length) => length.to_str().ok().is_none_or(|n| n.trim() != "0"),
        None => headers.contains_key(header::TRANSFER_ENCODING),
    };
    if !has_body {
        return Ok(());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    check_media_type(content_type.as_deref())
}

/// A body's `Content-Type` must be JSON; a missing one counts as `application/octet-stream`.
fn check_media_type(content_type: Option<&str>) -> Result<(), ApiError> {
    let media = content_type.unwrap_or("application/octet-stream");
    let essence = media.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "unsupported media type {media:?}, only [application/json] are allowed"
        )))
    }
}

/// go-swagger refuses requests whose `Accept` excludes `application/json`.
fn check_accept(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return Ok(());
    };
    let accept = String::from_utf8_lossy(accept.as_bytes());
    if accept.trim().is_empty() {
        return Ok(());
    }
    let acceptable = accept.split(',').any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q == 0.0))
        });
        !refused && matches!(media.as_str(), "*/*" | "application/*" | "application/json")
    });
    if acceptable {
        Ok(())
    } else {
        Err(ApiError::validation(
            "unsupported media type requested, only [application/json] are available",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn list_params_defaults_and_errors() {
        let p = ListParams::parse("").unwrap();
        assert_eq!((p.page, p.page_size), (1, 10));
        let p = ListParams::parse("page=&page_size=").unwrap();
        assert_eq!((p.page, p.page_size), (1, 10), "empty means not given");
        let p = ListParams::parse("page=2&page=3&page_size=0").unwrap();
        assert_eq!((p.page, p.page_size), (3, 0), "last value wins");
        let cases = [
            ("page=x", "page in query must be of type int64: \"x\""),
            (
                "page_size=1.5",
                "page_size in query must be of type int64: \"1.5\"",
            ),
            (
                "page_size=101",
                "page_size in query should be less than or equal to 100",
            ),
        ];
        for (query, message) in cases {
            let err = ListParams::parse(query).unwrap_err();
            assert_eq!(
                err,
                ApiError::Unprocessable(format!("validation failure list:\n{message}")),
                "{query}"
            );
        }
        let p = ListParams::parse("q=name%3D~ci&sort=-id").unwrap();
        assert_eq!(p.q.as_deref(), Some("name=~ci"));
        assert_eq!(p.sort.as_deref(), Some("-id"));
    }

    #[test]
    fn accept_negotiation() {
        let check = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
            check_accept(&h).is_ok()
        };
        assert!(check("application/json"));
        assert!(check("*/*"));
        assert!(check("text/html, application/json;q=0.9"));
        assert!(check("application/*"));
        assert!(!check("text/html"));
        assert!(!check("application/json;q=0"));
        assert!(check_accept(&HeaderMap::new()).is_ok());
    }
}

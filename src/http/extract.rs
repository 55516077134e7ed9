//! axum extractors whose rejections are Harbor's errors.
//!
//! go-swagger validates path, query and body before a handler runs and answers every failure
//! with a 422 `validation failure list:` message; these extractors do the same, so handlers only
//! ever see parsed values.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;

use super::error::ApiError;
use super::gojson::{GoBody, decode};
use super::media::{check_accept, check_declared_body, check_media_type};
use crate::query::Paging;

/// Largest request body accepted; Harbor has no limit of its own, but nothing a client sends
/// to these routes comes near it.
const BODY_LIMIT: usize = 1 << 20;

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

/// The query parameters of a list operation, bound: `page` and `page_size` typed and checked;
/// `q` and `sort` as text, since Harbor parses them inside the handler, at its own step.
#[derive(Clone, Debug)]
pub struct ListParams {
    /// `q`, if given and not empty.
    pub q: Option<String>,
    /// `sort`, if given and not empty.
    pub sort: Option<String>,
    /// `page` and `page_size`.
    pub paging: Paging,
    /// Every query parameter as sent (decoded, in order), for `Link`.
    pub pairs: Vec<(String, String)>,
}

/// go-swagger's `maximum` for `page_size`.
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
        let page = int("page", Paging::DEFAULT.page)?;
        let page_size = int("page_size", Paging::DEFAULT.page_size)?;
        if page_size > MAX_PAGE_SIZE {
            return Err(ApiError::validation(format!(
                "page_size in query should be less than or equal to {MAX_PAGE_SIZE}"
            )));
        }
        Ok(ListParams {
            q: last("q"),
            sort: last("sort"),
            paging: Paging { page, page_size },
            pairs,
        })
    }
}

/// A JSON body decoded with go-swagger's rules.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: GoBody> FromRequest<S> for ApiJson<T> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_params_defaults_and_errors() {
        let p = ListParams::parse("").unwrap().paging;
        assert_eq!((p.page, p.page_size), (1, 10));
        let p = ListParams::parse("page=&page_size=").unwrap().paging;
        assert_eq!((p.page, p.page_size), (1, 10), "empty means not given");
        let p = ListParams::parse("page=2&page=3&page_size=0")
            .unwrap()
            .paging;
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
}

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
use crate::instance::Instance;
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

    /// A session's instance, when [`crate::Front`] routed the request to one.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let instance = parts
            .extensions
            .get::<Arc<Instance>>()
            .unwrap_or(&state.main);
        Ok(Scope {
            store: instance.store.clone(),
        })
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

/// A body's `Content-Type` must parse (Go's `mime.ParseMediaType`) and be JSON; a missing one
/// counts as `application/octet-stream`. go-openapi names the parsed media type, without its
/// parameters, when it refuses one.
fn check_media_type(content_type: Option<&str>) -> Result<(), ApiError> {
    // Go reads an empty header as a missing one.
    let media = match content_type.filter(|raw| !raw.is_empty()) {
        None => "application/octet-stream".to_string(),
        Some(raw) => parse_media_type(raw).map_err(|reason| {
            ApiError::validation(format!(
                "parsing Content-Type header from {raw:?} failed, because {reason}"
            ))
        })?,
    };
    if media == "application/json" {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "unsupported media type {media:?}, only [application/json] are allowed"
        )))
    }
}

/// Go's `mime.ParseMediaType`: the lower-cased media type, or Go's reason for refusing the value.
/// Parameters are checked (tokens or quoted strings, a trailing `;` tolerated, no conflicting
/// duplicates) and dropped.
fn parse_media_type(value: &str) -> Result<String, &'static str> {
    let (base, mut rest) = value.split_at(value.find(';').unwrap_or(value.len()));
    let media = base.to_lowercase().trim().to_string();
    let (kind, after) = token(&media);
    if kind.is_empty() {
        return Err("mime: no media type");
    }
    if !after.is_empty() {
        let Some(subtype) = after.strip_prefix('/') else {
            return Err("mime: expected slash after first token");
        };
        let (subtype, after) = token(subtype);
        if subtype.is_empty() {
            return Err("mime: expected token after slash");
        }
        if !after.is_empty() {
            return Err("mime: unexpected content after media subtype");
        }
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let Some((key, value, after)) = media_param(rest) else {
            if rest.trim() == ";" {
                break;
            }
            return Err("mime: invalid media parameter");
        };
        match seen.iter().find(|(k, _)| *k == key) {
            Some((_, v)) if *v != value => return Err("mime: duplicate parameter name"),
            Some(_) => {}
            None => seen.push((key, value)),
        }
        rest = after;
    }
    Ok(media)
}

/// One `; key=value` parameter: the lower-cased key, the value and what follows.
fn media_param(text: &str) -> Option<(String, String, &str)> {
    let rest = text.trim_start().strip_prefix(';')?.trim_start();
    let (key, rest) = token(rest);
    if key.is_empty() {
        return None;
    }
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let (value, after) = match rest.strip_prefix('"') {
        Some(quoted) => quoted_string(quoted)?,
        None => {
            let (value, after) = token(rest);
            (value.to_string(), after)
        }
    };
    if value.is_empty() && after.len() == rest.len() {
        return None;
    }
    Some((key.to_ascii_lowercase(), value, after))
}

/// The body of a quoted string (after its opening quote) and what follows its closing quote;
/// a backslash escapes only a special character, as in Go.
fn quoted_string(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[i + 1..])),
            '\\' if text[i + 1..].starts_with(is_tspecial) => {
                let (_, escaped) = chars.next()?;
                value.push(escaped);
            }
            '\r' | '\n' => return None,
            c => value.push(c),
        }
    }
    None
}

/// The leading run of RFC 2045 token characters and the rest.
fn token(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_graphic() || is_tspecial(c))
        .unwrap_or(text.len());
    text.split_at(end)
}

fn is_tspecial(c: char) -> bool {
    "()<>@,;:\\\"/[]?=".contains(c)
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
    fn media_types_parse_as_in_go() {
        let ok = [
            ("application/json", "application/json"),
            ("Application/JSON ; charset=UTF-8", "application/json"),
            ("application/json;", "application/json"),
            ("application/json; a=\"x;y\"; b=1", "application/json"),
            ("application/json; a=1; a=1", "application/json"),
            ("json", "json"),
        ];
        for (value, media) in ok {
            assert_eq!(parse_media_type(value).as_deref(), Ok(media), "{value}");
        }
        let refused = [
            ("", "mime: no media type"),
            ("application json", "mime: expected slash after first token"),
            ("application/", "mime: expected token after slash"),
            (
                "application/json x",
                "mime: unexpected content after media subtype",
            ),
            ("application/json;;", "mime: invalid media parameter"),
            ("application/json; charset", "mime: invalid media parameter"),
            (
                "application/json; a=\"open",
                "mime: invalid media parameter",
            ),
            (
                "application/json; a=1; a=2",
                "mime: duplicate parameter name",
            ),
        ];
        for (value, reason) in refused {
            assert_eq!(parse_media_type(value), Err(reason), "{value}");
        }
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

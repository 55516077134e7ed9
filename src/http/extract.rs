//! axum extractors whose rejections are Harbor's errors.
//!
//! go-swagger validates path, query and body before a handler runs and answers every failure
//! with a 422 `validation failure list:` message; these extractors do the same, so handlers only
//! ever see parsed values.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;

use axum::http::HeaderMap;

use super::bodies::GoBody;
use super::error::ApiError;
use super::gojson::{DecodeError, Fields, decode};
use super::media::{JSON, check_accept, check_declared_body, check_media_type};
use crate::harbor::projects::ProjectRef;
use crate::query::Paging;
use crate::store::postgres::{self, DbRefusal};

/// Largest request body accepted; Harbor has no limit of its own, but nothing a client sends
/// to these routes comes near it.
pub const BODY_LIMIT: usize = 1 << 20;

/// go-openapi's `BindValidRequest` for an operation whose only parameters are headers: the
/// media type of a body, if one is declared, and `Accept`.
#[derive(Clone, Copy, Debug)]
pub struct Bound;

impl<S: Send + Sync> FromRequestParts<S> for Bound {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        check_declared_body(&parts.headers)?;
        check_accept(&parts.headers, JSON)?;
        Ok(Bound)
    }
}

/// The path segment at `index` (`/api/v2.0/<3>/<4>/<5>/<6>`), percent-decoded. The path is
/// already normalised (a session's prefix stripped, slashes merged).
fn segment(parts: &Parts, index: usize) -> String {
    let raw = parts.uri.path().split('/').nth(index).unwrap_or_default();
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

/// The project segment (`/api/v2.0/projects/<4>`): Harbor looks a name up in PostgreSQL before
/// any other check, so bytes that are not UTF-8 are the database's 500 for every caller.
fn name_segment(parts: &Parts) -> Result<String, DbRefusal> {
    let raw = parts.uri.path().split('/').nth(4).unwrap_or_default();
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(raw).collect();
    String::from_utf8(bytes).map_err(|_| DbRefusal::Encoding {
        column: "project.name",
    })
}

/// An int64 path parameter named `name` at `index`, after the binding checks every operation
/// makes; go-swagger's 422 when it is not one.
fn path_int(parts: &Parts, index: usize, name: &str) -> Result<i64, ApiError> {
    check_declared_body(&parts.headers)?;
    check_accept(&parts.headers, JSON)?;
    let text = segment(parts, index);
    text.parse::<i64>().map_err(|_| {
        ApiError::validation(format!("{name} in path must be of type int64: {text:?}"))
    })
}

/// The `robot_id` path parameter of `/robots/{robot_id}`.
#[derive(Clone, Copy, Debug)]
pub struct RobotId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for RobotId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        path_int(parts, 4, "robot_id").map(RobotId)
    }
}

/// The `user_id` path parameter of `/users/{user_id}`.
#[derive(Clone, Copy, Debug)]
pub struct UserId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for UserId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        path_int(parts, 4, "user_id").map(UserId)
    }
}

/// The `mid` path parameter of `/projects/{project_name_or_id}/members/{mid}`.
#[derive(Clone, Copy, Debug)]
pub struct MemberId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for MemberId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        path_int(parts, 6, "mid").map(MemberId)
    }
}

/// The `{project_name_or_id}` path parameter, read with `X-Is-Resource-Name`.
#[derive(Clone, Debug)]
pub struct ProjectPath(pub ProjectRef);

impl<S: Send + Sync> FromRequestParts<S> for ProjectPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        check_declared_body(&parts.headers)?;
        check_accept(&parts.headers, JSON)?;
        let by_name = header_bool(&parts.headers, "x-is-resource-name").unwrap_or(false);
        Ok(ProjectPath(ProjectRef::parse(
            &name_segment(parts)?,
            by_name,
        )))
    }
}

/// The `{project_name}` path parameter of `/projects/{project_name}/repositories`, always a
/// name.
#[derive(Clone, Debug)]
pub struct ProjectName(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ProjectName {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        check_declared_body(&parts.headers)?;
        check_accept(&parts.headers, JSON)?;
        Ok(ProjectName(name_segment(parts)?))
    }
}

/// A boolean header as go-swagger binds it (`swag.ConvertBool`): `None` when absent or empty.
pub fn header_bool(headers: &HeaderMap, name: &str) -> Option<bool> {
    let value = headers.get(name)?;
    let text = String::from_utf8_lossy(value.as_bytes());
    (!text.is_empty()).then(|| go_bool(&text))
}

/// go-openapi's `swag.ConvertBool`: true for `true 1 yes ok y on selected checked t enabled`
/// in any case, false for anything else (a boolean parameter never fails to bind).
pub fn go_bool(text: &str) -> bool {
    matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "ok" | "y" | "on" | "selected" | "checked" | "t" | "enabled"
    )
}

/// An operation's query parameters as sent (decoded, in order), after the binding checks
/// every operation makes; the typed ones are read with [`QueryParams::value`] and friends.
#[derive(Clone, Debug, Default)]
pub struct QueryParams {
    /// Every query parameter, in order.
    pub pairs: Vec<(String, String)>,
    /// The parameters whose decoded value is not UTF-8 (Go keeps such bytes; here the value is
    /// lossy, except `q`'s, whose bad bytes are escaped again for Harbor's second unescape).
    not_utf8: Vec<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        check_declared_body(&parts.headers)?;
        check_accept(&parts.headers, JSON)?;
        Ok(QueryParams::parse(parts.uri.query().unwrap_or_default()))
    }
}

impl QueryParams {
    /// Parses a raw query string (already checked by the URL middleware) as Go's
    /// `url.ParseQuery` does: `&`-separated, `+` a space, `%XX` a byte. Decoded here rather
    /// than by `form_urlencoded`, which only gives lossy text: Go keeps the bytes.
    pub fn parse(raw: &str) -> QueryParams {
        let mut params = QueryParams::default();
        for part in raw.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            let key = String::from_utf8_lossy(&form_decode(key)).into_owned();
            let value = match String::from_utf8(form_decode(value)) {
                Ok(value) => value,
                Err(bad) => {
                    params.not_utf8.push(key.clone());
                    if key == "q" {
                        escape_non_utf8(bad.as_bytes())
                    } else {
                        String::from_utf8_lossy(bad.as_bytes()).into_owned()
                    }
                }
            };
            params.pairs.push((key, value));
        }
        params
    }

    /// A string parameter Harbor hands to PostgreSQL: `None` when absent or empty; refused as
    /// the database refuses NUL or bytes that are not UTF-8 (Harbor's 500).
    pub fn db_text(&self, key: &'static str) -> Result<Option<&str>, DbRefusal> {
        if self.not_utf8.iter().any(|k| k == key) {
            return Err(DbRefusal::Encoding { column: key });
        }
        match self.value(key) {
            Some(value) => postgres::text(key, value).map(|()| Some(value)),
            None => Ok(None),
        }
    }

    /// The last value of parameter `key` (a repeated parameter: the last wins), `None` when
    /// absent or empty (go-swagger reads an empty value as not given).
    pub fn value(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// A boolean parameter (`swag.ConvertBool`), `None` when absent or empty.
    pub fn boolean(&self, key: &str) -> Option<bool> {
        self.value(key).map(go_bool)
    }

    /// A required string parameter: go-swagger's 422 when absent or empty.
    pub fn required(&self, key: &str) -> Result<&str, ApiError> {
        self.value(key)
            .ok_or_else(|| ApiError::validation(format!("{key} in query is required")))
    }

    /// An int64 parameter, `default` when absent; go-swagger's 422 when it is not one.
    fn int(&self, key: &str, default: i64) -> Result<i64, ApiError> {
        match self.value(key) {
            None => Ok(default),
            Some(v) => v.parse::<i64>().map_err(|_| {
                ApiError::validation(format!("{key} in query must be of type int64: {v:?}"))
            }),
        }
    }
}

/// One component of a query string: `+` is a space, `%XX` a byte (an invalid escape stays as
/// written; the URL middleware has refused those already).
fn form_decode(component: &str) -> Vec<u8> {
    let spaced = component.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced).collect()
}

/// `bytes` with every byte of an invalid UTF-8 sequence written `%XX`.
fn escape_non_utf8(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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
    /// Every query parameter as sent, for `Link` and the operation's own parameters.
    pub query: QueryParams,
}

/// go-swagger's `maximum` for `page_size`.
const MAX_PAGE_SIZE: i64 = 100;

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let query = QueryParams::from_request_parts(parts, state).await?;
        ListParams::from_query(query)
    }
}

impl ListParams {
    /// Parses a raw query string (already checked by the URL middleware).
    pub fn parse(raw: &str) -> Result<ListParams, ApiError> {
        ListParams::from_query(QueryParams::parse(raw))
    }

    fn from_query(query: QueryParams) -> Result<ListParams, ApiError> {
        let page = query.int("page", Paging::DEFAULT.page)?;
        let page_size = query.int("page_size", Paging::DEFAULT.page_size)?;
        if page_size > MAX_PAGE_SIZE {
            return Err(ApiError::validation(format!(
                "page_size in query should be less than or equal to {MAX_PAGE_SIZE}"
            )));
        }
        Ok(ListParams {
            q: query.value("q").map(String::from),
            sort: query.value("sort").map(String::from),
            paging: Paging { page, page_size },
            query,
        })
    }
}

/// A JSON body decoded with go-swagger's rules.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: GoBody> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        match read_body::<T>(req).await? {
            Body::Value(value) => Ok(ApiJson(value)),
            // go-swagger reads a required body's `io.EOF` as a missing body.
            Body::Empty | Body::Eof => Err(ApiError::validation(format!(
                "{} in body is required",
                T::PARAM
            ))),
        }
    }
}

/// A body parameter the swagger does not require (`projectMember`, `role`): an empty body is
/// `None`, one of only white space go-swagger's `EOF` failure (its binder maps `io.EOF` to
/// "required" only for required bodies).
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<S: Send + Sync, T: GoBody> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        match read_body::<T>(req).await? {
            Body::Value(value) => Ok(OptionalJson(Some(value))),
            Body::Empty => Ok(OptionalJson(None)),
            Body::Eof => Err(parse_failure::<T>("EOF")),
        }
    }
}

/// A body as go-openapi's binder reads it.
enum Body<T> {
    /// No bytes at all.
    Empty,
    /// Only white space: the decoder met `io.EOF`.
    Eof,
    /// A decoded, validated value.
    Value(T),
}

/// go-openapi's `BindValidRequest` for a JSON body: its media type (only when a body is
/// present, and before `Accept`), `Accept`, Go's decoding (`gojson`), then the model's own
/// `Validate`.
async fn read_body<T: GoBody>(req: Request) -> Result<Body<T>, ApiError> {
    let accept = check_accept(req.headers(), JSON);
    let has_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .is_none_or(|v| v.as_bytes() != b"0");
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let bytes = axum::body::to_bytes(req.into_body(), BODY_LIMIT)
        .await
        .map_err(|_| parse_failure::<T>("http: request body too large"))?;
    // `runtime.HasBody`: no bytes at all means no body, which Go never decodes.
    if !has_length || bytes.is_empty() {
        accept?;
        return Ok(Body::Empty);
    }
    check_media_type(content_type.as_deref())?;
    accept?;
    let value = match decode(&bytes, T::MODEL) {
        Ok(value) => value,
        Err(DecodeError::Eof) => return Ok(Body::Eof),
        Err(e) => return Err(parse_failure::<T>(e.go_text())),
    };
    let model = Fields::new(T::MODEL, &value);
    let failures = T::validate(model);
    if !failures.is_empty() {
        // The model's `Validate` returns its own composite error, listed inside the binder's.
        return Err(ApiError::validation(format!(
            "validation failure list:\n{}",
            failures.join("\n")
        )));
    }
    Ok(Body::Value(T::from_model(model)))
}

/// go-openapi `errors.NewParseError` for the body: `parsing <param> body from "" failed,
/// because <reason>`.
fn parse_failure<T: GoBody>(reason: &str) -> ApiError {
    ApiError::validation(format!(
        "parsing {} body from \"\" failed, because {reason}",
        T::PARAM
    ))
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

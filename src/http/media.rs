//! Media types as go-openapi negotiates them: a request body's `Content-Type` (parsed as Go's
//! `mime.ParseMediaType`) and the `Accept` header, both checked by `BindValidRequest` before
//! anything else of the request.

use axum::http::{HeaderMap, header};

use super::error::ApiError;

/// go-openapi's `BindValidRequest` checks the media type of a request body first, on every
/// operation: a GET or DELETE with a non-JSON body is a 422 too (a JSON one is ignored, which is
/// what harbor-api-client relies on: it sends `{}` with every DELETE). Only the headers are
/// looked at here; `ApiJson` checks the body it reads.
pub fn check_declared_body(headers: &HeaderMap) -> Result<(), ApiError> {
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
pub fn check_media_type(content_type: Option<&str>) -> Result<(), ApiError> {
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

/// What almost every operation produces.
pub const JSON: &str = "application/json";

/// go-swagger refuses requests whose `Accept` excludes what the operation `produces`
/// (`application/json`, or `text/plain` for `/ping`).
pub fn check_accept(headers: &HeaderMap, produces: &str) -> Result<(), ApiError> {
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
        let family = produces.split('/').next().unwrap_or_default();
        !refused
            && (media == "*/*" || media == produces || media.strip_suffix("/*") == Some(family))
    });
    if acceptable {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "unsupported media type requested, only [{produces}] are available"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

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
            check_accept(&h, JSON).is_ok()
        };
        assert!(check("application/json"));
        assert!(check("*/*"));
        assert!(check("text/html, application/json;q=0.9"));
        assert!(check("application/*"));
        assert!(!check("text/html"));
        assert!(!check("application/json;q=0"));
        assert!(check_accept(&HeaderMap::new(), JSON).is_ok());
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        assert_eq!(
            check_accept(&h, "text/plain"),
            Err(ApiError::validation(
                "unsupported media type requested, only [text/plain] are available"
            ))
        );
    }
}

//! `X-Total-Count` and `Link` for list responses (Harbor `handler/base.go` `Links`,
//! `src/lib/link.go`).
//!
//! Each link is the request path plus every original query parameter, with `page` and
//! `page_size` overwritten, keys in alphabetical order, URL-encoded and then decoded again (so
//! the values appear unescaped), written `<url>; rel="prev"` and joined by `" , "`.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::extract::ListParams;
use super::response;

/// A list response: the page's body (a JSON array and a newline) with `X-Total-Count` and
/// `Link`. `path` is the operation's path as Harbor sees it (`/api/v2.0/robots`): a session is
/// served like a Harbor behind a path prefix, so links are the paths Harbor itself writes, which
/// is what clients such as harborapi resolve against their base URL.
pub fn list(total: usize, body: Vec<u8>, params: &ListParams, path: &str) -> Response {
    let paging = params.paging;
    let headers = headers(
        total,
        paging.page,
        paging.page_size,
        path,
        &params.query.pairs,
    );
    (headers, response::json_body(StatusCode::OK, body)).into_response()
}

/// Builds the pagination headers for a list response.
pub fn headers(
    total: usize,
    page: i64,
    page_size: i64,
    path: &str,
    pairs: &[(String, String)],
) -> HeaderMap {
    let mut out = HeaderMap::new();
    out.insert(
        HeaderName::from_static("x-total-count"),
        HeaderValue::from(total as u64),
    );
    if let Some(link) = link(total, page, page_size, path, pairs) {
        out.insert(HeaderName::from_static("link"), link_value(&link));
    }
    out
}

/// The `Link` value as Go's server writes it: the unescaped URLs byte for byte, with CR and LF
/// turned into spaces (net/http `headerNewlineToSpace`). A `q` or `sort` value can hold other
/// control bytes once unescaped; Go writes those raw, which hyper cannot, so they are
/// percent-encoded instead of dropping the header: the link still leads to the same page.
fn link_value(link: &str) -> HeaderValue {
    let mut out = Vec::with_capacity(link.len());
    for &b in link.as_bytes() {
        match b {
            b'\r' | b'\n' => out.push(b' '),
            b'\t' => out.push(b),
            0..=0x1f | 0x7f => out.extend_from_slice(format!("%{b:02X}").as_bytes()),
            _ => out.push(b),
        }
    }
    HeaderValue::from_bytes(&out).expect("no control bytes are left")
}

/// The `Link` header value, or `None` when there is neither a previous nor a next page.
pub fn link(
    total: usize,
    page: i64,
    page_size: i64,
    path: &str,
    pairs: &[(String, String)],
) -> Option<String> {
    if page_size == 0 {
        return None;
    }
    let total = i64::try_from(total).unwrap_or(i64::MAX);
    let mut links = Vec::new();
    if page > 1 && (page - 1).saturating_mul(page_size) < total {
        links.push(format!(
            "<{}>; rel=\"prev\"",
            url(path, pairs, page - 1, page_size)
        ));
    }
    if page.saturating_mul(page_size) < total {
        links.push(format!(
            "<{}>; rel=\"next\"",
            url(path, pairs, page + 1, page_size)
        ));
    }
    (!links.is_empty()).then(|| links.join(" , "))
}

/// Go's `url.Values` keeps every value of a key; `Set` replaces them; `Encode` sorts by key
/// (stable, so values keep their order). The result is then unescaped.
fn url(path: &str, pairs: &[(String, String)], page: i64, page_size: i64) -> String {
    let mut params: Vec<(&str, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "page" && k != "page_size")
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    params.push(("page", page.to_string()));
    params.push(("page_size", page_size.to_string()));
    params.sort_by(|a, b| a.0.cmp(b.0));
    let query = params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!("{path}?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn spec_example_prev_and_next() {
        let p = pairs(&[
            ("q", "Level=project,ProjectID=1"),
            ("page", "2"),
            ("page_size", "1"),
        ]);
        assert_eq!(
            link(3, 2, 1, "/api/v2.0/robots", &p).unwrap(),
            "</api/v2.0/robots?page=1&page_size=1&q=Level=project,ProjectID=1>; rel=\"prev\" , </api/v2.0/robots?page=3&page_size=1&q=Level=project,ProjectID=1>; rel=\"next\""
        );
    }

    #[test]
    fn defaults_give_next_only() {
        assert_eq!(
            link(25, 1, 10, "/api/v2.0/robots", &[]).unwrap(),
            "</api/v2.0/robots?page=2&page_size=10>; rel=\"next\""
        );
    }

    #[test]
    fn edges() {
        assert_eq!(
            link(25, 3, 10, "/r", &[]).unwrap(),
            "</r?page=2&page_size=10>; rel=\"prev\""
        );
        assert_eq!(
            link(25, 4, 10, "/r", &[]),
            None,
            "past the last page: no header"
        );
        assert_eq!(
            link(25, 1, 0, "/r", &[]),
            None,
            "page_size=0: everything, no links"
        );
        assert_eq!(link(0, 1, 10, "/r", &[]), None);
        let p = pairs(&[("sort", "-id"), ("q", "name=~a b"), ("extra", "1")]);
        assert_eq!(
            link(20, 1, 10, "/r", &p).unwrap(),
            "</r?extra=1&page=2&page_size=10&q=name=~a b&sort=-id>; rel=\"next\"",
            "alphabetical keys, values unescaped"
        );
        let h = headers(0, 1, 10, "/r", &[]);
        assert_eq!(h["x-total-count"], "0");
        assert!(h.get("link").is_none());
    }
}

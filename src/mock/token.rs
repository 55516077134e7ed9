//! Who may use the control API and the dashboard when `--control-token` is set: a request
//! carries `Authorization: Bearer <token>` (scripts, SDKs) or the dashboard's cookie (a
//! browser, once the token was typed into the dashboard's login form). One check for both, so
//! the dashboard's actions, which call the control API, pass the same gate as a test's calls.
//!
//! The cookie holds a digest of the token, never the token itself, has no expiry (it lives for
//! the browser session) and is `HttpOnly` and `SameSite=Strict`, so neither a script on the
//! page nor another site's page can use it.

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The dashboard's cookie.
pub const COOKIE: &str = "harbor_mock_control";

/// Whether `headers` carry `token` (as a bearer token or the dashboard's cookie); always true
/// when no token is configured.
pub fn authorized(token: Option<&str>, headers: &HeaderMap) -> bool {
    let Some(token) = token else {
        return true;
    };
    let bearer = headers
        .get_all(header::AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok()?.strip_prefix("Bearer "))
        .any(|given| matches(token, given));
    bearer || cookies(headers).any(|(name, value)| name == COOKIE && digest_matches(token, value))
}

/// Whether `given` is `token`, compared in constant time.
pub fn matches(token: &str, given: &str) -> bool {
    bool::from(given.as_bytes().ct_eq(token.as_bytes()))
}

/// The `Set-Cookie` value that lets this browser session in: path `/`, so that every
/// instance's dashboard and control API (`/sessions/<id>/_mock/...`) see it.
pub fn set_cookie(token: &str) -> String {
    format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict",
        digest(token)
    )
}

/// The `Set-Cookie` value that forgets it.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// A hex SHA-256 of the token under a fixed label: what the cookie carries.
fn digest(token: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"harbor-mock dashboard\0");
    hasher.update(token.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn digest_matches(token: &str, value: &str) -> bool {
    bool::from(value.as_bytes().ct_eq(digest(token).as_bytes()))
}

/// Every `name=value` pair of every `Cookie` header.
fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn bearer_or_cookie_and_nothing_else() {
        let cookie = set_cookie("s3cret");
        let pair = cookie.split(';').next().unwrap();
        assert!(!pair.contains("s3cret"), "the cookie never holds the token");
        let cases = [
            (headers(&[]), false, "nothing"),
            (
                headers(&[(header::AUTHORIZATION, "Bearer s3cret")]),
                true,
                "bearer",
            ),
            (
                headers(&[(header::AUTHORIZATION, "Bearer s3cre")]),
                false,
                "wrong bearer",
            ),
            (
                headers(&[(header::AUTHORIZATION, "Basic s3cret")]),
                false,
                "not bearer",
            ),
            (headers(&[(header::COOKIE, pair)]), true, "cookie"),
            (
                headers(&[(header::COOKIE, &format!("a=b; {pair}; c=d"))]),
                true,
                "cookie among others",
            ),
            (
                headers(&[(header::COOKIE, &format!("{COOKIE}=s3cret"))]),
                false,
                "the token itself as cookie",
            ),
            (
                headers(&[(header::COOKIE, &set_cookie("other"))]),
                false,
                "another token's cookie",
            ),
        ];
        for (headers, expected, case) in cases {
            assert_eq!(authorized(Some("s3cret"), &headers), expected, "{case}");
        }
        assert!(authorized(None, &HeaderMap::new()), "no token configured");
    }
}

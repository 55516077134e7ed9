//! What the journal must not keep: credentials in headers, and secrets and passwords in request
//! bodies, at any depth. Redacted when a request is recorded, so the ring never holds them.

use std::collections::BTreeMap;

/// What a redacted value reads as.
pub const REDACTED: &str = "<redacted>";

/// Headers whose values are credentials.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-harbor-csrf-token",
];

/// Headers as the journal shows them, credentials redacted. For `Authorization` the scheme is
/// kept (`Basic <redacted>`), so a test can still see how its client authenticated.
pub fn headers<'a>(headers: impl Iterator<Item = (&'a str, &'a [u8])>) -> BTreeMap<String, String> {
    headers
        .map(|(name, value)| {
            let name = name.to_string();
            let shown = if SECRET_HEADERS.contains(&name.as_str()) {
                let text = String::from_utf8_lossy(value);
                match text.split_once(' ') {
                    Some((scheme, _)) if name.ends_with("authorization") => {
                        format!("{scheme} {REDACTED}")
                    }
                    _ => REDACTED.to_string(),
                }
            } else {
                String::from_utf8_lossy(value).into_owned()
            };
            (name, shown)
        })
        .collect()
}

/// Whether a JSON key names a secret: it holds `secret` or `password` under Go's case folding
/// (Harbor binds `"SECRET"` and `"ſecret"` to the `secret` field too).
fn is_secret_key(key: &str) -> bool {
    let folded: String = key
        .chars()
        .map(|c| match c {
            '\u{17F}' => 's',
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    folded.contains("secret") || folded.contains("password")
}

/// A request body as the journal keeps it: the text as sent (bytes that are not UTF-8 shown as
/// U+FFFD), with the value of every key that names a secret replaced by `"<redacted>"`.
///
/// Written as a lenient scan rather than a JSON parse, so a malformed body, which is what a
/// developer most wants to see, is kept as sent and still loses its secrets.
pub fn body(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..start]);
        let (token, after) = split_string(&rest[start..]);
        out.push_str(token);
        rest = after;
        let colon = rest.trim_start();
        if !(colon.starts_with(':') && is_secret_key(&unquote(token))) {
            continue;
        }
        let value = colon[1..].trim_start();
        out.push_str(&rest[..rest.len() - value.len()]);
        out.push('"');
        out.push_str(REDACTED);
        out.push('"');
        rest = &value[value_len(value)..];
    }
    out.push_str(rest);
    out
}

/// `s` (starting with `"`) split after its closing quote, or at its end when unterminated.
fn split_string(s: &str) -> (&str, &str) {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return s.split_at(i + 1),
            _ => {}
        }
    }
    (s, "")
}

/// A JSON string token's text, escapes decoded when they parse.
fn unquote(token: &str) -> String {
    serde_json::from_str::<String>(token).unwrap_or_else(|_| token.trim_matches('"').to_string())
}

/// The length of the JSON value at the start of `s`: a string, a bracketed value (nesting and
/// strings followed), or a bare word up to the next delimiter.
fn value_len(s: &str) -> usize {
    if s.starts_with('"') {
        return split_string(s).0.len();
    }
    if s.starts_with(['{', '[']) {
        let mut depth = 0usize;
        let mut i = 0;
        while i < s.len() {
            let c = s[i..].chars().next().expect("in bounds");
            match c {
                '"' => {
                    i += split_string(&s[i..]).0.len();
                    continue;
                }
                '{' | '[' => depth += 1,
                '}' | ']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += c.len_utf8();
        }
        return s.len();
    }
    s.find([',', '}', ']', '\n', '\r', '\t', ' '])
        .unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn credentials_in_headers_are_redacted() {
        let mut map = HeaderMap::new();
        map.insert(
            "authorization",
            HeaderValue::from_static("Basic YWRtaW46SGFyYm9yMTIzNDU="),
        );
        map.insert("cookie", HeaderValue::from_static("sid=secret"));
        map.insert("user-agent", HeaderValue::from_static("client/1"));
        let shown = headers(map.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
        assert_eq!(shown["authorization"], "Basic <redacted>");
        assert_eq!(shown["cookie"], "<redacted>");
        assert_eq!(shown["user-agent"], "client/1");
    }

    #[test]
    fn secrets_in_bodies_are_redacted_at_any_depth_and_the_rest_kept_as_sent() {
        let cases = [
            (r#"{"secret": "Abc12345"}"#, r#"{"secret": "<redacted>"}"#),
            (
                r#"{"name":"ci","SECRET":"x","nested":{"password":"p","a":[{"old_password": 1}]}}"#,
                r#"{"name":"ci","SECRET":"<redacted>","nested":{"password":"<redacted>","a":[{"old_password": "<redacted>"}]}}"#,
            ),
            (
                r#"{"\u0073ecret":"x","ſecret":"y","client_secret":{"a":"b"}}"#,
                r#"{"\u0073ecret":"<redacted>","ſecret":"<redacted>","client_secret":"<redacted>"}"#,
            ),
            // Malformed bodies keep their shape and still lose their secrets.
            (
                r#"{"secret":"x", "name": }"#,
                r#"{"secret":"<redacted>", "name": }"#,
            ),
            (
                r#"{"password": "unterminated"#,
                r#"{"password": "<redacted>""#,
            ),
            (
                r#"{"description":"a \"secret\": here"}"#,
                r#"{"description":"a \"secret\": here"}"#,
            ),
            ("not json at all", "not json at all"),
        ];
        for (sent, kept) in cases {
            assert_eq!(body(sent.as_bytes()), kept, "{sent}");
        }
        assert_eq!(body(b"{\"d\":\"\xfc\"}"), "{\"d\":\"\u{fffd}\"}");
    }
}

//! The request journal: the last N Harbor API requests, for tests to assert what their client
//! sent. A bounded ring, so memory stays flat however long the server runs. Entries are kept
//! as raw parts and formatted when read, so recording costs a request a few copies; credentials
//! are redacted on the way out and never leave the ring unredacted.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method};
use parking_lot::Mutex;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

use crate::datetime::format_millis;

/// One recorded request, as the control API shows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Entry {
    /// Position in the journal's history, counting from 1 (survives eviction).
    pub seq: u64,
    /// The mock clock's time when the request arrived (RFC 3339).
    pub time: String,
    /// The method.
    pub method: String,
    /// The path (a session's without its prefix).
    pub path: String,
    /// The raw query string; omitted when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub query: String,
    /// `X-Request-Id`, as sent or generated.
    pub request_id: String,
    /// The response status.
    pub status: u16,
    /// `anonymous`, a username, or a robot's full name.
    pub caller: String,
    /// Request headers; credentials replaced by `<redacted>`.
    pub headers: BTreeMap<String, String>,
}

/// A request as the journal keeps it.
#[derive(Debug)]
pub struct Record {
    /// The mock clock's time when the request arrived, in milliseconds.
    pub time_ms: i64,
    /// The method.
    pub method: Method,
    /// The path.
    pub path: String,
    /// The raw query string.
    pub query: String,
    /// `X-Request-Id`.
    pub request_id: String,
    /// The response status, once known.
    pub status: u16,
    /// Whoever the credentials name.
    pub caller: String,
    /// Copied out of the request, so an entry never holds on to a connection's read buffer.
    pub headers: Vec<(HeaderName, Box<[u8]>)>,
}

impl Record {
    /// The parts of `req` the journal keeps; `status` and `caller` are filled in later.
    pub fn of(req: &Request, time_ms: i64, request_id: &HeaderValue) -> Record {
        Record {
            time_ms,
            method: req.method().clone(),
            path: req.uri().path().to_string(),
            query: req.uri().query().unwrap_or_default().to_string(),
            request_id: String::from_utf8_lossy(request_id.as_bytes()).into_owned(),
            status: 0,
            caller: String::new(),
            headers: req
                .headers()
                .iter()
                .map(|(name, value)| (name.clone(), value.as_bytes().into()))
                .collect(),
        }
    }

    fn entry(&self, seq: u64) -> Entry {
        Entry {
            seq,
            time: format_millis(self.time_ms),
            method: self.method.to_string(),
            path: self.path.clone(),
            query: self.query.clone(),
            request_id: self.request_id.clone(),
            status: self.status,
            caller: self.caller.clone(),
            headers: redact(
                self.headers
                    .iter()
                    .map(|(name, value)| (name.as_str(), &value[..])),
            ),
        }
    }
}

/// Which entries to read: every field optional.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalQuery {
    /// Only this method, any case.
    pub method: Option<String>,
    /// Exact path, or a pattern with `*` wildcards.
    pub path: Option<String>,
    /// Only this status.
    pub status: Option<u16>,
}

/// A bounded ring of entries.
#[derive(Debug)]
pub struct Journal {
    inner: Mutex<Ring>,
}

#[derive(Debug)]
struct Ring {
    capacity: usize,
    next_seq: u64,
    entries: VecDeque<(u64, Record)>,
}

impl Journal {
    /// A journal keeping the last `capacity` requests (0 keeps none).
    pub fn new(capacity: usize) -> Journal {
        Journal {
            inner: Mutex::new(Ring {
                capacity,
                next_seq: 1,
                entries: VecDeque::with_capacity(capacity.min(1024)),
            }),
        }
    }

    /// Appends a request, evicting the oldest when full; its `seq` is assigned here.
    pub fn record(&self, record: Record) {
        let mut ring = self.inner.lock();
        let seq = ring.next_seq;
        ring.next_seq += 1;
        if ring.capacity == 0 {
            return;
        }
        // The evicted record is freed after the lock is released.
        let evicted = if ring.entries.len() == ring.capacity {
            ring.entries.pop_front()
        } else {
            None
        };
        ring.entries.push_back((seq, record));
        drop(ring);
        drop(evicted);
    }

    /// Entries matching `filter`, oldest first.
    pub fn entries(&self, filter: &JournalQuery) -> Vec<Entry> {
        let ring = self.inner.lock();
        ring.entries
            .iter()
            .filter(|(_, r)| {
                filter
                    .method
                    .as_ref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(r.method.as_str()))
                    && filter.path.as_ref().is_none_or(|p| glob_match(p, &r.path))
                    && filter.status.is_none_or(|s| s == r.status)
            })
            .map(|(seq, r)| r.entry(*seq))
            .collect()
    }

    /// Forgets every entry; returns how many there were.
    pub fn clear(&self) -> usize {
        let mut ring = self.inner.lock();
        let n = ring.entries.len();
        ring.entries.clear();
        n
    }

    /// Number of entries held.
    pub fn len(&self) -> usize {
        self.inner.lock().entries.len()
    }

    /// Whether the journal holds no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

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
pub fn redact<'a>(headers: impl Iterator<Item = (&'a str, &'a [u8])>) -> BTreeMap<String, String> {
    headers
        .map(|(name, value)| {
            let name = name.to_string();
            let shown = if SECRET_HEADERS.contains(&name.as_str()) {
                let text = String::from_utf8_lossy(value);
                match text.split_once(' ') {
                    Some((scheme, _)) if name.ends_with("authorization") => {
                        format!("{scheme} <redacted>")
                    }
                    _ => "<redacted>".to_string(),
                }
            } else {
                String::from_utf8_lossy(value).into_owned()
            };
            (name, shown)
        })
        .collect()
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn entry(method: &str, path: &str, status: u16) -> Record {
        Record {
            time_ms: 0,
            method: method.parse().unwrap(),
            path: path.into(),
            query: String::new(),
            request_id: String::new(),
            status,
            caller: "admin".into(),
            headers: Vec::new(),
        }
    }

    #[test]
    fn ring_is_bounded_and_keeps_sequence_numbers() {
        let journal = Journal::new(3);
        for i in 0..5 {
            journal.record(entry("GET", &format!("/p/{i}"), 200));
        }
        let all = journal.entries(&JournalQuery::default());
        assert_eq!(all.len(), 3);
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4, 5]);
        assert_eq!(journal.clear(), 3);
        assert!(journal.is_empty());
    }

    #[test]
    fn filters() {
        let journal = Journal::new(10);
        journal.record(entry("GET", "/api/v2.0/robots", 200));
        journal.record(entry("POST", "/api/v2.0/robots", 201));
        journal.record(entry("DELETE", "/api/v2.0/robots/1", 404));
        let f = |method: Option<&str>, path: Option<&str>, status: Option<u16>| {
            journal
                .entries(&JournalQuery {
                    method: method.map(Into::into),
                    path: path.map(Into::into),
                    status,
                })
                .len()
        };
        assert_eq!(f(Some("post"), None, None), 1);
        assert_eq!(f(None, Some("/api/v2.0/robots/*"), None), 1);
        assert_eq!(f(None, Some("/api/v2.0/robots*"), None), 3);
        assert_eq!(f(None, None, Some(404)), 1);
    }

    #[test]
    fn credentials_are_redacted() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            HeaderValue::from_static("Basic YWRtaW46SGFyYm9yMTIzNDU="),
        );
        headers.insert("cookie", HeaderValue::from_static("sid=secret"));
        headers.insert("user-agent", HeaderValue::from_static("client/1"));
        let shown = redact(headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
        assert_eq!(shown["authorization"], "Basic <redacted>");
        assert_eq!(shown["cookie"], "<redacted>");
        assert_eq!(shown["user-agent"], "client/1");
    }

    #[test]
    fn glob_table() {
        let cases = [
            ("/a/*", "/a/1", true),
            ("/a/*", "/a", false),
            ("*", "", true),
            ("/a", "/a", true),
            ("/a", "/ab", false),
            ("/a*/c", "/ab/c", true),
            ("/a*b*c", "/axbyc", true),
            ("/a*b*c", "/axbyd", false),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(glob_match(pattern, text), expected, "{pattern} {text}");
        }
    }
}

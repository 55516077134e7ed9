//! The request journal: the last Harbor API requests, for tests (and developers) to see what
//! their client sent and what the mock answered. A ring bounded both in entries and in bytes,
//! so memory stays flat however long the server runs and however big the bodies. Headers are
//! kept raw and redacted on the way out; bodies are redacted when recorded (`redact`), so no
//! secret or password is ever held.

mod redact;

pub use redact::REDACTED;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method};
use parking_lot::Mutex;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use tokio::sync::watch;

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
    /// `client` when the request carried its `X-Request-Id`, `generated` when the mock made it.
    pub request_id_source: &'static str,
    /// The response status.
    pub status: u16,
    /// The response body's size in bytes.
    pub response_size: u64,
    /// Why the mock answered a 500 (what `X-Harbor-Mock-Error` says); omitted otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// `anonymous`, a username, or a robot's full name.
    pub caller: String,
    /// Request headers; credentials replaced by `<redacted>`.
    pub headers: BTreeMap<String, String>,
    /// The request body's size in bytes, as sent.
    pub body_size: u64,
    /// The request body as text, secrets and passwords at any depth replaced by
    /// `"<redacted>"`; omitted when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub body: String,
    /// Whether `body` was cut at the journal's per-body limit.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub body_truncated: bool,
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
    /// Whether the mock made the request id (the client sent none).
    pub request_id_generated: bool,
    /// The response status, once known.
    pub status: u16,
    /// The response body's size, once known.
    pub response_size: u64,
    /// Why a 500 was answered, once known.
    pub error: Option<String>,
    /// Whoever the credentials name.
    pub caller: String,
    /// Copied out of the request, so an entry never holds on to a connection's read buffer.
    pub headers: Vec<(HeaderName, Box<[u8]>)>,
    /// The request body's size.
    pub body_size: u64,
    /// The redacted body, at most [`BODY_LIMIT`] bytes of it.
    pub body: String,
    /// Whether `body` was cut.
    pub body_truncated: bool,
}

/// The most of one request body an entry keeps, in bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

impl Record {
    /// The parts of `req` the journal keeps; `status`, `caller` and the body are filled in
    /// later.
    pub fn of(req: &Request, time_ms: i64, request_id: &HeaderValue, generated: bool) -> Record {
        Record {
            time_ms,
            method: req.method().clone(),
            path: req.uri().path().to_string(),
            query: req.uri().query().unwrap_or_default().to_string(),
            request_id: String::from_utf8_lossy(request_id.as_bytes()).into_owned(),
            request_id_generated: generated,
            status: 0,
            response_size: 0,
            error: None,
            caller: String::new(),
            headers: req
                .headers()
                .iter()
                .map(|(name, value)| (name.clone(), value.as_bytes().into()))
                .collect(),
            body_size: 0,
            body: String::new(),
            body_truncated: false,
        }
    }

    /// Keeps `bytes` as the request body: redacted first (so a secret the cut would split is
    /// gone too), then cut to [`BODY_LIMIT`] at a character boundary.
    pub fn set_body(&mut self, bytes: &[u8]) {
        self.body_size = bytes.len() as u64;
        let mut text = redact::body(bytes);
        if text.len() > BODY_LIMIT {
            let mut cut = BODY_LIMIT;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            self.body_truncated = true;
        }
        self.body = text;
    }

    /// About what the record holds in memory, for the ring's byte budget.
    fn weight(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 32)
            .sum();
        std::mem::size_of::<Record>()
            + self.path.len()
            + self.query.len()
            + self.request_id.len()
            + self.caller.len()
            + self.body.len()
            + self.error.as_ref().map_or(0, String::len)
            + headers
    }

    fn entry(&self, seq: u64) -> Entry {
        Entry {
            seq,
            time: format_millis(self.time_ms),
            method: self.method.to_string(),
            path: self.path.clone(),
            query: self.query.clone(),
            request_id: self.request_id.clone(),
            request_id_source: if self.request_id_generated {
                "generated"
            } else {
                "client"
            },
            status: self.status,
            response_size: self.response_size,
            error: self.error.clone(),
            caller: self.caller.clone(),
            headers: redact::headers(
                self.headers
                    .iter()
                    .map(|(name, value)| (name.as_str(), &value[..])),
            ),
            body_size: self.body_size,
            body: self.body.clone(),
            body_truncated: self.body_truncated,
        }
    }
}

/// Which entries to read: every field optional. The one place the journal's filters are
/// defined, for the control API and the dashboard alike.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalQuery {
    /// Only this method, any case.
    pub method: Option<String>,
    /// Exact path, or a pattern with `*` wildcards.
    pub path: Option<String>,
    /// Only this status.
    pub status: Option<u16>,
    /// Exact caller (`anonymous`, a username, a robot's full name), or a pattern with `*`.
    pub caller: Option<String>,
    /// Only entries recorded after the one with this `seq` (to follow the journal).
    pub after: Option<u64>,
}

impl JournalQuery {
    fn matches(&self, seq: u64, r: &Record) -> bool {
        self.after.is_none_or(|after| seq > after)
            && self
                .method
                .as_ref()
                .is_none_or(|m| m.eq_ignore_ascii_case(r.method.as_str()))
            && self.path.as_ref().is_none_or(|p| glob_match(p, &r.path))
            && self.status.is_none_or(|s| s == r.status)
            && self
                .caller
                .as_ref()
                .is_none_or(|c| glob_match(c, &r.caller))
    }
}

/// What [`Journal::latest`] read, under one lock.
#[derive(Debug)]
pub struct Latest {
    /// The newest matching entries, newest first.
    pub entries: Vec<Entry>,
    /// How many entries match in all.
    pub matching: usize,
    /// The `seq` of the latest request recorded, matching or not: following the journal from
    /// here misses nothing and repeats nothing.
    pub last_seq: u64,
}

/// A bounded ring of entries.
#[derive(Debug)]
pub struct Journal {
    inner: Mutex<Ring>,
    /// Wakes those following the journal live.
    latest: watch::Sender<u64>,
}

#[derive(Debug)]
struct Ring {
    capacity: usize,
    budget: usize,
    bytes: usize,
    next_seq: u64,
    entries: VecDeque<(u64, usize, Record)>,
}

/// The journal's default byte budget: 32 MiB.
pub const DEFAULT_BUDGET: usize = 32 << 20;

impl Journal {
    /// A journal keeping the last `capacity` requests (0 keeps none) within the default byte
    /// budget.
    pub fn new(capacity: usize) -> Journal {
        Journal::with_budget(capacity, DEFAULT_BUDGET)
    }

    /// A journal keeping the last `capacity` requests, the oldest evicted whenever the entries
    /// would hold more than `budget` bytes (the newest is always kept).
    pub fn with_budget(capacity: usize, budget: usize) -> Journal {
        Journal {
            inner: Mutex::new(Ring {
                capacity,
                budget,
                bytes: 0,
                next_seq: 1,
                entries: VecDeque::with_capacity(capacity.min(1024)),
            }),
            latest: watch::Sender::new(0),
        }
    }

    /// Appends a request, evicting the oldest while the ring is over its count or byte
    /// budget; its `seq` is assigned here.
    pub fn record(&self, record: Record) {
        let weight = record.weight();
        let mut ring = self.inner.lock();
        let seq = ring.next_seq;
        ring.next_seq += 1;
        if ring.capacity == 0 {
            return;
        }
        let mut evicted = Vec::new();
        while !ring.entries.is_empty()
            && (ring.entries.len() >= ring.capacity || ring.bytes + weight > ring.budget)
        {
            let (_, old, record) = ring.entries.pop_front().expect("not empty");
            ring.bytes -= old;
            evicted.push(record);
        }
        ring.bytes += weight;
        ring.entries.push_back((seq, weight, record));
        // The evicted records are freed after the lock is released.
        drop(ring);
        drop(evicted);
        // An atomic load when nobody follows (the usual case): the request path pays nothing
        // more. A follower that subscribes after this check reads the entry on its first look.
        if self.latest.receiver_count() > 0 {
            self.latest.send_replace(seq);
        }
    }

    /// Wakes whenever a request is recorded; the value is the latest `seq` recorded since
    /// someone subscribed. The sender lives with the journal, so a follower of a deleted
    /// session's journal sees the channel close.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.latest.subscribe()
    }

    /// The bytes the entries hold, about.
    pub fn bytes(&self) -> usize {
        self.inner.lock().bytes
    }

    /// Entries matching `filter`, oldest first.
    pub fn entries(&self, filter: &JournalQuery) -> Vec<Entry> {
        let ring = self.inner.lock();
        ring.entries
            .iter()
            .filter(|(seq, _, r)| filter.matches(*seq, r))
            .map(|(seq, _, r)| r.entry(*seq))
            .collect()
    }

    /// The newest `limit` entries matching `filter`, newest first; only those are copied out.
    pub fn latest(&self, filter: &JournalQuery, limit: usize) -> Latest {
        let ring = self.inner.lock();
        let mut matching = ring
            .entries
            .iter()
            .rev()
            .filter(|(seq, _, r)| filter.matches(*seq, r));
        let entries = matching
            .by_ref()
            .take(limit)
            .map(|(seq, _, r)| r.entry(*seq))
            .collect::<Vec<_>>();
        Latest {
            matching: entries.len() + matching.count(),
            entries,
            last_seq: ring.next_seq - 1,
        }
    }

    /// Forgets every entry; returns how many there were.
    pub fn clear(&self) -> usize {
        let mut ring = self.inner.lock();
        let n = ring.entries.len();
        ring.entries.clear();
        ring.bytes = 0;
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

    fn entry(method: &str, path: &str, status: u16) -> Record {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .body(axum::body::Body::empty())
            .unwrap();
        let mut record = Record::of(&req, 0, &HeaderValue::from_static("id"), false);
        record.status = status;
        record.caller = "admin".into();
        record
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
    fn the_byte_budget_evicts_the_oldest_but_keeps_the_newest() {
        let journal = Journal::with_budget(1000, 4 * BODY_LIMIT);
        for i in 0..10 {
            let mut record = entry("POST", &format!("/p/{i}"), 201);
            record.set_body(&vec![b'x'; BODY_LIMIT]);
            journal.record(record);
        }
        let kept = journal.entries(&JournalQuery::default());
        assert!(journal.bytes() <= 4 * BODY_LIMIT, "{}", journal.bytes());
        assert_eq!(
            kept.len(),
            3,
            "each entry weighs a little more than its body"
        );
        assert_eq!(kept.last().unwrap().path, "/p/9");
        let huge = Journal::with_budget(10, 100);
        huge.record(entry("GET", "/big", 200));
        assert_eq!(
            huge.entries(&JournalQuery::default()).len(),
            1,
            "the newest stays"
        );
    }

    #[test]
    fn bodies_are_cut_after_redaction_and_the_cut_is_marked() {
        let mut record = entry("POST", "/p", 201);
        let mut body = br#"{"secret":""#.to_vec();
        body.extend(vec![b'y'; 2 * BODY_LIMIT]);
        body.extend(br#"","name":"n"}"#);
        record.set_body(&body);
        assert_eq!(record.body_size, body.len() as u64);
        assert_eq!(record.body, r#"{"secret":"<redacted>","name":"n"}"#);
        assert!(!record.body_truncated, "short once the secret is out");
        let mut long = entry("POST", "/p", 201);
        long.set_body("é".repeat(BODY_LIMIT).as_bytes());
        assert!(long.body_truncated);
        assert_eq!(long.body.len(), BODY_LIMIT, "cut at a character boundary");
    }

    #[test]
    fn filters() {
        let journal = Journal::new(10);
        journal.record(entry("GET", "/api/v2.0/robots", 200));
        journal.record(entry("POST", "/api/v2.0/robots", 201));
        journal.record(entry("DELETE", "/api/v2.0/robots/1", 404));
        let mut robot = entry("GET", "/api/v2.0/robots/1", 200);
        robot.caller = "robot$ci".into();
        journal.record(robot);
        let f = |method: Option<&str>, path: Option<&str>, status: Option<u16>| {
            journal
                .entries(&JournalQuery {
                    method: method.map(Into::into),
                    path: path.map(Into::into),
                    status,
                    ..JournalQuery::default()
                })
                .len()
        };
        assert_eq!(f(Some("post"), None, None), 1);
        assert_eq!(f(None, Some("/api/v2.0/robots/*"), None), 2);
        assert_eq!(f(None, Some("/api/v2.0/robots*"), None), 4);
        assert_eq!(f(None, None, Some(404)), 1);
        let by = |caller: &str| {
            journal
                .entries(&JournalQuery {
                    caller: Some(caller.into()),
                    ..JournalQuery::default()
                })
                .len()
        };
        assert_eq!(by("admin"), 3);
        assert_eq!(by("robot$*"), 1);
        assert_eq!(by("adm"), 0, "exact unless a pattern");
        let after = JournalQuery {
            after: Some(2),
            ..JournalQuery::default()
        };
        let seqs: Vec<u64> = journal.entries(&after).iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [3, 4]);
    }

    #[test]
    fn latest_is_newest_first_and_counts_every_match() {
        let journal = Journal::new(10);
        for i in 0..5 {
            journal.record(entry("GET", &format!("/p/{i}"), 200));
        }
        journal.record(entry("POST", "/p/x", 201));
        let latest = journal.latest(
            &JournalQuery {
                method: Some("GET".into()),
                ..JournalQuery::default()
            },
            2,
        );
        assert_eq!(latest.matching, 5);
        assert_eq!(latest.last_seq, 6, "the POST counts too");
        let seqs: Vec<u64> = latest.entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [5, 4]);
    }

    #[test]
    fn followers_are_woken_with_the_latest_seq() {
        let journal = Journal::new(2);
        let mut follower = journal.subscribe();
        assert!(!follower.has_changed().unwrap());
        journal.record(entry("GET", "/a", 200));
        journal.record(entry("GET", "/b", 200));
        assert!(follower.has_changed().unwrap());
        assert_eq!(*follower.borrow_and_update(), 2);
        drop(journal);
        assert!(follower.has_changed().is_err(), "closed with the journal");
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

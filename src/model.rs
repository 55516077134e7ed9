//! Stored records and the wire types Harbor's swagger defines for them.
//!
//! The stored [`RobotRecord`] mirrors Harbor's `robot` table (stored name without the prefix,
//! project robots as `<project>+<name>`, Unix-second expiry, hashed secret). The wire types are
//! what go-swagger generates: fields are declared in alphabetical order because Harbor's JSON keys
//! come out that way, and zero-valued scalars are left out unless the swagger says otherwise.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// `system` or `project`, derived from `project_id == 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    System,
    Project,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::System => "system",
            Level::Project => "project",
        }
    }

    /// Parses the exact, case-sensitive spelling Harbor accepts.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "system" => Some(Level::System),
            "project" => Some(Level::Project),
            _ => None,
        }
    }
}

/// One `resource:action` grant. `effect` is kept exactly as sent (`""`, `allow`, `deny`, ...).
/// Compact strings: these words fit inline, so a stored grant needs no allocation of its own.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Access {
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub action: CompactString,
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub effect: CompactString,
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub resource: CompactString,
}

impl Access {
    /// During permission checks an empty effect counts as `allow`.
    pub fn is_deny(&self) -> bool {
        self.effect == "deny"
    }
}

/// Where a stored permission group applies: Harbor's `/system`, `/project/*`, `/project/<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    System,
    AllProjects,
    Project(i64),
}

/// A stored permission group: one scope and its accesses (duplicates already merged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub scope: Scope,
    pub access: Vec<Access>,
}

/// The stored robot, as Harbor's `robot` table holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RobotRecord {
    pub id: i64,
    /// Stored name: no prefix; project robots carry `<project>+`. Compact strings here and
    /// below keep short values inline: a million stored robots are the biggest use of memory.
    pub name: CompactString,
    pub description: CompactString,
    /// Salted SHA-256 of the secret; `None` for a legacy (pre-2.2, not editable) robot.
    pub secret_hash: Option<[u8; 32]>,
    pub salt: CompactString,
    /// Days; -1 never expires.
    pub duration: i64,
    /// 0 for system robots.
    pub project_id: i64,
    /// Unix seconds, or -1.
    pub expires_at: i64,
    pub disabled: bool,
    pub visible: bool,
    pub creator_ref: i64,
    pub creator_type: CompactString,
    /// Unix milliseconds, UTC.
    pub creation_time: i64,
    /// Unix milliseconds, UTC.
    pub update_time: i64,
    pub policies: Vec<Policy>,
}

impl RobotRecord {
    pub fn level(&self) -> Level {
        if self.project_id == 0 {
            Level::System
        } else {
            Level::Project
        }
    }

    /// Harbor calls a robot editable when it has a stored secret.
    pub fn editable(&self) -> bool {
        self.secret_hash.is_some()
    }

    /// Expired = `expires_at != -1 && expires_at <= now` (seconds).
    pub fn is_expired(&self, now_secs: i64) -> bool {
        self.expires_at != -1 && self.expires_at <= now_secs
    }
}

/// A permission entry on the wire (`RobotPermission`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    pub access: Vec<Access>,
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub kind: CompactString,
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub namespace: CompactString,
}

/// `Robot` as GET and list return it, built field by field: the oracle the tests hold
/// [`RobotView`], which the server serialises, against.
#[cfg(test)]
#[derive(Clone, Debug, Serialize)]
pub struct Robot {
    #[serde(with = "harbor_time")]
    pub creation_time: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub creator_ref: i64,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub creator_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub disable: bool,
    pub duration: i64,
    pub editable: bool,
    #[serde(skip_serializing_if = "is_zero")]
    pub expires_at: i64,
    pub id: i64,
    pub level: &'static str,
    pub name: String,
    pub permissions: Vec<Permission>,
    #[serde(with = "harbor_time")]
    pub update_time: i64,
}

/// [`Robot`] borrowed from a stored record: the same JSON, byte for byte, without copying the
/// record's strings (GET and list serialise these straight from the store).
#[derive(Clone, Debug, Serialize)]
pub struct RobotView<'a> {
    #[serde(with = "harbor_time")]
    pub creation_time: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub creator_ref: i64,
    #[serde(skip_serializing_if = "is_empty")]
    pub creator_type: &'a str,
    #[serde(skip_serializing_if = "is_empty")]
    pub description: &'a str,
    pub disable: bool,
    pub duration: i64,
    pub editable: bool,
    #[serde(skip_serializing_if = "is_zero")]
    pub expires_at: i64,
    pub id: i64,
    pub level: &'static str,
    pub name: RobotName<'a>,
    pub permissions: Vec<PermissionView<'a>>,
    #[serde(with = "harbor_time")]
    pub update_time: i64,
}

/// A robot's wire name: the prefix (empty for a legacy robot) and the stored name.
#[derive(Clone, Copy, Debug)]
pub struct RobotName<'a> {
    pub prefix: &'a str,
    pub stored: &'a str,
}

impl Serialize for RobotName<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}{}", self.prefix, self.stored))
    }
}

/// [`Permission`] borrowed from a stored policy.
#[derive(Clone, Debug, Serialize)]
pub struct PermissionView<'a> {
    pub access: &'a [Access],
    #[serde(skip_serializing_if = "is_empty")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "is_empty")]
    pub namespace: &'a str,
}

fn is_empty(s: &&str) -> bool {
    s.is_empty()
}

/// `RobotCreated`, the POST response: the only place besides PATCH where a secret is shown.
#[derive(Clone, Debug, Serialize)]
pub struct RobotCreated {
    #[serde(with = "harbor_time")]
    pub creation_time: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub expires_at: i64,
    pub id: i64,
    pub name: String,
    pub secret: String,
}

/// `RobotSec`, the PATCH response: `{"secret":"..."}` or `{}`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RobotSec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// Formats Unix milliseconds as strfmt's `2006-01-02T15:04:05.000Z07:00` in UTC.
pub fn format_millis(ms: i64) -> String {
    let mut buf = [0u8; 24];
    match format_millis_fast(ms, &mut buf) {
        Some(text) => text.to_string(),
        None => format_millis_slow(ms),
    }
}

/// [`format_millis`] into a stack buffer for years 1–9999 (every timestamp a client sends or
/// the clock makes), without the general formatter; `None` outside that range.
fn format_millis_fast(ms: i64, buf: &mut [u8; 24]) -> Option<&str> {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(1..=9999).contains(&year) {
        return None;
    }
    let (secs, milli) = (in_day / 1000, in_day % 1000);
    let mut put = |at: usize, value: i64, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, secs / 3600, 2);
    put(14, secs / 60 % 60, 2);
    put(17, secs % 60, 2);
    put(20, milli, 3);
    for (at, sep) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
    ] {
        buf[at] = sep;
    }
    buf[23] = b'Z';
    std::str::from_utf8(&buf[..]).ok()
}

/// The general formatter behind [`format_millis`].
fn format_millis_slow(ms: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.format(&fmt)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".into())
}

/// Parses an RFC 3339 timestamp into Unix milliseconds.
pub fn parse_rfc3339_millis(s: &str) -> Option<i64> {
    if let Some(ms) = parse_utc_millis_fast(s) {
        return Some(ms);
    }
    let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// The common shape `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` from 1970 on, parsed without the general
/// parser (fixtures of a million robots carry a million of them); `None` for anything else,
/// which [`parse_rfc3339_millis`] then hands to the general parser.
fn parse_utc_millis_fast(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        b[range].iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if seps.iter().any(|&(at, c)| b[at] != c) {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let milli = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
            if !frac.iter().all(u8::is_ascii_digit) {
                return None;
            }
            frac.iter()
                .chain(std::iter::repeat(&b'0'))
                .take(3)
                .fold(0, |acc, &c| acc * 10 + i64::from(c - b'0'))
        }
        _ => return None,
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if year < 1970 || !(1..=month_days).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milli)
}

mod harbor_time {
    use serde::Serializer;

    pub fn serialize<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 24];
        match super::format_millis_fast(*ms, &mut buf) {
            Some(text) => s.serialize_str(text),
            None => s.serialize_str(&super::format_millis_slow(*ms)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_timestamps_agree_with_the_general_formatter() {
        let mut samples = vec![
            0,
            -1,
            1,
            999,
            -86_400_000,
            951_782_400_000,   // 2000-02-29
            4_107_542_399_999, // 2100-02-28T23:59:59.999
            253_402_300_799_999,
            -62_135_596_800_000, // 0001-01-01
            -62_135_596_800_001,
            253_402_300_800_000, // 10000-01-01
            i64::MIN,
            i64::MAX,
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            samples.push((x % 600_000_000_000_000) as i64 - 300_000_000_000_000);
        }
        for ms in samples {
            let mut buf = [0u8; 24];
            if let Some(fast) = format_millis_fast(ms, &mut buf) {
                assert_eq!(fast, format_millis_slow(ms), "{ms}");
            }
            assert_eq!(format_millis(ms), format_millis_slow(ms), "{ms}");
        }
    }

    #[test]
    fn fast_parsing_agrees_with_the_general_parser() {
        let slow = |s: &str| {
            OffsetDateTime::parse(s, &Rfc3339)
                .ok()
                .and_then(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok())
        };
        let mut cases: Vec<String> = [
            "2026-08-21T06:00:00.123Z",
            "2026-08-21T06:00:00Z",
            "2026-08-21T06:00:00.1Z",
            "2026-08-21T06:00:00.123456789Z",
            "2026-08-21T06:00:00.1234567891Z",
            "2026-08-21T06:00:00.Z",
            "2024-02-29T23:59:59.999Z",
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-08-21T24:00:00Z",
            "2026-08-21T23:60:00Z",
            "2026-12-31T23:59:60Z",
            "1970-01-01T00:00:00.000Z",
            "1969-12-31T23:59:59.999Z",
            "2026-08-21t06:00:00z",
            "2026-08-21T06:00:00+02:00",
            "2026-08-21 06:00:00Z",
            "2026-8-21T06:00:00Z",
            "+2026-08-21T06:00:00Z",
            "9999-12-31T23:59:59.999Z",
            "2100-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for ms in (0..2000).map(|i| i * 4_999_999_999_i64 + 7) {
            cases.push(format_millis(ms));
        }
        for case in &cases {
            assert_eq!(parse_rfc3339_millis(case), slow(case), "{case}");
        }
    }

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        assert_eq!(format_millis(1_787_292_000_123), "2026-08-21T06:00:00.123Z");
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn robot_json_keys_are_alphabetical_and_empty_fields_omitted() {
        let robot = Robot {
            creation_time: 0,
            creator_ref: 0,
            creator_type: String::new(),
            description: String::new(),
            disable: false,
            duration: -1,
            editable: true,
            expires_at: -1,
            id: 3,
            level: "system",
            name: "robot$ops".into(),
            permissions: vec![],
            update_time: 0,
        };
        let json = serde_json::to_string(&robot).unwrap();
        assert_eq!(
            json,
            r#"{"creation_time":"1970-01-01T00:00:00.000Z","disable":false,"duration":-1,"editable":true,"expires_at":-1,"id":3,"level":"system","name":"robot$ops","permissions":[],"update_time":"1970-01-01T00:00:00.000Z"}"#
        );
    }
}

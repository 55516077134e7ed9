//! Calendar arithmetic and the text forms of time the mock reads and writes: Harbor's
//! response timestamps (go-openapi strfmt) and RFC 3339 input (fixtures, the control API's
//! clock). Date-times in request bodies are Go's: `http::gojson::strfmt`.
//!
//! Every instant in the crate is Unix milliseconds in UTC (`i64`); Harbor's containers run in
//! UTC, so no time zone is ever applied. PostgreSQL's own timestamp text forms, which the `q`
//! language needs, live in `query::convert` and use the calendar functions here.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// Milliseconds per second.
pub const MS_PER_SEC: i64 = 1_000;
/// Seconds per day.
pub const SECS_PER_DAY: i64 = 86_400;
/// Milliseconds per day.
pub const MS_PER_DAY: i64 = SECS_PER_DAY * MS_PER_SEC;

/// Whether `year` (proleptic Gregorian) has a 29 February.
pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: `(year, month, day)`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Unix milliseconds as strfmt's `2006-01-02T15:04:05.000Z07:00` in UTC, the form of every
/// timestamp in Harbor's responses, e.g. `2026-08-21T06:00:00.123Z`.
pub fn format_millis(ms: i64) -> String {
    let mut buf = [0u8; 24];
    match format_millis_into(ms, &mut buf) {
        Some(text) => text.to_string(),
        None => format_millis_general(ms),
    }
}

/// [`format_millis`] into a stack buffer for years 1–9999 (every timestamp a client sends or
/// the clock makes), without the general formatter: responses carry two per robot. `None`
/// outside that range.
pub fn format_millis_into(ms: i64, buf: &mut [u8; 24]) -> Option<&str> {
    let (year, month, day) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    if !(1..=9999).contains(&year) {
        return None;
    }
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let (secs, milli) = (in_day / 1000, in_day % 1000);
    let mut put = |at: usize, value: i64, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, i64::from(month), 2);
    put(8, i64::from(day), 2);
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

/// The general formatter behind [`format_millis`], for years outside 1–9999.
fn format_millis_general(ms: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.format(&fmt)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".into())
}

/// Serialises Unix milliseconds as [`format_millis`] does (serde `with`).
pub mod harbor_time {
    use serde::Serializer;

    /// See the module.
    pub fn serialize<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 24];
        match super::format_millis_into(*ms, &mut buf) {
            Some(text) => s.serialize_str(text),
            None => s.serialize_str(&super::format_millis_general(*ms)),
        }
    }
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
    if year < 1970
        || !(1..=12).contains(&month)
        || !(1..=i64::from(days_in_month(year, month as u32))).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month as u32, day as u32);
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milli)
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
            if let Some(fast) = format_millis_into(ms, &mut buf) {
                assert_eq!(fast, format_millis_general(ms), "{ms}");
            }
            assert_eq!(format_millis(ms), format_millis_general(ms), "{ms}");
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
    fn civil_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }
}

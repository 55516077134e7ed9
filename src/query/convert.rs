//! The value conversions that sit between Harbor's `q` text and PostgreSQL, each named after
//! the layer that does it in real Harbor: Go's `url.QueryUnescape`, `time.Parse` and
//! `strconv.ParseInt` (in `lib/q`), beego's string-to-time rewrite (`getFlatParams`), and
//! PostgreSQL's input functions for `bigint`/`int`, `boolean` and `timestamp`, plus the text
//! forms `col::text` produces. Pure functions; nothing here knows about robots.
//!
//! Timestamps are microseconds since the Unix epoch, UTC (PostgreSQL's resolution). Harbor's
//! containers and database run in UTC, so no time zone is ever applied.

use std::borrow::Cow;

use crate::datetime::{SECS_PER_DAY, civil_from_days, days_from_civil, days_in_month};

/// Microseconds per second.
const US_PER_SEC: i64 = 1_000_000;

/// Go `url.QueryUnescape`: `+` becomes a space and `%XX` a byte. `None` when a `%` is not
/// followed by two hex digits (Harbor then keeps the text as it was).
pub(crate) fn go_query_unescape(s: &str) -> Option<Cow<'_, [u8]>> {
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || b == b'+') {
        return Some(Cow::Borrowed(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = hex_digit(*bytes.get(i + 1)?)?;
                let lo = hex_digit(*bytes.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(Cow::Owned(out))
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Go `strconv.ParseInt(s, 10, 64)`: optional sign, ASCII digits, no spaces or underscores.
/// Rust's `i64::from_str` has exactly these rules.
pub(crate) fn go_parse_int(s: &str) -> Option<i64> {
    s.parse().ok()
}

/// The three layouts Harbor's stack hands to Go's `time.Parse`.
#[derive(Clone, Copy)]
enum GoLayout {
    /// `2006-01-02T15:04:05` (`lib/q` `parseValue`).
    DateTimeT,
    /// `2006-01-02 15:04:05` (beego `FormatDateTime`).
    DateTimeSpace,
    /// `2006-01-02` (beego `FormatDate`).
    Date,
    /// `15:04:05` (beego `FormatTime`).
    Clock,
}

/// Go's `time.Parse` for `layout`, in UTC: returns Unix seconds. Follows Go's rules: a 4-digit
/// year, 2-digit month/day/minute/second, a 1- or 2-digit hour, the day checked against the
/// month, and a fractional second accepted (and dropped) right after the seconds even though the
/// layout has none. Year 0 parses (Go allows it); PostgreSQL rejects it later.
fn go_parse(s: &[u8], layout: GoLayout) -> Option<i64> {
    let mut c = Bytes(s);
    let (mut year, mut month, mut day) = (0, 1, 1);
    if !matches!(layout, GoLayout::Clock) {
        let y = c.take(4)?;
        if !y.iter().all(u8::is_ascii_digit) {
            return None;
        }
        year = y.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
        c.eat(b'-')?;
        month = c.go_num(true)?;
        if !(1..=12).contains(&month) {
            return None;
        }
        c.eat(b'-')?;
        day = c.go_num(true)?;
    }
    let mut secs_of_day = 0;
    match layout {
        GoLayout::Date => {}
        GoLayout::DateTimeT | GoLayout::DateTimeSpace | GoLayout::Clock => {
            match layout {
                GoLayout::DateTimeT => c.eat(b'T')?,
                GoLayout::DateTimeSpace => c.eat(b' ')?,
                _ => {}
            }
            let hour = c.go_num(false)?;
            c.eat(b':')?;
            let minute = c.go_num(true)?;
            c.eat(b':')?;
            let second = c.go_num(true)?;
            if hour >= 24 || minute >= 60 || second >= 60 {
                return None;
            }
            // Go's special case: a fraction after the seconds is accepted without a layout for it.
            if let [b'.' | b',', d, ..] = c.0
                && d.is_ascii_digit()
            {
                let digits = c.0[1..].iter().take_while(|b| b.is_ascii_digit()).count();
                c.0 = &c.0[1 + digits..];
            }
            secs_of_day = i64::from(hour * 3600 + minute * 60 + second);
        }
    }
    if !c.0.is_empty() || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * SECS_PER_DAY + secs_of_day)
}

/// `lib/q` `parseValue`'s time layout (`2006-01-02T15:04:05`, UTC) → Unix seconds.
pub(crate) fn go_parse_q_time(s: &str) -> Option<i64> {
    go_parse(s.as_bytes(), GoLayout::DateTimeT)
}

/// Go's `Format("2006-01-02 15:04:05")` of Unix seconds in UTC: how beego binds a `time.Time`.
pub(crate) fn go_format_datetime(secs: i64) -> String {
    let (days, sod) = (secs.div_euclid(SECS_PER_DAY), secs.rem_euclid(SECS_PER_DAY));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

/// beego `getFlatParams` for a string bound to a `time.Time` field: it tries to read the value
/// as `2006-01-02 15:04:05` (first 19 bytes), `2006-01-02` (first 10) or `15:04:05` (first 8)
/// depending on its length and, if that works, sends its own formatting instead (dropping any
/// fraction or trailing text; a bare clock time becomes year 0). Otherwise the text is sent
/// unchanged and PostgreSQL parses it.
pub(crate) fn beego_time_string(v: &str) -> Cow<'_, str> {
    let b = v.as_bytes();
    let parsed = if b.len() >= 19 {
        go_parse(&b[..19], GoLayout::DateTimeSpace)
    } else if b.len() >= 10 {
        go_parse(&b[..10], GoLayout::Date)
    } else {
        go_parse(&b[..b.len().min(8)], GoLayout::Clock)
    };
    match parsed {
        Some(secs) => Cow::Owned(go_format_datetime(secs)),
        None => Cow::Borrowed(v),
    }
}

/// PostgreSQL's `isspace` in the server's C-level sense: ASCII whitespace only.
fn pg_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn pg_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && pg_space(c as u8))
}

/// PostgreSQL 16+ integer input (`int8in`/`int4in`): surrounding whitespace, an optional sign,
/// decimal digits or a `0x`/`0o`/`0b` prefix, single `_` between digits; `bits` is 32 or 64 and
/// the value must fit.
pub(crate) fn pg_parse_int(s: &str, bits: u32) -> Option<i64> {
    let s = pg_trim(s).as_bytes();
    let (neg, s) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits, underscore_first_ok) = match s {
        [b'0', b'x' | b'X', rest @ ..] => (16, rest, true),
        [b'0', b'o' | b'O', rest @ ..] => (8, rest, true),
        [b'0', b'b' | b'B', rest @ ..] => (2, rest, true),
        _ => (10, s, false),
    };
    if digits.is_empty() {
        return None;
    }
    let limit: u128 = 1u128 << (bits - 1); // |MIN|; MAX is one less
    let mut acc: u128 = 0;
    let mut i = 0;
    while i < digits.len() {
        let b = digits[i];
        if b == b'_' {
            // An underscore must sit between digits (after a radix prefix it may lead).
            let next_ok = digits
                .get(i + 1)
                .is_some_and(|n| char::from(*n).is_digit(radix));
            if (i == 0 && !underscore_first_ok) || !next_ok {
                return None;
            }
            i += 1;
            continue;
        }
        let d = char::from(b).to_digit(radix)?;
        acc = acc * u128::from(radix) + u128::from(d);
        if acc > limit {
            return None;
        }
        i += 1;
    }
    let value = if neg { -(acc as i128) } else { acc as i128 };
    let (min, max) = (-(limit as i128), limit as i128 - 1);
    i64::try_from(value)
        .ok()
        .filter(|_| (min..=max).contains(&value))
}

/// PostgreSQL `boolin`: surrounding whitespace, then any case-insensitive unique prefix of
/// `true`/`false`/`yes`/`no`, `on`/`off` (at least two letters), or exactly `1`/`0`.
pub(crate) fn pg_parse_bool(s: &str) -> Option<bool> {
    let v = pg_trim(s).to_ascii_lowercase();
    let prefix_of = |word: &str, min: usize| v.len() >= min && word.starts_with(v.as_str());
    match v.as_bytes().first()? {
        b't' if prefix_of("true", 1) => Some(true),
        b'f' if prefix_of("false", 1) => Some(false),
        b'y' if prefix_of("yes", 1) => Some(true),
        b'n' if prefix_of("no", 1) => Some(false),
        b'o' if prefix_of("on", 2) => Some(true),
        b'o' if prefix_of("off", 2) => Some(false),
        b'1' if v.len() == 1 => Some(true),
        b'0' if v.len() == 1 => Some(false),
        _ => None,
    }
}

/// PostgreSQL `timestamp` (without time zone) input, the subset clients send: optional
/// whitespace, `YYYY-MM-DD` (year of 4+ digits, month/day of 1–2), optionally followed by `T` or
/// spaces and `HH:MM[:SS[.frac]]`, optionally a zone (`Z`, `UTC`, `GMT`, `±HH[[:]MM]`), which
/// this type ignores; or one of `epoch`, `infinity`, `-infinity`, `now`, `today`, `tomorrow`,
/// `yesterday` (relative to `now_us`). Returns microseconds; `None` where PostgreSQL errors (or
/// for rarer spellings it would accept, such as `Jan 5 2026` or `20260105`).
pub(crate) fn pg_parse_timestamp(s: &str, now_us: i64) -> Option<i64> {
    let s = pg_trim(s);
    let today = now_us.div_euclid(SECS_PER_DAY * US_PER_SEC) * SECS_PER_DAY * US_PER_SEC;
    match s.to_ascii_lowercase().as_str() {
        "epoch" => return Some(0),
        "infinity" | "+infinity" => return Some(i64::MAX),
        "-infinity" => return Some(i64::MIN),
        "now" => return Some(now_us),
        "today" => return Some(today),
        "tomorrow" => return Some(today + SECS_PER_DAY * US_PER_SEC),
        "yesterday" => return Some(today - SECS_PER_DAY * US_PER_SEC),
        _ => {}
    }
    let mut c = Bytes(s.as_bytes());
    let year = c.digits(4, 6)?;
    c.eat(b'-')?;
    let month = c.digits(1, 2)?;
    c.eat(b'-')?;
    let day = c.digits(1, 2)?;
    // No year 0 in AD/BC notation; PostgreSQL's upper limit is 294276.
    if year == 0 || year > 294_276 || !(1..=12).contains(&month) {
        return None;
    }
    if day < 1 || day > i64::from(days_in_month(year, month as u32)) {
        return None;
    }
    let mut us = days_from_civil(year, month as u32, day as u32) * SECS_PER_DAY * US_PER_SEC;
    let t_sep = c.eat(b'T').or_else(|| c.eat(b't')).is_some();
    let spaces = c.skip_spaces();
    if t_sep || (spaces && c.0.first().is_some_and(u8::is_ascii_digit)) {
        let hour = c.digits(1, 2)?;
        c.eat(b':')?;
        let minute = c.digits(1, 2)?;
        let (mut second, mut frac_us) = (0, 0);
        if c.eat(b':').is_some() {
            second = c.digits(1, 2)?;
            if c.eat(b'.').is_some() {
                frac_us = c.fraction_us()?;
            }
        }
        let over_24 = hour == 24 && (minute > 0 || second > 0 || frac_us > 0);
        if hour > 24 || minute > 59 || second > 60 || over_24 {
            return None;
        }
        us += (hour * 3600 + minute * 60 + second) * US_PER_SEC + frac_us;
        c.skip_spaces();
        c.zone()?;
    }
    c.skip_spaces();
    c.0.is_empty().then_some(us)
}

/// Text of a `timestamp` as `col::text` gives it (DateStyle ISO): `YYYY-MM-DD HH:MM:SS` plus
/// `.ffffff` with trailing zeros removed when there is a fraction.
pub(crate) fn pg_timestamp_text(us: i64, out: &mut String) {
    use std::fmt::Write;
    let secs = us.div_euclid(US_PER_SEC);
    let frac = us.rem_euclid(US_PER_SEC);
    let (days, sod) = (secs.div_euclid(SECS_PER_DAY), secs.rem_euclid(SECS_PER_DAY));
    let (y, m, d) = civil_from_days(days);
    let (year, bc) = if y <= 0 { (1 - y, " BC") } else { (y, "") };
    let _ = write!(
        out,
        "{year:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
    if frac != 0 {
        let digits = format!("{frac:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out.push_str(bc);
}

/// A byte cursor for the small fixed-format parsers above.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        let (&first, rest) = self.0.split_first()?;
        (first == b).then(|| self.0 = rest)
    }

    fn skip_spaces(&mut self) -> bool {
        let n = self.0.iter().take_while(|b| pg_space(**b)).count();
        self.0 = &self.0[n..];
        n > 0
    }

    /// Go's `getnum`: one or two digits; `fixed` demands two.
    fn go_num(&mut self, fixed: bool) -> Option<u32> {
        let first = *self.0.first().filter(|b| b.is_ascii_digit())?;
        match self.0.get(1) {
            Some(second) if second.is_ascii_digit() => {
                self.0 = &self.0[2..];
                Some(u32::from(first - b'0') * 10 + u32::from(second - b'0'))
            }
            _ if fixed => None,
            _ => {
                self.0 = &self.0[1..];
                Some(u32::from(first - b'0'))
            }
        }
    }

    /// Between `min` and `max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let n = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        if n < min || n > max {
            return None;
        }
        let v = self.0[..n]
            .iter()
            .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
        self.0 = &self.0[n..];
        Some(v)
    }

    /// The digits after a `.`, rounded half-to-even to microseconds (PostgreSQL uses `rint`).
    fn fraction_us(&mut self) -> Option<i64> {
        let n = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let digits = &self.0[..n];
        self.0 = &self.0[n..];
        let mut us = (0..6).fold(0i64, |acc, i| {
            acc * 10 + digits.get(i).map_or(0, |d| i64::from(d - b'0'))
        });
        if let Some((&first, rest)) = digits.get(6..).and_then(<[u8]>::split_first) {
            let above_half = first > b'5' || (first == b'5' && rest.iter().any(|d| *d != b'0'));
            let half = first == b'5' && rest.iter().all(|d| *d == b'0');
            if above_half || (half && us % 2 == 1) {
                us += 1;
            }
        }
        Some(us)
    }

    /// An optional zone after a time: `Z`, `UTC`, `GMT` or `±HH[[:]MM]`. `None` if malformed.
    fn zone(&mut self) -> Option<()> {
        match self.0.first() {
            None => Some(()),
            Some(b'Z' | b'z') => {
                self.0 = &self.0[1..];
                Some(())
            }
            Some(b'+' | b'-') => {
                self.0 = &self.0[1..];
                let hours = self.digits(1, 4)?;
                if hours > 99 && hours % 100 > 59 {
                    return None;
                }
                if self.eat(b':').is_some() {
                    let minutes = self.digits(2, 2)?;
                    (minutes < 60).then_some(())
                } else {
                    Some(())
                }
            }
            Some(_) => {
                let word = self.0.get(..3)?;
                if word.eq_ignore_ascii_case(b"utc") || word.eq_ignore_ascii_case(b"gmt") {
                    self.0 = &self.0[3..];
                    Some(())
                } else {
                    None
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_US: i64 = SECS_PER_DAY * US_PER_SEC;
    /// 2026-08-21T06:00:00Z in seconds.
    const T0: i64 = 1_787_292_000;

    #[test]
    fn query_unescape_follows_go() {
        let cases: &[(&str, Option<&[u8]>)] = &[
            ("abc", Some(b"abc")),
            ("a+b", Some(b"a b")),
            ("a%2Bb", Some(b"a+b")),
            ("a%252Bb", Some(b"a%2Bb")),
            ("%e6%97%a5", Some("日".as_bytes())),
            ("%FF", Some(b"\xff")),
            ("%00", Some(b"\0")),
            ("100%", None),
            ("%2", None),
            ("%zz", None),
            ("%%41", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                go_query_unescape(input).as_deref(),
                *want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn go_time_parse_is_strict_like_go() {
        let ok = [
            ("2026-08-21T06:00:00", T0),
            ("2026-08-21T6:00:00", T0),
            ("2026-08-21T06:00:00.999", T0),
            ("2026-08-21T06:00:00,5", T0),
            ("1970-01-01T00:00:00", 0),
            ("2024-02-29T00:00:00", 1_709_164_800),
            ("0000-01-01T00:00:00", -62_167_219_200),
        ];
        for (input, want) in ok {
            assert_eq!(go_parse_q_time(input), Some(want), "input {input:?}");
        }
        let bad = [
            "2026-08-21 06:00:00",
            "2026-8-21T06:00:00",
            "2026-08-21T06:0:00",
            "2026-08-21T24:00:00",
            "2026-02-29T00:00:00",
            "2026-13-01T00:00:00",
            "2026-08-21T06:00:00Z",
            "2026-08-21T06:00:00.",
            "2026-08-21",
            " 2026-08-21T06:00:00",
            "+026-08-21T06:00:00",
        ];
        for input in bad {
            assert_eq!(go_parse_q_time(input), None, "input {input:?}");
        }
    }

    #[test]
    fn beego_rewrites_time_strings_by_length() {
        let cases = [
            ("2026-08-21 06:00:00", "2026-08-21 06:00:00"),
            ("2026-08-21 06:00:00.123", "2026-08-21 06:00:00"),
            ("2026-08-21 06:00:00junk", "2026-08-21 06:00:00"),
            ("2026-08-21T06:00:00", "2026-08-21T06:00:00"),
            ("2026-08-21", "2026-08-21 00:00:00"),
            ("2026-08-21 6:00:00", "2026-08-21 00:00:00"),
            ("2026-08-21x", "2026-08-21 00:00:00"),
            ("12:00:00", "0000-01-01 12:00:00"),
            ("12:00:00x", "0000-01-01 12:00:00"),
            ("12:00", "12:00"),
            ("2026", "2026"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(beego_time_string(input), want, "input {input:?}");
        }
    }

    #[test]
    fn pg_int_input() {
        let ok = [
            ("5", 5),
            (" 5 ", 5),
            ("\t-5\n", -5),
            ("+5", 5),
            ("007", 7),
            ("1_000", 1000),
            ("0x1F", 31),
            ("0o17", 15),
            ("0b101", 5),
            ("-0x10", -16),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
        ];
        for (input, want) in ok {
            assert_eq!(pg_parse_int(input, 64), Some(want), "input {input:?}");
        }
        let bad = [
            "",
            " ",
            "abc",
            "5a",
            "5 5",
            "_1",
            "1_",
            "1__0",
            "+",
            "-",
            "0x",
            "1.0",
            "1e3",
            "9223372036854775808",
            "-9223372036854775809",
            "\u{a0}5",
        ];
        for input in bad {
            assert_eq!(pg_parse_int(input, 64), None, "input {input:?}");
        }
        assert_eq!(pg_parse_int("2147483647", 32), Some(i64::from(i32::MAX)));
        assert_eq!(pg_parse_int("-2147483648", 32), Some(i64::from(i32::MIN)));
        assert_eq!(pg_parse_int("2147483648", 32), None);
        assert_eq!(pg_parse_int("-2147483649", 32), None);
    }

    #[test]
    fn pg_bool_input() {
        for t in ["t", "tr", "TRUE", "y", "yes", "on", "On", "1", " true "] {
            assert_eq!(pg_parse_bool(t), Some(true), "input {t:?}");
        }
        for f in ["f", "fa", "False", "n", "no", "of", "off", "0", "\tf\n"] {
            assert_eq!(pg_parse_bool(f), Some(false), "input {f:?}");
        }
        for bad in ["", "o", "truex", "yess", "onn", "2", "10", "maybe", "t rue"] {
            assert_eq!(pg_parse_bool(bad), None, "input {bad:?}");
        }
    }

    #[test]
    fn pg_timestamp_input() {
        let now = (T0 + 3600) * US_PER_SEC + 5;
        let t0 = T0 * US_PER_SEC;
        let ok = [
            ("2026-08-21 06:00:00", t0),
            ("2026-08-21T06:00:00", t0),
            ("2026-08-21t06:00:00", t0),
            ("  2026-08-21   06:00:00  ", t0),
            ("2026-08-21 06:00", t0),
            ("2026-8-21 6:0:0", t0),
            ("2026-08-21 06:00:00.123", t0 + 123_000),
            ("2026-08-21 06:00:00.1234565", t0 + 123_456),
            ("2026-08-21 06:00:00.1234575", t0 + 123_458),
            ("2026-08-21 06:00:00.12345651", t0 + 123_457),
            ("2026-08-21 06:00:00Z", t0),
            ("2026-08-21 06:00:00+02", t0),
            ("2026-08-21 06:00:00 -05:30", t0),
            ("2026-08-21 06:00:00 UTC", t0),
            ("2026-08-21", t0 - 6 * 3600 * US_PER_SEC),
            ("2026-08-20 24:00:00", t0 - 6 * 3600 * US_PER_SEC),
            ("epoch", 0),
            ("Infinity", i64::MAX),
            ("-infinity", i64::MIN),
            ("now", now),
            ("today", t0 - 6 * 3600 * US_PER_SEC),
            ("tomorrow", t0 - 6 * 3600 * US_PER_SEC + DAY_US),
        ];
        for (input, want) in ok {
            assert_eq!(
                pg_parse_timestamp(input, now),
                Some(want),
                "input {input:?}"
            );
        }
        let bad = [
            "",
            "abc",
            "2026-02-30",
            "2026-13-01",
            "0000-01-01 12:00:00",
            "2026-08-21 25:00:00",
            "2026-08-21 24:00:01",
            "2026-08-21 06:60:00",
            "2026-08-21 06",
            "2026-08-21 06:00:00.",
            "2026-08-21 06:00:00 junk",
            "26-08-21",
        ];
        for input in bad {
            assert_eq!(pg_parse_timestamp(input, now), None, "input {input:?}");
        }
    }

    #[test]
    fn timestamp_text_trims_fraction_zeros() {
        let t0 = T0 * US_PER_SEC;
        let cases = [
            (t0, "2026-08-21 06:00:00"),
            (t0 + 123_000, "2026-08-21 06:00:00.123"),
            (t0 + 5, "2026-08-21 06:00:00.000005"),
            (0, "1970-01-01 00:00:00"),
            (-1, "1969-12-31 23:59:59.999999"),
        ];
        for (us, want) in cases {
            let mut s = String::new();
            pg_timestamp_text(us, &mut s);
            assert_eq!(s, want);
        }
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -719_468, -1, 0, 1, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(go_format_datetime(T0), "2026-08-21 06:00:00");
        assert_eq!(go_format_datetime(-62_167_219_200), "0000-01-01 00:00:00");
    }
}

//! `strfmt.DateTime` as a request body carries it: go-openapi/strfmt v0.26.3 `time.go`
//! `ParseDateTime`, which tries `DateTimeFormats` in turn with Go's `time.ParseInLocation`
//! (`time/format.go`) and reports the *last* layout's error.
//!
//! Own code rather than the `time` crate's parser because Harbor's 422 quotes Go's
//! `*time.ParseError` text (`parsing time "x" as "2006-01-02": cannot parse "x" as "2006"`,
//! `: day out of range`, `: extra text: …`) and because Go's parser accepts what RFC 3339
//! parsers refuse: a date alone, a one-digit hour, a comma before the fraction, several
//! spaces for one, `.+12` as 12 ms, offsets up to `+24:60`.

use std::fmt::Write as _;

use super::unquote::decode_rune;

/// A parsed `strfmt.DateTime`: the wall clock as written and the zone offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    /// The year as written (0 to 9999).
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    /// 1 to the month's length.
    pub day: u32,
    /// 0 to 23.
    pub hour: u32,
    /// 0 to 59.
    pub minute: u32,
    /// 0 to 59.
    pub second: u32,
    /// Nanoseconds, 0 to 999999999.
    pub nanos: u32,
    /// Seconds east of UTC; 0 is Go's `time.UTC`.
    pub offset: i32,
}

impl DateTime {
    /// The zero `time.Time`, what an absent DateTime field holds.
    pub const ZERO: DateTime = DateTime::utc(1, 1, 1);
    /// What `""` decodes to (`strfmt.NewDateTime()`).
    pub const UNIX_EPOCH: DateTime = DateTime::utc(1970, 1, 1);

    const fn utc(year: i32, month: u32, day: u32) -> DateTime {
        DateTime {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
            offset: 0,
        }
    }

    /// `time.Time.Format(time.RFC3339Nano)`.
    pub fn rfc3339_nano(&self) -> String {
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        if self.offset == 0 {
            s.push('Z');
        } else {
            let minutes = self.offset.abs() / 60;
            let sign = if self.offset < 0 { '-' } else { '+' };
            let _ = write!(s, "{sign}{:02}:{:02}", minutes / 60, minutes % 60);
        }
        s
    }
}

/// strfmt `DateTimeFormats`, in the order `ParseDateTime` tries them.
pub const DATE_TIME_FORMATS: [&str; 11] = [
    "2006-01-02T15:04:05.000000Z07:00",    // RFC3339Micro
    "2006-01-02T15:04:05.000000Z0700",     // RFC3339MicroNoColon
    "2006-01-02T15:04:05.000Z07:00",       // RFC3339Millis
    "2006-01-02T15:04:05.000Z0700",        // RFC3339MillisNoColon
    "2006-01-02T15:04:05Z07:00",           // time.RFC3339
    "2006-01-02T15:04:05.999999999Z07:00", // time.RFC3339Nano
    "2006-01-02T15:04:05",                 // ISO8601LocalTime
    "2006-01-02T15:04Z",                   // ISO8601TimeWithReducedPrecision
    "2006-01-02T15:04",                    // ISO8601TimeWithReducedPrecisionLocaltime
    "2006-01-02 15:04:05",                 // ISO8601TimeUniversalSortableDateTimePattern
    "2006-01-02",                          // ...ShortForm
];

/// strfmt `ParseDateTime`: `""` is the Unix epoch; otherwise the first layout that parses
/// wins, and a failure reports the error of the last layout tried (`2006-01-02`).
pub fn parse_date_time(s: &str) -> Result<DateTime, String> {
    if s.is_empty() {
        return Ok(DateTime::UNIX_EPOCH);
    }
    let mut last = String::new();
    for layout in DATE_TIME_FORMATS {
        match parse_time(layout, s) {
            Ok(t) => return Ok(t),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The layout elements these layouts use (time/format.go `std*` constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    LongYear,
    ZeroMonth,
    ZeroDay,
    Hour,
    ZeroMinute,
    ZeroSecond,
    /// `.000…`: exactly this many digits.
    FracSecond0(usize),
    /// `.999…`: optional, any number of digits.
    FracSecond9,
    /// `Z07:00`
    Iso8601ColonTz,
    /// `Z0700`
    Iso8601Tz,
}

/// time/format.go `nextStdChunk`, for the elements above: (prefix, element and its text, rest).
fn next_std_chunk(layout: &str) -> (&str, Option<(Std, &str)>, &str) {
    let b = layout.as_bytes();
    for i in 0..b.len() {
        let rest = &layout[i..];
        let fixed = [
            ("2006", Std::LongYear),
            ("Z07:00", Std::Iso8601ColonTz),
            ("Z0700", Std::Iso8601Tz),
            ("01", Std::ZeroMonth),
            ("02", Std::ZeroDay),
            ("04", Std::ZeroMinute),
            ("05", Std::ZeroSecond),
            ("15", Std::Hour),
        ];
        for (text, std) in fixed {
            if rest.starts_with(text) {
                return (&layout[..i], Some((std, text)), &layout[i + text.len()..]);
            }
        }
        if (b[i] == b'.' || b[i] == b',') && matches!(b.get(i + 1), Some(b'0' | b'9')) {
            let ch = b[i + 1];
            let mut j = i + 1;
            while j < b.len() && b[j] == ch {
                j += 1;
            }
            if !b.get(j).is_some_and(u8::is_ascii_digit) {
                let std = if ch == b'0' {
                    Std::FracSecond0(j - i - 1)
                } else {
                    Std::FracSecond9
                };
                return (&layout[..i], Some((std, &layout[i..j])), &layout[j..]);
            }
        }
    }
    (layout, None, "")
}

/// time/format.go `quote`: ASCII as is (with `"` and `\` escaped), every other rune, and every
/// byte that is not valid UTF-8, as `\x` escapes of its bytes.
fn quote_time(s: &[u8]) -> String {
    let mut out = String::from("\"");
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if (0x20..0x80).contains(&c) {
            if c == b'"' || c == b'\\' {
                out.push('\\');
            }
            out.push(c as char);
            i += 1;
            continue;
        }
        let width = if c < 0x80 {
            1
        } else {
            decode_rune(&s[i..]).map_or(1, |(_, n)| n)
        };
        for &byte in &s[i..i + width] {
            let _ = write!(out, "\\x{byte:02x}");
        }
        i += width;
    }
    out.push('"');
    out
}

/// `*time.ParseError` without a message: which element could not be read.
fn cannot_parse(layout: &str, value: &[u8], value_elem: &[u8], layout_elem: &str) -> String {
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        quote_time(value),
        quote_time(layout.as_bytes()),
        quote_time(value_elem),
        quote_time(layout_elem.as_bytes())
    )
}

/// `*time.ParseError` with a message (`: month out of range`, `: extra text: "…"`).
fn parse_error_msg(value: &[u8], message: &str) -> String {
    format!("parsing time {}{message}", quote_time(value))
}

fn digit_at(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// time/format.go `getnum`: one or two digits (`fixed`: exactly two).
fn getnum(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    if !digit_at(s, 0) {
        return None;
    }
    if !digit_at(s, 1) {
        if fixed {
            return None;
        }
        return Some((i64::from(s[0] - b'0'), &s[1..]));
    }
    Some((
        i64::from(s[0] - b'0') * 10 + i64::from(s[1] - b'0'),
        &s[2..],
    ))
}

/// time/format.go `atoi`: an optional sign, then only digits.
fn time_atoi(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut x: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        x = x.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        if x > 1 << 63 {
            return None;
        }
    }
    let x = x as i64;
    Some(if neg { x.wrapping_neg() } else { x })
}

/// time/format.go `parseNanoseconds`: `value[0]` is the separator and `nbytes` counts it;
/// digits past the ninth are dropped. Because it uses `atoi`, a sign is accepted where the
/// layout wants a fixed number of digits (`.+12` is 12 ms; `.-12` is out of range).
fn parse_nanoseconds(value: &[u8], nbytes: usize) -> Result<(i64, Option<&'static str>), ()> {
    if value[0] != b'.' && value[0] != b',' {
        return Err(());
    }
    let nbytes = nbytes.min(10);
    let mut ns = time_atoi(&value[1..nbytes]).ok_or(())?;
    if ns < 0 {
        return Ok((0, Some("fractional second")));
    }
    for _ in 0..(10 - nbytes) {
        ns *= 10;
    }
    Ok((ns, None))
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `time.ParseInLocation(layout, value, time.UTC)` (time/format.go `parse`) for the layout
/// elements of [`DATE_TIME_FORMATS`], with Go's error texts. It works on bytes, as Go does,
/// so that error texts cut a value exactly where Go cuts it.
pub fn parse_time(layout: &str, value: &str) -> Result<DateTime, String> {
    let (alayout, avalue) = (layout, value.as_bytes());
    let (mut layout, mut value) = (layout, value.as_bytes());
    let (mut year, mut month, mut day) = (0i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut utc = false;
    let mut zone_offset: Option<i64> = None;
    loop {
        let (prefix, std, suffix) = next_std_chunk(layout);
        value = match skip_prefix(value, prefix.as_bytes()) {
            Some(v) => v,
            None => return Err(cannot_parse(alayout, avalue, value, prefix)),
        };
        let Some((std, stdstr)) = std else {
            if !value.is_empty() {
                let extra = format!(": extra text: {}", quote_time(value));
                return Err(parse_error_msg(avalue, &extra));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut range_err: Option<&str> = None;
        let mut ok = true;
        match std {
            Std::LongYear => {
                if value.len() < 4 || !digit_at(value, 0) {
                    ok = false;
                } else {
                    match time_atoi(&value[..4]) {
                        Some(y) => year = y,
                        None => ok = false,
                    }
                    value = &value[4..];
                }
            }
            Std::ZeroMonth => match getnum(value, true) {
                Some((m, rest)) => {
                    (month, value) = (m, rest);
                    if !(1..=12).contains(&month) {
                        range_err = Some("month");
                    }
                }
                None => ok = false,
            },
            Std::ZeroDay => match getnum(value, true) {
                Some((d, rest)) => (day, value) = (d, rest),
                None => ok = false,
            },
            Std::Hour => {
                match getnum(value, false) {
                    Some((h, rest)) => (hour, value) = (h, rest),
                    None => ok = false,
                }
                if !(0..24).contains(&hour) {
                    range_err = Some("hour");
                }
            }
            Std::ZeroMinute => {
                match getnum(value, true) {
                    Some((m, rest)) => (min, value) = (m, rest),
                    None => ok = false,
                }
                if !(0..60).contains(&min) {
                    range_err = Some("minute");
                }
            }
            Std::ZeroSecond => match getnum(value, true) {
                None => ok = false,
                Some((s, rest)) => {
                    (sec, value) = (s, rest);
                    let next_is_fraction = matches!(
                        next_std_chunk(layout).1,
                        Some((Std::FracSecond0(_) | Std::FracSecond9, _))
                    );
                    if !(0..60).contains(&sec) {
                        range_err = Some("second");
                    } else if value.len() >= 2
                        && matches!(value[0], b'.' | b',')
                        && digit_at(value, 1)
                        && !next_is_fraction
                    {
                        // A fraction the layout does not mention is still accepted.
                        let mut n = 2;
                        while digit_at(value, n) {
                            n += 1;
                        }
                        match parse_nanoseconds(value, n) {
                            Ok((ns, r)) => (nsec, range_err) = (ns, r),
                            Err(()) => ok = false,
                        }
                        value = &value[n..];
                    }
                }
            },
            Std::FracSecond0(digits) => {
                let ndigit = 1 + digits;
                if value.len() < ndigit {
                    ok = false;
                } else {
                    match parse_nanoseconds(value, ndigit) {
                        Ok((ns, r)) => (nsec, range_err) = (ns, r),
                        Err(()) => ok = false,
                    }
                    value = &value[ndigit..];
                }
            }
            Std::FracSecond9 => {
                if value.len() >= 2 && matches!(value[0], b'.' | b',') && digit_at(value, 1) {
                    let mut i = 0;
                    while digit_at(value, i + 1) {
                        i += 1;
                    }
                    match parse_nanoseconds(value, 1 + i) {
                        Ok((ns, r)) => (nsec, range_err) = (ns, r),
                        Err(()) => ok = false,
                    }
                    value = &value[1 + i..];
                }
            }
            Std::Iso8601ColonTz | Std::Iso8601Tz => {
                if value.first() == Some(&b'Z') {
                    value = &value[1..];
                    utc = true;
                } else {
                    let colon = std == Std::Iso8601ColonTz;
                    let need = if colon { 6 } else { 5 };
                    if value.len() < need || (colon && value[3] != b':') {
                        ok = false;
                    } else {
                        let (sign, hh, mm) = if colon {
                            (value[0], &value[1..3], &value[4..6])
                        } else {
                            (value[0], &value[1..3], &value[3..5])
                        };
                        value = &value[need..];
                        let hr = getnum(hh, true).map(|(n, _)| n);
                        let mn = hr.and(getnum(mm, true).map(|(n, _)| n));
                        ok = mn.is_some();
                        let (hr, mn) = (hr.unwrap_or(0), mn.unwrap_or(0));
                        if hr > 24 {
                            range_err = Some("time zone offset hour");
                        }
                        if mn > 60 {
                            range_err = Some("time zone offset minute");
                        }
                        let off = (hr * 60 + mn) * 60;
                        zone_offset = Some(match sign {
                            b'+' => off,
                            b'-' => -off,
                            _ => {
                                ok = false;
                                off
                            }
                        });
                    }
                }
            }
        }
        // A range error is reported before a format error (time/format.go).
        if let Some(what) = range_err {
            return Err(parse_error_msg(avalue, &format!(": {what} out of range")));
        }
        if !ok {
            return Err(cannot_parse(alayout, avalue, hold, stdstr));
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_error_msg(avalue, ": day out of range"));
    }
    let offset = if utc { 0 } else { zone_offset.unwrap_or(0) };
    Ok(DateTime {
        year: year as i32,
        month: month as u32,
        day: day as u32,
        hour: hour as u32,
        minute: min as u32,
        second: sec as u32,
        nanos: nsec as u32,
        offset: offset as i32,
    })
}

/// time/format.go `skip`: the layout's literal text must be there; a space in the layout
/// matches one or more spaces (or the end of the value).
fn skip_prefix<'v>(mut value: &'v [u8], mut prefix: &[u8]) -> Option<&'v [u8]> {
    while let Some(&p) = prefix.first() {
        if p == b' ' {
            if value.first().is_some_and(|&c| c != b' ') {
                return None;
            }
            while prefix.first() == Some(&b' ') {
                prefix = &prefix[1..];
            }
            while value.first() == Some(&b' ') {
                value = &value[1..];
            }
            continue;
        }
        if value.first() != Some(&p) {
            return None;
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        let t = parse_date_time("2026-08-21T06:00:00.5+05:30").unwrap();
        assert_eq!(t.rfc3339_nano(), "2026-08-21T06:00:00.5+05:30");
        assert_eq!(parse_date_time("").unwrap(), DateTime::UNIX_EPOCH);
        assert_eq!(DateTime::ZERO.rfc3339_nano(), "0001-01-01T00:00:00Z");
        assert_eq!(
            parse_date_time("2026-08-21").unwrap().rfc3339_nano(),
            "2026-08-21T00:00:00Z"
        );
        assert_eq!(
            parse_date_time("2026-08-21T6:00:00,5Z")
                .unwrap()
                .rfc3339_nano(),
            "2026-08-21T06:00:00.5Z"
        );
        assert_eq!(
            parse_date_time("2026-08-21T06:00:00.+12Z").unwrap().nanos,
            12_000_000
        );
    }

    #[test]
    fn errors_are_the_last_layouts_in_go_wording() {
        let cases = [
            (
                "yesterday",
                r#"parsing time "yesterday" as "2006-01-02": cannot parse "yesterday" as "2006""#,
            ),
            (
                "2026-02-30",
                r#"parsing time "2026-02-30": day out of range"#,
            ),
            (
                "2026-08-21T24:00:00Z",
                r#"parsing time "2026-08-21T24:00:00Z": extra text: "T24:00:00Z""#,
            ),
            (
                "2026-08-21Tü",
                r#"parsing time "2026-08-21T\xc3\xbc": extra text: "T\xc3\xbc""#,
            ),
        ];
        for (value, message) in cases {
            assert_eq!(parse_date_time(value).unwrap_err(), message, "{value}");
        }
        assert_eq!(
            parse_time("2006-01-02T15:04:05Z07:00", "2026-08-21T06:00:00+25:00").unwrap_err(),
            r#"parsing time "2026-08-21T06:00:00+25:00": time zone offset hour out of range"#
        );
    }
}

//! An instance's notion of "now": the system clock, shifted or frozen on request.
//!
//! Each instance has one; the front service reads it once per request, and every timestamp,
//! expiry check and `q` time word of that request uses that reading, so tests can move time
//! instead of sleeping.

use parking_lot::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy)]
enum Mode {
    /// System time plus an offset in milliseconds.
    Running { offset_ms: i64 },
    /// Stands still at this instant until set or advanced.
    Frozen { now_ms: i64 },
}

/// A settable, advanceable clock.
#[derive(Debug)]
pub struct Clock {
    mode: Mutex<Mode>,
}

impl Clock {
    /// Follows the system clock.
    pub fn system() -> Self {
        Clock {
            mode: Mutex::new(Mode::Running { offset_ms: 0 }),
        }
    }

    /// Stands still at `now_ms` (Unix milliseconds) until moved.
    pub fn frozen(now_ms: i64) -> Self {
        Clock {
            mode: Mutex::new(Mode::Frozen { now_ms }),
        }
    }

    /// A clock frozen at `start` (Unix milliseconds), or following the system when `None`.
    pub fn starting_at(start: Option<i64>) -> Self {
        match start {
            Some(ms) => Clock::frozen(ms),
            None => Clock::system(),
        }
    }

    /// Back to how [`Clock::starting_at`] made it.
    pub fn restore(&self, start: Option<i64>) {
        *self.mode.lock() = match start {
            Some(now_ms) => Mode::Frozen { now_ms },
            None => Mode::Running { offset_ms: 0 },
        };
    }

    /// Freezes the clock at its current reading, or lets a frozen one run on from there.
    pub fn set_frozen(&self, frozen: bool) {
        let now_ms = self.now_millis();
        *self.mode.lock() = if frozen {
            Mode::Frozen { now_ms }
        } else {
            Mode::Running {
                offset_ms: now_ms.saturating_sub(system_millis()),
            }
        };
    }

    /// Current time in Unix milliseconds.
    pub fn now_millis(&self) -> i64 {
        match *self.mode.lock() {
            Mode::Running { offset_ms } => system_millis().saturating_add(offset_ms),
            Mode::Frozen { now_ms } => now_ms,
        }
    }

    /// Current time in Unix seconds (floor).
    pub fn now_secs(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }

    /// Whether the clock stands still.
    pub fn is_frozen(&self) -> bool {
        matches!(*self.mode.lock(), Mode::Frozen { .. })
    }

    /// Jumps to `now_ms`; a frozen clock stays frozen, a running one runs on from there.
    pub fn set(&self, now_ms: i64) {
        let mut mode = self.mode.lock();
        *mode = match *mode {
            Mode::Running { .. } => Mode::Running {
                offset_ms: now_ms.saturating_sub(system_millis()),
            },
            Mode::Frozen { .. } => Mode::Frozen { now_ms },
        };
    }

    /// Moves the clock by `by_ms` (may be negative).
    pub fn advance(&self, by_ms: i64) {
        let mut mode = self.mode.lock();
        *mode = match *mode {
            Mode::Running { offset_ms } => Mode::Running {
                offset_ms: offset_ms.saturating_add(by_ms),
            },
            Mode::Frozen { now_ms } => Mode::Frozen {
                now_ms: now_ms.saturating_add(by_ms),
            },
        };
    }
}

/// `31d`, `1h30m`, `-90s`, `250ms`: groups of an integer and a unit (ms, s, m, h, d).
pub fn parse_duration(text: &str) -> std::result::Result<i64, String> {
    let bad = || format!("by: {text:?} is not a duration like 31d, 12h, 90m, 30s or 1h30m");
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, text),
    };
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let value: i64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let factor = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total = value
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    Ok(sign * total)
}

fn system_millis() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_moves_only_when_told() {
        let clock = Clock::frozen(1_000);
        assert_eq!(clock.now_millis(), 1_000);
        clock.advance(86_400_000);
        assert_eq!(clock.now_millis(), 86_401_000);
        clock.set(5_000);
        assert_eq!(clock.now_secs(), 5);
        assert!(clock.is_frozen());
    }

    #[test]
    fn durations() {
        let cases = [
            ("31d", Ok(31 * 86_400_000)),
            ("1h30m", Ok(5_400_000)),
            ("-90s", Ok(-90_000)),
            ("250ms", Ok(250)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_duration(text), expected, "{text}");
        }
        for bad in ["", "-", "31", "d", "3w", "1.5h", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn running_clock_keeps_an_offset() {
        let clock = Clock::system();
        let before = clock.now_millis();
        clock.advance(3_600_000);
        assert!(clock.now_millis() >= before + 3_600_000);
        assert!(!clock.is_frozen());
    }
}

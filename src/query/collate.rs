//! PostgreSQL text semantics the evaluator needs: ordering under the database's `en_US.UTF-8`
//! collation and `UPPER`'s per-character case mapping.
//!
//! Approximation of glibc ≥ 2.28 `en_US.UTF-8` (ISO 14651, what Harbor's Photon-based database
//! image uses), compared level by level the way `strcoll` does:
//! 1. base characters: whitespace < punctuation/symbols (in the Unicode collation order
//!    `_ - , ; : ! ? . ' " ( ) [ ] { } @ * / \ & # % ` ^ + < = > | ~ $`) < other symbols <
//!    digits < letters, letters case-insensitively and Latin-1 accents folded (`é` ~ `e`), other
//!    letters after `z` by code point. Punctuation is *not* ignored (that changed in glibc 2.28),
//!    so `1-2` < `11` and `library-ci` < `library+ci`, unlike byte order in the second case;
//! 2. accents (unaccented first);
//! 3. case (lower before upper: `a` < `A` < `b`);
//! 4. bytes, as PostgreSQL breaks `strcoll` ties with `strcmp`.
//!
//! Not modelled: expansions and contractions (`æ`, `ß` compare as single letters), the relative
//! order of non-Latin scripts and of non-ASCII symbols. Robot names are `[a-z0-9._-]` plus the
//! `+` of project robots, for which this is exact as far as the ISO 14651 table goes.

use std::cmp::Ordering;

/// Order of ASCII punctuation and symbols at the first level.
const PUNCT_ORDER: &[u8] = b"_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";

/// Latin-1 letters U+00C0..=U+00FF folded to a base letter (`*` = not a letter).
const LATIN1_BASE: &[u8; 64] = b"aaaaaaaceeeeiiiidnooooo*ouuuuytsaaaaaaaceeeeiiiidnooooo*ouuuuyty";

/// Per-character weights at the three levels.
#[derive(Clone, Copy)]
struct Weights {
    primary: u32,
    secondary: u32,
    tertiary: u8,
}

const fn ascii_primary(b: u8) -> u32 {
    match b {
        b'\t' => 1,
        b'\n' => 2,
        0x0b => 3,
        0x0c => 4,
        b'\r' => 5,
        b' ' => 6,
        b'0'..=b'9' => 100 + (b - b'0') as u32,
        b'a'..=b'z' => 200 + (b - b'a') as u32,
        b'A'..=b'Z' => 200 + (b - b'A') as u32,
        _ => {
            let mut i = 0;
            while i < PUNCT_ORDER.len() {
                if PUNCT_ORDER[i] == b {
                    return 10 + i as u32;
                }
                i += 1;
            }
            // Other control characters: lowest.
            0
        }
    }
}

const ASCII_PRIMARY: [u32; 128] = {
    let mut table = [0; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = ascii_primary(b as u8);
        b += 1;
    }
    table
};

fn weights(c: char) -> Weights {
    if c.is_ascii() {
        return Weights {
            primary: ASCII_PRIMARY[c as usize],
            secondary: 0,
            tertiary: u8::from(c.is_ascii_uppercase()),
        };
    }
    let cp = c as u32;
    if (0xC0..=0xFF).contains(&cp) {
        let base = LATIN1_BASE[(cp - 0xC0) as usize];
        if base != b'*' {
            return Weights {
                primary: ascii_primary(base),
                secondary: 1 + (cp & 0x1F),
                tertiary: u8::from(cp < 0xE0 && cp != 0xDF),
            };
        }
    }
    if c.is_alphabetic() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        Weights {
            primary: 300 + lower as u32,
            secondary: 0,
            tertiary: u8::from(c.is_uppercase()),
        }
    } else if c.is_numeric() {
        Weights {
            primary: 110,
            secondary: cp,
            tertiary: 0,
        }
    } else {
        Weights {
            primary: 60,
            secondary: cp,
            tertiary: 0,
        }
    }
}

/// Compares two texts the way `ORDER BY name` does under `en_US.UTF-8` (approximately; see
/// the module documentation).
pub(crate) fn compare(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    fn level<'s>(s: &'s str, pick: fn(Weights) -> u32) -> impl Iterator<Item = u32> + 's {
        s.chars().map(move |c| pick(weights(c)))
    }
    level(a, |w| w.primary)
        .cmp(level(b, |w| w.primary))
        .then_with(|| level(a, |w| w.secondary).cmp(level(b, |w| w.secondary)))
        .then_with(|| level(a, |w| u32::from(w.tertiary)).cmp(level(b, |w| u32::from(w.tertiary))))
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// `towupper` as PostgreSQL's `UPPER` applies it per character: a one-to-one mapping, so a
/// character whose upper case is several characters (`ß`) stays as it is.
pub(crate) fn upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(items: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| compare(a, b));
        v
    }

    #[test]
    fn case_is_a_late_tiebreak() {
        assert_eq!(sorted(&["b", "B", "a", "A"]), ["a", "A", "b", "B"]);
        assert_eq!(
            sorted(&["Bob", "alice", "Carol"]),
            ["alice", "Bob", "Carol"]
        );
        assert_eq!(sorted(&["ab", "Aa", "aB"]), ["Aa", "ab", "aB"]);
    }

    #[test]
    fn punctuation_sorts_before_digits_and_letters() {
        assert_eq!(
            sorted(&["11", "1-2", "12", "1-1"]),
            ["1-1", "1-2", "11", "12"]
        );
        assert_eq!(
            sorted(&[
                "library+ci",
                "library-ci",
                "library.ci",
                "library_ci",
                "libraryci"
            ]),
            [
                "library_ci",
                "library-ci",
                "library.ci",
                "library+ci",
                "libraryci"
            ]
        );
        assert_eq!(sorted(&["a1", "a", "ab", "a-"]), ["a", "a-", "a1", "ab"]);
    }

    #[test]
    fn accents_fold_then_break_ties() {
        assert_eq!(
            sorted(&["f", "é", "e", "E", "d"]),
            ["d", "e", "E", "é", "f"]
        );
        assert_eq!(sorted(&["zz", "ω", "a"]), ["a", "zz", "ω"]);
    }

    #[test]
    fn equal_only_when_bytes_equal() {
        assert_eq!(compare("ci", "ci"), Ordering::Equal);
        assert_ne!(compare("a\u{1}", "a\u{2}"), Ordering::Equal);
        assert_eq!(compare("", "a"), Ordering::Less);
    }

    #[test]
    fn upper_is_one_to_one() {
        assert_eq!(upper('a'), 'A');
        assert_eq!(upper('é'), 'É');
        assert_eq!(upper('ß'), 'ß');
        assert_eq!(upper('ı'), 'I');
        assert_eq!(upper('1'), '1');
    }
}

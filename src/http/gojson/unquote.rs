//! String literals as Go stores them (`decode.go` `unquoteBytes`, `getu4`; `unicode/utf8`
//! `DecodeRune`; `unicode/utf16` `DecodeRune`).
//!
//! Own code because Go repairs what serde_json refuses: each byte that does not begin a valid
//! UTF-8 sequence becomes one U+FFFD (where `String::from_utf8_lossy` replaces a whole
//! maximal prefix with one), and each `\u` surrogate escape that is not half of a proper pair
//! becomes one U+FFFD (goharbor/harbor#16884).

use std::borrow::Cow;

use super::scanner::is_hex;

/// The contents of a string literal (without its quotes, already accepted by the scanner) as
/// Go stores them: escapes decoded, each byte that does not begin a valid UTF-8 sequence
/// replaced by one U+FFFD, each `\u` surrogate that is not half of a proper pair replaced by
/// one U+FFFD. Borrowed when there is nothing to change.
pub fn unquote(s: &[u8]) -> Cow<'_, str> {
    if !s.contains(&b'\\')
        && let Ok(text) = std::str::from_utf8(s)
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(s.len());
    let mut r = 0;
    while r < s.len() {
        let c = s[r];
        if c == b'\\' {
            let esc = s[r + 1];
            let simple = match esc {
                b'"' | b'\\' | b'/' | b'\'' => Some(esc as char),
                b'b' => Some('\u{8}'),
                b'f' => Some('\u{c}'),
                b'n' => Some('\n'),
                b'r' => Some('\r'),
                b't' => Some('\t'),
                _ => None,
            };
            if let Some(ch) = simple {
                out.push(ch);
                r += 2;
                continue;
            }
            // `\uXXXX`
            let rr = getu4(&s[r..]).expect("scanner checked the escape");
            r += 6;
            if (0xD800..0xE000).contains(&rr) {
                // A surrogate: only a high one followed by an escaped low one makes a rune;
                // otherwise this escape alone becomes U+FFFD and the next is read afresh.
                if let Some(ch) = getu4(&s[r..]).and_then(|rr1| decode_surrogates(rr, rr1)) {
                    out.push(ch);
                    r += 6;
                } else {
                    out.push('\u{FFFD}');
                }
            } else {
                out.push(char::from_u32(rr).expect("not a surrogate"));
            }
        } else if c < 0x80 {
            out.push(c as char);
            r += 1;
        } else if let Some((ch, n)) = decode_rune(&s[r..]) {
            out.push(ch);
            r += n;
        } else {
            out.push('\u{FFFD}');
            r += 1;
        }
    }
    Cow::Owned(out)
}

/// decode.go `getu4`: the value of a leading `\uXXXX`, if there is one.
fn getu4(s: &[u8]) -> Option<u32> {
    if s.len() < 6 || s[0] != b'\\' || s[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&s[2..6]).ok()?;
    if !hex.bytes().all(is_hex) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// unicode/utf16 `DecodeRune`, returning `None` where Go returns U+FFFD.
fn decode_surrogates(r1: u32, r2: u32) -> Option<char> {
    if (0xD800..0xDC00).contains(&r1) && (0xDC00..0xE000).contains(&r2) {
        char::from_u32(((r1 - 0xD800) << 10 | (r2 - 0xDC00)) + 0x10000)
    } else {
        None
    }
}

/// unicode/utf8 `DecodeRune` for a non-ASCII first byte: the rune and its length, or `None`
/// where Go returns `(RuneError, 1)`.
pub(super) fn decode_rune(s: &[u8]) -> Option<(char, usize)> {
    let cont = |i: usize, lo: u8, hi: u8| s.get(i).is_some_and(|&b| (lo..=hi).contains(&b));
    let n = match s[0] {
        0xC2..=0xDF => 2,
        0xE0 => 3,
        0xE1..=0xEC | 0xEE | 0xEF => 3,
        0xED => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    // The second byte's range depends on the first (no overlongs, surrogates or > U+10FFFF).
    let (lo, hi) = match s[0] {
        0xE0 => (0xA0, 0xBF),
        0xED => (0x80, 0x9F),
        0xF0 => (0x90, 0xBF),
        0xF4 => (0x80, 0x8F),
        _ => (0x80, 0xBF),
    };
    if !cont(1, lo, hi) || (2..n).any(|i| !cont(i, 0x80, 0xBF)) {
        return None;
    }
    let ch = std::str::from_utf8(&s[..n]).ok()?.chars().next()?;
    Some((ch, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_repaired_byte_by_byte() {
        // Go replaces each byte that does not start a valid sequence: a truncated 3-byte
        // sequence gives two U+FFFD where Rust's from_utf8_lossy gives one.
        assert_eq!(unquote(b"\xe2\x82x"), "\u{FFFD}\u{FFFD}x");
        assert_eq!(String::from_utf8_lossy(b"\xe2\x82x"), "\u{FFFD}x");
        assert_eq!(unquote(b"M\xfcller"), "M\u{FFFD}ller");
        assert_eq!(unquote(b"\xed\xa0\x80"), "\u{FFFD}\u{FFFD}\u{FFFD}");
        assert_eq!(unquote(b"\xf4\x90\x80\x80"), "\u{FFFD}".repeat(4));
        assert_eq!(unquote("Müller 😀".as_bytes()), "Müller 😀");
    }

    #[test]
    fn surrogate_escapes_pair_or_become_replacement_characters() {
        assert_eq!(unquote(br"\ud800"), "\u{FFFD}");
        assert_eq!(unquote(br"\ud800\u0041"), "\u{FFFD}A");
        assert_eq!(unquote(br"\ud83d\ude00"), "\u{1F600}");
        assert_eq!(unquote(br"\uD83D\uDE00"), "\u{1F600}");
        assert_eq!(unquote(br"\ude00\ud83d"), "\u{FFFD}\u{FFFD}");
        assert_eq!(unquote(br"\ud800\ud800"), "\u{FFFD}\u{FFFD}");
        assert_eq!(unquote(br"a\u0000b\/\b\f\n\r\t"), "a\0b/\u{8}\u{c}\n\r\t");
    }
}

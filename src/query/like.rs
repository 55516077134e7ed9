//! `UPPER(col::text) LIKE UPPER(pattern)`, the SQL beego generates for `__icontains`.
//!
//! The pattern is compiled once: `%` matches any run of characters, `_` one character, `\`
//! makes the next character literal, and both sides go through [`upper`]. The common shape,
//! `%literal%`, becomes a plain case-insensitive substring search.

use super::collate::upper;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    Lit(char),
    One,
    Any,
}

/// A compiled, upper-cased `LIKE` pattern.
#[derive(Clone, Debug)]
pub(crate) enum Like {
    /// `%needle%` with no other wildcard: substring search.
    Contains {
        needle: Vec<char>,
        ascii: Option<Vec<u8>>,
    },
    /// Anything else, with the fewest characters a match needs (a cheap early reject that also
    /// bounds the matcher's worst case for long patterns), and how each text character is
    /// folded before it is compared (`upper`, or not at all for a plain `LIKE`).
    General {
        tokens: Vec<Token>,
        min_chars: usize,
        fold: fn(char) -> char,
    },
}

impl Like {
    /// Compiles a pattern with `\` as the escape character. `None` when the pattern ends with a
    /// lone `\`, which PostgreSQL rejects (`LIKE pattern must not end with escape character`).
    pub(crate) fn new(pattern: &str) -> Option<Like> {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            let token = match c {
                '\\' => Token::Lit(upper(chars.next()?)),
                '%' if tokens.last() == Some(&Token::Any) => continue,
                '%' => Token::Any,
                '_' => Token::One,
                c => Token::Lit(upper(c)),
            };
            tokens.push(token);
        }
        let inner = match tokens.as_slice() {
            [Token::Any] => Some(&[][..]),
            [Token::Any, inner @ .., Token::Any] => Some(inner),
            _ => None,
        };
        let needle: Option<Vec<char>> = inner.and_then(|inner| {
            inner
                .iter()
                .map(|t| match t {
                    Token::Lit(c) => Some(*c),
                    _ => None,
                })
                .collect()
        });
        Some(match needle {
            Some(needle) => {
                let ascii = needle
                    .iter()
                    .all(char::is_ascii)
                    .then(|| needle.iter().map(|c| *c as u8).collect());
                Like::Contains { needle, ascii }
            }
            None => Like::general(tokens, upper),
        })
    }

    /// A plain, case-sensitive `col LIKE pattern` (what Harbor's user search runs).
    pub(crate) fn case_sensitive(pattern: &str) -> Option<Like> {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            tokens.push(match c {
                '\\' => Token::Lit(chars.next()?),
                '%' => Token::Any,
                '_' => Token::One,
                c => Token::Lit(c),
            });
        }
        Some(Like::general(tokens, |c| c))
    }

    fn general(tokens: Vec<Token>, fold: fn(char) -> char) -> Like {
        let min_chars = tokens.iter().filter(|t| **t != Token::Any).count();
        Like::General {
            tokens,
            min_chars,
            fold,
        }
    }

    /// Whether `text` matches.
    pub(crate) fn matches(&self, text: &str) -> bool {
        match self {
            Like::Contains { needle, ascii } => match ascii {
                // A non-ASCII character may upper-case to ASCII (`ı` → `I`), so the byte search
                // is only valid on ASCII text.
                Some(bytes) if text.is_ascii() => contains_ascii(text.as_bytes(), bytes),
                _ => contains_chars(text, needle),
            },
            Like::General {
                tokens,
                min_chars,
                fold,
            } => {
                let long_enough = *min_chars == 0 || text.chars().nth(min_chars - 1).is_some();
                long_enough && matches_general(tokens, text, *fold)
            }
        }
    }
}

fn contains_ascii(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    (0..=hay.len() - needle.len()).any(|i| {
        hay[i].to_ascii_uppercase() == first
            && hay[i + 1..i + needle.len()]
                .iter()
                .zip(rest)
                .all(|(h, n)| h.to_ascii_uppercase() == *n)
    })
}

fn contains_chars(hay: &str, needle: &[char]) -> bool {
    if needle.is_empty() {
        return true;
    }
    hay.char_indices().any(|(i, _)| {
        let mut rest = hay[i..].chars();
        needle
            .iter()
            .all(|n| rest.next().is_some_and(|c| upper(c) == *n))
    })
}

/// The classic wildcard matcher: advance both sides, remember the last `%`, and on a mismatch
/// let that `%` swallow one more character. Linear in practice, O(n·m) at worst.
fn matches_general(tokens: &[Token], text: &str, fold: fn(char) -> char) -> bool {
    let (mut ti, mut pi) = (0, 0);
    let mut star: Option<(usize, usize)> = None; // (token after the `%`, text position)
    loop {
        if let Some(c) = text[ti..].chars().next() {
            match tokens.get(pi) {
                Some(Token::One) => {
                    pi += 1;
                    ti += c.len_utf8();
                    continue;
                }
                Some(Token::Lit(l)) if *l == fold(c) => {
                    pi += 1;
                    ti += c.len_utf8();
                    continue;
                }
                Some(Token::Any) => {
                    pi += 1;
                    star = Some((pi, ti));
                    continue;
                }
                _ => {}
            }
            match star {
                Some((sp, st)) => {
                    let skip = text[st..].chars().next().map_or(1, char::len_utf8);
                    star = Some((sp, st + skip));
                    pi = sp;
                    ti = st + skip;
                }
                None => return false,
            }
        } else {
            return tokens[pi..].iter().all(|t| *t == Token::Any);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn like(pattern: &str, text: &str) -> bool {
        Like::new(pattern).expect("valid pattern").matches(text)
    }

    #[test]
    fn contains_is_case_insensitive() {
        assert!(like("%ci%", "library+CI"));
        assert!(like("%CI%", "ci"));
        assert!(like("%%", ""));
        assert!(like("%", "anything"));
        assert!(!like("%cd%", "ci"));
        assert!(like("%日本%", "x日本y"));
        assert!(like("%É%", "café"));
        assert!(like("%I%", "ı"));
        assert!(matches!(Like::new("%a\\%b%"), Some(Like::Contains { .. })));
    }

    #[test]
    fn wildcards_and_escapes() {
        let cases = [
            ("%a_c%", "xabcx", true),
            ("%a_c%", "xacx", false),
            ("%a\\_c%", "a_c", true),
            ("%a\\_c%", "abc", false),
            ("%50\\%%", "50%", true),
            ("%50\\%%", "50", false),
            ("%50\\\\%", "x50\\y", true),
            ("%50\\\\%", "50", false),
            ("a%", "abc", true),
            ("a%", "bac", false),
            ("%c", "abc", true),
            ("%b%b%", "abab", true),
            ("%b%b%", "ab", false),
            ("_", "é", true),
            ("__", "é", false),
            ("%\\x%", "X", true),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(like(pattern, text), want, "{pattern:?} ~ {text:?}");
        }
        assert!(Like::new("%a\\").is_none());
        // More required characters than the text has: rejected up front.
        let long = format!("%{}%", "_%".repeat(300));
        assert!(!like(&long, &"x".repeat(255)));
        assert!(like(&long, &"x".repeat(300)));
    }
}

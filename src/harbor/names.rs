//! The name pattern Harbor requires of project and robot names:
//! `^[a-z0-9]+(?:[._-][a-z0-9]+)*$` (`src/server/v2.0/handler/robot.go` `validateName`,
//! `src/pkg/project/manager.go` `Create`).

use regex::Regex;
use std::sync::LazyLock;

static NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$").expect("a valid pattern"));

/// Whether `name` is lower-case letters and digits in groups joined by single `.`, `_` or `-`.
pub fn is_valid(name: &str) -> bool {
    NAME.is_match(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_table() {
        let cases = [
            ("ci", true),
            ("ci-bot.v2_x", true),
            ("0", true),
            ("123", true),
            ("", false),
            ("Ci", false),
            ("ci+x", false),
            ("robot$ci", false),
            ("-ci", false),
            ("ci-", false),
            ("ci--x", false),
            ("ci._x", false),
            ("çi", false),
            ("ci\n", false),
        ];
        for (name, ok) in cases {
            assert_eq!(is_valid(name), ok, "{name:?}");
        }
    }
}

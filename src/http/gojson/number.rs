//! Number literals bound for Go integers (`decode.go` `literalStore` with `strconv`).
//!
//! Go keeps a number as its literal text until it knows the target: an `int64` field takes
//! only what `strconv.ParseInt` takes, and a type error quotes the literal as written
//! (`number 1e5`), where serde_json would already have turned it into a float.

/// `strconv.ParseInt(lit, 10, bits)` as `literalStore` applies it to a number literal bound for
/// an `intN` field: only an optional sign and decimal digits, within range. `1.0`, `1e2` and
/// `-0.0` fail; `-0` is 0.
pub fn parse_go_int(lit: &str, bits: u32) -> Option<i64> {
    let (neg, digits) = match lit.as_bytes().first()? {
        b'-' => (true, &lit[1..]),
        b'+' => (false, &lit[1..]),
        _ => (false, lit),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let limit: i128 = 1i128 << (bits - 1);
    let mut n: i128 = 0;
    for b in digits.bytes() {
        n = n * 10 + i128::from(b - b'0');
        if n > limit {
            return None;
        }
    }
    let n = if neg { -n } else { n };
    // In range by the checks above: -2^(bits-1) <= n < 2^(bits-1), bits <= 64.
    (n >= -limit && n < limit).then_some(n as i64)
}

/// The `Value` part of an `UnmarshalTypeError` for a number: `literalStore` names the literal
/// only when the target is a numeric kind.
pub fn number_desc(lit: &str, target_is_numeric: bool) -> String {
    if target_is_numeric {
        format!("number {lit}")
    } else {
        "number".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_literals() {
        assert_eq!(parse_go_int("-0", 64), Some(0));
        assert_eq!(parse_go_int("9223372036854775807", 64), Some(i64::MAX));
        assert_eq!(parse_go_int("-9223372036854775808", 64), Some(i64::MIN));
        assert_eq!(parse_go_int("9223372036854775808", 64), None);
        assert_eq!(parse_go_int(&"1".repeat(400), 64), None);
        assert_eq!(parse_go_int("2147483648", 32), None);
        assert_eq!(parse_go_int("-2147483648", 32), Some(-2147483648));
        for lit in ["1.0", "1e2", "-0.0", "", "-"] {
            assert_eq!(parse_go_int(lit, 64), None, "{lit}");
        }
        assert_eq!(number_desc("1.5", true), "number 1.5");
        assert_eq!(number_desc("1.5", false), "number");
    }
}

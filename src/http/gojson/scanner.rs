//! Go's JSON scanner (`encoding/json/scanner.go`) driven the way `stream.go`
//! `Decoder.readValue` drives it: byte by byte, only up to the end of the first value.
//!
//! Own code rather than serde_json's parser because Harbor's 422s quote Go's syntax errors
//! word for word (`invalid character '}' looking for beginning of object key string`, a byte
//! ≥ 0x80 printed as a Latin-1 rune), Go's limits differ (10000 levels of nesting, any number
//! literal), and where the value ends decides what Go never looks at (`5x`, `nullx`, data
//! after an object).

/// `encoding/json`'s `maxNestingDepth`.
pub const MAX_DEPTH: usize = 10000;

/// Why no value could be read (`Decoder.Decode` before any storing happens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// `io.EOF`: the body is empty or only JSON whitespace.
    Eof,
    /// `io.ErrUnexpectedEOF`: the body ends inside a value.
    UnexpectedEof,
    /// `*json.SyntaxError`.
    Syntax {
        /// Its `Error()` text.
        msg: String,
        /// Its `Offset`: the bytes read when the error was seen.
        offset: u64,
    },
}

impl ReadError {
    /// `err.Error()` in Go.
    pub fn go_text(&self) -> &str {
        match self {
            ReadError::Eof => "EOF",
            ReadError::UnexpectedEof => "unexpected EOF",
            ReadError::Syntax { msg, .. } => msg,
        }
    }
}

/// What the scanner says about one byte (`scanContinue` ... `scanError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Continue,
    BeginLiteral,
    BeginObject,
    ObjectKey,
    ObjectValue,
    EndObject,
    BeginArray,
    ArrayValue,
    EndArray,
    SkipSpace,
    End,
    Error,
}

/// The scanner's `step` function, one variant per `state*` function of scanner.go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    BeginValueOrEmpty,
    BeginValue,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    /// `stateInStringEscU`, `...U1`, `...U12`, `...U123`: how many hex digits were seen.
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    T,
    Tr,
    Tru,
    F,
    Fa,
    Fal,
    Fals,
    N,
    Nu,
    Nul,
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

struct Scanner {
    step: Step,
    end_top: bool,
    parse_state: Vec<Parse>,
    err: Option<String>,
    bytes: u64,
}

pub(super) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

pub(super) fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

impl Scanner {
    fn new() -> Self {
        Scanner {
            step: Step::BeginValue,
            end_top: false,
            parse_state: Vec::new(),
            err: None,
            bytes: 0,
        }
    }

    fn error(&mut self, c: u8, context: &str) -> Op {
        self.step = Step::Error;
        self.err = Some(format!("invalid character {} {context}", quote_char(c)));
        Op::Error
    }

    fn push_parse_state(&mut self, c: u8, state: Parse, success: Op) -> Op {
        self.parse_state.push(state);
        if self.parse_state.len() <= MAX_DEPTH {
            success
        } else {
            self.error(c, "exceeded max depth")
        }
    }

    fn pop_parse_state(&mut self) {
        self.parse_state.pop();
        if self.parse_state.is_empty() {
            self.step = Step::EndTop;
            self.end_top = true;
        } else {
            self.step = Step::EndValue;
        }
    }

    fn step(&mut self, c: u8) -> Op {
        match self.step {
            Step::BeginValueOrEmpty => {
                if is_space(c) {
                    Op::SkipSpace
                } else if c == b']' {
                    self.end_value(c)
                } else {
                    self.begin_value(c)
                }
            }
            Step::BeginValue => self.begin_value(c),
            Step::BeginStringOrEmpty => {
                if is_space(c) {
                    Op::SkipSpace
                } else if c == b'}' {
                    *self.parse_state.last_mut().expect("inside an object") = Parse::ObjectValue;
                    self.end_value(c)
                } else {
                    self.begin_string(c)
                }
            }
            Step::BeginString => self.begin_string(c),
            Step::EndValue => self.end_value(c),
            Step::EndTop => self.end_top(c),
            Step::InString => match c {
                b'"' => {
                    self.step = Step::EndValue;
                    Op::Continue
                }
                b'\\' => {
                    self.step = Step::InStringEsc;
                    Op::Continue
                }
                c if c < 0x20 => self.error(c, "in string literal"),
                _ => Op::Continue,
            },
            Step::InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    self.step = Step::InString;
                    Op::Continue
                }
                b'u' => {
                    self.step = Step::InStringEscU(0);
                    Op::Continue
                }
                _ => self.error(c, "in string escape code"),
            },
            Step::InStringEscU(n) => {
                if !is_hex(c) {
                    return self.error(c, "in \\u hexadecimal character escape");
                }
                self.step = if n == 3 {
                    Step::InString
                } else {
                    Step::InStringEscU(n + 1)
                };
                Op::Continue
            }
            Step::Neg => match c {
                b'0' => self.go(Step::Zero),
                b'1'..=b'9' => self.go(Step::One),
                _ => self.error(c, "in numeric literal"),
            },
            Step::One => {
                if c.is_ascii_digit() {
                    Op::Continue
                } else {
                    self.zero(c)
                }
            }
            Step::Zero => self.zero(c),
            Step::Dot => {
                if c.is_ascii_digit() {
                    self.go(Step::Dot0)
                } else {
                    self.error(c, "after decimal point in numeric literal")
                }
            }
            Step::Dot0 => match c {
                b'0'..=b'9' => Op::Continue,
                b'e' | b'E' => self.go(Step::E),
                _ => self.end_value(c),
            },
            Step::E => {
                if c == b'+' || c == b'-' {
                    self.go(Step::ESign)
                } else {
                    self.e_sign(c)
                }
            }
            Step::ESign => self.e_sign(c),
            Step::E0 => {
                if c.is_ascii_digit() {
                    Op::Continue
                } else {
                    self.end_value(c)
                }
            }
            Step::T => self.literal(c, b'r', Step::Tr, "in literal true (expecting 'r')"),
            Step::Tr => self.literal(c, b'u', Step::Tru, "in literal true (expecting 'u')"),
            Step::Tru => self.literal(c, b'e', Step::EndValue, "in literal true (expecting 'e')"),
            Step::F => self.literal(c, b'a', Step::Fa, "in literal false (expecting 'a')"),
            Step::Fa => self.literal(c, b'l', Step::Fal, "in literal false (expecting 'l')"),
            Step::Fal => self.literal(c, b's', Step::Fals, "in literal false (expecting 's')"),
            Step::Fals => self.literal(c, b'e', Step::EndValue, "in literal false (expecting 'e')"),
            Step::N => self.literal(c, b'u', Step::Nu, "in literal null (expecting 'u')"),
            Step::Nu => self.literal(c, b'l', Step::Nul, "in literal null (expecting 'l')"),
            Step::Nul => self.literal(c, b'l', Step::EndValue, "in literal null (expecting 'l')"),
            Step::Error => Op::Error,
        }
    }

    fn go(&mut self, next: Step) -> Op {
        self.step = next;
        Op::Continue
    }

    fn literal(&mut self, c: u8, want: u8, next: Step, context: &str) -> Op {
        if c == want {
            self.go(next)
        } else {
            self.error(c, context)
        }
    }

    fn begin_value(&mut self, c: u8) -> Op {
        if is_space(c) {
            return Op::SkipSpace;
        }
        match c {
            b'{' => {
                self.step = Step::BeginStringOrEmpty;
                self.push_parse_state(c, Parse::ObjectKey, Op::BeginObject)
            }
            b'[' => {
                self.step = Step::BeginValueOrEmpty;
                self.push_parse_state(c, Parse::ArrayValue, Op::BeginArray)
            }
            b'"' => self.begin_literal(Step::InString),
            b'-' => self.begin_literal(Step::Neg),
            b'0' => self.begin_literal(Step::Zero),
            b't' => self.begin_literal(Step::T),
            b'f' => self.begin_literal(Step::F),
            b'n' => self.begin_literal(Step::N),
            b'1'..=b'9' => self.begin_literal(Step::One),
            _ => self.error(c, "looking for beginning of value"),
        }
    }

    fn begin_literal(&mut self, next: Step) -> Op {
        self.step = next;
        Op::BeginLiteral
    }

    fn begin_string(&mut self, c: u8) -> Op {
        if is_space(c) {
            Op::SkipSpace
        } else if c == b'"' {
            self.begin_literal(Step::InString)
        } else {
            self.error(c, "looking for beginning of object key string")
        }
    }

    fn end_value(&mut self, c: u8) -> Op {
        let Some(&ps) = self.parse_state.last() else {
            self.step = Step::EndTop;
            self.end_top = true;
            return self.end_top(c);
        };
        if is_space(c) {
            self.step = Step::EndValue;
            return Op::SkipSpace;
        }
        let n = self.parse_state.len();
        match ps {
            Parse::ObjectKey => {
                if c == b':' {
                    self.parse_state[n - 1] = Parse::ObjectValue;
                    self.step = Step::BeginValue;
                    return Op::ObjectKey;
                }
                self.error(c, "after object key")
            }
            Parse::ObjectValue => match c {
                b',' => {
                    self.parse_state[n - 1] = Parse::ObjectKey;
                    self.step = Step::BeginString;
                    Op::ObjectValue
                }
                b'}' => {
                    self.pop_parse_state();
                    Op::EndObject
                }
                _ => self.error(c, "after object key:value pair"),
            },
            Parse::ArrayValue => match c {
                b',' => {
                    self.step = Step::BeginValue;
                    Op::ArrayValue
                }
                b']' => {
                    self.pop_parse_state();
                    Op::EndArray
                }
                _ => self.error(c, "after array element"),
            },
        }
    }

    /// `stateEndTop`: the value is complete; a non-space byte is an error for `Valid`, but
    /// the stream decoder stops at `scanEnd` before it matters.
    fn end_top(&mut self, c: u8) -> Op {
        if !is_space(c) {
            self.error(c, "after top-level value");
        }
        Op::End
    }

    fn zero(&mut self, c: u8) -> Op {
        match c {
            b'.' => self.go(Step::Dot),
            b'e' | b'E' => self.go(Step::E),
            _ => self.end_value(c),
        }
    }

    fn e_sign(&mut self, c: u8) -> Op {
        if c.is_ascii_digit() {
            self.go(Step::E0)
        } else {
            self.error(c, "in exponent of numeric literal")
        }
    }
}

/// scanner.go `quoteChar`: the byte as a one-character Go literal, `strconv.Quote` of the rune
/// with the byte's value (so 0xFC prints as `'ü'` and 0x85 as `'\u0085'`).
pub fn quote_char(c: u8) -> String {
    match c {
        b'\'' => return r"'\''".to_string(),
        b'"' => return "'\"'".to_string(),
        _ => {}
    }
    let body = match c {
        0x07 => r"\a".to_string(),
        0x08 => r"\b".to_string(),
        0x0c => r"\f".to_string(),
        b'\n' => r"\n".to_string(),
        b'\r' => r"\r".to_string(),
        b'\t' => r"\t".to_string(),
        0x0b => r"\v".to_string(),
        b'\\' => r"\\".to_string(),
        0x00..=0x1f | 0x7f => format!(r"\x{c:02x}"),
        0x20..=0x7e => (c as char).to_string(),
        // Latin-1: strconv.IsPrint is false for the C1 controls, NO-BREAK SPACE and SOFT HYPHEN.
        0x80..=0xa0 | 0xad => format!(r"\u{c:04x}"),
        _ => char::from(c).to_string(),
    };
    format!("'{body}'")
}

/// How many bytes of `data` make up its first JSON value (leading whitespace included), as
/// `Decoder.readValue` decides: the value ends at the byte that closes it (objects, arrays) or
/// at the first byte after it (literals, numbers); nothing after that is examined.
pub fn scan_first_value(data: &[u8]) -> Result<usize, ReadError> {
    let mut scan = Scanner::new();
    for (i, &c) in data.iter().enumerate() {
        scan.bytes += 1;
        match scan.step(c) {
            Op::End => return Ok(i),
            // A closed object or array at depth 0 ends the value at once (the guard feeds the
            // scanner the space Go feeds it here).
            Op::EndObject | Op::EndArray if scan.end_value(b' ') == Op::End => return Ok(i + 1),
            Op::Error => {
                return Err(ReadError::Syntax {
                    msg: scan.err.take().unwrap_or_default(),
                    offset: scan.bytes,
                });
            }
            _ => {}
        }
    }
    // At EOF Go feeds one space: it ends a top-level number or literal.
    if scan.step(b' ') == Op::End {
        return Ok(data.len());
    }
    if data.iter().any(|&c| !is_space(c)) {
        Err(ReadError::UnexpectedEof)
    } else {
        Err(ReadError::Eof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_value_is_read() {
        assert_eq!(scan_first_value(br#" {"a":1} {"b":"#), Ok(8));
        assert_eq!(scan_first_value(b"5x"), Ok(1));
        assert_eq!(scan_first_value(b"nullx"), Ok(4));
        assert_eq!(scan_first_value(b"12"), Ok(2));
        assert_eq!(scan_first_value(b" \n\t"), Err(ReadError::Eof));
        assert_eq!(scan_first_value(b""), Err(ReadError::Eof));
        assert_eq!(scan_first_value(b"-"), Err(ReadError::UnexpectedEof));
        assert_eq!(scan_first_value(br#"{"a""#), Err(ReadError::UnexpectedEof));
    }

    #[test]
    fn syntax_errors_carry_go_offsets() {
        let err = scan_first_value(b"\xef\xbb\xbf{}").unwrap_err();
        assert_eq!(
            err,
            ReadError::Syntax {
                msg: "invalid character 'ï' looking for beginning of value".into(),
                offset: 1
            }
        );
    }

    #[test]
    fn nesting_stops_at_ten_thousand() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(scan_first_value(ok.as_bytes()), Ok(ok.len()));
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(
            scan_first_value(deep.as_bytes()).unwrap_err().go_text(),
            "invalid character '[' exceeded max depth"
        );
    }

    #[test]
    fn quote_char_is_strconv_quote_of_the_byte_as_a_rune() {
        let cases = [
            (b'x', "'x'"),
            (b'\'', r"'\''"),
            (b'"', "'\"'"),
            (b'\\', r"'\\'"),
            (0x00, r"'\x00'"),
            (0x07, r"'\a'"),
            (0x0b, r"'\v'"),
            (0x0c, r"'\f'"),
            (0x1f, r"'\x1f'"),
            (0x7f, r"'\x7f'"),
            (0x80, r"'\u0080'"),
            (0xa0, r"'\u00a0'"),
            (0xa1, "'¡'"),
            (0xad, r"'\u00ad'"),
            (0xef, "'ï'"),
            (0xff, "'ÿ'"),
        ];
        for (c, want) in cases {
            assert_eq!(quote_char(c), want, "byte {c:#04x}");
        }
    }
}

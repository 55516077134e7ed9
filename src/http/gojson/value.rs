//! The JSON value `Decoder.Decode` reads, as a tree: built without recursion from bytes the
//! [scanner](super::scanner) has accepted, and freed without recursion, so a body nested
//! 10000 deep (Go's limit) needs no deep stack in debug or release builds.

use std::borrow::Cow;

use super::scanner::{ReadError, is_space, scan_first_value};
use super::unquote::unquote;

/// A JSON value as Go's decoder reads it, borrowing from the body where it can (numbers
/// always, strings and keys without escapes or invalid UTF-8), so a large body costs few
/// allocations.
///
/// `Drop` is written out so that a body nested 10000 deep does not overflow the stack when the
/// tree is freed; take strings or vectors out with `std::mem::take` rather than by moving.
#[derive(Debug, PartialEq)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// The literal text, as `json.Number` keeps it.
    Number(&'a str),
    /// The contents, unquoted as Go unquotes them ([`unquote`]).
    String(Cow<'a, str>),
    /// The elements in order.
    Array(Vec<Value<'a>>),
    /// Every key (unquoted) in document order; duplicates are kept.
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl Value<'_> {
    /// The word Go's `UnmarshalTypeError` uses for this kind of JSON value.
    pub fn go_kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

impl Drop for Value<'_> {
    fn drop(&mut self) {
        let mut pending = Vec::new();
        take_children(self, &mut pending);
        while let Some(mut v) = pending.pop() {
            take_children(&mut v, &mut pending);
        }
    }
}

fn take_children<'a>(v: &mut Value<'a>, into: &mut Vec<Value<'a>>) {
    match v {
        Value::Array(items) => into.append(items),
        Value::Object(fields) => into.extend(std::mem::take(fields).into_iter().map(|(_, v)| v)),
        _ => {}
    }
}

/// The first JSON value of `data` and the number of bytes it took (what `Decoder.Decode`
/// reads; nothing after it is looked at).
pub fn read_value(data: &[u8]) -> Result<(Value<'_>, usize), ReadError> {
    let n = scan_first_value(data)?;
    Ok((build_tree(&data[..n]), n))
}

enum Frame<'a> {
    Array(Vec<Value<'a>>),
    Object(Vec<(Cow<'a, str>, Value<'a>)>, Cow<'a, str>),
}

/// Builds the tree of one value the scanner has already accepted, without recursion (the
/// value may be nested 10000 deep).
fn build_tree(data: &[u8]) -> Value<'_> {
    let mut p = Cursor { data, i: 0 };
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        p.skip_space();
        let mut value = match p.peek() {
            b'{' => {
                p.i += 1;
                p.skip_space();
                if p.peek() == b'}' {
                    p.i += 1;
                    Value::Object(Vec::new())
                } else {
                    let key = p.key();
                    stack.push(Frame::Object(Vec::new(), key));
                    continue;
                }
            }
            b'[' => {
                p.i += 1;
                p.skip_space();
                if p.peek() == b']' {
                    p.i += 1;
                    Value::Array(Vec::new())
                } else {
                    stack.push(Frame::Array(Vec::new()));
                    continue;
                }
            }
            _ => p.scalar(),
        };
        // Hand the finished value to its container; close every container that ends here.
        loop {
            match stack.last_mut() {
                None => return value,
                Some(Frame::Array(items)) => {
                    items.push(value);
                    p.skip_space();
                    let c = p.peek();
                    p.i += 1;
                    if c == b',' {
                        break;
                    }
                    let Some(Frame::Array(items)) = stack.pop() else {
                        unreachable!()
                    };
                    value = Value::Array(items);
                }
                Some(Frame::Object(fields, key)) => {
                    fields.push((std::mem::take(key), value));
                    p.skip_space();
                    let c = p.peek();
                    p.i += 1;
                    if c == b',' {
                        p.skip_space();
                        *key = p.key();
                        break;
                    }
                    let Some(Frame::Object(fields, _)) = stack.pop() else {
                        unreachable!()
                    };
                    value = Value::Object(fields);
                }
            }
        }
    }
}

struct Cursor<'a> {
    data: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> u8 {
        self.data[self.i]
    }

    fn skip_space(&mut self) {
        while self.i < self.data.len() && is_space(self.data[self.i]) {
            self.i += 1;
        }
    }

    /// An object key and the colon after it.
    fn key(&mut self) -> Cow<'a, str> {
        let key = self.string();
        self.skip_space();
        self.i += 1; // ':'
        key
    }

    fn string(&mut self) -> Cow<'a, str> {
        let start = self.i + 1;
        let mut j = start;
        while self.data[j] != b'"' {
            j += if self.data[j] == b'\\' { 2 } else { 1 };
        }
        self.i = j + 1;
        unquote(&self.data[start..j])
    }

    fn scalar(&mut self) -> Value<'a> {
        match self.peek() {
            b'"' => Value::String(self.string()),
            b't' => {
                self.i += 4;
                Value::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Value::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Value::Null
            }
            _ => {
                let start = self.i;
                while self.i < self.data.len()
                    && matches!(
                        self.data[self.i],
                        b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'
                    )
                {
                    self.i += 1;
                }
                let literal = std::str::from_utf8(&self.data[start..self.i]);
                Value::Number(literal.expect("the scanner lets only ASCII into a number"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::gojson::scanner::MAX_DEPTH;

    #[test]
    fn objects_keep_every_key_in_order() {
        let (v, _) = read_value(br#"{"b":1,"a":2,"b":null}"#).unwrap();
        let Value::Object(fields) = &v else { panic!() };
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
        assert_eq!(fields[0].1, Value::Number("1"));
        assert!(
            matches!(fields[0].0, Cow::Borrowed("b")),
            "no copy without escapes"
        );
        assert_eq!(fields[2].1, Value::Null);
    }

    #[test]
    fn scalars_and_containers() {
        let (v, n) = read_value(br#" [true,false,null,-1.5e3,"a\u0062",{},[]] x"#).unwrap();
        assert_eq!(n, 41, "the value ends at its closing bracket");
        let Value::Array(items) = &v else { panic!() };
        assert_eq!(items[0], Value::Bool(true));
        assert_eq!(items[3], Value::Number("-1.5e3"));
        assert_eq!(items[4], Value::String("ab".into()));
        assert_eq!(items[5], Value::Object(Vec::new()));
        assert_eq!(items[6], Value::Array(Vec::new()));
    }

    /// Built and dropped on a thread with a small stack: neither step may recurse.
    #[test]
    fn ten_thousand_levels_need_no_deep_stack() {
        let body = format!(
            "{}{}",
            r#"{"a":["#.repeat(MAX_DEPTH / 2),
            "]}".repeat(MAX_DEPTH / 2)
        );
        std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                let (value, n) = read_value(body.as_bytes()).expect("depth 10000 is allowed");
                assert_eq!(n, body.len());
                drop(value);
            })
            .unwrap()
            .join()
            .unwrap();
    }
}

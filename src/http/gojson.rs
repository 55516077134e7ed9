//! Request bodies decoded the way Harbor's go-swagger binding decodes them: Go's
//! `encoding/json` into the generated model struct.
//!
//! Go matches keys case-insensitively, lets the last duplicate win, ignores unknown keys and
//! anything after the first JSON value, treats `null` as "leave the zero value", and rejects a
//! wrong JSON type with `json: cannot unmarshal <type> into Go struct field
//! <Struct>.<path> of type <go type>`. serde's derive does none of that, so bodies are parsed to
//! a [`Value`] and each model reads its fields through [`Fields`] (see `super::bodies`).

use serde_json::{Map, Value};

use crate::datetime::is_strfmt_date_time;

/// A body model with the names go-swagger uses in its messages.
pub trait GoBody: Sized {
    /// The body parameter's name (`robot`, `robotSec`).
    const PARAM: &'static str;
    /// The Go type name (`RobotCreate`).
    const GO_TYPE: &'static str;
    /// Decodes from a JSON object with Go's rules; `Err` is the Go error text.
    fn from_object(obj: &Fields<'_>) -> Result<Self, String>;
    /// The model's own `Validate` (go-swagger's schema constraints, e.g. `maxLength`), run
    /// after decoding; `Err` is one line of its validation failure list.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

/// go-swagger's `maxLength`, which counts runes: `<field> in body should be at most <max>
/// chars long`.
pub fn max_length(field: &str, value: &str, max: usize) -> Result<(), String> {
    if value.chars().count() > max {
        Err(format!(
            "{field} in body should be at most {max} chars long"
        ))
    } else {
        Ok(())
    }
}

/// Decodes the first JSON value of `bytes` into `T`. `Ok(None)` means there was no value at
/// all (Go's `io.EOF`), which go-swagger reports as a missing required body.
pub fn decode<T: GoBody>(bytes: &[u8]) -> Result<Option<T>, String> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Value>();
    let value = match stream.next() {
        None => return Ok(None),
        Some(Ok(value)) => value,
        Some(Err(e)) if e.is_eof() => return Err("unexpected EOF".into()),
        Some(Err(e)) => return Err(go_syntax_message(&e)),
    };
    let empty = Map::new();
    let object = match &value {
        Value::Object(map) => map,
        Value::Null => &empty,
        other => {
            return Err(format!(
                "json: cannot unmarshal {} into Go value of type models.{}",
                json_type(other, T::GO_TYPE),
                T::GO_TYPE
            ));
        }
    };
    T::from_object(&Fields {
        map: object,
        go_type: T::GO_TYPE,
        path: String::new(),
    })
    .map(Some)
}

fn go_syntax_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text);
    format!("invalid character in JSON ({text})")
}

/// How Go names the JSON value it could not store into a `go` value: a number carries its
/// text only where it was meant for an integer (Go's `literalStore`).
fn json_type(v: &Value, go: &str) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(n) if go == "int64" => format!("number {n}"),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
    }
}

/// The bare name of a Go struct type (`models.Access` → `Access`): Go's messages name the
/// innermost struct being decoded, with the whole JSON path of the field.
fn struct_name(go: &'static str) -> &'static str {
    go.rsplit('.').next().unwrap_or(go)
}

/// A JSON object being decoded into a Go struct.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    go_type: &'static str,
    /// Dotted JSON path of this object inside the body (`permissions.access`).
    path: String,
}

/// One element of a JSON array being decoded.
pub struct Item<'a> {
    value: &'a Value,
    go_type: &'static str,
    path: String,
}

impl<'a> Fields<'a> {
    /// The value for `name`, matched case-insensitively; `null` counts as absent.
    fn get(&self, name: &str) -> Option<&'a Value> {
        // The map keeps document order (serde_json `preserve_order`), so the last key that
        // matches in any case wins, as it does in Go.
        let value = self
            .map
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)?;
        (!value.is_null()).then_some(value)
    }

    fn mismatch(&self, name: &str, value: &Value, go: &str) -> String {
        let field = self.path_of(name);
        format!(
            "json: cannot unmarshal {} into Go struct field {}.{field} of type {go}",
            json_type(value, go),
            self.go_type
        )
    }

    fn path_of(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    /// A `string` field: empty when absent or `null`.
    pub fn string(&self, name: &str) -> Result<String, String> {
        self.opt_string(name).map(Option::unwrap_or_default)
    }

    /// A `*string` field: `None` when absent or `null`.
    pub fn opt_string(&self, name: &str) -> Result<Option<String>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.mismatch(name, other, "string")),
        }
    }

    /// A nested struct (or pointer to one): `None` when absent or `null`.
    pub fn object(&self, name: &str, go: &'static str) -> Result<Option<Fields<'a>>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Fields {
                map,
                go_type: struct_name(go),
                path: self.path_of(name),
            })),
            Some(other) => Err(self.mismatch(name, other, go)),
        }
    }

    /// An `int64` field: `None` when absent or `null`.
    pub fn int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(v @ Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.mismatch(name, v, "int64")),
            Some(other) => Err(self.mismatch(name, other, "int64")),
        }
    }

    /// A `bool` field: false when absent or `null`.
    pub fn boolean(&self, name: &str) -> Result<bool, String> {
        self.opt_bool(name).map(Option::unwrap_or_default)
    }

    /// A `*bool` field: `None` when absent or `null`.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.mismatch(name, other, "bool")),
        }
    }

    /// A strfmt `date-time`: must be a string in one of the accepted formats.
    pub fn date_time(&self, name: &str) -> Result<(), String> {
        match self.get(name) {
            None => Ok(()),
            Some(Value::String(s)) if s.is_empty() || is_strfmt_date_time(s) => Ok(()),
            Some(Value::String(s)) => Err(format!(
                "parsing time {s:?} as \"2006-01-02T15:04:05.000Z07:00\": cannot parse as date-time"
            )),
            Some(other) => Err(self.mismatch(name, other, "strfmt.DateTime")),
        }
    }

    /// An array field, each element read by `each`: `None` when absent or `null`, a `null`
    /// element `None`.
    pub fn array<T>(
        &self,
        name: &str,
        go: &str,
        mut each: impl FnMut(&Item<'a>) -> Result<T, String>,
    ) -> Result<Option<Vec<Option<T>>>, String> {
        let items = match self.get(name) {
            None => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(other) => return Err(self.mismatch(name, other, go)),
        };
        let path = self.path_of(name);
        items
            .iter()
            .map(|value| {
                if value.is_null() {
                    return Ok(None);
                }
                each(&Item {
                    value,
                    go_type: self.go_type,
                    path: path.clone(),
                })
                .map(Some)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

impl<'a> Item<'a> {
    /// The element as a struct.
    pub fn object(&self, go: &'static str) -> Result<Fields<'a>, String> {
        match self.value {
            Value::Object(map) => Ok(Fields {
                map,
                go_type: struct_name(go),
                path: self.path.clone(),
            }),
            other => Err(format!(
                "json: cannot unmarshal {} into Go struct field {}.{} of type {go}",
                json_type(other, go),
                self.go_type,
                self.path
            )),
        }
    }
}

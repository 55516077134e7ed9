//! Request bodies, decoded the way Harbor's go-swagger binding decodes them.
//!
//! Go's `encoding/json` matches keys case-insensitively, lets the last duplicate win, ignores
//! unknown keys and anything after the first JSON value, treats `null` as "leave the zero
//! value", and rejects a wrong JSON type with `json: cannot unmarshal <type> into Go struct
//! field <Struct>.<path> of type <go type>`. serde's derive does none of that, so bodies are
//! parsed to a [`Value`] and picked apart here.

use serde_json::{Map, Value};

use crate::model::{Access, Permission, parse_rfc3339_millis};

/// `RobotCreate` (POST body). `secret` and `disable` are accepted and ignored, as in Harbor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RobotCreate {
    pub name: String,
    pub description: String,
    pub level: String,
    pub duration: i64,
    /// `None` when missing or null; inner `None` for a `null` entry.
    pub permissions: Option<Vec<Option<PermissionIn>>>,
}

/// `Robot` as a PUT body; read-only fields are decoded (their types are checked) and dropped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RobotPut {
    pub name: String,
    pub description: String,
    pub level: String,
    pub disable: bool,
    /// Missing or `null` keeps the stored duration.
    pub duration: Option<i64>,
    pub permissions: Option<Vec<Option<PermissionIn>>>,
}

/// `RobotSec` (PATCH body).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RobotSecIn {
    pub secret: String,
}

/// A `RobotPermission` as sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PermissionIn {
    pub kind: String,
    pub namespace: String,
    pub access: Option<Vec<Option<Access>>>,
}

impl PermissionIn {
    /// The stored form, once validation has ruled out `null` accesses.
    pub fn to_permission(&self) -> Permission {
        Permission {
            kind: self.kind.as_str().into(),
            namespace: self.namespace.as_str().into(),
            access: self.access.iter().flatten().flatten().cloned().collect(),
        }
    }
}

/// A body type with the names go-swagger uses in its messages.
pub trait Body: Sized {
    /// The body parameter's name (`robot`, `robotSec`).
    const PARAM: &'static str;
    /// The Go type name (`RobotCreate`).
    const GO_TYPE: &'static str;
    /// Decodes from a JSON object with Go's rules; `Err` is the Go error text.
    fn from_object(obj: &Fields<'_>) -> Result<Self, String>;
}

impl Body for RobotCreate {
    const PARAM: &'static str = "robot";
    const GO_TYPE: &'static str = "RobotCreate";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        // Type-checked like every other field, then ignored.
        f.string("secret")?;
        f.boolean("disable")?;
        Ok(RobotCreate {
            name: f.string("name")?,
            description: f.string("description")?,
            level: f.string("level")?,
            duration: f.int("duration")?.unwrap_or(0),
            permissions: permissions(f)?,
        })
    }
}

impl Body for RobotPut {
    const PARAM: &'static str = "robot";
    const GO_TYPE: &'static str = "Robot";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        f.int("id")?;
        f.string("secret")?;
        f.boolean("editable")?;
        f.int("expires_at")?;
        f.string("creator_type")?;
        f.int("creator_ref")?;
        f.date_time("creation_time")?;
        f.date_time("update_time")?;
        Ok(RobotPut {
            name: f.string("name")?,
            description: f.string("description")?,
            level: f.string("level")?,
            disable: f.boolean("disable")?,
            duration: f.int("duration")?,
            permissions: permissions(f)?,
        })
    }
}

impl Body for RobotSecIn {
    const PARAM: &'static str = "robotSec";
    const GO_TYPE: &'static str = "RobotSec";
    fn from_object(f: &Fields<'_>) -> Result<Self, String> {
        Ok(RobotSecIn {
            secret: f.string("secret")?,
        })
    }
}

fn permissions(f: &Fields<'_>) -> Result<Option<Vec<Option<PermissionIn>>>, String> {
    f.array("permissions", "[]*models.RobotPermission", |item| {
        let p = item.object("models.RobotPermission")?;
        Ok(PermissionIn {
            kind: p.string("kind")?,
            namespace: p.string("namespace")?,
            access: p.array("access", "[]*models.Access", |a| {
                let a = a.object("models.Access")?;
                Ok(Access {
                    action: a.string("action")?.into(),
                    effect: a.string("effect")?.into(),
                    resource: a.string("resource")?.into(),
                })
            })?,
        })
    })
}

/// Decodes the first JSON value of `bytes` into `T`. `Ok(None)` means there was no value at
/// all (Go's `io.EOF`), which go-swagger reports as a missing required body.
pub fn decode<T: Body>(bytes: &[u8]) -> Result<Option<T>, String> {
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
                json_type(other),
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

fn json_type(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(n) => format!("number {n}"),
        Value::String(_) => "string".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
    }
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
        let field = if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        };
        format!(
            "json: cannot unmarshal {} into Go struct field {}.{field} of type {go}",
            json_type(value),
            self.go_type
        )
    }

    fn string(&self, name: &str) -> Result<String, String> {
        match self.get(name) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(self.mismatch(name, other, "string")),
        }
    }

    fn int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(v @ Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.mismatch(name, v, "int64")),
            Some(other) => Err(self.mismatch(name, other, "int64")),
        }
    }

    fn boolean(&self, name: &str) -> Result<bool, String> {
        match self.get(name) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.mismatch(name, other, "bool")),
        }
    }

    /// A strfmt `date-time`: must be a string in one of the accepted formats.
    fn date_time(&self, name: &str) -> Result<(), String> {
        match self.get(name) {
            None => Ok(()),
            Some(Value::String(s)) if s.is_empty() || parse_go_date_time(s) => Ok(()),
            Some(Value::String(s)) => Err(format!(
                "parsing time {s:?} as \"2006-01-02T15:04:05.000Z07:00\": cannot parse as date-time"
            )),
            Some(other) => Err(self.mismatch(name, other, "strfmt.DateTime")),
        }
    }

    fn array<T>(
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
        let path = if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        };
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
    fn object(&self, go: &str) -> Result<Fields<'a>, String> {
        match self.value {
            Value::Object(map) => Ok(Fields {
                map,
                go_type: self.go_type,
                path: self.path.clone(),
            }),
            other => Err(format!(
                "json: cannot unmarshal {} into Go struct field {}.{} of type {go}",
                json_type(other),
                self.go_type,
                self.path
            )),
        }
    }
}

/// The layouts of go-openapi strfmt's `DateTimeFormats` that clients send in practice:
/// RFC 3339 with any fraction and with or without a colon in the offset, the local
/// `2006-01-02T15:04:05` form, and `2006-01-02 15:04:05`.
pub fn parse_go_date_time(s: &str) -> bool {
    if parse_rfc3339_millis(s).is_some() {
        return true;
    }
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let base = b.len() >= 16
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16);
    if !base {
        return false;
    }
    let mut rest = &s[16..];
    if let Some(r) = rest.strip_prefix(':') {
        if r.len() < 2 || !r.as_bytes()[..2].iter().all(u8::is_ascii_digit) {
            return false;
        }
        rest = &r[2..];
        if let Some(r) = rest.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return false;
            }
            rest = &r[n..];
        }
    }
    match rest {
        "" | "Z" => true,
        offset => {
            let o = offset.as_bytes();
            (o[0] == b'+' || o[0] == b'-')
                && matches!(o.len(), 5 | 6)
                && o[1..].iter().filter(|c| c.is_ascii_digit()).count() == 4
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(body: &str) -> Result<Option<RobotCreate>, String> {
        decode::<RobotCreate>(body.as_bytes())
    }

    #[test]
    fn keys_match_case_insensitively_and_last_duplicate_wins() {
        let r = create(r#"{"NAME":"a","Duration":5,"name":"b","level":"x","level":"system"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.name, "b", "the last key in any case wins");
        assert_eq!(r.duration, 5);
        assert_eq!(r.level, "system", "last duplicate wins");
    }

    #[test]
    fn unknown_keys_nulls_and_trailing_data_are_ignored() {
        let r = create(r#"{"name":"a","foo":[1],"description":null} trailing garbage"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.name, "a");
        assert_eq!(r.description, "");
        assert_eq!(create("null").unwrap(), Some(RobotCreate::default()));
    }

    #[test]
    fn missing_body_is_none() {
        assert_eq!(create("").unwrap(), None);
        assert_eq!(create("  \n ").unwrap(), None);
    }

    #[test]
    fn type_errors_use_go_wording() {
        let cases = [
            (
                r#"{"duration":"30"}"#,
                "json: cannot unmarshal string into Go struct field RobotCreate.duration of type int64",
            ),
            (
                r#"{"duration":30.5}"#,
                "json: cannot unmarshal number 30.5 into Go struct field RobotCreate.duration of type int64",
            ),
            (
                r#"{"disable":"true"}"#,
                "json: cannot unmarshal string into Go struct field RobotCreate.disable of type bool",
            ),
            (
                r#"{"permissions":[{"access":[{"resource":1}]}]}"#,
                "json: cannot unmarshal number 1 into Go struct field RobotCreate.permissions.access.resource of type string",
            ),
            (
                r#"[]"#,
                "json: cannot unmarshal array into Go value of type models.RobotCreate",
            ),
            (r#"{"name":"a""#, "unexpected EOF"),
        ];
        for (body, message) in cases {
            assert_eq!(create(body).unwrap_err(), message, "{body}");
        }
    }

    #[test]
    fn null_permission_entries_are_kept_as_none() {
        let r = create(r#"{"permissions":[null,{"kind":"project","access":[null]}]}"#)
            .unwrap()
            .unwrap();
        let perms = r.permissions.unwrap();
        assert_eq!(perms[0], None);
        assert_eq!(perms[1].as_ref().unwrap().access, Some(vec![None]));
    }

    #[test]
    fn put_checks_date_times() {
        let ok = [
            "2026-08-21T06:00:00.123Z",
            "2026-08-21T06:00:00Z",
            "2026-08-21T06:00:00.123456+00:00",
            "2026-08-21T06:00:00",
            "2026-08-21 06:00:00",
            "2026-08-21T06:00:00.123+0000",
        ];
        for s in ok {
            assert!(parse_go_date_time(s), "{s}");
        }
        for s in ["yesterday", "2026-08-21", "2026-08-21T06:00:00.Z"] {
            assert!(!parse_go_date_time(s), "{s}");
        }
        let err = decode::<RobotPut>(br#"{"creation_time":"yesterday"}"#).unwrap_err();
        assert!(err.starts_with("parsing time \"yesterday\""), "{err}");
    }
}

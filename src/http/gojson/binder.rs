//! `dec.Decode(&body)` into a model struct: `decode.go`'s `value`, `object`, `array` and
//! `literalStore`, over the [value tree](super::value) and the [types](super::types).
//!
//! Own code because serde's derive cannot do what Go does here: keys match a field exactly or
//! else under Go's case folding, `null` leaves non-pointer fields alone, a repeated key
//! decodes *into* what the earlier one left (structs merge, slices reuse their backing array),
//! the first type error is remembered and reported only after the whole value was stored,
//! errors name the innermost struct and the dotted field path, and a custom `UnmarshalJSON`
//! error (strfmt.DateTime) stops decoding at once. Recursion follows the model, never the
//! body, so its depth is that of the deepest model (a handful of levels).

use std::borrow::Cow;

use super::growslice::go_grow_cap;
use super::number::{number_desc, parse_go_int};
use super::scanner::ReadError;
use super::strfmt::{DateTime, parse_date_time};
use super::types::{GoSlice, GoValue, StructType, Type};
use super::value::{Value, read_value};

/// Why a body did not bind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// `io.EOF`: no value at all.
    Eof,
    /// Any other error; the text is Go's `err.Error()`.
    Invalid(String),
}

impl DecodeError {
    /// `err.Error()` in Go.
    pub fn go_text(&self) -> &str {
        match self {
            DecodeError::Eof => "EOF",
            DecodeError::Invalid(e) => e,
        }
    }
}

/// `dec.Decode(&body)` with a fresh `body` of type `shape`: the stored value, or Go's error.
pub fn decode(data: &[u8], shape: &'static StructType) -> Result<GoValue, DecodeError> {
    let (value, _) = read_value(data).map_err(|e| match e {
        ReadError::Eof => DecodeError::Eof,
        other => DecodeError::Invalid(other.go_text().to_string()),
    })?;
    let mut out = shape.zero();
    let mut binder = Binder::default();
    match &value {
        Value::Object(fields) => {
            binder
                .object(fields, shape, &mut out)
                .map_err(DecodeError::Invalid)?;
        }
        // `null` into the struct (through the pointer passed to Decode) changes nothing.
        Value::Null => {}
        other => {
            return Err(DecodeError::Invalid(format!(
                "json: cannot unmarshal {} into Go value of type models.{}",
                other.go_kind(),
                shape.name
            )));
        }
    }
    match binder.saved {
        Some(e) => Err(DecodeError::Invalid(e)),
        None => Ok(out),
    }
}

/// decodeState's error bookkeeping: the first saved type error, and the errorContext (the
/// struct being filled and the json names of the fields leading to the current value).
#[derive(Default)]
struct Binder {
    saved: Option<String>,
    in_struct: Option<&'static str>,
    path: Vec<&'static str>,
}

/// `Err` carries an error that stops decoding at once (an `UnmarshalJSON` error).
type Abort = Result<(), String>;

impl Binder {
    /// `UnmarshalTypeError.Error()` with `addErrorContext` applied.
    fn type_error(&self, value: &str, ty: &Type) -> String {
        match self.in_struct {
            Some(st) => format!(
                "json: cannot unmarshal {value} into Go struct field {st}.{} of type {}",
                self.path.join("."),
                ty.go_name()
            ),
            None => format!(
                "json: cannot unmarshal {value} into Go value of type {}",
                ty.go_name()
            ),
        }
    }

    /// `saveError`: only the first error is kept; decoding goes on.
    fn save(&mut self, value: &str, ty: &Type) {
        if self.saved.is_none() {
            self.saved = Some(self.type_error(value, ty));
        }
    }

    fn value(&mut self, v: &Value<'_>, ty: &Type, slot: &mut GoValue) -> Abort {
        if self.saved.is_some() {
            return self.walk(v, ty);
        }
        match (ty, slot) {
            // literalStore(null) on a settable pointer sets it to nil; anything else goes
            // through `indirect`, which allocates a nil pointer and decodes into the pointee.
            (Type::Ptr(_), GoValue::Ptr(p)) if matches!(v, Value::Null) => {
                *p = None;
                Ok(())
            }
            (Type::Ptr(inner), GoValue::Ptr(p)) => {
                let target = p.get_or_insert_with(|| Box::new(inner.zero()));
                self.value(v, inner, target)
            }
            (Type::DateTime, slot) => self.date_time(v, slot),
            (Type::Slice(elem), GoValue::Slice(s)) => match v {
                Value::Null => {
                    *s = None;
                    Ok(())
                }
                Value::Array(items) => self.array(items, elem, s),
                other => {
                    self.save(other.go_kind(), ty);
                    Ok(())
                }
            },
            (Type::Struct(st), slot) => match v {
                Value::Null => Ok(()),
                Value::Object(fields) => self.object(fields, st, slot),
                other => {
                    self.save(other.go_kind(), ty);
                    Ok(())
                }
            },
            (_, slot) => {
                self.scalar(v, ty, slot);
                Ok(())
            }
        }
    }

    /// literalStore for string, int64 and bool fields (and arrays/objects sent to them).
    fn scalar(&mut self, v: &Value<'_>, ty: &Type, slot: &mut GoValue) {
        match (v, ty) {
            (Value::Null, _) => {} // "ignore null for primitives/string"
            (Value::String(s), Type::String) => *slot = GoValue::String(s.to_string()),
            (Value::Bool(b), Type::Bool) => *slot = GoValue::Bool(*b),
            (Value::Number(lit), Type::Int64) => match parse_go_int(lit, 64) {
                Some(n) => *slot = GoValue::Int64(n),
                None => self.save(&number_desc(lit, true), ty),
            },
            (other, _) => self.save(other.go_kind(), ty),
        }
    }

    /// decodeState.object into a struct: fields by name, unknown keys skipped, the error
    /// context pushed for each known field and restored after it (but not on abort).
    fn object(
        &mut self,
        fields: &[(Cow<'_, str>, Value<'_>)],
        st: &StructType,
        slot: &mut GoValue,
    ) -> Abort {
        let GoValue::Struct(values) = slot else {
            unreachable!("a struct type holds a struct value")
        };
        let (outer_struct, outer_len) = (self.in_struct, self.path.len());
        for (key, v) in fields {
            let Some(i) = st.field_index(key) else {
                continue;
            };
            self.in_struct = Some(st.name);
            self.path.push(st.fields[i].name);
            self.value(v, &st.fields[i].ty, &mut values[i])?;
            self.path.truncate(outer_len);
            self.in_struct = outer_struct;
        }
        Ok(())
    }

    /// decodeState.array into a slice: elements are decoded into what the slice already holds
    /// (up to its capacity), the slice grows as Go grows it, and is cut to the array's length;
    /// `[]` makes a new empty slice.
    fn array(&mut self, items: &[Value<'_>], elem: &Type, slot: &mut Option<GoSlice>) -> Abort {
        let mut s = slot.take().unwrap_or(GoSlice {
            backing: Vec::new(),
            len: 0,
        });
        let (size, pointers) = elem.mem();
        for (i, item) in items.iter().enumerate() {
            if self.saved.is_some() {
                // The slice can no longer be seen (see `walk`): skip growing it.
                *slot = Some(s);
                return items[i..].iter().try_for_each(|item| self.walk(item, elem));
            }
            if i >= s.backing.len() {
                let cap = go_grow_cap(s.backing.len(), size, pointers);
                s.backing.resize_with(cap, || elem.zero());
            }
            if i >= s.len {
                s.len = i + 1;
            }
            let result = self.value(item, elem, &mut s.backing[i]);
            if result.is_err() {
                *slot = Some(s);
                return result;
            }
        }
        if items.len() < s.len {
            s.len = items.len();
        }
        if items.is_empty() {
            s = GoSlice {
                backing: Vec::new(),
                len: 0,
            };
        }
        *slot = Some(s);
        Ok(())
    }

    /// `(*strfmt.DateTime).UnmarshalJSON`: `null` is ignored; otherwise the raw value is
    /// `json.Unmarshal`ed into a string (a non-string fails with that inner decoder's type
    /// error, to which the outer decoder then adds its field context) and parsed. Either error
    /// ends decoding at once, ahead of any type error saved earlier.
    fn date_time(&mut self, v: &Value<'_>, slot: &mut GoValue) -> Abort {
        match v {
            Value::Null => Ok(()),
            Value::String(s) => {
                *slot = GoValue::DateTime(parse_date_time(s)?);
                Ok(())
            }
            other => Err(self.type_error(other.go_kind(), &Type::String)),
        }
    }

    /// What is left of decoding once a type error is saved: `Decode` will return that error
    /// whatever is stored, unless a `strfmt.DateTime` later in the document aborts with its
    /// own. So only the way to each DateTime is followed (keeping the error context), and
    /// nothing is stored; Go stores on, but nobody can look at it.
    fn walk(&mut self, v: &Value<'_>, ty: &Type) -> Abort {
        match (ty, v) {
            (_, Value::Null) => Ok(()),
            (Type::DateTime, v) => self.date_time(v, &mut GoValue::DateTime(DateTime::ZERO)),
            (Type::Ptr(inner), v) => self.walk(v, inner),
            (Type::Slice(elem), Value::Array(items)) => {
                items.iter().try_for_each(|item| self.walk(item, elem))
            }
            (Type::Struct(st), Value::Object(fields)) => {
                let (outer_struct, outer_len) = (self.in_struct, self.path.len());
                for (key, v) in fields {
                    let Some(i) = st.field_index(key) else {
                        continue;
                    };
                    self.in_struct = Some(st.name);
                    self.path.push(st.fields[i].name);
                    self.walk(v, &st.fields[i].ty)?;
                    self.path.truncate(outer_len);
                    self.in_struct = outer_struct;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::gojson::{dump, models};

    /// The decoded model as `tests/gojson/main.go` prints it, or Go's error text (the
    /// expectations below were printed by that program).
    fn run(model: &'static StructType, body: &str) -> Result<String, String> {
        decode(body.as_bytes(), model)
            .map(|v| dump(&v, &Type::Struct(model)))
            .map_err(|e| e.go_text().to_owned())
    }

    #[test]
    fn null_is_a_no_op_for_plain_fields_and_nil_for_pointers_and_slices() {
        let got = run(
            &models::ROBOT,
            r#"{"duration":5,"duration":null,"id":7,"id":null,"permissions":[],"permissions":null}"#,
        )
        .unwrap();
        assert!(got.contains(r#""duration":null"#), "{got}");
        assert!(got.contains(r#""id":7"#), "{got}");
        assert!(got.contains(r#""permissions":null"#), "{got}");
    }

    #[test]
    fn a_repeated_array_decodes_into_the_slice_the_earlier_one_left() {
        let got = run(
            &models::ROBOT_CREATE,
            r#"{"permissions":[{"kind":"a"},{"kind":"b"}],"permissions":[{}],"permissions":[{},{}]}"#,
        )
        .unwrap();
        assert!(
            got.contains(r#""permissions":[{"access":null,"kind":"a","namespace":""},{"access":null,"kind":"b","namespace":""}]"#),
            "the second element comes back from the backing array: {got}"
        );
        let got = run(
            &models::PROJECT_REQ,
            r#"{"metadata":{"auto_scan":"true"},"metadata":{"severity":"high"},"metadata":null,"metadata":{"public":"x"}}"#,
        )
        .unwrap();
        assert!(
            got.contains(r#""auto_scan":null"#),
            "null dropped the struct: {got}"
        );
        assert!(got.contains(r#""public":"x""#), "{got}");
    }

    #[test]
    fn the_first_type_error_wins_unless_a_date_time_aborts_later() {
        assert_eq!(
            run(&models::ROBOT_CREATE, r#"{"permissions":[1,{"access":{}}],"name":5}"#),
            Err("json: cannot unmarshal number into Go struct field RobotCreate.permissions of type models.RobotPermission".into())
        );
        assert_eq!(
            run(
                &models::PROJECT_REQ,
                r#"{"storage_limit":"x","cve_allowlist":{"items":[1],"creation_time":"bad"}}"#
            ),
            Err(r#"parsing time "bad" as "2006-01-02": cannot parse "bad" as "2006""#.into())
        );
        assert_eq!(
            run(
                &models::PROJECT_REQ,
                r#"{"storage_limit":"x","cve_allowlist":{"update_time":5}}"#
            ),
            Err("json: cannot unmarshal number into Go struct field CVEAllowlist.cve_allowlist.update_time of type string".into())
        );
    }
}

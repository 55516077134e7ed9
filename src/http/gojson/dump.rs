//! A decoded value printed in the canonical form of `tests/gojson/main.go` `dump`, so the
//! differential tests can compare what the mock stored with what Go stored: every field in
//! declaration order by json name, a nil pointer or slice `null`, an empty slice `[]`, a
//! `strfmt.DateTime` as `time.RFC3339Nano`, strings with only `"`, `\` and control
//! characters escaped.

use std::fmt::Write as _;

use super::types::{GoValue, Type};

/// A decoded value in the form `tests/gojson/main.go` prints it.
pub fn dump(v: &GoValue, ty: &Type) -> String {
    let mut out = String::new();
    dump_into(&mut out, v, ty);
    out
}

fn dump_into(out: &mut String, v: &GoValue, ty: &Type) {
    match (v, ty) {
        (GoValue::DateTime(t), _) => write_string(out, &t.rfc3339_nano()),
        (GoValue::Ptr(None), _) | (GoValue::Slice(None), _) => out.push_str("null"),
        (GoValue::Ptr(Some(inner)), Type::Ptr(t)) => dump_into(out, inner, t),
        (GoValue::Slice(Some(s)), Type::Slice(t)) => {
            out.push('[');
            for (i, item) in s.items().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                dump_into(out, item, t);
            }
            out.push(']');
        }
        (GoValue::Struct(values), Type::Struct(st)) => {
            out.push('{');
            for (i, (f, value)) in st.fields.iter().zip(values).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, f.name);
                out.push(':');
                dump_into(out, value, &f.ty);
            }
            out.push('}');
        }
        (GoValue::String(s), _) => write_string(out, s),
        (GoValue::Int64(n), _) => {
            let _ = write!(out, "{n}");
        }
        (GoValue::Bool(b), _) => {
            let _ = write!(out, "{b}");
        }
        // Only a model bug (a value built for another type) gets here.
        (v, ty) => panic!("value {v:?} does not fit type {}", ty.go_name()),
    }
}

/// A JSON string with only `"`, `\` and control bytes escaped, as main.go `encodeString`.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::gojson::{decode, models};

    #[test]
    fn dumps_every_field_in_declaration_order() {
        let v = decode(
            br#"{"NAME":"a\"\u0001","permissions":[null,{"access":[]}]}"#,
            &models::ROBOT_CREATE,
        )
        .unwrap();
        assert_eq!(
            dump(&v, &Type::Struct(&models::ROBOT_CREATE)),
            r#"{"description":"","disable":false,"duration":0,"level":"","name":"a\"\u0001","permissions":[null,{"access":[],"kind":"","namespace":""}],"secret":""}"#
        );
    }
}

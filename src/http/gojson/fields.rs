//! Reading a decoded model by json name, for the code that turns a body into the mock's own
//! request types (`http::bodies`).
//!
//! The value was built from the same [`StructType`], so a field of the wrong Go type or an
//! unknown name is a slip in the reading code, not in the request: the accessors panic with
//! the model and field named, and the tests of `http::bodies` read every field of every model.

use super::strfmt::DateTime;
use super::types::{GoValue, StructType, Type};

/// A decoded struct value of model `ty`.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a> {
    ty: &'static StructType,
    values: &'a [GoValue],
}

impl<'a> Fields<'a> {
    /// The decoded value `value` of model `ty` (as [`decode`](super::decode) returns it).
    pub fn new(ty: &'static StructType, value: &'a GoValue) -> Fields<'a> {
        match value {
            GoValue::Struct(values) if values.len() == ty.fields.len() => Fields { ty, values },
            other => panic!("{other:?} is not a models.{}", ty.name),
        }
    }

    /// The model's Go name.
    pub fn model(&self) -> &'static str {
        self.ty.name
    }

    fn get(&self, name: &str) -> (Type, &'a GoValue) {
        let Some(i) = self.ty.position(name) else {
            panic!("models.{} has no field {name:?}", self.ty.name)
        };
        (self.ty.fields[i].ty, &self.values[i])
    }

    fn mismatch(&self, name: &str, want: &str) -> ! {
        panic!("models.{}.{name} is not a {want}", self.ty.name)
    }

    /// A `string` field.
    pub fn string(&self, name: &str) -> &'a str {
        match self.get(name) {
            (_, GoValue::String(s)) => s,
            _ => self.mismatch(name, "string"),
        }
    }

    /// A `*string` field: `None` when nil.
    pub fn opt_string(&self, name: &str) -> Option<&'a str> {
        match self.get(name) {
            (_, GoValue::Ptr(None)) => None,
            (_, GoValue::Ptr(Some(v))) => match &**v {
                GoValue::String(s) => Some(s),
                _ => self.mismatch(name, "*string"),
            },
            _ => self.mismatch(name, "*string"),
        }
    }

    /// An `int64` field.
    pub fn int(&self, name: &str) -> i64 {
        match self.get(name) {
            (_, GoValue::Int64(n)) => *n,
            _ => self.mismatch(name, "int64"),
        }
    }

    /// An `*int64` field: `None` when nil.
    pub fn opt_int(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            (_, GoValue::Ptr(None)) => None,
            (_, GoValue::Ptr(Some(v))) => match **v {
                GoValue::Int64(n) => Some(n),
                _ => self.mismatch(name, "*int64"),
            },
            _ => self.mismatch(name, "*int64"),
        }
    }

    /// A `bool` field.
    pub fn boolean(&self, name: &str) -> bool {
        match self.get(name) {
            (_, GoValue::Bool(b)) => *b,
            _ => self.mismatch(name, "bool"),
        }
    }

    /// A `*bool` field: `None` when nil.
    pub fn opt_bool(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            (_, GoValue::Ptr(None)) => None,
            (_, GoValue::Ptr(Some(v))) => match **v {
                GoValue::Bool(b) => Some(b),
                _ => self.mismatch(name, "*bool"),
            },
            _ => self.mismatch(name, "*bool"),
        }
    }

    /// A `strfmt.DateTime` field (the zero time when absent).
    pub fn date_time(&self, name: &str) -> DateTime {
        match self.get(name) {
            (_, GoValue::DateTime(t)) => *t,
            _ => self.mismatch(name, "strfmt.DateTime"),
        }
    }

    /// A `*T` field of a model type: `None` when nil.
    pub fn object(&self, name: &str) -> Option<Fields<'a>> {
        match self.get(name) {
            (_, GoValue::Ptr(None)) => None,
            (Type::Ptr(Type::Struct(st)), GoValue::Ptr(Some(v))) => Some(Fields::new(st, v)),
            _ => self.mismatch(name, "pointer to a model"),
        }
    }

    /// A `[]*T` field of a model type: `None` when nil; an element `None` when nil.
    pub fn list(&self, name: &str) -> Option<Vec<Option<Fields<'a>>>> {
        match self.get(name) {
            (_, GoValue::Slice(None)) => None,
            (Type::Slice(Type::Ptr(Type::Struct(st))), GoValue::Slice(Some(s))) => Some(
                s.items()
                    .iter()
                    .map(|item| match item {
                        GoValue::Ptr(None) => None,
                        GoValue::Ptr(Some(v)) => Some(Fields::new(st, v)),
                        _ => self.mismatch(name, "[]*T"),
                    })
                    .collect(),
            ),
            _ => self.mismatch(name, "[]*T of a model"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::gojson::{decode, models};

    #[test]
    fn fields_are_read_by_json_name() {
        let robot = &models::ROBOT;
        let v = decode(
            br#"{"Duration":30,"name":"a","permissions":[null,{"kind":"project"}]}"#,
            robot,
        )
        .unwrap();
        let f = Fields::new(robot, &v);
        assert_eq!(f.model(), "Robot");
        assert_eq!(f.opt_int("duration"), Some(30));
        assert_eq!(f.string("name"), "a");
        assert_eq!(f.int("id"), 0);
        assert!(!f.boolean("disable"));
        assert_eq!(f.date_time("creation_time"), DateTime::ZERO);
        let perms = f.list("permissions").unwrap();
        assert!(perms[0].is_none());
        let p = perms[1].unwrap();
        assert_eq!(p.string("kind"), "project");
        assert!(p.list("access").is_none());
    }

    #[test]
    #[should_panic(expected = "models.RobotSec has no field \"nope\"")]
    fn an_unknown_name_is_a_bug() {
        let v = decode(b"{}", &models::ROBOT_SEC).unwrap();
        Fields::new(&models::ROBOT_SEC, &v).string("nope");
    }
}

//! The Go side of decoding (the `reflect` view `decode.go` has of a model): types as far as
//! decoding cares, stored values, and how a JSON key finds its struct field (`fold.go`).
//!
//! Types are static data (see [`models`](super::models)), so binding a body allocates only
//! the values it stores.

use super::strfmt::DateTime;

/// A Go type as far as decoding cares.
#[derive(Clone, Copy, Debug)]
pub enum Type {
    /// `string`.
    String,
    /// `int64` (go-swagger's type for every `integer`).
    Int64,
    /// `bool`.
    Bool,
    /// `strfmt.DateTime`: decoded by its own `UnmarshalJSON`.
    DateTime,
    /// `*T`: `x-nullable` scalars and `$ref` objects.
    Ptr(&'static Type),
    /// `[]T`.
    Slice(&'static Type),
    /// A model struct.
    Struct(&'static StructType),
}

/// A go-swagger model struct: its Go name (printed as `models.<name>`) and its fields in
/// declaration order (go-swagger sorts them by name), named by their json tags.
#[derive(Debug)]
pub struct StructType {
    /// The Go type name (`RobotCreate`).
    pub name: &'static str,
    /// The fields in declaration order.
    pub fields: &'static [Field],
}

/// One field of a [`StructType`].
#[derive(Debug)]
pub struct Field {
    /// The json tag's name (`duration`).
    pub name: &'static str,
    /// The Go type.
    pub ty: Type,
}

/// A stored Go value.
#[derive(Clone, Debug, PartialEq)]
pub enum GoValue {
    /// A `string`.
    String(String),
    /// An `int64`.
    Int64(i64),
    /// A `bool`.
    Bool(bool),
    /// A `strfmt.DateTime`.
    DateTime(DateTime),
    /// A pointer; `None` is nil.
    Ptr(Option<Box<GoValue>>),
    /// A slice; `None` is nil, `Some` with length 0 an empty one.
    Slice(Option<GoSlice>),
    /// Field values in declaration order.
    Struct(Vec<GoValue>),
}

/// A Go slice: the backing array up to its capacity, and the length. Elements past the length
/// are kept because Go keeps them: a later, longer array decoded into the same slice finds them
/// again (`merge-ghost-element` in the corpus).
#[derive(Clone, Debug, PartialEq)]
pub struct GoSlice {
    /// The backing array, `cap` elements.
    pub backing: Vec<GoValue>,
    /// The slice's length.
    pub len: usize,
}

impl GoSlice {
    /// The elements within the length.
    pub fn items(&self) -> &[GoValue] {
        &self.backing[..self.len]
    }
}

impl Type {
    /// `reflect.Type.String()` with go-swagger's package name.
    pub fn go_name(&self) -> String {
        match self {
            Type::String => "string".into(),
            Type::Int64 => "int64".into(),
            Type::Bool => "bool".into(),
            Type::DateTime => "strfmt.DateTime".into(),
            Type::Ptr(t) => format!("*{}", t.go_name()),
            Type::Slice(t) => format!("[]{}", t.go_name()),
            Type::Struct(s) => format!("models.{}", s.name),
        }
    }

    /// The zero value.
    pub fn zero(&self) -> GoValue {
        match self {
            Type::String => GoValue::String(String::new()),
            Type::Int64 => GoValue::Int64(0),
            Type::Bool => GoValue::Bool(false),
            Type::DateTime => GoValue::DateTime(DateTime::ZERO),
            Type::Ptr(_) => GoValue::Ptr(None),
            Type::Slice(_) => GoValue::Slice(None),
            Type::Struct(s) => s.zero(),
        }
    }

    /// Size and pointer-ness of a value of this type on amd64, for slice growth.
    pub fn mem(&self) -> (usize, bool) {
        match self {
            Type::String => (16, true),
            Type::Int64 => (8, false),
            Type::Bool => (1, false),
            Type::DateTime => (24, true),
            Type::Ptr(_) => (8, true),
            Type::Slice(_) => (24, true),
            // Not needed by the models (their arrays hold pointers); a rough figure.
            Type::Struct(s) => (
                s.fields.iter().map(|f| f.ty.mem().0).sum::<usize>().max(1),
                true,
            ),
        }
    }
}

impl StructType {
    /// The zero value: every field zero.
    pub fn zero(&self) -> GoValue {
        GoValue::Struct(self.fields.iter().map(|f| f.ty.zero()).collect())
    }

    /// The position of the field with json name `name` (exact).
    pub fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// decode.go's field lookup: the exact json name first, else the first field whose name
    /// is equal under Go's case folding.
    pub fn field_index(&self, key: &str) -> Option<usize> {
        self.position(key)
            .or_else(|| self.fields.iter().position(|f| fold_equal(key, f.name)))
    }
}

/// `bytes.EqualFold`-style comparison of a JSON key with an ASCII field name, as
/// encoding/json/fold.go `foldName` makes it: ASCII letters fold to upper case and any other
/// rune to the smallest rune of its `unicode.SimpleFold` orbit. The only non-ASCII runes whose
/// orbit holds an ASCII letter are U+017F LATIN SMALL LETTER LONG S (with s, S) and U+212A
/// KELVIN SIGN (with k, K); every other non-ASCII rune stays non-ASCII and cannot match.
pub fn fold_equal(key: &str, ascii_name: &str) -> bool {
    let mut name = ascii_name.bytes();
    for c in key.chars() {
        let folded = match c {
            'a'..='z' => c.to_ascii_uppercase(),
            '\u{17F}' => 'S',
            '\u{212A}' => 'K',
            c if c.is_ascii() => c,
            _ => return false,
        };
        match name.next() {
            Some(n) if char::from(n.to_ascii_uppercase()) == folded => {}
            _ => return false,
        }
    }
    name.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::gojson::models;

    #[test]
    fn keys_fold_like_go() {
        assert!(fold_equal("NAME", "name"));
        assert!(fold_equal("nAmE", "name"));
        assert!(fold_equal("\u{212A}ind", "kind"));
        assert!(fold_equal("\u{17F}ecret", "secret"));
        assert!(!fold_equal("d\u{131}sable", "disable"), "dotless i");
        assert!(!fold_equal("d\u{130}sable", "disable"), "dotted capital I");
        assert!(!fold_equal("\u{ff4e}ame", "name"), "fullwidth n");
        assert!(!fold_equal("names", "name"));
        assert!(!fold_equal("nam", "name"));
        let robot = &models::ROBOT_CREATE;
        assert_eq!(robot.field_index("Duration"), Some(2));
        assert_eq!(robot.field_index("durations"), None);
    }

    #[test]
    fn go_names() {
        let permissions = models::ROBOT_CREATE.fields[5].ty;
        assert_eq!(permissions.go_name(), "[]*models.RobotPermission");
        assert_eq!(Type::DateTime.go_name(), "strfmt.DateTime");
    }
}

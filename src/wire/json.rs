//! How go-openapi writes JSON: the body form, and the zero values it leaves out.

use serde::Serialize;

/// `value` as go-openapi's JSON producer writes a body: no HTML escaping, then a newline.
pub fn json_line<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    // The wire types are plain data: serialising them into memory cannot fail.
    let _ = serde_json::to_writer(&mut out, value);
    out.push(b'\n');
    out
}

/// `skip_serializing_if` for integers go-swagger omits when zero.
pub(super) fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// `skip_serializing_if` for strings go-swagger omits when empty.
pub(super) fn is_empty(s: &&str) -> bool {
    s.is_empty()
}

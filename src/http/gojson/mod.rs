//! Go's `encoding/json`, as Harbor's go-swagger server decodes request bodies with it.
//!
//! Harbor binds a JSON body with go-openapi/runtime v0.32.2 `json.go` `JSONConsumer`:
//! `dec := json.NewDecoder(r); dec.UseNumber(); dec.Decode(&body)`, where `body` is a value of
//! the go-swagger (v0.33.1) model struct (`templates/server/parameter.gotmpl`). This module
//! reproduces that as Go 1.26 does it (`encoding/json` v1: Harbor builds without
//! `GOEXPERIMENT=jsonv2`), down to the error texts Harbor's 422s quote. It is written here,
//! not taken from serde_json, because the two disagree on what a body means: Go accepts
//! invalid UTF-8 and lone surrogates (as U+FFFD), nesting to 10000, any number literal in an
//! ignored key, keys in any case (with Unicode folding), and reads only the first value;
//! `tests/gojson/README.md` lists every difference found.
//!
//! The steps, one file each:
//! * [`scanner`]: `scanner.go`, driven as `stream.go` `Decoder.readValue` drives it: where the
//!   first value ends, or Go's syntax error, `io.EOF`, `io.ErrUnexpectedEOF`.
//! * [`value`]: that value as a tree (built and freed without recursion); strings through
//!   [`unquote`], numbers kept as literals (`UseNumber`), every object key kept in order.
//! * [`binder`]: storing the tree into a model ([`types`], [`models`]) with `decode.go`'s
//!   rules, integer literals by [`number`], `strfmt.DateTime` by [`strfmt`], slices grown as
//!   Go grows them ([`growslice`]).
//! * [`fields`]: reading the stored model by json name; [`mod@dump`]: printing it as
//!   `tests/gojson/main.go` does, for the differential tests.
//!
//! The ground truth is `tests/gojson/expected.jsonl`, Go's answers for
//! `tests/gojson/corpus.jsonl`; the tests in `tests.rs` replay it.

pub mod binder;
pub mod dump;
pub mod fields;
pub mod growslice;
pub mod models;
pub mod number;
pub mod scanner;
pub mod strfmt;
pub mod types;
pub mod unquote;
pub mod value;

#[cfg(test)]
mod tests;

pub use binder::{DecodeError, decode};
pub use dump::dump;
pub use fields::Fields;
pub use scanner::MAX_DEPTH;
pub use strfmt::DateTime;
pub use types::{GoValue, StructType, Type};

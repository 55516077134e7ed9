//! The decoder against Go: the fixed corpus (`tests/gojson/corpus.jsonl`) replayed against Go's
//! recorded answers (`expected.jsonl`), value for value and error text for error text, and the
//! bounded generated run when `tests/gojson/run-generated.sh` asks for it.

use super::dump::write_string;
use super::value::{Value, read_value};
use super::*;

/// The fixed corpus and Go's answers for it (see tests/gojson/README.md).
const CORPUS: &str = include_str!("../../../tests/gojson/corpus.jsonl");
const EXPECTED: &str = include_str!("../../../tests/gojson/expected.jsonl");

fn parse(line: &str) -> Value<'_> {
    read_value(line.as_bytes()).expect("a valid JSON line").0
}

fn get<'a, 'b>(v: &'a Value<'b>, key: &str) -> Option<&'a Value<'b>> {
    match v {
        Value::Object(fields) => fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn text<'a>(v: &'a Value<'_>, key: &str) -> &'a str {
    match get(v, key) {
        Some(Value::String(s)) => s,
        other => panic!("{key}: {other:?}"),
    }
}

/// Re-prints a parsed line in main.go's canonical form, to compare with [`dump`].
fn canonical(v: &Value<'_>, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (i, (k, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                canonical(item, out);
            }
            out.push('}');
        }
    }
}

fn base64(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = s.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &d)| n | u32::from(d) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

fn body(case: &Value) -> Vec<u8> {
    match get(case, "body_b64") {
        Some(Value::String(b)) => base64(b),
        _ => text(case, "body").as_bytes().to_vec(),
    }
}

/// Runs every case of a JSON-lines corpus against Go's recorded answers; returns one line
/// per disagreement.
fn disagreements(corpus: &str, expected: &str) -> (usize, Vec<String>) {
    let answers: Vec<Value> = expected
        .lines()
        .map(parse)
        .filter(|a| get(a, "id").is_some())
        .collect();
    let cases: Vec<Value> = corpus
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse)
        .collect();
    assert_eq!(cases.len(), answers.len(), "one answer per case");
    let mut bad = Vec::new();
    for (case, want) in cases.iter().zip(&answers) {
        let id = text(case, "id");
        assert_eq!(id, text(want, "id"), "answers are in corpus order");
        let shape = models::by_name(text(case, "shape")).expect("a known shape");
        let got = decode(&body(case), shape);
        let ok = matches!(get(want, "ok"), Some(Value::Bool(true)));
        match (got, ok) {
            (Ok(v), true) => {
                let mut want_dump = String::new();
                canonical(get(want, "value").expect("value"), &mut want_dump);
                let got_dump = dump(&v, &Type::Struct(shape));
                if got_dump != want_dump {
                    bad.push(format!(
                        "{id}: value\n  go:   {want_dump}\n  rust: {got_dump}"
                    ));
                }
            }
            (Err(e), false) => {
                let eof = matches!(get(want, "eof"), Some(Value::Bool(true)));
                if e.go_text() != text(want, "error") || (e == DecodeError::Eof) != eof {
                    bad.push(format!(
                        "{id}: error\n  go:   {}\n  rust: {e:?}",
                        text(want, "error")
                    ));
                }
            }
            (Ok(v), false) => bad.push(format!(
                "{id}: Go refuses ({}), Rust accepts {}",
                text(want, "error"),
                dump(&v, &Type::Struct(shape))
            )),
            (Err(e), true) => bad.push(format!("{id}: Go accepts, Rust refuses: {e:?}")),
        }
    }
    (cases.len(), bad)
}

#[test]
fn corpus_matches_go() {
    let (n, bad) = disagreements(CORPUS, EXPECTED);
    assert!(n >= 150, "the corpus has {n} cases");
    assert!(
        bad.is_empty(),
        "{} of {n} cases differ from Go:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// The bounded generated run: `tests/gojson/gen` writes cases and Go's answers; point
/// GOJSON_CASES and GOJSON_EXPECTED at them (see tests/gojson/README.md).
#[test]
fn generated_cases_match_go() {
    let (Ok(cases), Ok(expected)) = (
        std::env::var("GOJSON_CASES"),
        std::env::var("GOJSON_EXPECTED"),
    ) else {
        return; // not asked for
    };
    let cases = std::fs::read_to_string(cases).expect("GOJSON_CASES");
    let expected = std::fs::read_to_string(expected).expect("GOJSON_EXPECTED");
    let (n, bad) = disagreements(&cases, &expected);
    assert!(
        bad.is_empty(),
        "{} of {n} generated cases differ from Go:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#!/usr/bin/env bash
# The bounded generated run of the differential test with Go (issue 15): N seeded mutations of
# the corpus (gen/main.go), Go's answers for them (main.go, Go's encoding/json into Harbor's
# models), then the mock checked against those answers twice: its decoder alone
# (src/http/gojson/tests.rs) and its HTTP answers and stored values (tests/api/gojson.rs).
#
#   tests/gojson/run-generated.sh [SEED] [N]      (default: seed 1, 5000 cases)
#
# The Go program's one dependency (go-openapi/strfmt) comes through the module proxy. Without
# a Go toolchain it prints SKIPPED and exits 0.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seed="${1:-1}"
n="${2:-5000}"
if ! command -v go >/dev/null 2>&1; then
  echo "SKIPPED go json differential: no Go toolchain on PATH"
  exit 0
fi
out="$(mktemp -d "${TMPDIR:-/tmp}/gojson-gen.XXXXXX")"
trap 'rm -rf "$out"' EXIT
cd "$here"
go run ./gen -seed "$seed" -n "$n" >"$out/cases.jsonl"
go run . <"$out/cases.jsonl" >"$out/expected.jsonl"
echo "seed $seed: $n generated cases, Go's answers recorded ($(go env GOVERSION))"
cd "$here/../.."
export GOJSON_CASES="$out/cases.jsonl" GOJSON_EXPECTED="$out/expected.jsonl"
cargo test --locked --quiet --lib http::gojson::tests::generated_cases_match_go -- --exact
cargo test --locked --quiet --test api gojson::generated_bodies_get_harbors_answer -- --exact --nocapture

#!/usr/bin/env bash
# The client suites: Harbor's real clients driven against the release binary, each language's
# suite installing what it needs, so this runs on a fresh clone, in CI, without a terminal.
#
#   bash scripts/client-tests.sh                  every suite: python, go, js
#   bash scripts/client-tests.sh go|js|python...  those suites only
#
#   python  tests/clients/*.py: harbor-api-client and harborapi (pytest, in .venv from
#           tests/clients/requirements.txt, through the SDK's pytest plugin from sdk/python/src:
#           one server, a session per test), then Schemathesis over Harbor's swagger
#   go      tests/clients/go: go-client v0.213.1 and mittwald/goharbor-client v5.6.5 (go test,
#           modules from go.sum), and harbor-cli v0.0.26, built from its module source in a
#           temporary folder (HARBOR_CLI_BIN=path uses that binary instead)
#   js      tests/clients/js: @hapic/harbor 2.5.6 (npm ci from the lockfile, node --test)
#
# A suite whose toolchain is missing, or harbor-cli when the Go module proxy does not serve it,
# says `SKIPPED <suite>: <reason>` and counts as passed; any other failure fails the run.
#
#   PYTHON=python3.11   interpreter for the virtualenv (default python3)
#   ST_MAX_EXAMPLES=500 Schemathesis examples per operation and phase
#   ST_SEED=20260101    Schemathesis seed
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
exec </dev/null

HARBOR_CLI_VERSION=v0.0.26

suites=("$@")
if ((${#suites[@]} == 0)); then
  suites=(python go js)
fi
for suite in "${suites[@]}"; do
  case $suite in
    python | go | js) ;;
    *)
      echo "usage: $0 [go|js|python]..." >&2
      exit 2
      ;;
  esac
done

source scripts/steps.sh

tmp=$(mktemp -d /tmp/harbor-mock-client-tests.XXXXXX)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

python_suite() {
  local venv=.venv requirements=tests/clients/requirements.txt want
  local stamp=$venv/.requirements.sha256
  want=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "$venv is up to date with $requirements"
  else
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
    echo "$want" >"$stamp"
  fi
  local rc=0
  timed "pytest tests/clients" "$venv/bin/python" -m pytest tests/clients -p no:cacheprovider || rc=1
  timed "schemathesis" "$venv/bin/python" tests/clients/run_schemathesis.py || rc=1
  return "$rc"
}

# timed NAME COMMAND...: COMMAND's duration, inside a suite.
timed() {
  local name=$1 t0 rc=0
  shift
  t0=$(date +%s)
  "$@" || rc=$?
  echo "--- $name: $(($(date +%s) - t0))s (exit $rc)"
  return "$rc"
}

# build_harbor_cli: harbor-cli from its module source, as its maintainers build it (`go install`
# refuses the replace lines of its go.mod): the module copied out of the module cache into a
# temporary folder, then `go build ./cmd/harbor`. Nothing of it enters the repository. Sets
# HARBOR_CLI_BIN, or says SKIPPED when the Go module proxy does not serve the module.
build_harbor_cli() {
  if [ -n "${HARBOR_CLI_BIN:-}" ]; then
    echo "harbor-cli: $HARBOR_CLI_BIN (from HARBOR_CLI_BIN)"
    return 0
  fi
  local module=github.com/goharbor/harbor-cli@$HARBOR_CLI_VERSION info dir error src=$tmp/harbor-cli/src
  # Outside any module, so that no go.mod or go.sum of ours is touched.
  info=$(cd "$tmp" && go mod download -json "$module" 2>&1) || true
  dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")
  if [ -z "$dir" ]; then
    error=$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"$info" | sed 's/\\n.*//')
    echo "SKIPPED harbor-cli: go mod download $module failed: ${error:-$info}"
    return 0
  fi
  mkdir -p "$src"
  cp -R "$dir/." "$src"
  chmod -R u+w "$src"
  if ! (cd "$src" && go mod download); then
    echo "SKIPPED harbor-cli: the modules harbor-cli $HARBOR_CLI_VERSION needs could not be downloaded"
    return 0
  fi
  (cd "$src" && go build -trimpath -o "$tmp/harbor-cli/harbor" ./cmd/harbor)
  HARBOR_CLI_BIN=$tmp/harbor-cli/harbor
  export HARBOR_CLI_BIN
  echo "harbor-cli $HARBOR_CLI_VERSION built: $HARBOR_CLI_BIN"
}

go_suite() {
  if ! command -v go >/dev/null 2>&1; then
    echo "SKIPPED go: no go toolchain on this machine"
    return 0
  fi
  go version
  (cd tests/clients/go && go mod download)
  build_harbor_cli
  cd tests/clients/go
  go vet ./...
  go test -count=1 -v ./...
}

js_suite() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "SKIPPED js: node or npm is not installed on this machine"
    return 0
  fi
  echo "node $(node --version), npm $(npm --version)"
  cd tests/clients/js
  npm ci --no-audit --no-fund
  node --test
}

# Cargo rebuilds only what changed; the suites must never test a stale binary.
step "cargo build --release" cargo build --release --locked
target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir=$ROOT/$target_dir ;; esac
export HARBOR_MOCK_BIN="$target_dir/release/harbor-mock"

for suite in "${suites[@]}"; do
  step "$suite" "${suite}_suite"
done

report_steps "client tests"

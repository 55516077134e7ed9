#!/usr/bin/env bash
# The client suites: real Harbor clients (harbor-api-client, harborapi) driven through pytest
# against the release binary, then Schemathesis over the robot operations of Harbor's swagger.
# Installs what it needs into .venv, so it runs on a fresh clone, in CI, without a terminal.
#
#   PYTHON=python3.11   interpreter for the virtualenv (default python3)
#   ST_MAX_EXAMPLES=500 Schemathesis examples per operation and phase
#   ST_SEED=20260101    Schemathesis seed
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

start=$(date +%s)
step() {
  local name=$1; shift
  local t0 rc=0; t0=$(date +%s)
  echo "==> $name"
  "$@" || rc=$?
  echo "<== $name: $(( $(date +%s) - t0 ))s (exit $rc)"
  return "$rc"
}

venv=.venv
requirements=tests/clients/requirements.txt
stamp=$venv/.requirements.sha256

setup_venv() {
  local want; want=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "$venv is up to date with $requirements"
    return 0
  fi
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  echo "$want" >"$stamp"
}

step "virtualenv ($requirements)" setup_venv
# Cargo rebuilds only what changed; the suites must never test a stale binary.
step "cargo build --release" cargo build --release --locked
target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir=$PWD/$target_dir ;; esac
export HARBOR_MOCK_BIN="$target_dir/release/harbor-mock"

failed=0
step "pytest tests/clients" "$venv/bin/python" -m pytest tests/clients -p no:cacheprovider || failed=1
step "schemathesis" "$venv/bin/python" tests/clients/run_schemathesis.py || failed=1

echo "client tests: $(( $(date +%s) - start ))s"
exit "$failed"

#!/usr/bin/env bash
# The whole test suite. Each step installs what it needs, so this runs on a fresh machine:
#   1. cargo test: unit, integration (in-process and over sockets), process and doc tests
#   2. tests/gojson/run-generated.sh: the bounded generated run of the differential test with
#      Go's encoding/json (seed 1, 5000 bodies; SKIPPED without a Go toolchain)
#   3. scripts/client-tests.sh: Harbor's real clients in Python (harbor-api-client, harborapi,
#      then Schemathesis against Harbor's swagger), Go (go-client, goharbor-client, harbor-cli)
#      and JavaScript (@hapic/harbor)
#   4. scripts/ui-tests.sh: the dashboard in a real browser (Playwright driving Chromium)
#   5. scripts/sdk-tests.sh: the Python wheel, the npm package and the Go module built
#      (scripts/package.sh) and each installed in a clean place, tested through harborapi,
#      @hapic/harbor and go-client, and every block of the README's Install section as written
#   6. scripts/image-test.sh: the Docker image, built and run without a daemon (buildah)
#   7. scripts/bench-smoke.sh: the load benchmark end to end in its short mode
# Two release builds: target/release (client tests; sdk-tests.sh's cargo install reuses it) and
# the static one (package.sh; image-test.sh finds it built). The SDK's Rust example builds in
# target/ too, reusing most of cargo test's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

total=$(date +%s)
step() {
  local name=$1; shift
  local t0; t0=$(date +%s)
  echo "==> $name"
  "$@"
  echo "<== $name: $(( $(date +%s) - t0 ))s"
}

step "cargo test" cargo test --locked
step "go json differential" bash tests/gojson/run-generated.sh 1 5000
step "client tests" bash scripts/client-tests.sh
step "browser tests" bash scripts/ui-tests.sh
step "sdk tests" bash scripts/sdk-tests.sh
step "image test" bash scripts/image-test.sh
step "bench smoke" bash scripts/bench-smoke.sh
echo "all suites passed in $(( $(date +%s) - total ))s"

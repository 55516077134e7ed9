#!/usr/bin/env bash
# The dashboard's browser tests (tests/ui): Playwright (npm playwright-core, pinned by
# tests/ui/package-lock.json) driving Debian's Chromium, headless, against the release binary.
# Installs Chromium with apt-get and the npm package when missing, so it runs on a fresh
# machine; where Chromium cannot be installed it prints SKIPPED and exits 0. A screenshot of
# each view is written to target/ui/.
#
#   CHROMIUM=/usr/bin/chromium   the browser to drive
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

start=$(date +%s)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

install_chromium() {
  if [ -x "$CHROMIUM" ]; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "cannot install chromium: not root, or no apt-get"
    return 1
  fi
  echo "installing chromium (Debian) with apt-get"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

if ! install_chromium || ! "$CHROMIUM" --version; then
  echo "SKIPPED browser tests: Chromium ($CHROMIUM) is not installed and could not be installed here"
  exit 0
fi

echo "==> npm ci (tests/ui)"
(cd tests/ui && npm ci --no-audit --no-fund --loglevel=error)
# Cargo rebuilds only what changed; the browser must never test a stale binary.
echo "==> cargo build --release"
cargo build --release --locked --bin harbor-mock
target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir=$PWD/$target_dir ;; esac
export HARBOR_MOCK_BIN="$target_dir/release/harbor-mock" CHROMIUM

echo "==> node --test tests/ui"
t0=$(date +%s)
(cd tests/ui && node --test --test-concurrency=1 dashboard.test.mjs)
echo "browser tests: $(( $(date +%s) - t0 ))s (screenshots in target/ui/); with set-up $(( $(date +%s) - start ))s"

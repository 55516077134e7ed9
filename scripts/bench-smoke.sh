#!/usr/bin/env bash
# CI smoke check of the load benchmark: runs scripts/bench.sh end to end in its short mode
# (debug builds that `cargo test` already made, small stores, about a second per step) without
# asserting the performance targets. Installs wrk itself.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/bench.sh --smoke "$@"

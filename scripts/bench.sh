#!/usr/bin/env bash
# Load benchmark of harbor-mock against a minimal axum server on the same stack (the ceiling,
# examples/ceiling.rs), measured in the same run. Prints one table: figure, harbor-mock,
# ceiling (or the reference figure), ratio, target, PASS/FAIL. Exits non-zero when a target is
# missed (full mode) or a step breaks (both modes).
#
#   scripts/bench.sh            # full run, release builds, 1M-robot scale check (~6 min)
#   scripts/bench.sh --smoke    # a few seconds per step, small stores, targets not asserted
#
# Options: --markdown FILE writes the table as Markdown; --profile P builds with cargo profile P
# (default: release; --smoke defaults to dev, which `cargo test` has already built); --only
# SECTIONS runs some of startup, throughput, scale, persistence, memory, sessions (comma-separated);
# --before BIN adds the figures of BIN, an earlier build, for comparison: its throughput paired
# with this build's, and (scale, persistence) its load and writes with a JSON state file, as
# builds from before the state store kept their state.
# Installs wrk and eatmydata (Debian packages) when missing. Servers listen on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
profile=""
markdown=""
only=""
before=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --profile) profile=$2; shift ;;
    --markdown) markdown=$2; shift ;;
    --only) only=$2; shift ;;
    --before) before=$2; shift ;;
    *) echo "usage: $0 [--smoke] [--profile P] [--markdown FILE] [--only SECTIONS]" \
         "[--before BIN]" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$profile" ]; then
  if [ $smoke = 1 ]; then profile=dev; else profile=release; fi
fi

# wrk drives the load; eatmydata (fsync made a no-op) separates the state store's own cost
# from the disk's.
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v eatmydata >/dev/null 2>&1 || missing+=(eatmydata)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python=$(command -v python3)

echo "==> cargo build --profile $profile --bin harbor-mock --example ceiling"
cargo build --locked --profile "$profile" --bin harbor-mock --example ceiling
case "$profile" in
  dev) dir=target/debug ;;
  *) dir=target/$profile ;;
esac

args=(--mock "$dir/harbor-mock" --ceiling "$dir/examples/ceiling" --work target/bench)
[ $smoke = 1 ] && args+=(--smoke)
[ -n "$markdown" ] && args+=(--markdown "$markdown")
[ -n "$only" ] && args+=(--only "$only")
[ -n "$before" ] && args+=(--before "$before")

echo "==> machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
  "$(free -g | awk '/^Mem:/ {print $2}') GiB; profile $profile"
exec "$python" scripts/bench/bench.py "${args[@]}"

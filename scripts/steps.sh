# Sourced by the suite scripts (client-tests.sh, sdk-tests.sh): named steps that run on after a
# failure, each timed, and one report at the end.
#   step NAME COMMAND...   runs COMMAND in a subshell of its own (so `set -e` holds inside it;
#                          it would not in a `cmd || ...` list), prints its duration, records
#                          a failure in `failed`
#   report_steps LABEL     prints "LABEL: Ns" and each step's duration; exits 1 if one failed

steps_start=$(date +%s)
failed=()
durations=()

step() {
  local name=$1 t0 rc
  shift
  t0=$(date +%s)
  echo "==> $name"
  set +e
  (set -e; "$@")
  rc=$?
  set -e
  echo "<== $name: $(($(date +%s) - t0))s (exit $rc)"
  durations+=("$name: $(($(date +%s) - t0))s")
  if [ "$rc" != 0 ]; then
    failed+=("$name")
  fi
}

report_steps() {
  echo "$1: $(($(date +%s) - steps_start))s"
  printf '  %s\n' "${durations[@]}"
  if ((${#failed[@]})); then
    echo "FAILED: ${failed[*]}"
    exit 1
  fi
}

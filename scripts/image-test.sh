#!/usr/bin/env bash
# Builds and checks the container image without a Docker engine.
#
# Base images cannot be pulled here, so the release binary is built on the host
# with the Dockerfile build stage's cargo flags, and the Dockerfile's final
# stage, every line as written, is built by buildah with that binary standing
# in for the build stage. The image is then run (buildah run, chroot isolation:
# host network, no PID namespace) and checked; its root filesystem is also run
# in an otherwise empty chroot as PID 1 of a new PID namespace, and again with
# its state store in /state across a restart.
#
# Needs root. Installs buildah, curl and file with apt-get when missing.
# Env: IMAGE_TEST_PORT (default 8080, the image's own port; another port is
# passed to the server as HARBOR_MOCK_LISTEN=0.0.0.0:PORT).
#
# Checks run `eval` on single-quoted conditions on purpose:
# shellcheck disable=SC2016
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
DOCKERFILE=$ROOT/Dockerfile
PORT=${IMAGE_TEST_PORT:-8080}
AUTH=admin:Harbor12345
MAX_IMAGE_BYTES=$((15 * 1000 * 1000))
MAX_STOP_MS=1000
START_TIMEOUT_MS=20000
TRIPLE="$(uname -m)-unknown-linux-gnu"
# Static glibc; getrandom(2) via libc, not a dlsym lookup that fails when static
# and falls back to /dev/urandom (absent in an empty root). As in the Dockerfile.
STATIC_RUSTFLAGS='-C target-feature=+crt-static --cfg getrandom_backend="linux_getrandom"'
CARGO_ARGS=(build --release --locked --target "$TRIPLE" --bin harbor-mock)
BIN=$ROOT/target/$TRIPLE/release/harbor-mock
# Env vars the binary reads; each must be documented in a Dockerfile comment
# (any other HARBOR_MOCK_* named under src/ is added below).
KNOWN_VARS=(HARBOR_MOCK_LISTEN HARBOR_MOCK_FIXTURES HARBOR_MOCK_ROBOT_PREFIX
    HARBOR_MOCK_LOG_LEVEL HARBOR_MOCK_LOG_FORMAT HARBOR_MOCK_SEED HARBOR_MOCK_CLOCK
    HARBOR_MOCK_STATE_FILE HARBOR_MOCK_CONTROL_TOKEN HARBOR_MOCK_NO_CONTROL
    HARBOR_MOCK_JOURNAL_SIZE)

passed=0
failed=0
figures=()
say() { printf 'image-test: %s\n' "$*"; }
pass() { passed=$((passed + 1)); say "PASS $*"; }
fail() { failed=$((failed + 1)); say "FAIL $*"; }
die() { failed=$((failed + 1)); say "FATAL $*"; exit 1; }
# check DESCRIPTION COMMAND...: PASS/FAIL on the command's status.
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
now_ms() { local ns; ns=$(date +%s%N); echo $((ns / 1000000)); }
figure() { figures+=("$*"); say "$*"; }

[ "$(id -u)" = 0 ] || die "must run as root (buildah, chroot)"

tmp=$(mktemp -d /tmp/harbor-mock-image-test.XXXXXX)
img="localhost/harbor-mock-image-test:$$"
ctr=""
img_built=""
wrappers=() # buildah run / unshare processes this script started
servers=()  # server processes found under them

alive() { # PID: running and not a zombie
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat:0:1}" != Z ]
}

cleanup() {
    local rc=$? p
    set +e
    for p in "${servers[@]}"; do alive "$p" && kill -KILL "$p"; done
    for p in "${wrappers[@]}"; do alive "$p" && kill -TERM "$p"; done
    for p in "${wrappers[@]}"; do wait "$p" 2>/dev/null; done
    if [ -n "$ctr" ]; then
        buildah umount "$ctr" >/dev/null 2>&1
        buildah rm "$ctr" >/dev/null 2>&1
    fi
    [ -n "$img_built" ] && buildah rmi -f "$img" >/dev/null 2>&1
    rm -rf "$tmp"
    if ((${#figures[@]})); then
        say "---- figures"
        for p in "${figures[@]}"; do say "$p"; done
    fi
    ((rc == 0 && failed > 0)) && rc=1
    ((rc != 0 && failed == 0)) && failed=1
    say "$passed passed, $failed failed"
    exit "$rc"
}
trap cleanup EXIT
trap 'say "ERROR: line $LINENO: \"$BASH_COMMAND\" failed"' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- tools -----------------------------------------------------------------
need=()
command -v buildah >/dev/null || need+=(buildah)
command -v curl >/dev/null || need+=(curl)
command -v file >/dev/null || need+=(file)
if ((${#need[@]})); then
    say "installing ${need[*]} with apt-get"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"; } \
        </dev/null >"$tmp/apt.log" 2>&1; then
        tail -n 30 "$tmp/apt.log"
        die "apt-get install ${need[*]} failed"
    fi
fi
for t in buildah curl file ldd unshare; do
    command -v "$t" >/dev/null || die "$t not found"
done
if ! buildah info >/dev/null 2>&1; then
    say "buildah's default storage does not work here; using STORAGE_DRIVER=vfs"
    export STORAGE_DRIVER=vfs
    buildah info >/dev/null || die "buildah info fails even with the vfs driver"
fi
say "buildah $(buildah --version | awk '{print $3}'), storage driver $(buildah info --format '{{.store.GraphDriverName}}' 2>/dev/null || echo '?')"

# ---- the Dockerfile ----------------------------------------------------------
[ -f "$DOCKERFILE" ] || die "no Dockerfile at $DOCKERFILE"
mapfile -t from_lines < <(grep -nE '^[[:space:]]*[Ff][Rr][Oo][Mm][[:space:]]' "$DOCKERFILE" | cut -d: -f1)
((${#from_lines[@]} >= 2)) || die "Dockerfile: expected a build stage and a final stage"
final_start=${from_lines[-1]}
build_from=$(sed -n "${from_lines[0]}p" "$DOCKERFILE")
stage=$(sed -nE 's/.*[[:space:]][Aa][Ss][[:space:]]+([^[:space:]]+)[[:space:]]*$/\1/p' <<<"$build_from")
[ -n "$stage" ] || die "Dockerfile: the build stage has no name (FROM ... AS name)"
final_from=$(sed -n "${final_start}p" "$DOCKERFILE")
# The build stage's instructions with line continuations joined.
build_stage=$(sed -n "${from_lines[0]},$((final_start - 1))p" "$DOCKERFILE" | sed -e :a -e '/\\$/N; s/\\\n/ /; ta')
final_stage=$(sed -n "${final_start},\$p" "$DOCKERFILE")

check "final stage is FROM scratch ($final_from)" \
    grep -qiE '^[[:space:]]*FROM[[:space:]]+scratch[[:space:]]*$' <<<"$final_from"
build_ok=1
grep -qF "RUSTFLAGS='$STATIC_RUSTFLAGS'" <<<"$build_stage" || build_ok=0
cargo_line=$(grep -oE 'cargo build[^&;]*' <<<"$build_stage" | head -n 1 || true)
for flag in --release --locked --target "--bin harbor-mock"; do
    grep -qF -- "$flag" <<<"$cargo_line" || build_ok=0
done
grep -qF -- '-unknown-linux-gnu' <<<"$build_stage" || build_ok=0
check "build stage '$stage' uses RUSTFLAGS='$STATIC_RUSTFLAGS' and cargo ${CARGO_ARGS[*]/$TRIPLE/<arch>-unknown-linux-gnu}" \
    test "$build_ok" = 1
check "ENTRYPOINT is exec form" grep -qE '^[[:space:]]*ENTRYPOINT[[:space:]]+\[' <<<"$final_stage"

mapfile -t src_vars < <(grep -rhoE 'HARBOR_MOCK_[A-Z0-9_]*[A-Z0-9]' "$ROOT/src" 2>/dev/null | sort -u)
undocumented=()
for v in $(printf '%s\n' "${KNOWN_VARS[@]}" "${src_vars[@]}" | sort -u); do
    grep -qE "^[[:space:]]*#.*(^|[^A-Z0-9_])${v}([^A-Z0-9_]|\$)" "$DOCKERFILE" || undocumented+=("$v")
done
check "every HARBOR_MOCK_* variable has a Dockerfile comment${undocumented[*]:+ (missing: ${undocumented[*]})}" \
    test ${#undocumented[@]} = 0

# ---- the release binary --------------------------------------------------------
say "building: RUSTFLAGS='$STATIC_RUSTFLAGS' cargo ${CARGO_ARGS[*]}"
RUSTFLAGS="$STATIC_RUSTFLAGS" cargo "${CARGO_ARGS[@]}" </dev/null || die "cargo build failed"
[ -x "$BIN" ] || die "no binary at $BIN"
file_out=$(file -b "$BIN")
ldd_out=$(ldd "$BIN" 2>&1 || true)
check "binary is statically linked (file: $(grep -oE '[a-z-]+ linked' <<<"$file_out" | head -n 1); ldd: $(head -n 1 <<<"$ldd_out" | xargs))" \
    eval 'grep -qE "static(-pie)? linked|statically linked" <<<"$file_out" && grep -qE "statically linked|not a dynamic executable" <<<"$ldd_out"'
figure "binary: $(stat -c %s "$BIN") bytes"

# ---- the build context ----------------------------------------------------------
# What `docker build .` would send, as buildah sees it through .dockerignore.
printf 'FROM scratch\nCOPY . /ctx/\n' >"$tmp/Containerfile.context"
if buildah bud --isolation chroot --layers=false -f "$tmp/Containerfile.context" -t "$img-context" "$ROOT" \
    >"$tmp/bud-context.log" 2>&1; then
    cctr=$(buildah from "$img-context")
    cmnt=$(buildah mount "$cctr")
    ctx_files=$(cd "$cmnt/ctx" && find . -type f | sed 's|^\./||' | sort)
    ctx_bytes=$(du -sb "$cmnt/ctx" | cut -f1)
    buildah umount "$cctr" >/dev/null
    buildah rm "$cctr" >/dev/null
    buildah rmi "$img-context" >/dev/null
    figure "build context: $(wc -l <<<"$ctx_files") files, $ctx_bytes bytes"
    ctx_bad=$({ grep -E '(^|/)(target|\.git)/' <<<"$ctx_files" || true; } | head -n 3 | xargs)
    ctx_missing=""
    for f in Cargo.toml Cargo.lock src/main.rs src/lib.rs fixtures/default.json; do
        [ -e "$ROOT/$f" ] || continue
        grep -qx "$f" <<<"$ctx_files" || ctx_missing+=" $f"
    done
    check ".dockerignore keeps target/ and .git/ out${ctx_bad:+ (found: $ctx_bad)}" test -z "$ctx_bad"
    check ".dockerignore keeps the sources and fixtures in${ctx_missing:+ (missing:$ctx_missing)}" test -z "$ctx_missing"
else
    cat "$tmp/bud-context.log"
    fail "could not build a context-listing image"
fi

# ---- the image ---------------------------------------------------------------
# Stand-in for the build stage's /out: what its RUN leaves there.
standin=$tmp/standin
mkdir -p "$standin/state"
cp "$BIN" "$standin/harbor-mock"
missing=()
while read -r src; do
    case $src in
    /out/*) [ -e "$standin/${src#/out/}" ] || missing+=("$src") ;;
    *) missing+=("$src") ;;
    esac
done < <(grep -iE "^[[:space:]]*COPY[[:space:]].*--from=$stage([[:space:]]|\$)" <<<"$final_stage" |
    awk '{for (i = 2; i <= NF; i++) if ($i !~ /^--/) { print $i; break }}')
((${#missing[@]} == 0)) ||
    die "the final stage copies ${missing[*]} from '$stage'; teach this script's stand-in (under /out) to provide it"

gen=$tmp/Containerfile
{
    echo "# Generated by scripts/image-test.sh: a stand-in build stage, then the"
    echo "# Dockerfile's final stage as written."
    echo "FROM scratch AS $stage"
    echo "COPY --from=hostbuild / /out/"
    echo
    printf '%s\n' "$final_stage"
} >"$gen"
say "building image $img from the Dockerfile's final stage (lines $final_start-$(wc -l <"$DOCKERFILE"))"
if ! buildah bud --format docker --isolation chroot --layers=false \
    --build-context "hostbuild=$standin" -f "$gen" -t "$img" "$ROOT" >"$tmp/bud.log" 2>&1; then
    cat "$tmp/bud.log"
    die "buildah bud failed"
fi
img_built=1
pass "image builds (buildah bud --isolation chroot)"

inspect() { buildah inspect --type image --format "$1" "$img"; }
mapfile -t entrypoint < <(inspect '{{range .Docker.Config.Entrypoint}}{{println .}}{{end}}')
mapfile -t cmd < <(inspect '{{range .Docker.Config.Cmd}}{{println .}}{{end}}')
mapfile -t image_env < <(inspect '{{range .Docker.Config.Env}}{{println .}}{{end}}')
mapfile -t hc_test < <(inspect '{{if .Docker.Config.Healthcheck}}{{range .Docker.Config.Healthcheck.Test}}{{println .}}{{end}}{{end}}')
user=$(inspect '{{.Docker.Config.User}}')
workdir=$(inspect '{{.Docker.Config.WorkingDir}}')
ports=$(inspect '{{range $p, $_ := .Docker.Config.ExposedPorts}}{{$p}} {{end}}' | xargs)
say "image: user=$user workdir=${workdir:-/} ports=$ports entrypoint=${entrypoint[*]} cmd=${cmd[*]:-} healthcheck=${hc_test[*]:-}"
uid=${user%%:*}
gid=${user#*:}
[ "$gid" != "$user" ] || gid=$uid
check "runs as a non-root numeric user ($user)" \
    eval '[[ $uid =~ ^[0-9]+$ && $gid =~ ^[0-9]+$ && $uid != 0 ]]'
check "EXPOSE 8080" grep -qw 8080/tcp <<<"$ports"
check "ENV HARBOR_MOCK_LISTEN=0.0.0.0:8080" grep -qx 'HARBOR_MOCK_LISTEN=0.0.0.0:8080' < <(printf '%s\n' "${image_env[@]}")
check "ENTRYPOINT runs the binary, no shell (${entrypoint[*]})" \
    eval '((${#entrypoint[@]})) && [[ ${entrypoint[0]} != */sh ]]'
hc=()
if [ "${hc_test[0]:-}" = CMD ]; then hc=("${hc_test[@]:1}"); fi
check "HEALTHCHECK runs the binary's healthcheck subcommand, exec form (${hc_test[*]:-none})" \
    eval '((${#hc[@]})) && [[ ${hc[0]} == "${entrypoint[0]}" && " ${hc[*]} " == *" healthcheck "* ]]'
((${#entrypoint[@]})) || die "the image has no ENTRYPOINT"

# Size: the uncompressed layers and config, as `docker images` counts.
buildah push --disable-compression "$img" "dir:$tmp/pushed" >"$tmp/push.log" 2>&1 || {
    cat "$tmp/push.log"
    die "buildah push to dir: failed"
}
size=$(find "$tmp/pushed" -type f ! -name manifest.json ! -name version -printf '%s\n' | awk '{s += $1} END {print s + 0}')
size_mb=$(awk -v s="$size" 'BEGIN {printf "%.2f", s / 1e6}')
figure "image size: $size bytes ($size_mb MB, uncompressed)"
check "image is under 15 MB ($size_mb MB)" test "$size" -lt "$MAX_IMAGE_BYTES"

# The image's files; a copy of them is the root of the chroot run below.
ctr=$(buildah from --name "harbor-mock-image-test-$$" "$img")
mnt=$(buildah mount "$ctr")
rootfs=$tmp/rootfs
mkdir "$rootfs"
cp -a "$mnt/." "$rootfs/"
buildah umount "$ctr" >/dev/null
image_files=$(cd "$rootfs" && find . -mindepth 1 ! -type d | sed 's|^\.||' | sort | xargs)
image_dirs=$(cd "$rootfs" && find . -mindepth 1 -type d | sed 's|^\.||' | sort | xargs)
say "image files: $image_files; directories: $image_dirs"
check "image holds only the binary and the default fixtures" \
    test "$image_files" = "$(printf '%s\n' "${entrypoint[0]}" /fixtures/default.json | sort | xargs)"
if command -v python3 >/dev/null; then
    check "the image's default fixtures are valid JSON" python3 -m json.tool "$rootfs/fixtures/default.json" /dev/null
fi

# ---- running it ----------------------------------------------------------------
url=http://127.0.0.1:$PORT
port_free() {
    local rc=0
    curl -s -o /dev/null --max-time 2 "$url/" || rc=$?
    [ "$rc" = 7 ]
}
# wait_for_200 WRAPPER_PID: polls GET /api/v2.0/robots until 200 while WRAPPER_PID lives.
wait_for_200() {
    local deadline=$(($(now_ms) + START_TIMEOUT_MS)) code
    while :; do
        code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 2 -u "$AUTH" "$url/api/v2.0/robots" || true)
        [ "$code" = 200 ] && return 0
        alive "$1" || return 1
        (($(now_ms) < deadline)) || return 1
        sleep 0.01
    done
}
# find_server PID: the first descendant of PID running the image's binary.
find_server() {
    local queue=("$1") p c name
    name=$(basename "${entrypoint[0]}")
    while ((${#queue[@]})); do
        p=${queue[0]}
        queue=("${queue[@]:1}")
        # shellcheck disable=SC2013 # the file holds space-separated pids
        for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
            if [ "$(cat "/proc/$c/comm" 2>/dev/null)" = "$name" ]; then
                echo "$c"
                return 0
            fi
            queue+=("$c")
        done
    done
    return 1
}
check_ids() { # LABEL PID: the process runs as the image's user, without supplementary groups
    local ids
    ids=$(awk '/^Uid:/ {printf "uid=%s,%s,%s,%s ", $2, $3, $4, $5} /^Gid:/ {printf "gid=%s,%s,%s,%s ", $2, $3, $4, $5} /^Groups:/ {printf "groups="; for (i = 2; i <= NF; i++) printf "%s%s", (i > 2 ? "," : ""), $i}' "/proc/$2/status")
    check "$1: server runs as $uid:$gid ($ids)" \
        eval '[[ $ids == "uid=$uid,$uid,$uid,$uid gid=$gid,$gid,$gid,$gid groups=" || $ids == "uid=$uid,$uid,$uid,$uid gid=$gid,$gid,$gid,$gid groups=$gid" ]]'
}
listening_on_any() { # a LISTEN socket on 0.0.0.0:PORT or [::]:PORT
    local hex
    hex=$(printf '%04X' "$PORT")
    grep -qE "^ *[0-9]+: 0+:$hex 0+:0000 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
api_checks() { # LABEL
    local code body
    body=$(tr -d ' \n\r\t' <"$tmp/body")
    check "$1: GET /api/v2.0/robots as $AUTH -> 200 with a JSON array ($(head -c 60 <<<"$body"))" \
        eval '[[ $body == "["*"]" ]]'
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/api/v2.0/robots" || true)
    check "$1: GET /api/v2.0/robots without credentials -> 401 (got $code)" test "$code" = 401
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u admin:wrong "$url/api/v2.0/robots" || true)
    check "$1: GET /api/v2.0/robots with a wrong password -> 401 (got $code)" test "$code" = 401
    code=$(curl -s -o "$tmp/health" -w '%{http_code}' --max-time 5 "$url/_mock/health" || true)
    check "$1: GET /_mock/health -> 200 (got $code: $(head -c 100 "$tmp/health" 2>/dev/null))" test "$code" = 200
    # The dashboard is served from the binary alone: no file in the image, nothing fetched.
    local ui
    ui=$(curl -s -w '%{http_code} %{content_type}' -o "$tmp/ui" --max-time 5 "$url/_mock/ui/robots" || true)
    check "$1: GET /_mock/ui/robots -> 200 text/html (got $ui)" \
        eval '[[ $ui == "200 text/html; charset=utf-8" ]] && grep -q "<table id=\"robots\">" "$tmp/ui"'
    ui=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' --max-time 5 "$url/_mock/ui/assets/ui.js" || true)
    check "$1: GET /_mock/ui/assets/ui.js -> 200 text/javascript (got $ui)" \
        eval '[[ $ui == "200 text/javascript; charset=utf-8" ]]'
    check "$1: listens on 0.0.0.0:$PORT" listening_on_any
}
# stop_server LABEL SIGNAL SERVER_PID WRAPPER_PID: signals the server, times its exit.
stop_server() {
    local t0 ms rc=0
    t0=$(now_ms)
    kill "-$2" "$3"
    while alive "$3" && (($(now_ms) - t0 < 5000)); do sleep 0.002; done
    ms=$(($(now_ms) - t0))
    if alive "$3"; then
        fail "$1: SIG$2 -> still running after $ms ms"
        kill -KILL "$3" 2>/dev/null || true
        wait "$4" 2>/dev/null || true
        return
    fi
    wait "$4" || rc=$?
    figure "$1: SIG$2 to exit: $ms ms, status $rc"
    check "$1: SIG$2 -> exit status 0 (got $rc) in under $MAX_STOP_MS ms ($ms ms)" \
        test "$rc" = 0 -a "$ms" -lt "$MAX_STOP_MS"
    check "$1: port $PORT closed after exit" port_free
}

port_free || die "port $PORT is in use on this machine; stop what listens there or set IMAGE_TEST_PORT"
run_env=()
chroot_env=("${image_env[@]}")
if [ "$PORT" != 8080 ]; then
    run_env=(--env "HARBOR_MOCK_LISTEN=0.0.0.0:$PORT")
    chroot_env+=("HARBOR_MOCK_LISTEN=0.0.0.0:$PORT")
fi

# 1. The image, as `docker run` would start it (but with the host's network).
say "starting: buildah run --isolation chroot ${run_env[*]:+${run_env[*]} }$ctr -- ${entrypoint[*]} ${cmd[*]:-}"
t0=$(now_ms)
buildah run --isolation chroot "${run_env[@]}" "$ctr" -- "${entrypoint[@]}" "${cmd[@]}" \
    </dev/null >"$tmp/container.log" 2>&1 &
wrapper=$!
wrappers+=("$wrapper")
if wait_for_200 "$wrapper"; then
    ms=$(($(now_ms) - t0))
    figure "container: start to first 200: $ms ms"
    pass "container: starts and serves (first 200 after $ms ms)"
else
    cat "$tmp/container.log"
    die "container: no 200 from GET /api/v2.0/robots within $START_TIMEOUT_MS ms"
fi
srv=$(find_server "$wrapper") || die "container: no ${entrypoint[0]} process under buildah run"
servers+=("$srv")
check_ids container "$srv"
[ "$(readlink "/proc/$srv/ns/net")" = "$(readlink /proc/self/ns/net)" ] ||
    die "container: buildah run did not share the host's network namespace"
api_checks container
t1=$(now_ms)
rc=0
buildah run --isolation chroot "${run_env[@]}" "$ctr" -- "${hc[@]}" </dev/null >"$tmp/hc.log" 2>&1 || rc=$?
figure "container: healthcheck ran in $(($(now_ms) - t1)) ms"
check "container: '${hc[*]}' exits 0 while serving (got $rc)" test "$rc" = 0
[ "$rc" = 0 ] || cat "$tmp/hc.log"
stop_server container TERM "$srv" "$wrapper"
rc=0
buildah run --isolation chroot "${run_env[@]}" "$ctr" -- "${hc[@]}" </dev/null >"$tmp/hc.log" 2>&1 || rc=$?
check "container: '${hc[*]}' exits non-zero once stopped (got $rc)" test "$rc" != 0
say "container log:"
sed 's/^/    /' "$tmp/container.log" | tail -n 20

# 2. The image's files alone in an empty chroot: no /proc, /dev or /etc; the
#    server is PID 1 of a new PID namespace, as in a container.
chroot_cmd=(unshare --root="$rootfs" --wd="${workdir:-/}" --setgid="$gid" --setuid="$uid" --)
chroot_run() { # LABEL SIGNAL
    local t0 ms wrapper srv rc
    say "$1: starting ${entrypoint[*]} ${cmd[*]:-} in a chroot of the image's files"
    t0=$(now_ms)
    env -i "${chroot_env[@]}" unshare --pid --fork --kill-child \
        "${chroot_cmd[@]:1}" "${entrypoint[@]}" "${cmd[@]}" </dev/null >"$tmp/chroot.log" 2>&1 &
    wrapper=$!
    wrappers+=("$wrapper")
    if wait_for_200 "$wrapper"; then
        ms=$(($(now_ms) - t0))
        figure "$1: start to first 200: $ms ms"
        pass "$1: starts and serves (first 200 after $ms ms)"
    else
        fail "$1: no 200 from GET /api/v2.0/robots within $START_TIMEOUT_MS ms"
        cat "$tmp/chroot.log"
        return
    fi
    srv=$(find_server "$wrapper") || { fail "$1: no server process under unshare"; return; }
    servers+=("$srv")
    check_ids "$1" "$srv"
    check "$1: server is PID 1 in its namespace ($(grep NSpid: "/proc/$srv/status" | xargs))" \
        eval '[[ $(awk "/^NSpid:/ {print \$NF}" /proc/$srv/status) == 1 ]]'
    if [ "$2" = TERM ]; then
        api_checks "$1"
        rc=0
        env -i "${chroot_env[@]}" "${chroot_cmd[@]}" "${hc[@]}" </dev/null >"$tmp/hc.log" 2>&1 || rc=$?
        check "$1: '${hc[*]}' exits 0 (got $rc)" test "$rc" = 0
        [ "$rc" = 0 ] || cat "$tmp/hc.log"
    fi
    stop_server "$1" "$2" "$srv" "$wrapper"
}
chroot_run chroot TERM
chroot_run chroot-2 INT

# 3. State across a restart: HARBOR_MOCK_STATE_FILE in the image's writable /state (a
#    volume in a real deployment); a robot created by the first run is there in the second.
state_env=("${chroot_env[@]}" "HARBOR_MOCK_STATE_FILE=/state/harbor.db")
state_start() { # LABEL: starts the server on the store; sets state_srv and state_wrapper
    say "$1: starting with HARBOR_MOCK_STATE_FILE=/state/harbor.db in a chroot of the image's files"
    env -i "${state_env[@]}" unshare --pid --fork --kill-child \
        "${chroot_cmd[@]:1}" "${entrypoint[@]}" "${cmd[@]}" </dev/null >"$tmp/state.log" 2>&1 &
    state_wrapper=$!
    wrappers+=("$state_wrapper")
    if ! wait_for_200 "$state_wrapper"; then
        cat "$tmp/state.log"
        die "$1: no 200 from GET /api/v2.0/robots within $START_TIMEOUT_MS ms"
    fi
    state_srv=$(find_server "$state_wrapper") || die "$1: no server process under unshare"
    servers+=("$state_srv")
}
state_start state
code=$(curl -s -o "$tmp/created" -w '%{http_code}' --max-time 5 -u "$AUTH" \
    -H 'Content-Type: application/json' "$url/api/v2.0/robots" \
    -d '{"name":"kept","duration":-1,"level":"system","permissions":[{"kind":"system","namespace":"/","access":[{"resource":"robot","action":"list"}]}]}' || true)
check "state: POST /api/v2.0/robots -> 201 (got $code: $(head -c 80 "$tmp/created"))" test "$code" = 201
stop_server state TERM "$state_srv" "$state_wrapper"
store=$rootfs/state/harbor.db
check "state: /state/harbor.db is an SQLite file owned by $uid ($(stat -c '%U:%G %s bytes' "$store" 2>/dev/null || echo missing))" \
    eval '[[ $(head -c 15 "$store" 2>/dev/null) == "SQLite format 3" && $(stat -c %u "$store") == "$uid" ]]'
state_start state-restart
check "state-restart: the log names the store it loaded ($(grep -o 'state store /state/harbor.db[^;]*' "$tmp/state.log" | head -n 1))" \
    grep -q 'listening on .*; state store /state/harbor.db:' "$tmp/state.log"
body=$(curl -s --max-time 5 -u "$AUTH" "$url/api/v2.0/robots?q=name%3Dkept" || true)
check "state-restart: the robot created before the restart is there ($(head -c 80 <<<"$body"))" \
    grep -q '"name":"robot\$kept"' <<<"$body"
stop_server state-restart TERM "$state_srv" "$state_wrapper"

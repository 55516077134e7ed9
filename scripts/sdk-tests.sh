#!/usr/bin/env bash
# The SDKs as a user gets them: builds the artefacts (scripts/package.sh), installs each into a
# clean place outside the repository and runs tests through it against a real Harbor client.
#   python  fresh virtualenv: the wheel + sdk/python/requirements-test.txt; the SDK's tests and
#           mypy against the installed package, then a project folder with the example suite
#           (harborapi) and the README's example, also attached to a running server
#   node    the SDK's tests (node:test; tsc from sdk/node/tools on the .d.ts) in place; then a
#           fresh `npm init -y` project with the two tarballs and @hapic/harbor: the example
#           suite and the README's
#   go      the SDK's tests in place; then sdk/go/example copied out of the repository, its
#           replace pointed at sdk/go, with go-client: the example suite and the README's, the
#           binary found on PATH (the wheel's)
#   rust    (SDK_TESTS_RUST=0 skips) cargo install from the checkout, and the README's example
#           in a fresh crate
# Every README example is taken from sdk/README-install.md as written: a fenced block whose
# first line is a comment naming a file is written to that file.
# Installs what it needs (pip, npm, Go modules, crates); exits non-zero if any part fails.
#   PYTHON=python3.11   interpreter for the virtualenv (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
exec </dev/null

start=$(date +%s)
failed=()
step() {
    local name=$1; shift
    local t0 rc=0; t0=$(date +%s)
    echo "==> $name"
    # A subshell of its own: `set -e` holds inside it (it would not in a `cmd || ...` list).
    set +e
    (set -e; "$@")
    rc=$?
    set -e
    echo "<== $name: $(( $(date +%s) - t0 ))s (exit $rc)"
    [ "$rc" = 0 ] || failed+=("$name")
}

bash scripts/package.sh
dist=$ROOT/target/dist
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
wheel=$(ls "$dist"/*.whl)
binary=$ROOT/target/$(uname -m)-unknown-linux-gnu/release/harbor-mock
unset HARBOR_MOCK_BIN HARBOR_MOCK_URL

tmp=$(mktemp -d /tmp/harbor-mock-sdk-tests.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# readme_examples LANG-COMMENT DIR: writes each README example whose first line is
# "LANG-COMMENT FILE" to DIR/FILE.
readme_examples() {
    python3 - "$ROOT/sdk/README-install.md" "$1" "$2" <<'EOF'
import pathlib, re, sys
readme, comment, out = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
found = 0
for block in re.findall(r"^```\w*\n(.*?)^```", pathlib.Path(readme).read_text(), re.S | re.M):
    first = block.split("\n", 1)[0]
    name = re.fullmatch(re.escape(comment) + r" ([\w./-]+)", first)
    if name:
        path = out / name.group(1)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block)
        found += 1
sys.exit(0 if found else f"no example starting with {comment!r} in {readme}")
EOF
}

python_sdk() {
    local venv=$tmp/python/venv project=$tmp/python/project
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        "$wheel" -r sdk/python/requirements-test.txt
    # The wheel put the binary into the venv's bin/; run with the venv not activated, so the
    # package has to find it there, not on PATH.
    "$venv/bin/harbor-mock" --version
    (cd sdk/python && "$venv/bin/python" -m pytest -p no:cacheprovider tests)
    (cd "$tmp" && "$venv/bin/mypy" --strict --cache-dir=/dev/null -p harbor_mock)

    mkdir -p "$project"
    cp sdk/python/example/*.py "$project/"
    readme_examples "#" "$project"
    (cd "$project" && "$venv/bin/python" -m pytest -p no:cacheprovider)
    # The container section: the same test, attached through HARBOR_MOCK_URL to a server that
    # runs already (the binary stands in for the image, which scripts/image-test.sh checks).
    (cd "$project" && "$venv/bin/python" - <<'EOF'
import os, subprocess, sys
from harbor_mock import HarborMock

with HarborMock() as container:
    env = dict(os.environ, HARBOR_MOCK_URL=container.url)
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "test_robots.py"], env=env))
EOF
    )
}

node_sdk() {
    local project=$tmp/node/project
    (cd sdk/node && npm run types && HARBOR_MOCK_BIN=$binary node --test test/)

    mkdir -p "$project"
    cd "$project"
    npm init -y >/dev/null
    npm install --no-audit --no-fund --save-dev "$dist/harbor-mock-linux-x64-$version.tgz" \
        "$dist/harbor-mock-$version.tgz" @hapic/harbor@2.5.6 hapic@2.8.2
    cp "$ROOT"/sdk/node/example/*.test.mjs .
    readme_examples "//" .
    rm -f ./*.go ./*.rs ./tests/*.rs # the other languages' examples share the comment style
    npx --no harbor-mock --version
    node --test
}

go_sdk() {
    local module=$tmp/go/example
    (cd sdk/go && go vet ./... && HARBOR_MOCK_BIN=$binary go test -count=1 ./...)

    mkdir -p "$module"
    cp -r sdk/go/example/. "$module/"
    readme_examples "//" "$tmp/go/readme"
    mkdir -p "$module/readme"
    cp "$tmp/go/readme/robots_test.go" "$module/readme/"
    cd "$module"
    go mod edit -replace="github.com/harbor-mock/harbor-mock/sdk/go=$ROOT/sdk/go"
    go mod download
    go vet ./...
    # harbor-mock from PATH: the one the wheel installed.
    PATH="$tmp/python/venv/bin:$PATH" go test -count=1 ./...
}

rust_sdk() {
    local crate=$tmp/rust/robots
    # Reuses target/release if scripts/client-tests.sh or cargo build --release built it.
    CARGO_TARGET_DIR=$ROOT/target cargo install --locked --quiet --path . --root "$tmp/rust/cargo"
    "$tmp/rust/cargo/bin/harbor-mock" --version

    cargo init --quiet --lib --name robots "$crate"
    cp Cargo.lock "$crate/" # the versions the repository is tested with
    cd "$crate"
    cargo add --quiet --dev harbor-mock --path "$ROOT"
    cargo add --quiet --dev tokio --features macros,rt-multi-thread
    cargo add --quiet --dev reqwest --no-default-features
    readme_examples "//" .
    rm -f ./*.go ./*.mjs
    CARGO_TARGET_DIR=$ROOT/target/sdk/rust-example cargo test --quiet
}

# startup_times: median time from each helper's start call to a server that answered, over 21
# starts, through the installed artefacts (run after the steps above, which set them up).
startup_times() {
    (cd "$tmp/python/project" && "$tmp/python/venv/bin/python" -c '
import statistics
from harbor_mock import HarborMock
took = []
for _ in range(21):
    with HarborMock() as server:
        took.append(server.startup_seconds * 1000)
print(f"python HarborMock().start(): median {statistics.median(took):.1f} ms, max {max(took):.1f} ms")
')
    (cd "$tmp/node/project" && node --input-type=module -e '
import { startHarborMock } from "harbor-mock";
const took = [];
for (let i = 0; i < 21; i++) {
  const server = await startHarborMock();
  took.push(server.startupMs);
  await server.stop();
}
took.sort((a, b) => a - b);
console.log(`node startHarborMock(): median ${took[10].toFixed(1)} ms, max ${took[20].toFixed(1)} ms`);
')
    (cd sdk/go && HARBOR_MOCK_BIN=$binary go test -run '^$' -bench StartToReady -benchtime 21x . | grep Benchmark)
}

step "python: wheel in a fresh virtualenv" python_sdk
step "node: tarballs in a fresh npm project" node_sdk
step "go: module outside the repository" go_sdk
step "startup times (median of 21 starts)" startup_times
if [ "${SDK_TESTS_RUST:-1}" != 0 ]; then
    step "rust: cargo install and the README example" rust_sdk
fi

echo "sdk tests: $(( $(date +%s) - start ))s"
if ((${#failed[@]})); then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
echo "all SDK suites passed"

#!/usr/bin/env bash
# The SDKs as a user gets them: builds the artefacts (scripts/package.sh), installs each into a
# clean place outside the repository and runs tests through it against a real Harbor client.
#   python  a fresh virtualenv, activated: the README's Python block as written (the wheel,
#           harborapi, pytest; versions held to sdk/python/requirements-test.txt through
#           PIP_CONSTRAINT) in a project folder holding the README's test and the example suite
#           (sdk/python/example, harborapi); the same test attached to a running server through
#           HARBOR_MOCK_URL (the container block); then, with the virtualenv not activated, the
#           SDK's own tests and mypy --strict against the installed package
#   node    the SDK's tests (node:test; tsc from sdk/node/tools on the .d.ts) in place; then a
#           fresh `npm init -y` project: the README's JavaScript block as written (the two
#           tarballs, @hapic/harbor) with the README's test and the example suite
#   go      the SDK's tests in place; a fresh `go mod init` module: the README's Go block as
#           written (a replace to sdk/go, go-client) with the README's test; then sdk/go/example
#           copied out of the repository, its replace pointed at sdk/go; the binary is the one
#           on PATH (the wheel's)
#   rust    (SDK_TESTS_RUST=0 skips) a fresh crate: the README's Rust block as written (cargo
#           install into a temporary root, cargo add from the checkout) with the README's test
# A block is taken from README.md's "Install" section: each command of a ```sh block in order,
# a `# from a checkout: CMD` line standing in for the command above it (/path/to/harbor-mock
# is this checkout); a fenced block whose first line is a comment naming a file is that file.
# Then the median time from each helper's start call to a ready server, over 21 starts.
# Installs what it needs (pip, npm, Go modules, crates); a missing Node or Go toolchain says
# SKIPPED for that part. Exits non-zero if any part fails.
#   PYTHON=python3.11   interpreter for the virtualenv (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
exec </dev/null

source scripts/steps.sh

have_node=1 have_go=1
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || have_node=0
command -v go >/dev/null 2>&1 || have_go=0

step "package.sh" bash scripts/package.sh
if ((${#failed[@]})); then
    echo "FAILED: scripts/package.sh: nothing to install"
    exit 1
fi
dist=$ROOT/target/dist
wheel=$(ls "$dist"/*.whl)
binary=$ROOT/target/$(uname -m)-unknown-linux-gnu/release/harbor-mock
# cargo test's target folder: the Rust example's dependencies are mostly built there already.
target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir=$ROOT/$target_dir ;; esac
unset HARBOR_MOCK_BIN HARBOR_MOCK_URL

tmp=$(mktemp -d /tmp/harbor-mock-sdk-tests.XXXXXX)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# readme MODE ARG...: what README.md's "## Install" section says.
#   readme files COMMENT DIR   writes each block whose first line is "COMMENT FILE" to DIR/FILE
#   readme commands HEADING    prints, one a line, the commands of the ```sh blocks under the
#                              "### HEADING..." subsection, for a checkout
readme() {
    python3 - "$ROOT" "$@" <<'EOF'
import pathlib, re, sys
root, mode = sys.argv[1], sys.argv[2]
text = pathlib.Path(root, "README.md").read_text()
section = re.search(r"^## Install\n(.*?)(?=^## )", text, re.S | re.M)
if not section:
    sys.exit("README.md has no '## Install' section")
install = section.group(1)
blocks = lambda part: re.findall(r"^```(\w*)\n(.*?)^```", part, re.S | re.M)
if mode == "files":
    comment, out = sys.argv[3], pathlib.Path(sys.argv[4])
    found = 0
    for _, block in blocks(install):
        name = re.fullmatch(re.escape(comment) + r" ([\w./-]+)", block.split("\n", 1)[0])
        if name:
            path = out / name.group(1)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block)
            found += 1
    sys.exit(0 if found else f"no example starting with {comment!r} in README.md's Install section")
heading = sys.argv[3]
sub = re.search(r"^### " + re.escape(heading) + r".*?\n(.*?)(?=^### |\Z)", install, re.S | re.M)
if not sub:
    sys.exit(f"no '### {heading}' in README.md's Install section")
commands = []
for lang, block in blocks(sub.group(1)):
    if lang != "sh":
        continue
    for line in block.splitlines():
        alternative = re.fullmatch(r"# from a checkout: (.+)", line.strip())
        if alternative:
            commands[-1] = alternative.group(1).replace("/path/to/harbor-mock", root)
        elif line.strip() and not line.lstrip().startswith("#"):
            commands.append(line)
if not commands:
    sys.exit(f"no commands under '### {heading}'")
print("\n".join(commands))
EOF
}

# run_readme HEADING: runs the commands of that subsection, each shown first, in this folder.
run_readme() {
    local commands command
    commands=$(readme commands "$1")
    while IFS= read -r command; do
        echo "\$ $command"
        eval "$command"
    done <<<"$commands"
}

python_sdk() {
    local venv=$tmp/python/venv project=$tmp/python/project
    "${PYTHON:-python3}" -m venv "$venv"
    mkdir -p "$project"
    cp sdk/python/example/*.py "$project/"
    readme files "#" "$project"
    # A user's shell: the virtualenv activated, the project folder, the README's commands.
    (
        export VIRTUAL_ENV=$venv PATH=$venv/bin:$PATH PIP_CONSTRAINT=$ROOT/sdk/python/requirements-test.txt
        export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_QUIET=1
        cd "$project"
        run_readme "Python"
        # The container block: the same test, attached through HARBOR_MOCK_URL to a server that
        # runs already (the installed binary stands in for the image, which image-test.sh checks).
        python - <<'EOF'
import os, subprocess, sys
from harbor_mock import HarborMock

with HarborMock() as container:
    env = dict(os.environ, HARBOR_MOCK_URL=container.url)
    sys.exit(subprocess.call(["pytest", "-p", "no:cacheprovider", "test_robots.py"], env=env))
EOF
    )
    # Not activated: the package has to find the binary in the virtualenv's bin/, off PATH.
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r sdk/python/requirements-test.txt
    "$venv/bin/harbor-mock" --version
    (cd sdk/python && "$venv/bin/python" -m pytest -p no:cacheprovider tests)
    (cd "$tmp" && "$venv/bin/mypy" --strict --cache-dir=/dev/null -p harbor_mock)
}

node_sdk() {
    if [ "$have_node" = 0 ]; then
        echo "SKIPPED node: node or npm is not installed on this machine"
        return 0
    fi
    local project=$tmp/node/project
    (cd sdk/node && npm run types && HARBOR_MOCK_BIN=$binary node --test test/)

    mkdir -p "$project"
    cd "$project"
    npm init -y >/dev/null
    cp "$ROOT"/sdk/node/example/*.test.mjs .
    readme files "//" .
    rm -f ./*.go ./tests/*.rs # the other languages' examples share the comment style
    export npm_config_audit=false npm_config_fund=false
    run_readme "JavaScript"
    npx --no harbor-mock --version
}

go_sdk() {
    if [ "$have_go" = 0 ]; then
        echo "SKIPPED go: no go toolchain on this machine"
        return 0
    fi
    local module=$tmp/go/robots example=$tmp/go/example
    (cd sdk/go && go vet ./... && HARBOR_MOCK_BIN=$binary go test -count=1 ./...)
    # harbor-mock from PATH: the one the wheel installed.
    export PATH="$tmp/python/venv/bin:$PATH"

    # A user's module.
    mkdir -p "$module"
    readme files "//" "$module"
    rm -f "$module"/*.mjs "$module"/tests/*.rs
    (cd "$module" && go mod init example.com/robots && run_readme "Go")

    # The example suite, a module of its own.
    mkdir -p "$example"
    cp -r sdk/go/example/. "$example/"
    cd "$example"
    go mod edit -replace="github.com/harbor-mock/harbor-mock/sdk/go=$ROOT/sdk/go"
    go mod download
    go vet ./...
    go test -count=1 ./...
}

rust_sdk() {
    local crate=$tmp/rust/robots
    cargo init --quiet --lib --name robots "$crate"
    cp Cargo.lock "$crate/" # the versions the repository is tested with
    readme files "//" "$crate"
    rm -f "$crate"/*.go "$crate"/*.mjs
    # The binary goes to a temporary root, not ~/.cargo/bin; both builds reuse cargo test's and
    # client-tests.sh's (target/release) where they can.
    export CARGO_INSTALL_ROOT=$tmp/rust/cargo CARGO_TARGET_DIR=$target_dir
    (cd "$crate" && run_readme "Rust")
    "$tmp/rust/cargo/bin/harbor-mock" --version
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
    if [ "$have_node" = 1 ]; then
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
    fi
    if [ "$have_go" = 1 ]; then
        (cd sdk/go && HARBOR_MOCK_BIN=$binary go test -run '^$' -bench StartToReady -benchtime 21x . | grep Benchmark)
    fi
}

step "python: wheel in a fresh virtualenv" python_sdk
step "node: tarballs in a fresh npm project" node_sdk
step "go: modules outside the repository" go_sdk
if [ "${SDK_TESTS_RUST:-1}" != 0 ]; then
    step "rust: cargo install and the README example in a fresh crate" rust_sdk
fi
step "startup times (median of 21 starts)" startup_times

report_steps "sdk tests"
echo "all SDK suites passed"

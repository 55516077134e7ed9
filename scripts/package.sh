#!/usr/bin/env bash
# Builds the SDK artefacts into target/dist/ and prints their sizes:
#   harbor_mock-VERSION-py3-none-manylinux…whl   the wheel: binary + harbor_mock package (sdk/python)
#   harbor-mock-VERSION.tgz                      the npm package (sdk/node)
#   harbor-mock-linux-ARCH-VERSION.tgz           its platform package, holding the binary
#
# One binary serves all three: the release build with the Dockerfile's flags, statically
# linked (glibc included), so it runs on any Linux of its architecture, the wheel can carry
# the oldest manylinux tag, and image-test.sh's build is the same one (cargo builds it once).
# Installs maturin (sdk/python/requirements-build.txt) into target/sdk/build-venv.
#   PYTHON=python3.11   interpreter for that virtualenv (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

triple="$(uname -m)-unknown-linux-gnu"
case "$(uname -m)" in
    x86_64) npm_arch=x64 ;;
    aarch64) npm_arch=arm64 ;;
    *) echo "package.sh: no npm platform name for $(uname -m)" >&2; exit 1 ;;
esac
platform_dir=sdk/node/npm/linux-$npm_arch
[ -d "$platform_dir" ] || { echo "package.sh: $platform_dir does not exist: add that platform package first" >&2; exit 1; }
max_wheel_bytes=$((8 * 1000 * 1000))
dist=target/dist

# The packages carry the crate's version; a mismatch would ship a wheel or tarball whose
# version does not name the binary inside.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
for manifest in sdk/node/package.json "$platform_dir/package.json"; do
    grep -q "\"version\": \"$version\"" "$manifest" \
        || { echo "package.sh: $manifest does not have version $version (Cargo.toml)" >&2; exit 1; }
done
grep -q "\"@harbor-mock/linux-$npm_arch\": \"$version\"" sdk/node/package.json \
    || { echo "package.sh: sdk/node/package.json must depend on @harbor-mock/linux-$npm_arch $version" >&2; exit 1; }

echo "==> cargo build --release --locked --target $triple (static)"
export RUSTFLAGS='-C target-feature=+crt-static --cfg getrandom_backend="linux_getrandom"'
cargo build --release --locked --target "$triple" --bin harbor-mock
binary=$PWD/target/$triple/release/harbor-mock

rm -rf "$dist"
mkdir -p "$dist"

echo "==> wheel (maturin)"
venv=target/sdk/build-venv
stamp=$venv/.requirements.sha256
want=$(sha256sum sdk/python/requirements-build.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/maturin" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r sdk/python/requirements-build.txt
    echo "$want" >"$stamp"
fi
# Same target and RUSTFLAGS as above: maturin's cargo call finds the binary up to date.
# manylinux2014 (glibc 2.17) is the oldest tag Rust supports; the static binary needs none.
(cd sdk/python && "../../$venv/bin/maturin" build --release --locked --target "$triple" \
    --compatibility manylinux2014 --out "../../$dist")

echo "==> npm tarballs"
mkdir -p "$platform_dir/bin"
cp "$binary" "$platform_dir/bin/harbor-mock"
(cd "$platform_dir" && npm pack --silent --pack-destination "../../../../$dist" >/dev/null)
(cd sdk/node && npm pack --silent --pack-destination "../../$dist" >/dev/null)

echo "==> $dist"
wheel=$(ls "$dist"/*.whl)
for f in "$dist"/*; do
    printf '%10s bytes  %s\n' "$(stat -c %s "$f")" "$f"
done
wheel_bytes=$(stat -c %s "$wheel")
if [ "$wheel_bytes" -ge "$max_wheel_bytes" ]; then
    echo "package.sh: the wheel is $wheel_bytes bytes, over the $max_wheel_bytes limit" >&2
    exit 1
fi

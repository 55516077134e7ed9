# syntax=docker/dockerfile:1
#
# harbor-mock: Harbor's /api/v2.0/robots API, in memory, as one static binary
# in an otherwise empty image.
#
#   docker build -t harbor-mock .
#   docker run --rm -p 8080:8080 harbor-mock
#   curl -u admin:Harbor12345 http://localhost:8080/api/v2.0/robots
#
# scripts/image-test.sh checks this file without a Docker engine: it builds the
# binary on the host with the same cargo flags as the build stage, then builds
# the final stage exactly as written with that binary standing in for the
# build stage's /out. Keep the cargo command and /out's layout in step with it.

# ---- build stage: a statically linked release binary -------------------------
FROM rust:1-slim-bookworm AS build
WORKDIR /src
# +crt-static links glibc statically. getrandom's linux_getrandom backend calls
# getrandom(2) through the static libc; its default looks the function up with
# dlsym, which fails in a static binary, and falls back to /dev/urandom, which
# an empty root filesystem lacks. Naming the target explicitly keeps these
# flags off build scripts and proc macros, which must stay dynamic.
ENV RUSTFLAGS='-C target-feature=+crt-static --cfg getrandom_backend="linux_getrandom"'
# The state store's SQLite is compiled from source (rusqlite's `bundled`) with the
# image's gcc and linked statically like the rest.
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    target="$(uname -m)-unknown-linux-gnu" \
 && cargo build --release --locked --target "$target" --bin harbor-mock \
 && mkdir -p /out/state \
 && cp "target/$target/release/harbor-mock" /out/harbor-mock

# ---- final stage: the binary, the default fixtures, nothing else -------------
# No shell, no libc, no CA bundle (the mock speaks plain HTTP and calls out to
# nothing), no curl: the HEALTHCHECK is the binary's own subcommand.
FROM scratch
LABEL org.opencontainers.image.title="harbor-mock" \
      org.opencontainers.image.description="In-memory mock of Harbor's /api/v2.0/robots API" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/harbor-mock /harbor-mock
# An empty directory the server user may write, e.g. for HARBOR_MOCK_STATE_FILE
# (SQLite keeps its -wal and -shm files beside the store).
COPY --from=build --chown=65532:65532 /out/state /state
COPY fixtures/default.json /fixtures/default.json
WORKDIR /

# Every setting is also a --flag; `harbor-mock --help` lists them.
# HARBOR_MOCK_LISTEN: address:port to serve on, an IP literal; port 0 picks a free one (binary default 127.0.0.1:8080).
ENV HARBOR_MOCK_LISTEN=0.0.0.0:8080
# HARBOR_MOCK_FIXTURES: fixtures file loaded at start and on reset (binary default fixtures/default.json, relative to WORKDIR).
ENV HARBOR_MOCK_FIXTURES=/fixtures/default.json
# HARBOR_MOCK_ROBOT_PREFIX: prefix of robot names on the wire and at login (default robot$).
ENV HARBOR_MOCK_ROBOT_PREFIX=robot\$
# HARBOR_MOCK_LOG_LEVEL: log filter, a level or directives like harbor_mock=debug,tower=warn (default info).
ENV HARBOR_MOCK_LOG_LEVEL=info
# HARBOR_MOCK_JOURNAL_SIZE: number of requests the control API's journal keeps (default 1000).
ENV HARBOR_MOCK_JOURNAL_SIZE=1000
# Unset by default; pass with `docker run -e NAME=value`:
# HARBOR_MOCK_LOG_FORMAT: log line format, pretty (default) or json.
# HARBOR_MOCK_SEED: integer seed for secrets, salts and generated request ids, for deterministic runs.
# HARBOR_MOCK_CLOCK: RFC 3339 time to start the clock at; it then stands still unless moved.
# HARBOR_MOCK_STATE_FILE: SQLite state store, e.g. /state/harbor.db on a volume: loaded at start (created when missing), every change committed to it.
# HARBOR_MOCK_CONTROL_TOKEN: require `Authorization: Bearer <token>` on the /_mock control API.
# HARBOR_MOCK_NO_CONTROL: true switches the /_mock control API and its /_mock/ui dashboard off (GET /_mock/health stays).
# HARBOR_MOCK_JOURNAL_BYTES: bytes the journal's entries may hold, headers and bodies, oldest dropped first (default 32 MiB).
# HARBOR_MOCK_SESSION_TTL: drop sessions idle this long, e.g. 30m, 2h, 90s (default: never).

USER 65532:65532
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=2s --retries=3 \
    CMD ["/harbor-mock", "healthcheck"]
ENTRYPOINT ["/harbor-mock"]

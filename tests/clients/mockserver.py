"""Start and stop the release `harbor-mock` binary for the client suites.

Used by `conftest.py` (one server per test) and by `run_schemathesis.py`. The server is started
on `--listen 127.0.0.1:0`; its address is read from the startup log line
`harbor-mock listening on http://ADDR; ...`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

# The startup line; the pretty log format may wrap parts of it in ANSI colour codes.
_LISTENING = re.compile(r"harbor-mock listening on http://([^\s;]+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

ADMIN = ("admin", "Harbor12345")
ALICE = ("alice", "Alice12345")
BOB = ("bob", "Bob12345")
CAROL = ("carol", "Carol12345")

#: The default fixtures plus a second project, so project ids and names can be told apart.
FIXTURES: dict[str, Any] = {
    "users": [
        {"id": 1, "username": "admin", "password": "Harbor12345", "sysadmin": True},
        {"id": 2, "username": "alice", "password": "Alice12345"},
        {"id": 3, "username": "bob", "password": "Bob12345"},
        {"id": 4, "username": "carol", "password": "Carol12345"},
    ],
    "projects": [{"id": 1, "name": "library"}, {"id": 2, "name": "team"}],
    "members": [
        {"project": "library", "user": "alice", "role": "projectAdmin"},
        {"project": "library", "user": "bob", "role": "developer"},
    ],
    "robots": [],
}


def binary() -> Path:
    """The release binary: `$HARBOR_MOCK_BIN`, else `$CARGO_TARGET_DIR` or `target/`."""
    explicit = os.environ.get("HARBOR_MOCK_BIN")
    if explicit:
        return Path(explicit)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    if not target.is_absolute():
        target = REPO / target
    return target / "release" / "harbor-mock"


def write_fixtures(path: Path, fixtures: dict[str, Any] | None = None) -> Path:
    path.write_text(json.dumps(fixtures or FIXTURES, indent=2))
    return path


class MockServer:
    """One `harbor-mock` process. Use as a context manager or call `start`/`stop`."""

    def __init__(
        self,
        fixtures: Path,
        seed: int = 7,
        clock: str | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.fixtures = fixtures
        self.seed = seed
        self.clock = clock
        self.extra_args = extra_args
        self.proc: subprocess.Popen[str] | None = None
        self.addr: str | None = None
        self.log: list[str] = []
        self._drain: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.addr}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/v2.0"

    def start(self, timeout: float = 15.0) -> "MockServer":
        exe = binary()
        if not exe.exists():
            raise RuntimeError(f"{exe} does not exist: run `cargo build --release` first")
        args = [
            str(exe),
            "--listen",
            "127.0.0.1:0",
            "--fixtures",
            str(self.fixtures),
            "--seed",
            str(self.seed),
            "--log-level",
            "info",
        ]
        if self.clock:
            args += ["--clock", self.clock]
        args += list(self.extra_args)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HARBOR_MOCK_")}
        env["NO_COLOR"] = "1"
        self.proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        found = threading.Event()

        def drain() -> None:
            # Keeps reading after start-up so the server never blocks on a full pipe.
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                line = _ANSI.sub("", line.rstrip("\n"))
                self.log.append(line)
                if not found.is_set():
                    m = _LISTENING.search(line)
                    if m:
                        self.addr = m.group(1)
                        found.set()
            found.set()

        self._drain = threading.Thread(target=drain, daemon=True)
        self._drain.start()
        deadline = time.monotonic() + timeout
        while not found.wait(0.05):
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("harbor-mock did not log its address in time:\n" + self.output())
        if self.addr is None:
            self.stop()
            raise RuntimeError("harbor-mock exited before listening:\n" + self.output())
        return self

    def output(self) -> str:
        return "\n".join(self.log)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self._drain is not None:
            self._drain.join(timeout=5)
        self.proc = None

    def __enter__(self) -> "MockServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

"""Start the `harbor-mock` binary as a child process, and its sessions."""

from __future__ import annotations

import collections
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Callable, Deque, List, Mapping, Optional, Sequence, Type, Union, cast

from ._control import ControlError, Fixtures, Instance, SessionInfo, format_time

#: The startup line, in either log format (`pretty` text or `json` `fields.message`).
_LISTENING = re.compile(r"harbor-mock listening on http://([^\s;\"]+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: Log lines kept for error messages and `logs()`, unless `log_lines` says otherwise.
_KEEP_LINES = 500
_TAIL_LINES = 20
#: The control token when none is given: a server started with `--control-token` (a container,
#: a CI service) wants it on every control call but `/_mock/health`.
CONTROL_TOKEN_ENV = "HARBOR_MOCK_CONTROL_TOKEN"

PathLike = Union[str, "os.PathLike[str]"]


class HarborMockError(RuntimeError):
    """The server could not be found or did not start. The message names the binary and
    ends with its last log lines."""


def find_binary(explicit: Optional[PathLike] = None) -> Path:
    """The `harbor-mock` executable: `explicit`, else `$HARBOR_MOCK_BIN`, else the one this
    package's wheel installed next to the interpreter's scripts, else the first on `PATH`.

    Raises HarborMockError naming every place looked at when there is none.
    """
    if explicit:
        return Path(explicit)
    env = os.environ.get("HARBOR_MOCK_BIN")
    if env:
        return Path(env)
    name = "harbor-mock.exe" if os.name == "nt" else "harbor-mock"
    looked = []
    # The wheel puts the binary in the scripts folder of the scheme it was installed with; a
    # test run from an un-activated venv (`.venv/bin/pytest`) has that folder off PATH.
    for scheme in (sysconfig.get_default_scheme(), f"{os.name}_user"):
        try:
            scripts = sysconfig.get_path("scripts", scheme)
        except KeyError:
            continue
        candidate = Path(scripts) / name
        looked.append(str(candidate))
        if candidate.is_file():
            return candidate
    found = shutil.which(name)
    if found:
        return Path(found)
    raise HarborMockError(
        f"harbor-mock binary not found: $HARBOR_MOCK_BIN is unset, no {', no '.join(looked)}, "
        "and none on PATH. Install it with `pip install harbor-mock` or point $HARBOR_MOCK_BIN at it."
    )


# --- dying with the parent -------------------------------------------------------------------
#
# PR_SET_PDEATHSIG makes Linux kill the server when the thread that forked it exits, so a test
# process killed with SIGKILL leaves no server behind. That is the forking *thread*: servers are
# forked from one long-lived thread, never from a short-lived worker thread whose end would
# take the server with it.

_PR_SET_PDEATHSIG = 1
_prctl: Optional[Callable[..., int]] = None
if sys.platform.startswith("linux"):
    try:
        _prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # no libc symbol: fall back to stopping at exit only
        _prctl = None

_spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harbor-mock-spawner")


def _die_with_parent(parent_pid: int) -> Optional[Callable[[], None]]:
    prctl = _prctl
    if prctl is None:
        return None

    def preexec() -> None:  # runs in the child between fork and exec
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before the prctl: nothing would signal
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def _control_token(given: Optional[str]) -> Optional[str]:
    """`given`, else `$HARBOR_MOCK_CONTROL_TOKEN`; an empty string is no token."""
    token = os.environ.get(CONTROL_TOKEN_ENV) if given is None else given
    return token or None


class _Output:
    """The server's output lines, kept apart from HarborMock so the thread that reads them
    does not keep the HarborMock alive (its finalizer stops the server when it is collected)."""

    def __init__(self, keep: Optional[int]) -> None:
        self.lines: Deque[str] = collections.deque(maxlen=keep)

    def read(self, proc: "subprocess.Popen[bytes]", address: List[str], found: threading.Event) -> None:
        # Reads to the end so the server never blocks on a full pipe.
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = _ANSI.sub("", raw.decode(errors="replace").rstrip("\r\n"))
            self.lines.append(line)
            if not found.is_set():
                match = _LISTENING.search(line)
                if match:
                    address.append(match.group(1))
                    found.set()
        found.set()


def _stop_process(proc: "subprocess.Popen[bytes]", timeout: float = 5.0) -> None:
    """SIGTERM (the server stops at once with status 0), SIGKILL if it does not."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class HarborMock(Instance):
    """One `harbor-mock` server on 127.0.0.1 and a free port.

    ```python
    with HarborMock(seed=7, clock="2026-01-01T00:00:00Z") as harbor:
        client = HarborAsyncClient(url=harbor.api_url, username="admin", secret="Harbor12345")
        harbor.clock.advance("31d")
        assert harbor.journal(method="POST")
    ```

    Options (all optional): `fixtures` (a file path or a fixtures mapping; the binary's
    built-in defaults when omitted), `seed`, `clock` (RFC 3339 or datetime: start frozen
    there), `robot_prefix`, `journal_size`, `binary` (else `find_binary()`), `args` (extra
    command-line flags such as `["--session-ttl", "30m"]`), `start_timeout` (seconds until the
    startup line), `log_lines` (how many of the server's output lines `logs()` keeps; None
    keeps them all), `control_token` (passed to the server as `--control-token` and sent as
    `Authorization: Bearer <token>` on every control call, its sessions' included; default
    `$HARBOR_MOCK_CONTROL_TOKEN`, none when that is unset; `""` for none).

    `start()` (or entering the `with` block) raises HarborMockError when the server does not
    start; `stop()` (or leaving the block, or garbage collection, or interpreter exit) stops it.
    """

    def __init__(
        self,
        *,
        fixtures: Union[PathLike, Fixtures, None] = None,
        seed: Optional[int] = None,
        clock: Union[str, datetime, None] = None,
        robot_prefix: Optional[str] = None,
        journal_size: Optional[int] = None,
        binary: Optional[PathLike] = None,
        args: Sequence[str] = (),
        start_timeout: float = 10.0,
        log_lines: Optional[int] = _KEEP_LINES,
        control_token: Optional[str] = None,
    ) -> None:
        super().__init__("", control_token=_control_token(control_token))
        self._options = dict(
            fixtures=fixtures, seed=seed, clock=clock, robot_prefix=robot_prefix, journal_size=journal_size
        )
        self._binary = binary
        self._extra_args = list(args)
        self._start_timeout = start_timeout
        self._proc: Optional["subprocess.Popen[bytes]"] = None
        self._attached = False
        self._output = _Output(log_lines)
        self._reader: Optional[threading.Thread] = None
        self._tmpdir: Optional[tempfile.TemporaryDirectory[str]] = None
        self._finalizer: Optional[weakref.finalize[..., HarborMock]] = None
        self.binary: Optional[Path] = None
        self.pid: Optional[int] = None
        #: Seconds from `start()` to a server that answered its health check.
        self.startup_seconds: Optional[float] = None

    @classmethod
    def connect(cls, url: str, control_token: Optional[str] = None) -> "HarborMock":
        """Attach to a server that runs already (a container, a CI service) instead of
        starting one: same API, but `stop()` leaves that server alone.

        `control_token`: the server's `--control-token`, sent as `Authorization: Bearer
        <token>` on every control call (default `$HARBOR_MOCK_CONTROL_TOKEN`).

        Raises HarborMockError when its control API does not answer at `url`, or answers 401
        because the token is missing or wrong.
        """
        server = cls(control_token=control_token)
        server._rebase(url.rstrip("/"))
        try:
            server._client.call("GET", "/health")
        except ControlError as e:
            raise HarborMockError(f"no harbor-mock answers at {url}: {e}") from e
        server._check_token(f"harbor-mock at {url}")
        server._attached = True
        return server

    def _check_token(self, who: str) -> None:
        """Raises HarborMockError when the control API refuses our token (or its absence).
        `/_mock/health` takes none, so this asks a guarded route; other errors (a control
        API switched off with `--no-control`) are left to the calls that meet them."""
        try:
            self._client.call("GET", "/clock")
        except ControlError as e:
            if e.status != 401:
                return
            given = (
                "the control token given was refused"
                if self._client.token
                else "it needs a control token and none was given"
            )
            raise HarborMockError(
                f"{who}: 401 unauthorized: {given}. Pass the server's --control-token as "
                f"control_token= or in ${CONTROL_TOKEN_ENV}."
            ) from e

    @property
    def running(self) -> bool:
        """Started (or attached) and not stopped."""
        return self._proc is not None or self._attached

    @property
    def returncode(self) -> Optional[int]:
        """The server's exit status once its process has ended (negative: the signal that
        ended it); None while it runs, before `start()`, after `stop()` and when attached."""
        return None if self._proc is None else self._proc.poll()

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`. Raises HarborMockError before `start()`."""
        if not self.running:
            raise HarborMockError("the server is not running: call start() first")
        return self._url

    def command(self, binary: Path) -> List[str]:
        """The command line `start()` runs."""
        o = self._options
        cmd = [str(binary), "--listen", "127.0.0.1:0"]
        fixtures = o["fixtures"]
        if isinstance(fixtures, Mapping):
            if self._tmpdir is None:
                self._tmpdir = tempfile.TemporaryDirectory(prefix="harbor-mock-")
            path = Path(self._tmpdir.name) / "fixtures.json"
            path.write_text(json.dumps(fixtures))
            cmd += ["--fixtures", str(path)]
        elif fixtures is not None:
            cmd += ["--fixtures", os.fspath(fixtures)]  # type: ignore[arg-type]
        if o["seed"] is not None:
            cmd += ["--seed", str(o["seed"])]
        if o["clock"] is not None:
            cmd += ["--clock", format_time(o["clock"])]  # type: ignore[arg-type]
        if o["robot_prefix"] is not None:
            cmd += ["--robot-prefix", str(o["robot_prefix"])]
        if o["journal_size"] is not None:
            cmd += ["--journal-size", str(o["journal_size"])]
        if self._client.token:
            cmd += ["--control-token", self._client.token]
        return cmd + self._extra_args

    def start(self) -> "HarborMock":
        """Start the server and wait until it answers; returns self.

        Raises HarborMockError naming the binary and showing its last log lines if it cannot
        be run, exits, or does not print its listening line within `start_timeout`.
        """
        if self.running:
            raise HarborMockError("this HarborMock is already started")
        started = time.monotonic()
        binary = find_binary(self._binary)
        cmd = self.command(binary)
        # Our settings only: a HARBOR_MOCK_* variable meant for another server (a control
        # token, a state file, a listen address) must not change this one.
        env = {k: v for k, v in os.environ.items() if not k.startswith("HARBOR_MOCK_")}
        env["NO_COLOR"] = "1"
        try:
            proc = _spawner.submit(
                subprocess.Popen,
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                preexec_fn=_die_with_parent(os.getpid()),
            ).result()
        except OSError as e:
            self._cleanup_tmp()
            raise HarborMockError(f"harbor-mock could not be run: {binary}: {e}") from e
        self._proc, self.binary, self.pid = proc, binary, proc.pid
        self._finalizer = weakref.finalize(self, _stop_process, proc)

        address: List[str] = []
        found = threading.Event()
        self._reader = threading.Thread(
            target=self._output.read, args=(proc, address, found), name=f"harbor-mock-{proc.pid}", daemon=True
        )
        self._reader.start()
        if not found.wait(self._start_timeout):
            self.stop()
            raise HarborMockError(
                f"harbor-mock did not start: {binary} printed no listening line within "
                f"{self._start_timeout:g}s and was stopped.\n{self._describe(cmd)}"
            )
        if not address:
            proc.wait()
            code = proc.returncode
            self.stop()
            raise HarborMockError(
                f"harbor-mock did not start: {binary} exited with status {code} before listening.\n"
                f"{self._describe(cmd)}"
            )
        self._rebase("http://" + address[0])
        try:
            # The socket is bound before the startup line is printed, so this is not a poll:
            # it confirms the control API answers (and is not switched off by `args`).
            self._client.call("GET", "/health")
            # A `--control-token` in `args` that is not `control_token`.
            self._check_token(f"harbor-mock started, but {binary}")
        except ControlError as e:
            self.stop()
            raise HarborMockError(f"harbor-mock did not start: {binary}: {e}\n{self._describe(cmd)}") from e
        except HarborMockError:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _describe(self, cmd: Sequence[str]) -> str:
        tail = list(self._output.lines)[-_TAIL_LINES:]
        shown = "\n".join(f"  {line}" for line in tail) or "  (no output)"
        # The control token stays out of error messages (and the CI logs they end up in).
        shown_cmd = ["***" if i and cmd[i - 1] == "--control-token" else arg for i, arg in enumerate(cmd)]
        return f"command: {' '.join(shown_cmd)}\nlast log lines:\n{shown}"

    def logs(self) -> List[str]:
        """The server's output lines (the last `log_lines` of them, 500 by default)."""
        return list(self._output.lines)

    def sessions(self) -> List[SessionInfo]:
        """The sessions that live on this server (`GET /_mock/sessions`), with when each was
        made and last used and how many robots it holds."""
        return cast(List[SessionInfo], self._client.call("GET", "/sessions"))

    def session(self, fixtures: Union[PathLike, Fixtures, None] = None) -> "Session":
        """A new isolated instance (own state, clock, journal, faults) on this server.

        `fixtures`: a file path or a mapping; the server's fixtures when omitted. Close it
        with `close()` or a `with` block. Raises ControlError (400) for invalid fixtures.
        """
        if not self.running:
            raise HarborMockError("the server is not running: call start() first")
        body: Optional[Fixtures] = None
        if isinstance(fixtures, Mapping):
            body = fixtures
        elif fixtures is not None:
            body = json.loads(Path(os.fspath(fixtures)).read_text())
        created = self._client.call("POST", "/sessions", body)
        return Session(self, str(created["id"]), self.url + str(created["base_path"]))

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s); detach from a connected one.
        Idempotent. Once it returns, `logs()` holds the server's last lines too."""
        self._attached = False
        if self._finalizer is not None:
            self._finalizer()  # runs _stop_process once
            self._finalizer = None
        if self._reader is not None:
            self._reader.join(5)  # the output ends with the process
            self._reader = None
        self._proc = None
        self._cleanup_tmp()

    close = stop

    def _cleanup_tmp(self) -> None:
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def __enter__(self) -> "HarborMock":
        return self if self.running else self.start()

    def __exit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self._url if self.running else "stopped"
        return f"<HarborMock {where}>"


class Session(Instance):
    """An isolated instance on a running server, under `/sessions/<id>`.

    `url`, `api_url`, `reset()`, `state()`, `clock`, `journal()` and `faults` act on the session
    only. `close()` (or leaving its `with` block) deletes it.
    """

    def __init__(self, server: HarborMock, session_id: str, url: str) -> None:
        super().__init__(url, control_token=server._client.token)
        self.server = server
        self.id = session_id
        self._closed = False

    def close(self) -> None:
        """Delete the session. Idempotent; a server already stopped is not an error."""
        if self._closed:
            return
        self._closed = True
        try:
            self.server._client.call("DELETE", f"/sessions/{self.id}")
        except ControlError as e:
            if e.status not in (0, 404):
                raise

    def __enter__(self) -> "Session":
        return self

    def __exit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Session {self.url}>"

"""The control API (`/_mock/...`) of one instance: the main server or one session.

Standard library only (urllib): a test helper should add nothing to a test suite's dependencies.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any, List, Mapping, Optional, TypedDict, Union, cast

# The mock is always on loopback: never send control calls through an HTTP(S)_PROXY from the
# environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

#: Fixtures as the server reads them: users, projects, members, robots (README "Fixtures format").
Fixtures = Mapping[str, Any]


class ControlError(RuntimeError):
    """A control call the server refused or that could not reach it.

    `status` is the HTTP status (0 when there was no answer); `message` is the first message of
    Harbor's error envelope `{"errors": [{"code", "message"}]}` or the transport error.
    """

    def __init__(self, method: str, url: str, status: int, message: str) -> None:
        super().__init__(f"{method} {url}: {status or 'no answer'}: {message}")
        self.status = status
        self.message = message


class ClockState(TypedDict):
    """`GET /_mock/clock`: the instance's time (RFC 3339, milliseconds, `Z`) and whether it stands still."""

    now: str
    frozen: bool


class FaultRule(TypedDict, total=False):
    """A fault rule as the server stores it (`id` is set by the server; absent keys are unset)."""

    id: int
    method: str
    path: str
    times: int
    status: int
    message: str
    latency_ms: int
    drop: bool


class JournalEntry(TypedDict, total=False):
    """One journaled request (keys the server omits when empty are absent: `query`, `error`,
    `body`, `body_truncated`). `Authorization` and cookies in `headers` are redacted, and so is
    the value of every key naming a secret or password in `body`."""

    #: Position in the journal's history, from 1.
    seq: int
    #: The instance's clock when the request arrived (RFC 3339).
    time: str
    method: str
    #: A session's path without its `/sessions/<id>` prefix.
    path: str
    #: The raw query string.
    query: str
    request_id: str
    #: `client` when the request carried `X-Request-Id`, `generated` when the mock made it.
    request_id_source: str
    status: int
    #: The response body's size in bytes.
    response_size: int
    #: Why the mock answered a 500 (its `X-Harbor-Mock-Error` header).
    error: str
    #: `anonymous`, a username, or a robot's full name.
    caller: str
    headers: dict[str, str]
    #: The request body's size in bytes, as sent.
    body_size: int
    #: The request body as text (redacted), at most the server's per-body limit of it.
    body: str
    #: Present (True) when `body` was cut at that limit.
    body_truncated: bool


class SessionInfo(TypedDict):
    """A live session as `GET /_mock/sessions` lists it."""

    id: str
    #: When it was made and when a request last reached it (RFC 3339, real time).
    created: str
    last_used: str
    #: Robots it holds.
    robots: int


def format_time(when: Union[str, datetime]) -> str:
    """RFC 3339 for the server; a naive datetime is taken as UTC."""
    if isinstance(when, str):
        return when
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def format_duration(by: Union[str, timedelta]) -> str:
    """`31d`, `1h30m`, `-2h` pass through; a timedelta becomes whole milliseconds (`90000ms`)."""
    if isinstance(by, str):
        return by
    return f"{round(by / timedelta(milliseconds=1))}ms"


class _Client:
    """JSON over HTTP to one `.../_mock` base."""

    def __init__(self, control_url: str, timeout: float = 10.0, token: Optional[str] = None) -> None:
        self.control_url = control_url
        self.timeout = timeout
        #: Sent as `Authorization: Bearer <token>` (a server started with `--control-token`).
        self.token = token

    def call(self, method: str, path: str, body: Any = None, query: Optional[Mapping[str, Any]] = None) -> Any:
        url = self.control_url + path
        if query:
            params = {k: str(v) for k, v in query.items() if v is not None}
            if params:
                url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as e:
            raise ControlError(method, url, e.code, _error_message(e.read())) from None
        except OSError as e:
            raise ControlError(method, url, 0, str(e)) from e
        return json.loads(raw) if raw.strip() else None


def _error_message(raw: bytes) -> str:
    try:
        return str(json.loads(raw)["errors"][0]["message"])
    except (ValueError, KeyError, IndexError, TypeError):
        return raw.decode(errors="replace").strip()


class Clock:
    """The instance's clock (`/_mock/clock`)."""

    def __init__(self, client: _Client) -> None:
        self._client = client

    def get(self) -> ClockState:
        """The current time and whether the clock is frozen."""
        return cast(ClockState, self._client.call("GET", "/clock"))

    def set(self, now: Union[str, datetime, None] = None, *, frozen: Optional[bool] = None) -> ClockState:
        """Move the clock to `now` and/or freeze (`frozen=True`) or release it.

        Raises ControlError (400) for a time that is not RFC 3339.
        """
        body: dict[str, Any] = {}
        if now is not None:
            body["now"] = format_time(now)
        if frozen is not None:
            body["frozen"] = frozen
        return cast(ClockState, self._client.call("PUT", "/clock", body))

    def advance(self, by: Union[str, timedelta]) -> ClockState:
        """Move the clock on (or back, when negative): `"31d"`, `"1h30m"`, `timedelta(days=31)`."""
        return cast(ClockState, self._client.call("POST", "/clock/advance", {"by": format_duration(by)}))


class Faults:
    """The instance's fault rules (`/_mock/faults`)."""

    def __init__(self, client: _Client) -> None:
        self._client = client

    def add(
        self,
        path: str,
        *,
        method: Optional[str] = None,
        status: Optional[int] = None,
        times: Optional[int] = None,
        message: Optional[str] = None,
        latency_ms: Optional[int] = None,
        drop: bool = False,
    ) -> FaultRule:
        """Add a rule for requests to `path` (`*` wildcards); returns it with its `id`.

        `status` answers with that status and Harbor's error body, `latency_ms` delays the
        request, `drop` closes the connection; `times` limits how often the rule fires.
        Raises ControlError (400) for a rule the server rejects.
        """
        rule: dict[str, Any] = {"path": path}
        for key, value in (
            ("method", method),
            ("status", status),
            ("times", times),
            ("message", message),
            ("latency_ms", latency_ms),
        ):
            if value is not None:
                rule[key] = value
        if drop:
            rule["drop"] = True
        return cast(FaultRule, self._client.call("POST", "/faults", rule))

    def list(self) -> List[FaultRule]:
        """The rules in force, oldest first."""
        return cast(List[FaultRule], self._client.call("GET", "/faults"))

    def remove(self, rule_id: int) -> None:
        """Remove one rule; ControlError (404) if there is none with that id."""
        self._client.call("DELETE", f"/faults/{rule_id}")

    def clear(self) -> None:
        """Remove every rule."""
        for rule in self.list():
            try:
                self.remove(rule["id"])
            except ControlError as e:
                if e.status != 404:  # used up meanwhile
                    raise


class Instance:
    """What the server and a session have in common: URLs and the control API."""

    def __init__(self, url: str, timeout: float = 10.0, control_token: Optional[str] = None) -> None:
        self._url = url
        self._client = _Client(url + "/_mock", timeout, control_token)
        self.clock = Clock(self._client)
        self.faults = Faults(self._client)

    def _rebase(self, url: str) -> None:
        self._url = url
        self._client.control_url = url + "/_mock"

    @property
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:PORT` or `http://127.0.0.1:PORT/sessions/ID`."""
        return self._url

    @property
    def api_url(self) -> str:
        """`url + "/api/v2.0"`: what most Harbor clients take as their base URL."""
        return self.url + "/api/v2.0"

    def reset(self) -> dict[str, int]:
        """Back to the fixtures: state, clock, journal and faults. Returns the counts loaded."""
        return cast("dict[str, int]", self._client.call("POST", "/reset"))

    def state(self) -> dict[str, Any]:
        """The whole state in fixtures format (robots with hashed secrets)."""
        return cast("dict[str, Any]", self._client.call("GET", "/state"))

    def load_state(self, state: Fixtures) -> dict[str, int]:
        """Replace the state with `state` (fixtures format). Raises ControlError (400) if invalid."""
        return cast("dict[str, int]", self._client.call("PUT", "/state", state))

    def journal(
        self, *, method: Optional[str] = None, path: Optional[str] = None, status: Optional[int] = None
    ) -> List[JournalEntry]:
        """Requests received, oldest first, filtered by method, path (`*` wildcards) and status."""
        query = {"method": method, "path": path, "status": status}
        return cast(List[JournalEntry], self._client.call("GET", "/journal", query=query))

    def clear_journal(self) -> int:
        """Forget the journaled requests; returns how many there were."""
        return int(self._client.call("DELETE", "/journal")["cleared"])

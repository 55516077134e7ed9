"""pytest plugin (registered by the wheel's `pytest11` entry point).

Fixtures:

* `harbor_mock_server` (session scope): one `HarborMock` for the whole run (one per xdist
  worker), configured from the ini options below; or, when `$HARBOR_MOCK_URL` is set (say to
  a container's `http://127.0.0.1:8080`), that running server (with the control token in
  `$HARBOR_MOCK_CONTROL_TOKEN`, or the ini option, when it was started with `--control-token`). Override it in a `conftest.py`
  to start it your own way.
* `harbor_mock` (function scope): a `Session` of that server for one test: its own state,
  clock, journal and faults, so tests never see each other's robots. Deleted after the test;
  a failed test's report lists the requests its session received (the journal).

Ini options (`pytest.ini`, `[tool.pytest.ini_options]`): `harbor_mock_fixtures` (a file,
relative to the rootdir), `harbor_mock_seed`, `harbor_mock_clock`, `harbor_mock_robot_prefix`,
`harbor_mock_args` (extra flags), `harbor_mock_control_token` (the server's `--control-token`,
sent on every control call; `$HARBOR_MOCK_CONTROL_TOKEN` wins over it, so a CI job can hand
over its container's token). The binary is `$HARBOR_MOCK_BIN` or the wheel's.
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from ._control import ControlError
from ._server import CONTROL_TOKEN_ENV, HarborMock, Session


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("harbor_mock_fixtures", "fixtures file for the harbor-mock server (default: built-in)")
    parser.addini("harbor_mock_seed", "seed for the harbor-mock server (default: random)")
    parser.addini("harbor_mock_clock", "start the harbor-mock clock frozen at this RFC 3339 time")
    parser.addini("harbor_mock_robot_prefix", "robot name prefix (default: robot$)")
    parser.addini("harbor_mock_args", "extra harbor-mock command-line flags", type="args")
    parser.addini(
        "harbor_mock_control_token",
        "control token: the server's --control-token, sent as a bearer token on control calls "
        "(default: $HARBOR_MOCK_CONTROL_TOKEN)",
    )


@pytest.fixture(scope="session")
def harbor_mock_server(pytestconfig: pytest.Config) -> Iterator[HarborMock]:
    """One harbor-mock server for the test run."""
    ini = pytestconfig.getini
    # None when neither is set: HarborMock then has no token either.
    token = os.environ.get(CONTROL_TOKEN_ENV) or ini("harbor_mock_control_token") or None
    url = os.environ.get("HARBOR_MOCK_URL")
    if url:
        yield HarborMock.connect(url, control_token=token)
        return
    fixtures = ini("harbor_mock_fixtures")
    seed = ini("harbor_mock_seed")
    server = HarborMock(
        fixtures=pytestconfig.rootpath / fixtures if fixtures else None,
        seed=int(seed) if seed else None,
        clock=ini("harbor_mock_clock") or None,
        robot_prefix=ini("harbor_mock_robot_prefix") or None,
        args=ini("harbor_mock_args"),
        control_token=token,
    )
    with server:
        yield server


@pytest.fixture
def harbor_mock(harbor_mock_server: HarborMock) -> Iterator[Session]:
    """An isolated session of the run's harbor-mock server, deleted after the test."""
    with harbor_mock_server.session() as session:
        yield session
        try:
            journal = session.journal()
        except ControlError:  # the server died: its log tells why
            journal = []
            print("\n".join(harbor_mock_server.logs()[-20:]))
        # Captured output: pytest shows it only for a failed test.
        print(f"--- harbor-mock requests ({session.url}) ---")
        for e in journal:
            query = f"?{e['query']}" if e.get("query") else ""
            why = f": {e['error']}" if e.get("error") else ""  # the reason for a 500
            print(f"{e['time']} {e['method']} {e['path']}{query} -> {e['status']} ({e['caller']}){why}")

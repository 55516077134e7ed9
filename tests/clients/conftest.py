"""The client scenarios run against harbor-mock through its Python helper, as a user's suite
does: the pytest plugin of `harbor_mock` (sdk/python, taken from this checkout) starts one
server for the run, and each test works in a session of its own, so tests never see each
other's robots and a failed test's report lists the requests its session received."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

# The helper's source in this checkout, so the suites test it as it is now (the wheel that
# scripts/package.sh builds carries the same package; scripts/sdk-tests.sh tests that one).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "sdk" / "python" / "src"))

from harbor_mock import HarborMock, Session  # noqa: E402

from helpers import FIXTURES, release_binary  # noqa: E402

pytest_plugins = ["harbor_mock.pytest_plugin"]

#: Frozen clock with a non-zero millisecond part, so timestamps round-trip through each
#: client's date parser and formatter with a fraction.
CLOCK = "2026-01-01T00:00:00.123Z"


@pytest.fixture(scope="session")
def harbor_mock_server() -> Iterator[HarborMock]:
    """The plugin's server for the run, started from the release binary with the scenarios'
    fixtures, a seed and a frozen clock; every session starts from them."""
    with HarborMock(fixtures=FIXTURES, seed=7, clock=CLOCK, binary=release_binary()) as server:
        yield server


@pytest.fixture
def server(harbor_mock: Session) -> Session:
    """The test's own session (the plugin's `harbor_mock`): `server.api_url` is its Harbor API."""
    return harbor_mock

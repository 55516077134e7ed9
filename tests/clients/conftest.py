"""Fixtures shared by the client scenarios: a fresh harbor-mock per test."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from mockserver import FIXTURES, MockServer, write_fixtures

#: Frozen clock with a non-zero millisecond part, so timestamps round-trip through each
#: client's date parser and formatter with a fraction.
CLOCK = "2026-01-01T00:00:00.123Z"


@pytest.fixture(scope="session")
def fixtures_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixtures(tmp_path_factory.mktemp("fixtures") / "fixtures.json", FIXTURES)


@pytest.fixture
def server(fixtures_file: Path, request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """A harbor-mock of its own for each test, so tests never see each other's robots."""
    srv = MockServer(fixtures_file, seed=7, clock=CLOCK).start()
    try:
        yield srv
    finally:
        srv.stop()
        # Shown by pytest only when the test failed.
        print(f"--- harbor-mock log ({srv.addr}) ---\n{srv.output()}")

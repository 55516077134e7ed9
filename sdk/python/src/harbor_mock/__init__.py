"""Harbor's robot-account API, mocked, in your tests.

The wheel carries the `harbor-mock` binary; this package starts it and drives its control API.

```python
from harbor_mock import HarborMock

with HarborMock(seed=7) as harbor:
    ...  # point a Harbor client at harbor.api_url (admin / Harbor12345)
```

With pytest, the `harbor_mock` fixture (this package's plugin) hands each test an isolated
session of one server per test run; see `harbor_mock.pytest_plugin`.
"""

from importlib.metadata import PackageNotFoundError, version

from ._control import (
    Clock,
    ClockState,
    ControlError,
    FaultRule,
    Faults,
    Fixtures,
    Instance,
    JournalEntry,
    SessionInfo,
)
from ._server import HarborMock, HarborMockError, Session, find_binary

try:
    __version__ = version("harbor-mock")
except PackageNotFoundError:  # imported from a source checkout
    __version__ = "0+unknown"

__all__ = [
    "Clock",
    "ClockState",
    "ControlError",
    "FaultRule",
    "Faults",
    "Fixtures",
    "HarborMock",
    "HarborMockError",
    "Instance",
    "JournalEntry",
    "Session",
    "SessionInfo",
    "find_binary",
]

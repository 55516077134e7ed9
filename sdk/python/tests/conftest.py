"""Shared helpers for the harbor_mock tests (run against the installed wheel, or the source
tree with `PYTHONPATH=sdk/python/src` and `$HARBOR_MOCK_BIN`)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Optional, Tuple

REPO = Path(__file__).resolve().parents[3]
DEFAULT_FIXTURES = REPO / "fixtures" / "default.json"

# Installed from the wheel, the plugin comes in through its pytest11 entry point; from a source
# checkout it has to be named.
PLUGIN_INSTALLED = any(ep.value == "harbor_mock.pytest_plugin" for ep in entry_points(group="pytest11"))
pytest_plugins = ["pytester"] if PLUGIN_INSTALLED else ["pytester", "harbor_mock.pytest_plugin"]

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def harbor(method: str, url: str, body: Any = None, auth: str = "admin:Harbor12345") -> Tuple[int, Any]:
    """One Harbor API call: (status, parsed JSON body or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with _DIRECT.open(request, timeout=10) as response:
            raw, status = response.read(), response.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    return status, (json.loads(raw) if raw.strip() else None)


def create_robot(api_url: str, name: str = "ci", duration: int = 30) -> Tuple[int, Optional[dict]]:
    """POST a project robot of `library` that may pull."""
    return harbor(
        "POST",
        api_url + "/robots",
        {
            "name": name,
            "duration": duration,
            "level": "project",
            "permissions": [
                {"kind": "project", "namespace": "library", "access": [{"resource": "repository", "action": "pull"}]}
            ],
        },
    )

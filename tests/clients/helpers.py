"""Users, fixtures, request bodies and small helpers shared by the client scenarios."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

ADMIN = ("admin", "Harbor12345")
ALICE = ("alice", "Alice12345")
BOB = ("bob", "Bob12345")
CAROL = ("carol", "Carol12345")

#: The server of the scenarios: four users, `library` and a second project, so project ids and
#: names can be told apart.
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


def release_binary() -> Path:
    """The binary under test: `$HARBOR_MOCK_BIN` (scripts/client-tests.sh sets it), else the
    release build in `$CARGO_TARGET_DIR` or `target/`."""
    explicit = os.environ.get("HARBOR_MOCK_BIN")
    if explicit:
        return Path(explicit)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    if not target.is_absolute():
        target = REPO / target
    return target / "release" / "harbor-mock"


def project_robot(name: str, *access: tuple[str, str], namespace: str = "library", duration: int = 30) -> dict:
    """A `RobotCreate` body for a project robot."""
    access = access or (("repository", "pull"),)
    return {
        "name": name,
        "description": f"{name} robot",
        "duration": duration,
        "level": "project",
        "permissions": [
            {
                "kind": "project",
                "namespace": namespace,
                "access": [{"resource": r, "action": a} for r, a in access],
            }
        ],
    }


def system_robot(name: str, duration: int = -1) -> dict:
    """A `RobotCreate` body for a system robot that may list and read robots everywhere."""
    return {
        "name": name,
        "description": f"{name} system robot",
        "duration": duration,
        "level": "system",
        "permissions": [
            {
                "kind": "system",
                "namespace": "/",
                "access": [
                    {"resource": "robot", "action": "list"},
                    {"resource": "robot", "action": "read"},
                ],
            },
            {
                "kind": "project",
                "namespace": "*",
                "access": [
                    {"resource": "repository", "action": "pull"},
                    {"resource": "robot", "action": "list"},
                    {"resource": "robot", "action": "read"},
                ],
            },
        ],
    }


def error_code(body: str | bytes | None) -> tuple[str, str]:
    """`(code, message)` of a Harbor error body."""
    errors = json.loads(body or "{}")["errors"]
    assert len(errors) == 1, errors
    return errors[0]["code"], errors[0]["message"]

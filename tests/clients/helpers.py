"""Request bodies and small helpers shared by the client scenarios."""

from __future__ import annotations

import json


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

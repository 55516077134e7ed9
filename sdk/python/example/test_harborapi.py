"""A user's suite: the real client harborapi against the `harbor_mock` fixture.

scripts/sdk-tests.sh copies this folder out of the repository and runs it from a fresh
virtualenv holding only the wheel, harborapi and pytest.
"""

from __future__ import annotations

import asyncio

import pytest
from harborapi import HarborAsyncClient
from harborapi.exceptions import NotFound, StatusError, Unauthorized
from harborapi.models import RobotCreate

from harbor_mock import Session

CI_ROBOT = {
    "name": "ci",
    "duration": 30,
    "level": "project",
    "permissions": [
        {
            "kind": "project",
            "namespace": "library",
            "access": [{"resource": "repository", "action": "pull"}, {"resource": "robot", "action": "read"}],
        }
    ],
}


def client(session: Session, username: str = "admin", secret: str = "Harbor12345") -> HarborAsyncClient:
    return HarborAsyncClient(url=session.api_url, username=username, secret=secret, retry=None)


def test_robot_expires_when_the_clock_moves_on(harbor_mock: Session) -> None:
    async def scenario() -> None:
        created = await client(harbor_mock).create_robot(RobotCreate(**CI_ROBOT))
        assert created.name == "robot$library+ci"
        robot = client(harbor_mock, created.name, created.secret)
        assert (await robot.get_robot(created.id)).name == created.name
        harbor_mock.clock.advance("31d")
        with pytest.raises(Unauthorized):
            await robot.get_robot(created.id)

    asyncio.run(scenario())
    assert [(e["method"], e["status"], e["caller"]) for e in harbor_mock.journal()] == [
        ("POST", 201, "admin"),
        ("GET", 200, "robot$library+ci"),
        ("GET", 401, "anonymous"),
    ]


def test_faults_reach_the_client(harbor_mock: Session) -> None:
    harbor_mock.faults.add("/api/v2.0/robots/*", method="GET", status=503, times=1)

    async def scenario() -> None:
        admin = client(harbor_mock)
        created = await admin.create_robot(RobotCreate(**CI_ROBOT))
        with pytest.raises(StatusError) as unavailable:
            await admin.get_robot(created.id)
        assert unavailable.value.status_code == 503
        assert (await admin.get_robot(created.id)).id == created.id
        harbor_mock.reset()
        with pytest.raises(NotFound):
            await admin.get_robot(created.id)

    asyncio.run(scenario())


# Run after the tests above: each test has its own session, so the same robot is new again.
def test_sessions_do_not_share_robots(harbor_mock: Session) -> None:
    async def scenario() -> None:
        admin = client(harbor_mock)
        assert await admin.get_robots(query="Level=project,ProjectID=1") == []
        await admin.create_robot(RobotCreate(**CI_ROBOT))
        assert len(await admin.get_robots(query="Level=project,ProjectID=1")) == 1

    asyncio.run(scenario())

"""End-to-end scenarios through `harborapi` (async, pydantic models, follows `Link`).

Quirks of this client that the server has to meet the way Harbor does:

* `HarborAsyncClient.get` / `_get` (`harborapi/client.py`) follow pagination: the `Link` header
  is searched with `utils.PAGINATION_NEXT_PATTERN` (`<([^>]+)>; rel="next"`), the
  `/api/vX.Y` part is cut out of the URL by `utils.parse_pagination_url` and the rest is appended
  to the client's base URL, and the next request is sent **without** the original params, so
  the Link must be a relative `/api/v2.0/...` URL that carries `q`, `sort`, `page_size` itself;
  it stops when no `rel="next"` is left;
* `utils.handle_optional_json_response` / `is_json` only parse a body whose `Content-Type`
  starts with `application/json`; PUT and DELETE answers must carry no JSON Content-Type with their
  empty body (a JSON one would make `resp.json()` fail) — Harbor sends none;
* `exceptions.check_response_status` / `try_parse_errors` map the status to an exception class
  and parse `{"errors": [...]}` only when the Content-Type is JSON (charset allowed);
* `client.model_to_dict` sends `model_dump(mode="json", exclude_unset=True)`: every field the
  GET returned (read-only ones included), timestamps as `2026-01-01T00:00:00.123000Z`, and no
  key for a field the GET left out (an empty `description`);
* `refresh_robot_secret` always sends `{"secret": ...}`; `""` or `None` asks for a generated one.
"""

from __future__ import annotations

import asyncio
import datetime
import re
from typing import Awaitable, Callable

import httpx
import pytest
from harborapi import HarborAsyncClient
from harborapi.client import model_to_dict
from harborapi.exceptions import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    StatusError,
    Unauthorized,
    UnprocessableEntity,
)
from harborapi.models import Robot, RobotCreate

from helpers import ADMIN, BOB, CAROL, project_robot, system_robot


def client(server, username: str, secret: str) -> HarborAsyncClient:
    # No retries: a failure should show at once, not after a minute of back-off.
    return HarborAsyncClient(url=server.api_url, username=username, secret=secret, retry=None)


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(scenario())


async def expect(exc: type[StatusError], coro: Awaitable) -> StatusError:
    with pytest.raises(exc) as info:
        await coro
    return info.value


def codes(err: StatusError) -> tuple[int, str, str]:
    assert len(err.errors) == 1, err.errors
    return err.status_code, err.errors[0].code, err.errors[0].message


def requested_pages(c: HarborAsyncClient) -> list[str]:
    return [str(entry.url) for entry in c.response_log if entry.method == "GET"]


def test_create_and_get_system_and_project_robots(server):
    async def scenario():
        admin = client(server, *ADMIN)
        system = await admin.create_robot(RobotCreate(**system_robot("ops")))
        project = await admin.create_robot(RobotCreate(**project_robot("ci", ("repository", "push"))))

        assert (system.name, system.expires_at) == ("robot$ops", -1)
        assert project.name == "robot$library+ci"
        assert re.fullmatch(r"[A-Za-z0-9]{32}", project.secret)
        assert project.creation_time == datetime.datetime(2026, 1, 1, 0, 0, 0, 123000, tzinfo=datetime.timezone.utc)

        got = await admin.get_robot(project.id)
        assert isinstance(got, Robot)
        assert (got.name, got.level, got.duration, got.editable, got.disable) == (
            "robot$library+ci",
            "project",
            30,
            True,
            False,
        )
        assert got.secret is None
        assert got.permissions[0].access[0].resource == "repository"
        got = await admin.get_robot(system.id)
        assert {(p.kind, p.namespace) for p in got.permissions} == {("system", "/"), ("project", "*")}

    run(scenario)


def test_get_robots_follows_link_through_every_page(server):
    async def scenario():
        admin = client(server, *ADMIN)
        for i in range(7):
            await admin.create_robot(RobotCreate(**project_robot(f"bot{i}")))
        await admin.create_robot(RobotCreate(**system_robot("ops")))
        admin.response_log.clear()

        # Act: page_size 2 over 7 robots = 4 requests, all collected by the client.
        robots = await admin.get_robots(query="Level=project,ProjectID=1", sort="-name", page_size=2)

        # Assert
        assert [r.name for r in robots] == [f"robot$library+bot{i}" for i in reversed(range(7))]
        pages = requested_pages(admin)
        assert len(pages) == 4
        for n, url in enumerate(pages, start=1):
            query = httpx.URL(url).params
            assert (query["page"], query["page_size"]) == (str(n), "2"), url
            assert query["q"] == "Level=project,ProjectID=1", "the Link carries q"
            assert query["sort"] == "-name", "the Link carries sort"

        # A limit stops early; no q lists the system robots only.
        assert len(await admin.get_robots(query="Level=project,ProjectID=1", page_size=2, limit=3)) == 3
        assert [r.name for r in await admin.get_robots()] == ["robot$ops"]

    run(scenario)


def test_link_with_spaces_in_q_is_followed(server):
    """Harbor's Link shows `q` unescaped, spaces included; httpx re-encodes it."""

    async def scenario():
        admin = client(server, *ADMIN)
        ids = [(await admin.create_robot(RobotCreate(**project_robot(f"bot{i}")))).id for i in range(5)]
        union = "{" + " ".join(str(i) for i in ids[1:4]) + "}"
        robots = await admin.get_robots(query=f"Level=project,ProjectID=1,id={union}", page_size=1)
        assert [r.id for r in robots] == ids[1:4]

    run(scenario)


def test_query_exact_fuzzy_range_union_and_sort(server):
    async def scenario():
        admin = client(server, *ADMIN)
        ids = {}
        for name in ("alpha", "beta", "gamma", "delta"):
            ids[name] = (await admin.create_robot(RobotCreate(**project_robot(name)))).id
        await admin.create_robot(RobotCreate(**project_robot("alpha", namespace="team")))

        async def names(q: str, sort: str | None = None) -> list[str]:
            robots = await admin.get_robots(query=f"Level=project,ProjectID=1,{q}", sort=sort, page_size=3)
            return [r.name.rsplit("+", 1)[1] for r in robots]

        assert await names("name=library%2Bgamma") == ["gamma"]
        assert await names("name=~ET") == ["beta"]
        assert await names(f"id=[{ids['beta']}~]") == ["beta", "delta", "gamma"]
        assert await names(f"id={{{ids['delta']} {ids['alpha']}}}") == ["alpha", "delta"]
        assert await names("name=~a", sort="-id") == ["delta", "gamma", "beta", "alpha"]
        assert await names("expiresat=[1769817600~1769817600]", sort="name") == ["alpha", "beta", "delta", "gamma"]
        # Fuzzy matches the stored name, project prefix included.
        assert len(await names("name=~library")) == 4

    run(scenario)


def test_update_sends_back_the_fetched_object(server):
    async def scenario():
        admin = client(server, *ADMIN)
        created = await admin.create_robot(RobotCreate(**project_robot("ci")))
        robot = await admin.get_robot(created.id)

        sent = model_to_dict(robot)
        assert sent["creation_time"] == "2026-01-01T00:00:00.123000Z"
        assert {"id", "editable", "expires_at", "creator_type", "creator_ref", "update_time"} <= set(sent)

        robot.description = "changed"
        robot.disable = True
        robot.duration = -1
        assert await admin.update_robot(created.id, robot) is None

        got = await admin.get_robot(created.id)
        assert (got.description, got.disable, got.duration, got.expires_at) == ("changed", True, -1, -1)

        # A robot fetched without a description (the key is left out) keeps none after a PUT.
        got.description = ""
        await admin.update_robot(created.id, got)
        again = await admin.get_robot(created.id)
        assert again.description is None and "description" not in again.model_fields_set
        await admin.update_robot(created.id, again)
        assert (await admin.get_robot(created.id)).disable is True

        # Changing the level is refused.
        again.level = "system"
        err = await expect(BadRequest, admin.update_robot(created.id, again))
        assert codes(err)[1] == "BAD_REQUEST"

    run(scenario)


def test_refresh_with_generated_and_provided_secret(server):
    async def scenario():
        admin = client(server, *ADMIN)
        created = await admin.create_robot(RobotCreate(**project_robot("ci", ("robot", "read"))))

        generated = await admin.refresh_robot_secret(created.id, "")
        assert re.fullmatch(r"[A-Za-z0-9]{32}", generated.secret)
        robot = client(server, created.name, generated.secret)
        assert (await robot.get_robot(created.id)).id == created.id

        provided = await admin.refresh_robot_secret(created.id, "Provided-Secret-9")
        assert provided.secret is None
        await expect(Unauthorized, robot.get_robot(created.id))
        robot = client(server, created.name, "Provided-Secret-9")
        assert (await robot.get_robot(created.id)).id == created.id

        err = await expect(BadRequest, admin.refresh_robot_secret(created.id, "short"))
        assert codes(err)[:2] == (400, "BAD_REQUEST")

    run(scenario)


def test_robot_login_then_disable_then_delete(server):
    async def scenario():
        admin = client(server, *ADMIN)
        created = await admin.create_robot(RobotCreate(**system_robot("auditor")))
        await admin.create_robot(RobotCreate(**project_robot("ci")))
        robot = client(server, created.name, created.secret)

        # A system robot with robot:list and robot:read sees system and project robots.
        assert [r.name for r in await robot.get_robots()] == ["robot$auditor"]
        assert [r.name for r in await robot.get_robots(query="Level=project,ProjectID=1")] == ["robot$library+ci"]

        fetched = await admin.get_robot(created.id)
        fetched.disable = True
        await admin.update_robot(created.id, fetched)
        err = await expect(Unauthorized, robot.get_robots())
        assert codes(err) == (401, "UNAUTHORIZED", "unauthorized")

        fetched.disable = False
        await admin.update_robot(created.id, fetched)
        assert (await robot.get_robot(created.id)).disable is False

        assert await admin.delete_robot(created.id) is None
        err = await expect(NotFound, admin.get_robot(created.id))
        assert codes(err) == (404, "NOT_FOUND", f"robot {created.id} not found")
        await expect(Unauthorized, robot.get_robots())

    run(scenario)


def test_error_codes_reach_the_exception(server):
    async def scenario():
        admin = client(server, *ADMIN)
        created = await admin.create_robot(RobotCreate(**project_robot("ci")))

        err = await expect(Unauthorized, client(server, "admin", "nope").get_robot(created.id))
        assert codes(err) == (401, "UNAUTHORIZED", "unauthorized")

        err = await expect(Forbidden, client(server, *CAROL).get_robots())
        assert codes(err) == (403, "FORBIDDEN", "carol")
        err = await expect(Forbidden, client(server, *BOB).delete_robot(created.id))
        assert codes(err) == (403, "FORBIDDEN", "forbidden")

        err = await expect(NotFound, admin.delete_robot(777))
        assert codes(err) == (404, "NOT_FOUND", "robot 777 not found")

        err = await expect(Conflict, admin.create_robot(RobotCreate(**project_robot("ci"))))
        assert codes(err) == (409, "CONFLICT", "robot account 1:library+ci already exists")

        body = project_robot("ci2")
        body["duration"] = 0
        err = await expect(BadRequest, admin.create_robot(RobotCreate(**body)))
        assert codes(err) == (
            400,
            "BAD_REQUEST",
            "bad request error duration input: 0, duration must be either -1(Never) or a positive integer",
        )
        err = await expect(BadRequest, admin.get_robots(query="name="))
        assert codes(err)[:2] == (400, "BAD_REQUEST")

        # 422: harborapi has no client-side checks of its own.
        err = await expect(UnprocessableEntity, admin.get_robots(page_size=101))
        assert codes(err) == (
            422,
            "UNPROCESSABLE_ENTITY",
            "validation failure list:\npage_size in query should be less than or equal to 100",
        )
        err = await expect(UnprocessableEntity, admin.get_robot("abc"))  # type: ignore[arg-type]
        assert codes(err)[:2] == (422, "UNPROCESSABLE_ENTITY")
        err = await expect(UnprocessableEntity, admin.put(f"/robots/{created.id}", json=None))
        assert codes(err) == (422, "UNPROCESSABLE_ENTITY", "validation failure list:\nrobot in body is required")

    run(scenario)


def test_put_and_delete_answers_are_not_parsed_as_json(server):
    """The empty 200 of PUT and DELETE has no Content-Type, so the client returns None."""

    async def scenario():
        admin = client(server, *ADMIN)
        created = await admin.create_robot(RobotCreate(**project_robot("ci")))
        resp = await admin._put(f"/robots/{created.id}", json=model_to_dict(await admin.get_robot(created.id)))
        assert (resp.status_code, resp.content, resp.headers.get("content-type")) == (200, b"", None)
        resp = await admin._delete(f"/robots/{created.id}")
        assert (resp.status_code, resp.content, resp.headers.get("content-type")) == (200, b"", None)

    run(scenario)

"""The endpoints around `/robots`, through `harborapi`'s `HarborAsyncClient`: ping, health,
system info, users, permissions, configurations, projects, members and repositories.

Quirks of this client met here: `create_project` asks for the name in `Location`
(`X-Resource-Name-In-Location: true`); a `str` project argument is sent with
`X-Is-Resource-Name: true`, an `int` without; `get_projects` and `search_users_by_username`
follow `Link` to the end; `get_user_by_username` searches, then reads the first hit by id.
"""

from __future__ import annotations

from harborapi.exceptions import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from harborapi.models import (
    Configurations,
    ProjectMetadata,
    ProjectReq,
    RobotCreate,
    UserCreationReq,
)

from helpers import ADMIN, ALICE, BOB, CAROL, project_robot
from test_harborapi import client, codes, expect, requested_pages, run


def test_ping_health_systeminfo_and_permissions(server):
    async def scenario():
        admin = client(server, *ADMIN)
        assert await admin.ping() == "Pong"
        health = await admin.health_check()
        assert health.status == "healthy" and len(health.components) == 7
        info = await admin.get_system_info()
        assert (info.auth_mode, info.harbor_version) == ("db_auth", "v2.15.2-080b0220")
        permissions = await admin.get_permissions()
        assert len(permissions.system) == 70 and len(permissions.project) == 70
        alice = await client(server, *ALICE).get_permissions()
        assert alice.system is None and len(alice.project) == 70
        err = await expect(Forbidden, client(server, *BOB).get_permissions())
        assert codes(err) == (
            403, "FORBIDDEN", "forbidden: only admins(system and project) can access permissions",
        )

    run(scenario)


def test_users_created_read_found_and_deleted(server):
    async def scenario():
        admin = client(server, *ADMIN)
        location = await admin.create_user(
            UserCreationReq(username="zoe", email="zoe@example.com", realname="Zoe", password="Zoe12345")
        )
        assert location == "/api/v2.0/users/5"
        zoe = await admin.get_user_by_username("zoe")
        assert (zoe.user_id, zoe.email) == (5, "zoe@example.com")
        me = await client(server, "zoe", "Zoe12345").get_current_user()
        assert me.username == "zoe" and me.sysadmin_flag is False
        # Real Harbor's search counts without user 1, so searching `admin` finds nobody.
        await expect(NotFound, admin.get_user_by_username("admin"))
        await admin.set_user_admin(5, True)
        assert (await admin.get_user(5)).sysadmin_flag is True
        err = await expect(Forbidden, admin.delete_user(1))
        assert codes(err) == (403, "FORBIDDEN", "User with ID 1 cannot be deleted")
        await admin.delete_user(5)
        await expect(NotFound, admin.get_user(5))
        await expect(Unauthorized, client(server, "zoe", "Zoe12345").get_current_user())

    run(scenario)


def test_user_creation_refusals(server):
    async def scenario():
        admin = client(server, *ADMIN)
        req = UserCreationReq(username="bob", email="b@example.com", realname="Bob", password="Bob12345")
        err = await expect(Conflict, admin.create_user(req))
        assert codes(err) == (409, "CONFLICT", "user bob or email b@example.com already exists")
        bad = UserCreationReq(username="zoe", email="zoe@", realname="Zoe", password="Zoe12345")
        err = await expect(BadRequest, admin.create_user(bad))
        assert codes(err) == (400, "BAD_REQUEST", "email with illegal format")
        err = await expect(Forbidden, client(server, *CAROL).create_user(req))
        assert codes(err) == (403, "FORBIDDEN", "carol")

    run(scenario)


def test_configurations_and_the_robot_prefix(server):
    async def scenario():
        admin = client(server, *ADMIN)
        config = await admin.get_config()
        assert config.robot_name_prefix.value == "robot$"
        assert config.robot_token_duration.value == 30
        assert config.auth_mode.value == "db_auth" and config.auth_mode.editable is False
        created = await admin.create_robot(RobotCreate(**project_robot("ci")))
        await admin.update_config(Configurations(robot_name_prefix="svc-"))
        assert (await admin.get_config()).robot_name_prefix.value == "svc-"
        robot = await admin.get_robot(created.id)
        assert robot.name == "svc-library+ci"
        err = await expect(BadRequest, admin.update_config(Configurations(robot_name_prefix=" ")))
        assert codes(err) == (
            400, "BAD_REQUEST", "bad request: robot_name_prefix cannot be empty or contain only spaces",
        )
        err = await expect(Forbidden, client(server, *ALICE).get_config())
        assert codes(err) == (403, "FORBIDDEN", "alice")

    run(scenario)


def test_projects_created_listed_updated_and_deleted(server):
    async def scenario():
        admin = client(server, *ADMIN)
        for i in range(12):
            location = await admin.create_project(ProjectReq(project_name=f"p{i:02}"))
            assert location == f"/api/v2.0/projects/p{i:02}"
        assert await admin.project_exists("p03") is True
        assert await admin.project_exists("nope") is False
        # Pages of 5, followed through `Link` to the end.
        projects = await admin.get_projects(page_size=5, sort="name")
        assert [p.name for p in projects][:3] == ["library", "p00", "p01"]
        assert len(projects) == 14
        assert len([u for u in requested_pages(admin) if "/projects?" in u]) == 3
        public = await client(server, *CAROL).get_projects()
        assert [p.name for p in public] == []
        await admin.update_project("p00", ProjectReq(metadata=ProjectMetadata(public="true")))
        assert [p.name for p in await client(server, *CAROL).get_projects()] == ["p00"]
        project = await admin.get_project("p00")
        assert project.metadata.public == "true" and project.owner_name == "admin"
        by_id = await admin.get_project(project.project_id)
        assert by_id.name == "p00"
        summary = await admin.get_project_summary("p00")
        assert summary.project_admin_count == 1
        assert (await admin.get_project_deletable("p00")).deletable is True
        await admin.delete_project("p00")
        await expect(NotFound, admin.get_project("p00"))
        err = await expect(Forbidden, client(server, *CAROL).get_project("p01"))
        assert codes(err) == (403, "FORBIDDEN", "forbidden")

    run(scenario)


def test_members_added_changed_and_removed(server):
    async def scenario():
        admin = client(server, *ADMIN)
        location = await admin.add_project_member_user("team", "carol", 2)
        mid = int(location.rsplit("/", 1)[1])
        assert location == f"/api/v2.0/projects/team/members/{mid}"
        members = await admin.get_project_members("team")
        assert [(m.entity_name, m.role_name) for m in members] == [("carol", "developer")]
        await admin.update_project_member_role("team", mid, 4)
        member = await admin.get_project_member("team", mid)
        assert member.role_name == "maintainer"
        err = await expect(Conflict, admin.add_project_member_user("team", 4, 3))
        assert codes(err) == (409, "CONFLICT", "The project member specified already exist")
        err = await expect(BadRequest, admin.add_project_member_user("team", 99, 3))
        assert codes(err) == (400, "BAD_REQUEST", "Failed to get user 99: user 99 not found")
        # As a maintainer carol may list, but not remove.
        assert len(await client(server, *CAROL).get_project_members("team")) == 1
        await expect(Forbidden, client(server, *CAROL).remove_project_member("team", mid))
        await admin.remove_project_member("team", mid)
        assert await admin.get_project_members("team") == []

    run(scenario)


def test_project_deletion_takes_its_robots(server):
    async def scenario():
        admin = client(server, *ADMIN)
        await admin.create_project(ProjectReq(project_name="doomed"))
        robot = await admin.create_robot(
            RobotCreate(**project_robot("ci", ("repository", "pull"), namespace="doomed"))
        )
        robots = await admin.get_robots(query=f"Level=project,ProjectID={(await admin.get_project('doomed')).project_id}")
        assert [r.name for r in robots] == ["robot$doomed+ci"]
        await admin.delete_project("doomed")
        await expect(NotFound, admin.get_robot(robot.id))
        assert await admin.get_robots(query="name=~doomed") == []

    run(scenario)

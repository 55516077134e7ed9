"""The endpoints around `/robots`, through `harbor-api-client`'s own API classes: PingApi,
HealthApi, SysteminfoApi, UserApi, PermissionsApi, ConfigureApi, ProjectApi, MemberApi and
RepositoryApi, as a test suite written against real Harbor would drive them.

The client's quirks that matter here (see the module docstring of `test_harbor_client.py`):
every request carries `Content-Type: application/json` and a DELETE the body `{}`; `Location`
and `X-Total-Count` are only reachable through `last_response`; a non-2xx raises `ApiException`
with the raw body.
"""

from __future__ import annotations

import harbor_client
import pytest
from harbor_client.models import (
    Configurations,
    ProjectMember,
    ProjectMetadata,
    ProjectReq,
    RobotCreate,
    RoleRequest,
    UserCreationReq,
    UserEntity,
)
from harbor_client.rest import ApiException

from helpers import ADMIN, ALICE, BOB, CAROL, error_code, project_robot
from test_harbor_client import headers, raises, to_create


def api(server, cls, auth=ADMIN):
    cfg = harbor_client.Configuration()
    cfg.host = server.api_url
    if auth:
        cfg.username, cfg.password = auth
    return cls(harbor_client.ApiClient(cfg))


def test_ping_health_and_systeminfo(server):
    # Act
    pong = api(server, harbor_client.PingApi, auth=None).get_ping()
    health = api(server, harbor_client.HealthApi, auth=None).get_health()
    anonymous = api(server, harbor_client.SysteminfoApi, auth=None).get_system_info()
    admin = api(server, harbor_client.SysteminfoApi).get_system_info()

    # Assert
    assert pong == "Pong"
    assert health.status == "healthy"
    assert [c.name for c in health.components] == [
        "core", "database", "jobservice", "portal", "redis", "registry", "registryctl",
    ]
    assert (anonymous.auth_mode, anonymous.harbor_version) == ("db_auth", None)
    assert admin.harbor_version == "v2.15.2-080b0220"
    assert admin.project_creation_restriction == "everyone"
    assert admin.current_time.isoformat() == "2026-01-01T00:00:00.123000+00:00"


def test_current_user_for_users_and_robots(server):
    # Arrange
    robot = api(server, harbor_client.RobotApi).create_robot(to_create(project_robot("ci")))

    # Act
    me = api(server, harbor_client.UserApi, auth=BOB).get_current_user_info()
    robot_err = raises(api(server, harbor_client.UserApi, auth=(robot.name, robot.secret)).get_current_user_info)
    anonymous_err = raises(api(server, harbor_client.UserApi, auth=None).get_current_user_info)

    # Assert
    assert (me.user_id, me.username, me.sysadmin_flag) == (3, "bob", False)
    assert robot_err.status == 412
    assert error_code(robot_err.body) == (
        "PRECONDITION", "get current user not available for security context: robot",
    )
    assert anonymous_err.status == 401


def test_create_read_search_and_delete_a_user(server):
    # Arrange
    users = api(server, harbor_client.UserApi)
    req = UserCreationReq(
        username="zoe", email="zoe@example.com", realname="Zoe Q", comment="qa", password="Zoe12345",
    )

    # Act
    users.create_user_with_http_info(req)
    location = headers(users)["location"]
    zoe = users.get_user(5)
    found = users.search_users_with_http_info("zo")
    conflict = raises(users.create_user, req)
    users.delete_user(5)
    gone = raises(users.get_user, 5)

    # Assert
    assert location == "/api/v2.0/users/5"
    assert (zoe.username, zoe.email, zoe.realname, zoe.comment) == ("zoe", "zoe@example.com", "Zoe Q", "qa")
    items, _, found_headers = found
    assert [(u.user_id, u.username) for u in items] == [(5, "zoe")]
    assert found_headers["X-Total-Count"] == "1"
    assert conflict.status == 409
    assert error_code(conflict.body) == ("CONFLICT", "user zoe or email zoe@example.com already exists")
    assert gone.status == 404


def test_user_creation_is_validated_and_admin_only(server):
    # Act
    weak = raises(
        api(server, harbor_client.UserApi).create_user,
        UserCreationReq(username="zoe", email="zoe@example.com", realname="Zoe", password="weak"),
    )
    not_admin = raises(
        api(server, harbor_client.UserApi, auth=ALICE).create_user,
        UserCreationReq(username="zoe", email="zoe@example.com", realname="Zoe", password="Zoe12345"),
    )

    # Assert
    assert weak.status == 400
    assert error_code(weak.body)[1].startswith("the password or secret must be 8-128")
    assert (not_admin.status, error_code(not_admin.body)) == (403, ("FORBIDDEN", "alice"))


def test_permissions_by_caller(server):
    # Act
    admin = api(server, harbor_client.PermissionsApi).get_permissions()
    project_admin = api(server, harbor_client.PermissionsApi, auth=ALICE).get_permissions()
    developer = raises(api(server, harbor_client.PermissionsApi, auth=BOB).get_permissions)

    # Assert
    assert len(admin.system) == 70 and len(admin.project) == 70
    assert (admin.project[0].resource, admin.project[0].action) == ("log", "list")
    assert project_admin.system is None and len(project_admin.project) == 70
    assert developer.status == 403


def test_configurations_read_and_robot_prefix_change(server):
    # Arrange
    configure = api(server, harbor_client.ConfigureApi)
    robots = api(server, harbor_client.RobotApi)
    created = robots.create_robot(to_create(project_robot("ci")))

    # Act
    before = configure.get_configurations()
    configure.update_configurations(Configurations(robot_name_prefix="bot-", robot_token_duration=7))
    after = configure.get_configurations()
    renamed = robots.get_robot_by_id(created.id)
    refused = raises(api(server, harbor_client.ConfigureApi, auth=CAROL).get_configurations)

    # Assert
    assert (before.robot_name_prefix.value, before.robot_name_prefix.editable) == ("robot$", True)
    assert before.robot_token_duration.value == 30
    assert before.storage_per_project.value == -1
    assert before.read_only.value is False
    assert after.robot_name_prefix.value == "bot-"
    assert after.robot_token_duration.value == 7
    assert renamed.name == "bot-library+ci"
    assert (refused.status, error_code(refused.body)) == (403, ("FORBIDDEN", "carol"))


def test_project_lifecycle_through_project_api(server):
    # Arrange
    projects = api(server, harbor_client.ProjectApi)

    # Act
    projects.create_project_with_http_info(
        ProjectReq(project_name="demo", metadata=ProjectMetadata(public="false", auto_scan="true"))
    )
    location = headers(projects)["location"]
    by_name = projects.get_project("demo", x_is_resource_name=True)
    by_id = projects.get_project(str(by_name.project_id), x_is_resource_name=False)
    projects.head_project("demo")
    summary = projects.get_project_summary("demo")
    projects.update_project("demo", ProjectReq(metadata=ProjectMetadata(severity="high")))
    updated = projects.get_project("demo")
    listed, _, list_headers = projects.list_projects_with_http_info(page=1, page_size=1, sort="name")
    deletable = projects.get_project_deletable("demo")
    projects.delete_project("demo")
    gone = raises(projects.get_project, "demo")
    head_gone = raises(projects.head_project, "demo")

    # Assert
    assert location == f"/api/v2.0/projects/{by_name.project_id}"
    assert by_id.name == "demo" and by_name.owner_name == "admin"
    assert by_name.metadata.public == "false" and by_name.metadata.auto_scan == "true"
    assert by_name.current_user_role_id == 1
    assert summary.project_admin_count == 1 and summary.repo_count == 0
    assert updated.metadata.severity == "high" and updated.metadata.auto_scan == "true"
    assert [p.name for p in listed] == ["demo"]
    assert list_headers["X-Total-Count"] == "3"
    assert 'rel="next"' in list_headers["Link"]
    assert deletable.deletable is True
    assert gone.status == 404 and head_gone.status == 404


def test_project_errors_reach_the_exception(server):
    # Arrange
    projects = api(server, harbor_client.ProjectApi)

    # Act
    conflict = raises(projects.create_project, ProjectReq(project_name="library"))
    illegal = raises(projects.create_project, ProjectReq(project_name="Bad Name"))
    private = raises(api(server, harbor_client.ProjectApi, auth=CAROL).get_project, "team")

    # Assert
    assert (conflict.status, error_code(conflict.body)) == (
        409, ("CONFLICT", "The project named library already exists"),
    )
    assert illegal.status == 400
    assert (private.status, error_code(private.body)) == (403, ("FORBIDDEN", "forbidden"))


def test_members_through_member_api(server):
    # Arrange
    members = api(server, harbor_client.MemberApi)

    # Act
    members.create_project_member_with_http_info(
        "team", project_member=ProjectMember(role_id=2, member_user=UserEntity(username="carol"))
    )
    location = headers(members)["location"]
    mid = int(location.rsplit("/", 1)[1])
    listed, _, list_headers = members.list_project_members_with_http_info("team")
    members.update_project_member("team", mid, role=RoleRequest(role_id=3))
    guest = members.get_project_member("team", mid)
    duplicate = raises(
        members.create_project_member,
        "team",
        project_member=ProjectMember(role_id=2, member_user=UserEntity(user_id=4)),
    )
    unknown = raises(
        members.create_project_member,
        "team",
        project_member=ProjectMember(role_id=2, member_user=UserEntity(username="nobody")),
    )
    members.delete_project_member("team", mid)
    remaining = members.list_project_members("team")

    # Assert
    assert location == f"/api/v2.0/projects/team/members/{mid}"
    assert [(m.entity_name, m.role_name) for m in listed] == [("carol", "developer")]
    assert list_headers["X-Total-Count"] == "1"
    assert (guest.role_id, guest.role_name, guest.entity_type) == (3, "guest", "u")
    assert duplicate.status == 409
    assert (unknown.status, error_code(unknown.body)) == (404, ("NOT_FOUND", "user nobody is not found"))
    assert remaining == []


def test_project_robot_workflow_end_to_end(server):
    """User, project, member, robot, then the project deleted: the robot goes with it."""
    # Arrange
    users = api(server, harbor_client.UserApi)
    users.create_user(
        UserCreationReq(username="dev", email="dev@example.com", realname="Dev", password="Dev12345")
    )
    dev = ("dev", "Dev12345")
    api(server, harbor_client.ProjectApi, auth=dev).create_project(ProjectReq(project_name="app"))
    project = api(server, harbor_client.ProjectApi, auth=dev).get_project("app")
    api(server, harbor_client.MemberApi, auth=dev).create_project_member(
        "app", project_member=ProjectMember(role_id=2, member_user=UserEntity(username="carol"))
    )
    robots = api(server, harbor_client.RobotApi, auth=dev)
    robot = robots.create_robot(
        to_create(project_robot("ci", ("repository", "list"), ("repository", "pull"), namespace="app"))
    )

    # Act
    listed = robots.list_robot(q=f"Level=project,ProjectID={project.project_id}")
    repos = api(server, harbor_client.RepositoryApi, auth=(robot.name, robot.secret)).list_repositories_with_http_info("app")
    api(server, harbor_client.ProjectApi, auth=dev).delete_project(str(project.project_id))
    robot_gone = raises(api(server, harbor_client.RobotApi).get_robot_by_id, robot.id)
    login_gone = raises(api(server, harbor_client.UserApi, auth=(robot.name, robot.secret)).search_users, "a")

    # Assert
    assert [r.name for r in listed] == ["robot$app+ci"]
    assert repos[0] == [] and repos[2]["X-Total-Count"] == "0"
    assert robot_gone.status == 404
    assert login_gone.status == 401

"""End-to-end scenarios through `harbor-api-client` (module `harbor_client`, swagger-codegen, sync).

Quirks of this client that the server has to meet the way Harbor does (see `harbor_client/rest.py`
`RESTClientObject.request` and `harbor_client/api_client.py`):

* every request carries `Content-Type: application/json`, GETs included, and a DELETE (or a
  POST/PUT/PATCH without a body) is sent with the body `{}`;
* `sanitize_for_serialization` writes datetimes with `datetime.isoformat()`, i.e.
  `2026-01-01T00:00:00.123000+00:00`, and sends every attribute that is not `None`, so a PUT of a
  fetched robot carries `id`, `editable`, `expires_at`, `creator_*` and both timestamps;
* `__deserialize_datatime` parses timestamps with `dateutil.parser.parse`;
* only `*_with_http_info` exposes headers (`X-Total-Count`, `Link`, `Location`), and paging is
  left to the caller;
* a non-2xx answer raises `ApiException` with the raw body text; the Harbor error code is in it.
"""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import parse_qs, urlsplit

import harbor_client
import pytest
from harbor_client.models import Access, Robot, RobotCreate, RobotPermission, RobotSec
from harbor_client.rest import ApiException

from helpers import ADMIN, ALICE, BOB, CAROL, error_code, project_robot, system_robot


def robot_api(server, username: str, password: str) -> harbor_client.RobotApi:
    cfg = harbor_client.Configuration()
    cfg.host = server.api_url
    cfg.username = username
    cfg.password = password
    return harbor_client.RobotApi(harbor_client.ApiClient(cfg))


def to_create(body: dict) -> RobotCreate:
    """The client's own models, as a user of the library would build them."""
    return RobotCreate(
        name=body["name"],
        description=body.get("description"),
        duration=body["duration"],
        level=body["level"],
        permissions=[
            RobotPermission(
                kind=p["kind"],
                namespace=p["namespace"],
                access=[Access(resource=a["resource"], action=a["action"]) for a in p["access"]],
            )
            for p in body["permissions"]
        ],
    )


def headers(api: harbor_client.RobotApi) -> dict[str, str]:
    return {k.lower(): v for k, v in api.api_client.last_response.getheaders().items()}


def raises(call, *args, **kwargs) -> ApiException:
    with pytest.raises(ApiException) as info:
        call(*args, **kwargs)
    return info.value


@pytest.fixture
def admin(server) -> harbor_client.RobotApi:
    return robot_api(server, *ADMIN)


def test_create_and_get_system_and_project_robots(admin):
    # Act
    system = admin.create_robot(to_create(system_robot("ops")))
    system_location = headers(admin)["location"]
    project = admin.create_robot(to_create(project_robot("ci", ("repository", "pull"), ("repository", "push"))))
    project_location = headers(admin)["location"]

    # Assert: RobotCreated, with the plaintext secret and a path-only Location.
    assert system.name == "robot$ops"
    assert system.expires_at == -1
    assert project.name == "robot$library+ci"
    assert project.expires_at == int(datetime.datetime(2026, 1, 31, tzinfo=datetime.timezone.utc).timestamp())
    for created, location in ((system, system_location), (project, project_location)):
        assert location == f"/api/v2.0/robots/{created.id}"
        assert re.fullmatch(r"[A-Za-z0-9]{32}", created.secret)
        assert created.creation_time == datetime.datetime(2026, 1, 1, 0, 0, 0, 123000, tzinfo=datetime.timezone.utc)

    got = admin.get_robot_by_id(project.id)
    assert isinstance(got, Robot)
    assert (got.id, got.name, got.level, got.duration, got.disable, got.editable) == (
        project.id,
        "robot$library+ci",
        "project",
        30,
        False,
        True,
    )
    assert got.secret is None, "GET never shows the secret"
    assert (got.creator_type, got.creator_ref) == ("local", 1)
    assert got.creation_time == got.update_time == project.creation_time
    [perm] = got.permissions
    assert (perm.kind, perm.namespace) == ("project", "library")
    assert [(a.resource, a.action, a.effect) for a in perm.access] == [
        ("repository", "pull", None),
        ("repository", "push", None),
    ]

    got = admin.get_robot_by_id(system.id)
    assert got.level == "system"
    assert {(p.kind, p.namespace) for p in got.permissions} == {("system", "/"), ("project", "*")}


def test_list_pages_with_total_count_and_link(admin):
    # Arrange: five project robots and one system robot.
    for i in range(5):
        admin.create_robot(to_create(project_robot(f"bot{i}")))
    admin.create_robot(to_create(system_robot("ops")))
    q = "Level=project,ProjectID=1"

    # Act: walk the pages the way a caller of this client has to, by page number.
    seen, page, links = [], 1, []
    while True:
        data, status, hdrs = admin.list_robot_with_http_info(q=q, page=page, page_size=2)
        assert status == 200
        assert hdrs["X-Total-Count"] == "5"
        links.append(hdrs.get("Link"))
        seen += [r.name for r in data]
        if not data:
            break
        page += 1

    # Assert
    assert seen == [f"robot$library+bot{i}" for i in range(5)], "default sort is by name"
    assert links[0] == f'</api/v2.0/robots?page=2&page_size=2&q={q}>; rel="next"'
    assert links[1] == (
        f'</api/v2.0/robots?page=1&page_size=2&q={q}>; rel="prev" , '
        f'</api/v2.0/robots?page=3&page_size=2&q={q}>; rel="next"'
    )
    assert links[2] == f'</api/v2.0/robots?page=2&page_size=2&q={q}>; rel="prev"'
    assert links[3] is None, "no Link past the last page"

    # Without q only system robots are listed.
    assert [r.name for r in admin.list_robot()] == ["robot$ops"]
    # page_size=0 is "everything", without a Link.
    data, _, hdrs = admin.list_robot_with_http_info(q=q, page_size=0)
    assert len(data) == 5 and "Link" not in hdrs


def test_query_exact_fuzzy_range_union_and_sort(admin):
    ids = {}
    for name in ("alpha", "beta", "gamma", "delta"):
        ids[name] = admin.create_robot(to_create(project_robot(name))).id
    admin.create_robot(to_create(project_robot("alpha", namespace="team")))
    base = "Level=project,ProjectID=1"

    def names(q: str, sort: str | None = None) -> list[str]:
        kwargs = {"sort": sort} if sort else {}
        return [r.name.rsplit("+", 1)[1] for r in admin.list_robot(q=f"{base},{q}", **kwargs)]

    # Exact: the stored name carries the project and "+", which must be encoded twice.
    assert names("name=library%2Bbeta") == ["beta"]
    assert names("name=beta") == [], "exact match is on the stored name"
    # Fuzzy: case-insensitive substring.
    assert names("name=~LTA") == ["delta"]
    assert names("name=~a") == ["alpha", "beta", "delta", "gamma"]
    # Range and union over ids.
    assert names(f"id=[{ids['beta']}~{ids['delta']}]") == ["beta", "delta", "gamma"]
    assert names(f"id={{{ids['alpha']} {ids['gamma']}}}") == ["alpha", "gamma"]
    # Sort: descending id, then a secondary key.
    assert names("name=~a", sort="-id") == ["delta", "gamma", "beta", "alpha"]
    assert names("id=[1~100]", sort="-creation_time,name") == ["alpha", "beta", "delta", "gamma"]
    # Unknown keys are ignored, as in Harbor.
    assert len(names("nosuchkey=1")) == 4


def test_update_sends_back_the_fetched_object(admin):
    created = admin.create_robot(to_create(project_robot("ci")))
    robot = admin.get_robot_by_id(created.id)

    # The client sends back every attribute it fetched, in its own date format.
    sent = admin.api_client.sanitize_for_serialization(robot)
    assert sent["creation_time"] == "2026-01-01T00:00:00.123000+00:00"
    assert {"id", "editable", "expires_at", "creator_type", "creator_ref", "update_time"} <= set(sent)

    # Act: change description, disable and duration and PUT the object back.
    robot.description = "changed"
    robot.disable = True
    robot.duration = 10
    assert admin.update_robot(created.id, robot) is None
    last = admin.api_client.last_response
    assert (last.status, last.data) == (200, "")
    assert "content-type" not in headers(admin), "PUT answers 200 with no body and no Content-Type"

    # Assert
    got = admin.get_robot_by_id(created.id)
    assert (got.description, got.disable, got.duration) == ("changed", True, 10)
    # A changed duration counts from the creation time.
    assert got.expires_at == int(datetime.datetime(2026, 1, 11, tzinfo=datetime.timezone.utc).timestamp())

    # The name must be the full prefixed name, as fetched.
    got.name = "ci"
    err = raises(admin.update_robot, created.id, got)
    assert (err.status, error_code(err.body)) == (400, ("BAD_REQUEST", "cannot update the level or name of robot"))


def test_refresh_with_generated_and_provided_secret(admin, server):
    created = admin.create_robot(to_create(project_robot("ci", ("robot", "read"))))
    name = created.name

    generated = admin.refresh_sec(created.id, RobotSec())
    assert re.fullmatch(r"[A-Za-z0-9]{32}", generated.secret)
    assert generated.secret != created.secret
    assert raises(robot_api(server, name, created.secret).get_robot_by_id, created.id).status == 401
    assert robot_api(server, name, generated.secret).get_robot_by_id(created.id).name == name

    provided = admin.refresh_sec(created.id, RobotSec(secret="My-Own-Secret-1"))
    assert provided.secret is None, "Harbor answers {} when the secret was supplied"
    assert json.loads(admin.api_client.last_response.data) == {}
    assert robot_api(server, name, "My-Own-Secret-1").get_robot_by_id(created.id).id == created.id

    err = raises(admin.refresh_sec, created.id, RobotSec(secret="weak"))
    assert err.status == 400
    assert error_code(err.body)[0] == "BAD_REQUEST"


def test_robot_login_then_disable_then_delete(admin, server):
    created = admin.create_robot(to_create(project_robot("ci", ("robot", "read"), ("robot", "list"))))
    as_robot = robot_api(server, created.name, created.secret)

    # The robot may read and list its own project's robots.
    assert as_robot.get_robot_by_id(created.id).name == "robot$library+ci"
    assert [r.id for r in as_robot.list_robot(q="Level=project,ProjectID=1")] == [created.id]
    # ... but not system robots, nor anything it holds no permission for.
    err = raises(as_robot.list_robot)
    assert (err.status, error_code(err.body)) == (403, ("FORBIDDEN", "robot$library+ci"))
    err = raises(as_robot.refresh_sec, created.id, RobotSec())
    assert err.status == 403

    # Disabled: the robot is anonymous now.
    robot = admin.get_robot_by_id(created.id)
    robot.disable = True
    admin.update_robot(created.id, robot)
    err = raises(as_robot.get_robot_by_id, created.id)
    assert (err.status, error_code(err.body)) == (401, ("UNAUTHORIZED", "unauthorized"))

    # Re-enabled by a PUT without `disable`... then deleted.
    robot.disable = None
    admin.update_robot(created.id, robot)
    assert as_robot.get_robot_by_id(created.id).disable is False

    assert admin.delete_robot(created.id) is None
    last = admin.api_client.last_response
    assert (last.status, last.data) == (200, "")
    assert "content-type" not in headers(admin)
    err = raises(admin.get_robot_by_id, created.id)
    assert (err.status, error_code(err.body)) == (404, ("NOT_FOUND", f"robot {created.id} not found"))
    assert raises(as_robot.get_robot_by_id, created.id).status == 401
    assert raises(admin.delete_robot, created.id).status == 404


def test_delete_and_get_carry_a_json_content_type_and_delete_a_body(admin, server):
    """The client sends `Content-Type: application/json` on GET and `{}` as DELETE's body."""
    created = admin.create_robot(to_create(project_robot("ci")))
    rest = admin.api_client.rest_client
    auth = admin.api_client.configuration.get_basic_auth_token()
    url = f"{server.api_url}/robots/{created.id}"

    resp = rest.GET(url, headers={"Authorization": auth, "Accept": "application/json"})
    assert resp.status == 200
    resp = rest.DELETE(url, headers={"Authorization": auth, "Accept": "application/json"})
    assert (resp.status, resp.data) == (200, "")


def test_error_codes_reach_the_exception(admin, server):
    created = admin.create_robot(to_create(project_robot("ci")))

    # 401: wrong password (Harbor treats it as anonymous).
    err = raises(robot_api(server, "admin", "wrong").get_robot_by_id, created.id)
    assert (err.status, error_code(err.body)) == (401, ("UNAUTHORIZED", "unauthorized"))
    assert err.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "X-Request-Id" in err.headers

    # 403: a system-level denial names the caller; a project-level one says "forbidden".
    err = raises(robot_api(server, *CAROL).list_robot)
    assert (err.status, error_code(err.body)) == (403, ("FORBIDDEN", "carol"))
    err = raises(robot_api(server, *BOB).create_robot, to_create(project_robot("dev")))
    assert (err.status, error_code(err.body)) == (403, ("FORBIDDEN", "forbidden"))
    # ... while the project admin may.
    assert robot_api(server, *ALICE).create_robot(to_create(project_robot("dev"))).name == "robot$library+dev"

    # 404
    err = raises(admin.get_robot_by_id, 4242)
    assert (err.status, error_code(err.body)) == (404, ("NOT_FOUND", "robot 4242 not found"))
    err = raises(admin.create_robot, to_create(project_robot("x", namespace="nope")))
    assert (err.status, error_code(err.body)) == (404, ("NOT_FOUND", "project nope not found"))

    # 409
    err = raises(admin.create_robot, to_create(project_robot("ci")))
    assert (err.status, error_code(err.body)) == (409, ("CONFLICT", "robot account 1:library+ci already exists"))

    # 400
    err = raises(admin.create_robot, to_create(project_robot("Not Valid")))
    assert (err.status, error_code(err.body)) == (
        400,
        ("BAD_REQUEST", "robot name is not in lower case or contains illegal characters"),
    )
    err = raises(admin.list_robot, q="Level=project")
    assert (err.status, error_code(err.body)) == (
        400,
        ("BAD_REQUEST", "must with project ID when to query project robots"),
    )

    # 422: the client does not check the id's type, go-swagger does.
    err = raises(admin.get_robot_by_id, "abc")
    assert (err.status, error_code(err.body)) == (
        422,
        ("UNPROCESSABLE_ENTITY", 'validation failure list:\nrobot_id in path must be of type int64: "abc"'),
    )
    admin.api_client.client_side_validation = False
    err = raises(admin.list_robot, page_size=101)
    assert (err.status, error_code(err.body)) == (
        422,
        ("UNPROCESSABLE_ENTITY", "validation failure list:\npage_size in query should be less than or equal to 100"),
    )


def test_request_id_round_trip(admin):
    admin.list_robot(x_request_id="trace-me-123")
    assert headers(admin)["x-request-id"] == "trace-me-123"
    err = raises(admin.get_robot_by_id, 99, x_request_id="trace-err")
    assert err.headers["X-Request-Id"] == "trace-err"


def test_link_query_is_what_the_next_request_needs(admin):
    """Following Harbor's `Link` by hand (urllib3 re-encodes it) reaches the same pages."""
    for i in range(3):
        admin.create_robot(to_create(project_robot(f"bot{i}")))
    data, _, hdrs = admin.list_robot_with_http_info(q="Level=project,ProjectID=1", sort="-id", page_size=1)
    link = re.search(r'<([^>]+)>; rel="next"', hdrs["Link"]).group(1)
    params = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert params == {"page": "2", "page_size": "1", "q": "Level=project,ProjectID=1", "sort": "-id"}
    page2 = admin.list_robot(
        q=params["q"], sort=params["sort"], page=int(params["page"]), page_size=int(params["page_size"])
    )
    assert [r.name for r in data + page2] == ["robot$library+bot2", "robot$library+bot1"]

"""Schemathesis hooks for the operations harbor-mock serves (loaded via SCHEMATHESIS_HOOKS).

Custom checks, used in place of the built-in `not_a_server_error`, `status_code_conformance` and
`content_type_conformance` (the run keeps `response_schema_conformance` and
`response_headers_conformance` as they are):

* `harbor_no_unintended_server_error`: no 5xx, except the 500s Harbor itself answers for a
  request: values its database refuses (`DATABASE_REASONS`, told by the mock's
  `X-Harbor-Mock-Error`), `createProject` naming a proxy-cache registry (a mock has none to find),
  `updateProject` with a blank or repeated CVE in its allowlist (Harbor's validator error is not
  a client error) and `updateUserProfile` with another user's email (a unique-key violation
  Harbor does not map). Those are counted, so the runner can match them against the server's log.
* `harbor_status_code_conformance`: the documented statuses, plus those real Harbor sends and
  the swagger leaves out (`UNDOCUMENTED`): 422 everywhere (go-swagger's binding errors), 401 and
  403 on `ListRobot`, 409 on `CreateRobot`, 400 on `listUsers` (its `q`), 403 on `createProject`, 400 on project reads by a name with a space, 404 on
  `createProjectMember` (an unknown username), 404 on `updateUserPassword` (a valid new password
  for a user that does not exist: `getUserByID`), 401 on `headProject` and `deleteProject`. Those
  must still carry Harbor's `Errors` envelope.
* `harbor_content_type_conformance`: a response with a body must be `application/json` (the
  swagger's `produces`); a response the swagger documents without a schema (the 200 of PUT and
  DELETE) has no body and, as in Harbor, no Content-Type. The built-in check would demand a
  Content-Type even there, which real Harbor does not send (swagger/implementation mismatch).
* `harbor_documented_headers`: every header the swagger documents for the status is present
  (Swagger 2.0 cannot mark a response header required, so the built-in check only validates the
  ones that happen to be there). `Link` is the exception by design: Harbor sends it only when
  there is a previous or next page, so it must be there exactly then, pointing at the path
  requested. `Location` must point at what was created, `X-Total-Count` must be at least the
  page length (except `searchUsers`, whose count leaves user 1 out and whose items do not, as in
  Harbor).

`map_case` steers part of the generated data at the server's state, so the success paths are
exercised too and not only 400/404: about two of three integer ids (robots, members, users) are
folded into the fixture ids 0..9, two of three project names or ids into the fixture projects,
and about half of the object bodies get values Harbor accepts (a robot's name, level and
permissions; a project's name; a user's profile; a member's user and role), the rest of each
body staying as generated. The fixtures are in `run_schemathesis.py`.

`before_call` puts the server back to its fixtures (`POST /_mock/reset`) when the examples,
coverage and fuzzing phases move on to the next operation, so one operation's deletions and
configuration changes (read-only mode, a new robot prefix) do not decide the next one's answers.

`after_call` counts the requests per operation; the totals are written as JSON to
`$HARBOR_ST_COUNTS` when the process exits.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import urllib.request
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import schemathesis
from schemathesis.core import media_types
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

#: Statuses real Harbor answers that the swagger does not document, per operationId.
UNDOCUMENTED = {
    "ListRobot": {401, 403},
    "listUsers": {400},
    "CreateRobot": {409},
    "createProject": {403},
    "getProject": {400},
    "getProjectDeletable": {400},
    "createProjectMember": {404},
    "updateUserPassword": {404},
    "headProject": {401},
    "deleteProject": {401},
}

COUNTS: Counter[str] = Counter()
STATUSES: dict[str, Counter[int]] = {}
INTENDED_500S = 0


def operation_id(case: Any) -> str:
    return case.operation.definition.raw.get("operationId", case.operation.label)


def _expand(code: str) -> set[int]:
    if code.upper().endswith("XX"):
        base = int(code[0]) * 100
        return set(range(base, base + 100))
    return {int(code)}


def _errors_envelope(response: Any) -> None:
    """Harbor's `{"errors":[{"code":…,"message":…}]}` with a JSON Content-Type."""
    content_type = (response.headers.get("content-type") or [""])[0]
    if media_types.parse(content_type) != ("application", "json"):
        raise AssertionError(f"error response with Content-Type {content_type!r}")
    body = response.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors:
        raise AssertionError(f"error body is not Harbor's Errors envelope: {body!r}")
    for error in errors:
        if not (isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)):
            raise AssertionError(f"malformed Error entry: {error!r}")


def _email_of_another_user(user_id: Any, email: Any) -> bool:
    """Whether a user other than `user_id` has `email`, asked of the control API."""
    control = os.environ.get("HARBOR_ST_CONTROL")
    if not control or not isinstance(email, str) or not email:
        return False
    with urllib.request.urlopen(f"{control}/state", timeout=10) as reply:
        users = json.load(reply).get("users", [])
    return any(u.get("email") == email and u.get("id") != user_id for u in users)


def _harbor_answers_500(case: Any) -> bool:
    """Whether real Harbor answers this request with a 500 too."""
    body = case.body if isinstance(case.body, dict) else {}
    op = operation_id(case)
    if op == "updateUserProfile":
        # Another user's email: the database's unique key, which Harbor does not map to a 409.
        return _email_of_another_user((case.path_parameters or {}).get("user_id"), body.get("email"))
    if op == "createProject":
        registry = body.get("registry_id")
        return isinstance(registry, int) and not isinstance(registry, bool) and registry > 0
    if op == "updateProject":
        allowlist = body.get("cve_allowlist")
        items = allowlist.get("items") if isinstance(allowlist, dict) else None
        if not isinstance(items, list):
            return False
        ids = [i.get("cve_id") if isinstance(i, dict) else None for i in items if i is not None]
        ids = [(i or "").strip() if isinstance(i, str) or i is None else i for i in ids]
        return any(i == "" for i in ids) or len(set(map(str, ids))) != len(ids)
    return False


#: The reasons (`X-Harbor-Mock-Error`) of the 500s Harbor's database gives: a value a column
#: refuses (too long, NUL, bytes that are not UTF-8, an id beyond int4) or a `q` value PostgreSQL,
#: pgx or beego cannot convert. Which request meets one depends on the data and on the state,
#: so the reason, not the request, tells them apart from a bug (which would carry none).
DATABASE_REASONS = re.compile(
    r"^(value too long for type character varying|invalid byte sequence for encoding"
    r"|unable to encode .* for int4|invalid value for |unsupported spelling of query key"
    r"|query key .* has an operator)"
)


@schemathesis.check
def harbor_no_unintended_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    global INTENDED_500S
    if response.status_code < 500:
        return None
    reason = (response.headers.get("x-harbor-mock-error") or [""])[0]
    if response.status_code == 500 and (_harbor_answers_500(case) or DATABASE_REASONS.match(reason)):
        INTENDED_500S += 1
        return None
    raise AssertionError(f"Server error {response.status_code} for {operation_id(case)}: {response.text[:300]}")


@schemathesis.check
def harbor_status_code_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    if is_unexpected_http_status_case(case):
        return None
    documented: set[int] = set()
    for code in case.operation.responses.status_codes:
        if code == "default":
            return None
        documented |= _expand(str(code))
    extra = UNDOCUMENTED.get(operation_id(case), set()) | {422}
    status = response.status_code
    if status not in documented | extra:
        raise AssertionError(
            f"Undocumented status code {status} for {operation_id(case)}\n"
            f"Documented: {sorted(documented)}; allowed besides: {sorted(extra)}"
        )
    if status in extra and status not in documented and case.method.upper() != "HEAD":
        _errors_envelope(response)
    return None


@schemathesis.check
def harbor_content_type_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    if is_unexpected_http_status_case(case):
        return None
    definition = case.operation.responses.find_by_status_code(response.status_code)
    content_type = (response.headers.get("content-type") or [None])[0]
    if case.method.upper() == "HEAD":
        # Go's server drops a HEAD answer's body but keeps the headers the handler set, so an
        # error keeps its JSON Content-Type; no body may come through.
        if response.content:
            raise AssertionError(f"a HEAD answer with a body: {response.content[:100]!r}")
        return None
    if not response.content:
        if definition is not None and "schema" in definition.definition:
            raise AssertionError(f"{response.status_code} documents a body but the response has none")
        if content_type is not None:
            raise AssertionError(f"empty {response.status_code} body with Content-Type {content_type!r}")
        return None
    if definition is not None and "schema" not in definition.definition:
        if response.status_code >= 400:
            # Harbor's handlers send errors with `SendError`, which writes the `Errors` envelope
            # whatever the swagger documents (e.g. `updateUserPassword`'s 400 and 403).
            _errors_envelope(response)
            return None
        raise AssertionError(f"{response.status_code} documents no body but got {response.content[:100]!r}")
    if content_type is None:
        raise AssertionError("a response body without Content-Type")
    produces = case.operation.definition.raw.get("produces") or case.operation.schema.raw_schema.get("produces", [])
    received = media_types.parse(content_type)
    if not any(media_types.matches_parts(media_types.parse(p), received) for p in produces):
        raise AssertionError(f"Content-Type {content_type!r} is not one of {produces}")
    return None


def _sent_query_int(response: Any, name: str, default: int) -> int:
    """A paging parameter as the server read it from the URL actually sent: the last value wins
    and an empty one means the default (go-swagger's rules)."""
    values = [v for k, v in parse_qsl(urlsplit(response.request.url).query, keep_blank_values=True) if k == name]
    if not values or values[-1] == "":
        return default
    return int(values[-1])


def _expected_link(response: Any, total: int) -> bool:
    page, page_size = _sent_query_int(response, "page", 1), _sent_query_int(response, "page_size", 10)
    if page_size == 0:
        return False
    prev = page > 1 and (page - 1) * page_size < total
    nxt = page * page_size < total
    return prev or nxt


@schemathesis.check
def harbor_documented_headers(ctx: Any, response: Any, case: Any) -> bool | None:
    if is_unexpected_http_status_case(case):
        return None
    definition = case.operation.responses.find_by_status_code(response.status_code)
    if definition is None:
        # 409/422 are not in the swagger; Harbor sends X-Request-Id on them too.
        if "x-request-id" not in response.headers:
            raise AssertionError("missing X-Request-Id")
        return None
    documented = {name.lower() for name in definition.definition.get("headers", {})}
    missing = sorted(name for name in documented - {"link"} if name not in response.headers)
    if missing:
        raise AssertionError(f"documented headers missing from the {response.status_code}: {missing}")
    path = urlsplit(response.request.url).path
    if "x-total-count" in documented:
        total = int(response.headers["x-total-count"][0])
        page = response.json()
        if total < len(page) and operation_id(case) != "searchUsers":
            raise AssertionError(f"X-Total-Count {total} < {len(page)} items on the page")
        if "link" in documented:
            has_link = "link" in response.headers
            if has_link != _expected_link(response, total):
                raise AssertionError(
                    f"Link {'present' if has_link else 'missing'} for total {total} and {response.request.url}"
                )
            if has_link:
                for part in response.headers["link"][0].split(" , "):
                    target = urlsplit(part[1:].split(">", 1)[0])
                    if not (unquote(target.path) == unquote(path) and part.endswith(('>; rel="prev"', '>; rel="next"'))):
                        raise AssertionError(f"malformed Link entry {part!r} for {path}")
    if "location" in documented:
        location = response.headers["location"][0]
        if not _location_ok(case, path, location, response):
            raise AssertionError(f"Location {location!r} for {operation_id(case)} at {path}")
    return None


def _location_ok(case: Any, path: str, location: str, response: Any) -> bool:
    """`Location` names what was created the way Harbor does."""
    op = operation_id(case)
    if op == "CreateRobot":
        return location == f"/api/v2.0/robots/{response.json()['id']}"
    if op == "createProjectMember":
        # A fixed prefix and the project as parsed (`007` reads as 7), then the member id.
        return re.fullmatch(r"/api/v2\.0/projects/[^/]+/members/\d+", location) is not None
    if op == "createProject" and isinstance(case.body, dict):
        by_name = str((case.headers or {}).get("X-Resource-Name-In-Location", "")).lower()
        if by_name in {"true", "1", "yes", "ok", "y", "on", "selected", "checked", "t", "enabled"}:
            return location == f"/api/v2.0/projects/{case.body.get('project_name')}"
    return re.fullmatch(re.escape(path.rstrip("/")) + r"/\d+", location) is not None


#: Wire name, level and permissions of the fixture robots by id (see run_schemathesis.py).
FIXTURE_ROBOTS = json.loads(os.environ.get("HARBOR_ST_ROBOTS", "{}"))

SYSTEM_PERMISSIONS = [{"kind": "system", "namespace": "/", "access": [{"resource": "robot", "action": "list"}]}]


def _project_permissions(namespace: str) -> list[dict[str, Any]]:
    return [{"kind": "project", "namespace": namespace, "access": [{"resource": "repository", "action": "pull"}]}]


def _fingerprint(value: Any) -> int:
    """A stable number derived from generated data, to pick deterministically."""
    return sum(json.dumps(value, sort_keys=True, default=str).encode())


def _valid_duration(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and (value == -1 or 0 < value < 2**31 - 1)


def _fold_int(params: dict[str, Any], name: str) -> Any:
    """Folds about two of three integer ids into 0..9, where the fixtures live."""
    value = params.get(name)
    if isinstance(value, int) and not isinstance(value, bool) and value % 3 != 0:
        params[name] = abs(value) % 10
    return params.get(name)


#: What `{project_name_or_id}` and `{project_name}` are folded into: both fixture projects by
#: name and by id, and a missing one.
PROJECT_REFS = ["library", "team", "1", "2", "9"]


def _steer_body(op: str, body: dict[str, Any], robot_id: Any) -> None:
    """Gives about half of the object bodies values Harbor accepts."""
    if _fingerprint(body) % 2:
        return
    pick = _fingerprint(body)
    if op == "CreateRobot":
        # A short name with a number from the data: mostly new names, some repeats (409s).
        name = "".join(c for c in str(body.get("name", "")).lower() if c.isascii() and c.isalnum())[:10]
        body["name"] = f"{name or 'robot'}{pick % 50}"
        if body.get("level") not in ("system", "project"):
            body["level"] = ("system", "project")[_fingerprint(body.get("name")) % 2]
        if not _valid_duration(body.get("duration")):
            body["duration"] = 30
        if body["level"] == "system":
            body["permissions"] = SYSTEM_PERMISSIONS
        else:
            body["permissions"] = _project_permissions(("library", "team")[_fingerprint(body.get("duration")) % 2])
    elif op == "UpdateRobot" and str(robot_id) in FIXTURE_ROBOTS:
        robot = FIXTURE_ROBOTS[str(robot_id)]
        body.update(name=robot["name"], level=robot["level"], permissions=robot["permissions"])
        if "duration" in body and not (body["duration"] is None or _valid_duration(body["duration"])):
            del body["duration"]
    elif op == "createProject":
        body["project_name"] = f"p{pick % 40}"
        if not isinstance(body.get("metadata"), dict):
            body.pop("metadata", None)
    elif op == "createUser":
        name = f"user{pick % 40}"
        body.update(username=name, email=f"{name}@example.com", realname=name, password="Passw0rdX")
        body.pop("comment", None)
    elif op == "createProjectMember":
        body["member_user"] = {"username": ("alice", "bob", "admin")[pick % 3]}
        body.pop("member_group", None)
        body["role_id"] = 1 + pick % 5
    elif op == "updateUserProfile":
        body.update(email=f"p{pick % 40}@example.com", realname="Someone")
        body.pop("comment", None)


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    op = operation_id(case)
    params = case.path_parameters or {}
    robot_id = _fold_int(params, "robot_id")
    _fold_int(params, "mid")
    _fold_int(params, "user_id")
    for name in ("project_name_or_id", "project_name"):
        value = params.get(name)
        if isinstance(value, str) and _fingerprint(value) % 3 != 0:
            params[name] = PROJECT_REFS[_fingerprint(value) % len(PROJECT_REFS)]
    if isinstance(case.body, dict):
        _steer_body(op, case.body, robot_id)
    return case


#: The operation the last request was for, to reset the server when the next one starts.
LAST_OPERATION: list[str] = []


def _reset_server() -> None:
    control = os.environ.get("HARBOR_ST_CONTROL")
    if control:
        request = urllib.request.Request(f"{control}/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as reply:
            reply.read()


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    # Stateful links can copy an integer into the X-Request-Id header; requests only sends strings.
    for name, value in list((case.headers or {}).items()):
        if not isinstance(value, str):
            case.headers[name] = str(value)
    op = operation_id(case)
    if case.meta is not None and case.meta.phase.name != "stateful" and LAST_OPERATION != [op]:
        _reset_server()
        LAST_OPERATION[:] = [op]


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    op = operation_id(case)
    COUNTS[op] += 1
    STATUSES.setdefault(op, Counter())[response.status_code] += 1


def _dump() -> None:
    path = os.environ.get("HARBOR_ST_COUNTS")
    if path:
        counts: dict[str, Any] = {
            op: {"requests": n, "statuses": dict(sorted(STATUSES[op].items()))} for op, n in COUNTS.items()
        }
        counts["intended_500s"] = INTENDED_500S
        with open(path, "w") as f:
            json.dump(counts, f, indent=2)


atexit.register(_dump)

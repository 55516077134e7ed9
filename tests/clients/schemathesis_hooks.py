"""Schemathesis hooks for the robot operations of Harbor's swagger (loaded via SCHEMATHESIS_HOOKS).

Custom checks, used in place of the built-in `status_code_conformance` and
`content_type_conformance` (the run keeps `not_a_server_error`, `response_schema_conformance` and
`response_headers_conformance` as they are):

* `harbor_status_code_conformance`: the documented statuses, plus the two real Harbor sends
  and the swagger leaves out: 409 on `CreateRobot` (duplicate name) and 422 on all six
  (go-swagger's binding errors). Those two must still carry Harbor's `Errors` envelope.
* `harbor_content_type_conformance`: a response with a body must be `application/json` (the
  swagger's `produces`); a response the swagger documents without a schema (the 200 of PUT and
  DELETE) has no body and, as in Harbor, no Content-Type. The built-in check would demand a
  Content-Type even there, which real Harbor does not send (swagger/implementation mismatch).
* `harbor_documented_headers`: every header the swagger documents for the status is present
  (Swagger 2.0 cannot mark a response header required, so the built-in check only validates the
  ones that happen to be there). `Link` is the exception by design: Harbor sends it only when
  there is a previous or next page, so it must be there exactly then. `Location` must point at
  the created robot, `X-Total-Count` must be at least the page length.

`map_case` steers part of the generated data at the server's state, so the success paths are
exercised too and not only 400/404: about two of three integer robot ids are folded into the
fixture ids 0..9, and about half of the object bodies of `CreateRobot` and `UpdateRobot` get a
name, level and permissions Harbor accepts (the rest of each body stays as generated). The
fixture robots are listed in `run_schemathesis.py` (`FIXTURE_ROBOTS`).

`after_call` counts the requests per operation; the totals are written as JSON to
`$HARBOR_ST_COUNTS` when the process exits.
"""

from __future__ import annotations

import atexit
import json
import os
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import schemathesis
from schemathesis.core import media_types
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

#: Statuses real Harbor answers that the swagger does not document, per operationId.
UNDOCUMENTED = {
    "ListRobot": {422},
    "CreateRobot": {409, 422},
    "GetRobotByID": {422},
    "UpdateRobot": {422},
    "RefreshSec": {422},
    "DeleteRobot": {422},
}

COUNTS: Counter[str] = Counter()
STATUSES: dict[str, Counter[int]] = {}


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


@schemathesis.check
def harbor_status_code_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    if is_unexpected_http_status_case(case):
        return None
    documented: set[int] = set()
    for code in case.operation.responses.status_codes:
        if code == "default":
            return None
        documented |= _expand(str(code))
    extra = UNDOCUMENTED.get(operation_id(case), set())
    status = response.status_code
    if status not in documented | extra:
        raise AssertionError(
            f"Undocumented status code {status} for {operation_id(case)}\n"
            f"Documented: {sorted(documented)}; allowed besides: {sorted(extra)}"
        )
    if status in extra and status not in documented:
        _errors_envelope(response)
    return None


@schemathesis.check
def harbor_content_type_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    if is_unexpected_http_status_case(case):
        return None
    definition = case.operation.responses.find_by_status_code(response.status_code)
    content_type = (response.headers.get("content-type") or [None])[0]
    if not response.content:
        if definition is not None and "schema" in definition.definition:
            raise AssertionError(f"{response.status_code} documents a body but the response has none")
        if content_type is not None:
            raise AssertionError(f"empty {response.status_code} body with Content-Type {content_type!r}")
        return None
    if definition is not None and "schema" not in definition.definition:
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
    if "x-total-count" in documented:
        total = int(response.headers["x-total-count"][0])
        page = response.json()
        if total < len(page):
            raise AssertionError(f"X-Total-Count {total} < {len(page)} items on the page")
        if "link" in documented:
            has_link = "link" in response.headers
            if has_link != _expected_link(response, total):
                raise AssertionError(
                    f"Link {'present' if has_link else 'missing'} for total {total} and {response.request.url}"
                )
            if has_link:
                for part in response.headers["link"][0].split(" , "):
                    if not (part.startswith("</api/v2.0/robots?") and part.endswith(('>; rel="prev"', '>; rel="next"'))):
                        raise AssertionError(f"malformed Link entry {part!r}")
    if "location" in documented:
        location = response.headers["location"][0]
        expected = f"/api/v2.0/robots/{response.json()['id']}"
        if location != expected:
            raise AssertionError(f"Location {location!r}, expected {expected!r}")
    return None


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


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    op = operation_id(case)
    robot_id = (case.path_parameters or {}).get("robot_id")
    if isinstance(robot_id, int) and not isinstance(robot_id, bool) and robot_id % 3 != 0:
        robot_id = abs(robot_id) % 10
        case.path_parameters["robot_id"] = robot_id
    body = case.body
    if not isinstance(body, dict) or _fingerprint(body) % 2:
        return case
    if op == "CreateRobot":
        # A short name with a number from the data: mostly new names, some repeats (409s).
        name = "".join(c for c in str(body.get("name", "")).lower() if c.isascii() and c.isalnum())[:10]
        body["name"] = f"{name or 'robot'}{_fingerprint(body) % 50}"
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
    return case


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    # Stateful links can copy an integer into the X-Request-Id header; requests only sends strings.
    for name, value in list((case.headers or {}).items()):
        if not isinstance(value, str):
            case.headers[name] = str(value)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    op = operation_id(case)
    COUNTS[op] += 1
    STATUSES.setdefault(op, Counter())[response.status_code] += 1


def _dump() -> None:
    path = os.environ.get("HARBOR_ST_COUNTS")
    if path:
        with open(path, "w") as f:
            json.dump(
                {op: {"requests": n, "statuses": dict(sorted(STATUSES[op].items()))} for op, n in COUNTS.items()},
                f,
                indent=2,
            )


atexit.register(_dump)

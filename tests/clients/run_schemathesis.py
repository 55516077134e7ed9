"""Fuzz every operation harbor-mock serves of Harbor's swagger with Schemathesis.

    python tests/clients/run_schemathesis.py [extra schemathesis args]

The swagger is read from `../shared/harbor/swagger.yaml` beside the repository (where CI keeps a
copy of shared/), else from `$HARBOR_SWAGGER`. A fresh harbor-mock (`$HARBOR_MOCK_BIN`, else the
release build) is started on a free port with the fixtures below, through the SDK's Python
helper (sdk/python); Schemathesis runs every phase against `http://127.0.0.1:PORT/api/v2.0` as
the admin, with the checks of `schemathesis_hooks.py`. Environment:

* `ST_MAX_EXAMPLES` (default 500): examples per operation and phase (`--max-examples`);
* `ST_SEED` (default 20260101): the Hypothesis seed, so a CI failure can be replayed.

Prints the requests sent per operation (with their statuses) and exits with Schemathesis's code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "sdk" / "python" / "src"))

from harbor_mock import HarborMock  # noqa: E402

from helpers import REPO, release_binary  # noqa: E402

#: The swagger operations harbor-mock serves: the robot API and its neighbours.
OPERATIONS = [
    "ListRobot", "CreateRobot", "GetRobotByID", "UpdateRobot", "RefreshSec", "DeleteRobot",
    "getPing", "getHealth", "getSystemInfo", "getCurrentUserInfo", "getPermissions",
    "getConfigurations", "updateConfigurations",
    "listProjects", "headProject", "createProject", "getProject", "updateProject", "deleteProject",
    "getProjectSummary", "getProjectDeletable", "listRepositories",
    "listProjectMembers", "createProjectMember", "getProjectMember", "updateProjectMember",
    "deleteProjectMember",
    "listUsers", "createUser", "getUser", "updateUserProfile", "updateUserPassword", "deleteUser",
    "setUserSysAdmin", "searchUsers",
    "search",
]

CHECKS = [
    # In place of not_a_server_error: a 500 only where Harbor answers one on purpose.
    "harbor_no_unintended_server_error",
    "response_schema_conformance",
    "response_headers_conformance",
    # In place of status_code_conformance and content_type_conformance (see the hooks module).
    "harbor_status_code_conformance",
    "harbor_content_type_conformance",
    "harbor_documented_headers",
]

PULL = [{"resource": "repository", "action": "pull"}]

#: Robots the folded ids of the hooks' `map_case` land on: both levels, both projects, a legacy
#: (not editable) robot, a disabled and an expired one. Id 0 and 9 stay missing.
FIXTURE_ROBOTS = [
    {"id": 1, "name": "ops", "duration": -1, "secret": "Ops-Secret-1",
     "permissions": [{"kind": "system", "namespace": "/", "access": [{"resource": "robot", "action": "list"}]}]},
    {"id": 2, "name": "library+ci", "project_id": 1, "duration": 30, "secret": "Ci-Secret-12",
     "description": "CI <pusher> & co", "permissions": [{"kind": "project", "namespace": "library", "access": PULL}]},
    {"id": 3, "name": "legacy", "project_id": 1, "editable": False, "permissions": []},
    {"id": 4, "name": "team+deploy", "project_id": 2, "duration": 7, "secret": "Deploy-Secret-1",
     "permissions": [{"kind": "project", "namespace": "team", "access": PULL}]},
    {"id": 5, "name": "audit", "disable": True, "secret": "Audit-Secret-1",
     "permissions": [{"kind": "system", "namespace": "/", "access": [{"resource": "audit-log", "action": "list"}]},
                     {"kind": "project", "namespace": "*", "access": PULL}]},
    {"id": 6, "name": "library+old", "project_id": 1, "duration": 1, "expires_at": 1700000000,
     "creation_time": "2023-11-13T22:13:20Z", "secret": "Old-Secret-12",
     "permissions": [{"kind": "project", "namespace": "library", "access": PULL}]},
    {"id": 7, "name": "library+pusher", "project_id": 1, "duration": 90, "secret": "Push-Secret-1",
     "permissions": [{"kind": "project", "namespace": "library",
                      "access": PULL + [{"resource": "repository", "action": "push", "effect": "allow"}]}]},
    {"id": 8, "name": "mirror", "duration": 365, "secret": "Mirror-Secret-1",
     "permissions": [{"kind": "project", "namespace": "*", "access": PULL}]},
]

FIXTURES = {
    "users": [
        {"id": 1, "username": "admin", "password": "Harbor12345", "sysadmin": True},
        {"id": 2, "username": "alice", "password": "Alice12345", "email": "alice@example.com"},
        {"id": 3, "username": "bob", "password": "Bob12345"},
    ],
    "projects": [{"id": 1, "name": "library", "public": True}, {"id": 2, "name": "team"}],
    "members": [
        {"id": 1, "project": "library", "user": "admin", "role": "projectAdmin"},
        {"id": 2, "project": "library", "user": "alice", "role": "projectAdmin"},
        {"id": 3, "project": "team", "user": "bob", "role": "developer"},
    ],
    "robots": FIXTURE_ROBOTS,
}


def swagger() -> Path | None:
    """Harbor's swagger, or None (with the reason printed) when neither place has it."""
    beside = REPO.parent / "shared" / "harbor" / "swagger.yaml"
    if beside.is_file():
        return beside
    env = os.environ.get("HARBOR_SWAGGER")
    if env and Path(env).is_file():
        return Path(env)
    print(
        f"SKIPPED schemathesis: Harbor's swagger is not in the repository and was found neither "
        f"at {beside} nor at $HARBOR_SWAGGER ({env!r}); set HARBOR_SWAGGER to run it"
    )
    return None


#: Array properties Harbor renders as `null` when its handler leaves them unset (go-swagger
#: never omits an array), which the swagger does not declare nullable: marked `x-nullable` in
#: the copy Schemathesis reads, so it checks every other part of those responses as written.
HARBOR_NULLS = [
    ("Project", "current_user_role_ids"),  # callers with no role: robots, anonymous, non-members
    ("Permissions", "system"),  # project admins who are not sysadmins
    ("OverallHealthStatus", "components"),  # an install with no components registered
    ("CVEAllowlist", "items"),  # project lists with with_detail=false
]


def harbor_swagger(spec: Path, work: Path) -> Path:
    """A copy of the swagger with Harbor's `null` arrays declared (see `HARBOR_NULLS`)."""
    import yaml

    doc = yaml.safe_load(spec.read_text())
    for definition, prop in HARBOR_NULLS:
        doc["definitions"][definition]["properties"][prop]["x-nullable"] = True
    patched = work / "swagger.json"
    patched.write_text(json.dumps(doc))
    return patched


def wire_view(robot: dict) -> dict:
    """Name, level and permissions as a PUT must send them back."""
    level = "project" if robot.get("project_id") else "system"
    name = robot["name"] if robot.get("editable", True) is False else f"robot${robot['name']}"
    return {"name": name, "level": level, "permissions": robot["permissions"]}


def main() -> int:
    spec = swagger()
    if spec is None:
        return 0
    max_examples = int(os.environ.get("ST_MAX_EXAMPLES", "500"))
    seed = os.environ.get("ST_SEED", "20260101")
    st = Path(sys.executable).with_name("schemathesis")
    hooks = Path(__file__).resolve().with_name("schemathesis_hooks.py")
    config = Path(__file__).resolve().with_name("schemathesis.toml")
    with tempfile.TemporaryDirectory(prefix="harbor-st-") as tmp:
        work = Path(tmp)
        counts = work / "counts.json"
        spec = harbor_swagger(spec, work)
        env = dict(
            os.environ,
            SCHEMATHESIS_HOOKS=str(hooks),
            HARBOR_ST_COUNTS=str(counts),
            HARBOR_ST_ROBOTS=json.dumps({str(r["id"]): wire_view(r) for r in FIXTURE_ROBOTS}),
        )
        # Every log line kept: the server's 5xx lines are counted after the run.
        server = HarborMock(
            fixtures=FIXTURES, seed=1, clock="2026-01-01T00:00:00.250Z", binary=release_binary(), log_lines=None
        )
        with server:
            # The hooks reset the state through the control API between operations.
            env["HARBOR_ST_CONTROL"] = server.api_url.replace("/api/v2.0", "/_mock")
            args = [
                str(st), "--config-file", str(config), "run", str(spec),
                "--url", server.api_url,
                "--auth", "admin:Harbor12345",
                *[a for op in OPERATIONS for a in ("--include-operation-id", op)],
                "--checks", ",".join(CHECKS),
                "--max-examples", str(max_examples),
                "--seed", seed,
                "--workers", "1",
                "--request-timeout", "10",
                "--suppress-health-check", "all",
                *sys.argv[1:],
            ]
            print("$", " ".join(args), flush=True)
            start = time.monotonic()
            # Run from the temporary directory so reports and caches stay out of the tree; the
            # output is streamed and kept for the summary.
            proc = subprocess.Popen(args, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            lines = []
            assert proc.stdout is not None
            for line in proc.stdout:
                print(line, end="", flush=True)
                lines.append(line)
            returncode = proc.wait()
            output = "".join(lines)
            elapsed = time.monotonic() - start
            if server.returncode is not None:
                print(f"harbor-mock died during the run (status {server.returncode}):")
                print("\n".join(server.logs()))
                return 1
        # Stopped: every line it wrote has been read.
        server_errors = [line for line in server.logs() if "status=5" in line]
        intended = report(counts, output, elapsed, max_examples)
        if re.search(r"Test cases:\s*\n.*\d+ errored", output):
            # Schemathesis exits 0 when a case errors (e.g. it could not send the request).
            print("schemathesis: some test cases errored")
            return 1
        if len(server_errors) != intended:
            print(
                f"harbor-mock logged {len(server_errors)} server errors where Harbor answers "
                f"{intended} on purpose, e.g. {server_errors[:1]}"
            )
            return 1
        return returncode


def report(counts: Path, output: str, elapsed: float, max_examples: int) -> int:
    """Prints the totals; returns how many 500s were ones Harbor answers on purpose."""
    data = json.loads(counts.read_text()) if counts.exists() else {}
    intended = data.pop("intended_500s", 0)
    print(f"Schemathesis: requests per operation (--max-examples {max_examples} per phase)")
    total = 0
    for op in OPERATIONS:
        entry = data.get(op, {"requests": 0, "statuses": {}})
        total += entry["requests"]
        statuses = ", ".join(f"{k}: {v}" for k, v in entry["statuses"].items())
        print(f"  {op:<21} {entry['requests']:>6}   {statuses}")
    print(f"  {'total':<21} {total:>6}")
    print(f"  500s Harbor also answers (database refusals, unknown proxy registry, bad CVE allowlist, taken email): {intended}")
    m = re.search(r"Test cases:\s*\n\s*(.+)", output)
    if m:
        print(f"  test cases: {m.group(1).strip()}")
    print(f"  duration: {elapsed:.1f}s")
    return intended


if __name__ == "__main__":
    sys.exit(main())

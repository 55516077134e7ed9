"""HarborMock: start, stop, failed starts, sessions, the control API, and no orphans."""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

import pytest

from conftest import DEFAULT_FIXTURES, create_robot, harbor
from harbor_mock import ControlError, HarborMock, HarborMockError, find_binary


def refused(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def alive(pid: int) -> bool:
    """Running and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_start_serves_and_stop_frees_the_port() -> None:
    with HarborMock() as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.api_url == server.url + "/api/v2.0"
        assert harbor("GET", server.api_url + "/robots") == (200, [])
        assert any("listening on" in line for line in server.logs())
        assert server.startup_seconds is not None and server.startup_seconds < 10
        url = server.url
    assert refused(url)


def test_built_in_default_fixtures_when_none_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without --fixtures the binary serves the fixtures built into it, wherever it runs.
    monkeypatch.chdir(tmp_path)
    with HarborMock() as server:
        assert "--fixtures" not in server.command(find_binary())
        assert server.reset() == {"users": 4, "projects": 1, "members": 3, "robots": 0}
        assert harbor("GET", server.api_url + "/robots?q=Level%3Dproject%2CProjectID%3D1", auth="alice:Alice12345")[0] == 200


def test_fixtures_mapping_seed_clock_and_prefix() -> None:
    fixtures = json.loads(DEFAULT_FIXTURES.read_text())
    fixtures["projects"].append({"id": 2, "name": "team"})
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with HarborMock(fixtures=fixtures, seed=7, clock=start, robot_prefix="bot-") as server:
        assert server.clock.get() == {"now": "2026-01-01T00:00:00.000Z", "frozen": True}
        status, robot = create_robot(server.api_url)
        assert status == 201 and robot is not None and robot["name"] == "bot-library+ci"
        assert server.state()["projects"][1]["name"] == "team"


def test_failed_start_names_the_binary_and_its_last_log_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"users": [{"id": 1}]}')
    with pytest.raises(HarborMockError) as info:
        HarborMock(fixtures=bad).start()
    message = str(info.value)
    assert str(find_binary()) in message
    assert "exited with status 1" in message
    assert f"{bad}: line 1, column" in message and "missing field `username`" in message


def test_missing_binary_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-harbor-mock"
    with pytest.raises(HarborMockError, match=f"could not be run: {missing}"):
        HarborMock(binary=missing).start()


def test_binary_env_var_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HARBOR_MOCK_BIN", str(tmp_path / "elsewhere"))
    assert find_binary() == tmp_path / "elsewhere"


def test_harbor_mock_env_of_the_caller_does_not_leak_in(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings meant for another server must not change this one: read by the server, this
    # would switch its control API off.
    monkeypatch.setenv("HARBOR_MOCK_NO_CONTROL", "true")
    # The control token is the helper's default, and reaches the server as a flag.
    monkeypatch.setenv("HARBOR_MOCK_CONTROL_TOKEN", "secret")
    with HarborMock() as server:
        assert server.reset() == {"users": 4, "projects": 1, "members": 3, "robots": 0}
        assert "--control-token" in server.command(find_binary())
        assert control_status("POST", server.url + "/_mock/reset") == 401
    with HarborMock(control_token="") as server:  # "" is no token, whatever the environment says
        assert control_status("POST", server.url + "/_mock/reset") == 200


def control_status(method: str, url: str, token: Optional[str] = None) -> int:
    """A control call made by hand: its status."""
    request = urllib.request.Request(url, method=method)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        return e.code


def test_control_token_is_sent_on_every_control_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HARBOR_MOCK_CONTROL_TOKEN", raising=False)
    with HarborMock(control_token="s3cret", clock="2026-01-01T00:00:00Z") as server:
        assert control_status("GET", server.url + "/_mock/clock") == 401
        assert control_status("GET", server.url + "/_mock/clock", "s3cret") == 200
        assert "s3cret" not in server._describe(server.command(find_binary()))
        assert server.reset()["users"] == 4
        assert server.clock.advance("1d")["now"] == "2026-01-02T00:00:00.000Z"
        assert create_robot(server.api_url)[0] == 201
        assert [e["method"] for e in server.journal()] == ["POST"]
        assert server.clear_journal() == 1
        with server.session() as session:
            assert [s["id"] for s in server.sessions()] == [session.id]
            assert control_status("GET", session.url + "/_mock/clock") == 401
            session.clock.set("2030-01-01T00:00:00Z", frozen=True)
            assert create_robot(session.api_url)[0] == 201
            assert len(session.journal(method="POST")) == 1
            assert session.reset()["robots"] == 0
        assert server.sessions() == []  # deleted with the token too

        # Attaching: the right token (given, or from the environment), a wrong one, none.
        attached = HarborMock.connect(server.url, control_token="s3cret")
        assert attached.clock.get()["now"] == "2026-01-02T00:00:00.000Z"
        with attached.session() as session:
            assert session.reset()["robots"] == 0
        monkeypatch.setenv("HARBOR_MOCK_CONTROL_TOKEN", "s3cret")
        assert HarborMock.connect(server.url).reset()["robots"] == 0
        with pytest.raises(HarborMockError, match="401 unauthorized: the control token given was refused"):
            HarborMock.connect(server.url, control_token="wrong")
        monkeypatch.delenv("HARBOR_MOCK_CONTROL_TOKEN")
        with pytest.raises(HarborMockError, match="401 unauthorized: it needs a control token and none was given"):
            HarborMock.connect(server.url)


def test_control_token_in_args_only_is_a_clear_start_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HARBOR_MOCK_CONTROL_TOKEN", raising=False)
    server = HarborMock(args=["--control-token", "s3cret"])
    with pytest.raises(HarborMockError, match="401 unauthorized: it needs a control token"):
        server.start()
    assert not server.running


def test_sessions_are_isolated_from_each_other_and_the_server() -> None:
    with HarborMock() as server, server.session() as one, server.session() as two:
        assert one.url.startswith(server.url + "/sessions/") and one.api_url == one.url + "/api/v2.0"
        assert create_robot(one.api_url)[0] == 201
        assert create_robot(two.api_url)[0] == 201  # the same name again: no conflict
        assert len(harbor("GET", one.api_url + "/robots?q=Level%3Dproject%2CProjectID%3D1")[1]) == 1
        assert harbor("GET", server.api_url + "/robots?q=Level%3Dproject%2CProjectID%3D1") == (200, [])
        one.clock.advance("1d")
        assert one.clock.get()["now"] != two.clock.get()["now"]
        assert [e["method"] for e in one.journal()] == ["POST", "GET"]
        one.close()
        assert harbor("GET", one.api_url + "/robots")[0] == 404


def test_session_with_its_own_fixtures() -> None:
    fixtures = {"users": [{"id": 1, "username": "zoe", "password": "Zoe12345", "sysadmin": True}]}
    with HarborMock() as server, server.session(fixtures) as session:
        assert harbor("GET", session.api_url + "/robots", auth="zoe:Zoe12345")[0] == 200
        assert harbor("GET", session.api_url + "/robots")[0] == 401
        with pytest.raises(ControlError) as info:
            server.session({"users": [{"id": 1}]})
        assert info.value.status == 400 and "username" in info.value.message


@pytest.mark.parametrize("where", ["server", "session"])
def test_clock_journal_faults_and_reset_round_trip(where: str) -> None:
    with HarborMock(clock="2026-01-01T00:00:00Z") as server:
        target = server if where == "server" else server.session()
        # clock
        assert target.clock.advance(timedelta(days=31))["now"] == "2026-02-01T00:00:00.000Z"
        assert target.clock.advance("-1d")["now"] == "2026-01-31T00:00:00.000Z"
        assert target.clock.set("2026-06-01T12:00:00Z", frozen=False)["frozen"] is False
        with pytest.raises(ControlError) as bad:
            target.clock.advance("soon")
        assert bad.value.status == 400
        # faults
        rule = target.faults.add("/api/v2.0/robots", method="GET", status=503, times=1)
        assert rule["id"] >= 1 and rule["status"] == 503
        target.faults.add("/api/v2.0/robots/*", latency_ms=1)
        assert len(target.faults.list()) == 2
        assert harbor("GET", target.api_url + "/robots")[0] == 503
        assert harbor("GET", target.api_url + "/robots")[0] == 200
        target.faults.clear()
        assert target.faults.list() == []
        # journal
        create_robot(target.api_url)
        assert [e["status"] for e in target.journal(method="GET")] == [503, 200]
        assert target.journal(status=201)[0]["path"] == "/api/v2.0/robots"
        assert target.journal(path="/api/v2.0/robots*", method="POST")[0]["caller"] == "admin"
        assert target.clear_journal() == 3
        assert target.journal() == []
        # reset
        assert target.reset() == {"users": 4, "projects": 1, "members": 3, "robots": 0}
        assert target.clock.get() == {"now": "2026-01-01T00:00:00.000Z", "frozen": True}


def test_sessions_are_listed_until_closed() -> None:
    with HarborMock() as server:
        assert server.sessions() == []
        with server.session() as one, server.session() as two:
            assert create_robot(one.api_url)[0] == 201
            listed = {s["id"]: s for s in server.sessions()}
            assert set(listed) == {one.id, two.id}
            assert listed[one.id]["robots"] == 1 and listed[two.id]["robots"] == 0
            assert listed[one.id]["created"] <= listed[one.id]["last_used"]
        assert server.sessions() == []


def test_journal_entries_carry_bodies_sizes_and_request_id_source() -> None:
    with HarborMock(seed=7) as server:
        status, robot = create_robot(server.api_url)
        assert status == 201 and robot is not None
        harbor("POST", server.api_url + "/users", {"username": "zoe", "password": "Zoe12345"})
        created, refused_user = server.journal(method="POST")
        assert created["request_id_source"] == "generated" and created["status"] == 201
        assert json.loads(created["body"])["name"] == "ci"
        assert created["body_size"] == len(created["body"]) and "body_truncated" not in created
        assert created["response_size"] > 0 and "error" not in created
        assert json.loads(refused_user["body"])["password"] == "<redacted>"
        assert server.journal(method="GET") == []


def test_every_log_line_kept_on_request() -> None:
    with HarborMock(log_lines=None) as server:
        for _ in range(600):
            harbor("GET", server.api_url + "/health")
    # stop() waits for the end of the output: every request line is there, none dropped.
    assert len([line for line in server.logs() if "path=/api/v2.0/health status=200" in line]) == 600


def test_returncode_of_a_server_that_died() -> None:
    with HarborMock() as server:
        assert server.pid is not None and server.returncode is None
        exited = os.pidfd_open(server.pid)
        try:
            os.kill(server.pid, signal.SIGKILL)
            assert select.select([exited], [], [], 10)[0]
        finally:
            os.close(exited)
        assert server.returncode == -signal.SIGKILL
    assert server.returncode is None


def test_stop_is_idempotent_and_ends_sessions_quietly() -> None:
    server = HarborMock().start()
    session = server.session()
    server.stop()
    server.stop()
    session.close()  # the server is gone: nothing to delete
    with pytest.raises(HarborMockError, match="not running"):
        server.url


def test_killed_test_process_leaves_no_server_behind(tmp_path: Path) -> None:
    # A child Python starts a server, prints its address and pid, then hangs as a stuck test
    # would. SIGKILL gives it no chance to clean up: the kernel's parent-death signal must.
    code = textwrap.dedent(
        f"""
        import sys
        from harbor_mock import HarborMock
        server = HarborMock().start()
        print(server.url, server.pid, flush=True)
        sys.stdin.read()
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    url, pid = child.stdout.readline().split()
    # Readable once the server process has ended (an event, not a poll).
    server_exit = os.pidfd_open(int(pid))
    assert alive(int(pid))

    child.send_signal(signal.SIGKILL)
    child.wait()

    try:
        assert select.select([server_exit], [], [], 10)[0], f"server {pid} still running 10 s after its parent died"
    finally:
        os.close(server_exit)
        if alive(int(pid)):  # do not leave behind the orphan this test found
            os.kill(int(pid), signal.SIGKILL)
    assert refused(url)


def test_server_started_from_a_short_lived_thread_outlives_it() -> None:
    # The parent-death signal follows the forking thread: servers are forked from one
    # long-lived thread, so the end of the thread that called start() must not stop them.
    servers: list[HarborMock] = []
    worker = threading.Thread(target=lambda: servers.append(HarborMock().start()))
    worker.start()
    worker.join()
    with servers[0] as server:
        assert harbor("GET", server.api_url + "/robots")[0] == 200


def test_connect_attaches_to_a_running_server_and_leaves_it_running() -> None:
    with HarborMock() as server:
        attached = HarborMock.connect(server.url + "/")
        assert attached.url == server.url
        with attached.session() as session:
            assert create_robot(session.api_url)[0] == 201
        attached.stop()
        assert harbor("GET", server.api_url + "/robots")[0] == 200
        url = server.url
    with pytest.raises(HarborMockError, match=f"no harbor-mock answers at {url}"):
        HarborMock.connect(url)


def test_a_forgotten_server_stops_when_collected() -> None:
    server = HarborMock().start()
    url = server.url
    del server
    gc.collect()
    assert refused(url)


def test_a_server_that_never_listens_is_stopped_after_the_timeout(tmp_path: Path) -> None:
    silent = tmp_path / "silent-harbor-mock"
    silent.write_text("#!/bin/sh\necho warming up\nexec sleep 60\n")
    silent.chmod(0o755)
    server = HarborMock(binary=silent, start_timeout=0.3)
    with pytest.raises(HarborMockError) as info:
        server.start()
    assert f"{silent} printed no listening line within 0.3s and was stopped" in str(info.value)
    assert "  warming up" in str(info.value)
    assert server.pid is not None and not alive(server.pid)

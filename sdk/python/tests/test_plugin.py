"""The pytest plugin: one server per run, an isolated session per test."""

from __future__ import annotations

import pytest

from conftest import PLUGIN_INSTALLED, create_robot, harbor
from harbor_mock import HarborMock, Session


# Both tests create the same robot: in a shared instance the second would get 409.
@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_gets_its_own_session(harbor_mock: Session, harbor_mock_server: HarborMock, attempt: int) -> None:
    assert harbor_mock.url.startswith(harbor_mock_server.url + "/sessions/")
    assert create_robot(harbor_mock.api_url)[0] == 201
    assert len(harbor("GET", harbor_mock.api_url + "/robots?q=Level%3Dproject%2CProjectID%3D1")[1]) == 1
    assert harbor("GET", harbor_mock_server.api_url + "/robots?q=Level%3Dproject%2CProjectID%3D1") == (200, [])


def test_session_control_api(harbor_mock: Session) -> None:
    harbor_mock.faults.add("/api/v2.0/robots", status=500, times=1)
    assert harbor("GET", harbor_mock.api_url + "/robots")[0] == 500
    assert harbor_mock.journal()[0]["status"] == 500


def test_ini_options_and_logs_of_a_failed_test(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        harbor_mock_seed = 7
        harbor_mock_clock = 2026-01-01T00:00:00Z
        harbor_mock_robot_prefix = bot-
        """
    )
    pytester.makepyfile(
        """
        def test_settings(harbor_mock):
            assert harbor_mock.clock.get() == {"now": "2026-01-01T00:00:00.000Z", "frozen": True}

        import urllib.error, urllib.request

        def test_fails(harbor_mock):
            try:
                urllib.request.urlopen(harbor_mock.api_url + "/robots?page=2")
            except urllib.error.HTTPError:
                pass
            assert False
        """
    )
    pytester.makepyfile(
        test_500="""
        import base64, json, urllib.error, urllib.request

        def harbor(method, url, body):
            request = urllib.request.Request(url, data=json.dumps(body).encode(), method=method)
            request.add_header("Authorization", "Basic " + base64.b64encode(b"admin:Harbor12345").decode())
            request.add_header("Content-Type", "application/json")
            try:
                return urllib.request.urlopen(request).status
            except urllib.error.HTTPError as e:
                return e.code

        def test_fails_on_a_500(harbor_mock):
            zoe = {"username": "zoe", "password": "Zoe12345", "email": "zoe@example.com", "realname": "Zoe"}
            assert harbor("POST", harbor_mock.api_url + "/users", zoe) == 201
            # Another user's email: Harbor's database refuses it, and Harbor answers 500.
            assert harbor("PUT", harbor_mock.api_url + "/users/2", {"email": zoe["email"], "realname": "Alice"}) == 500
            assert False
        """
    )
    plugin = [] if PLUGIN_INSTALLED else ["-p", "harbor_mock.pytest_plugin"]
    result = pytester.runpytest_subprocess(*plugin)
    result.assert_outcomes(passed=1, failed=2)
    # The failed test's report lists the requests of its session, with the reason for a 500.
    result.stdout.fnmatch_lines(
        ["*harbor-mock requests (http://127.0.0.1:*/sessions/*)*", "*GET /api/v2.0/robots?page=2 -> 401 (anonymous)"]
    )
    result.stdout.fnmatch_lines(
        [
            "*POST /api/v2.0/users -> 201 (admin)",
            '*PUT /api/v2.0/users/2 -> 500 (admin): duplicate key value violates unique constraint "harbor_user_email_key"',
        ]
    )


def test_plugin_attaches_to_the_server_in_harbor_mock_url(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
        def test_session_of_the_given_server(harbor_mock, harbor_mock_server):
            import os
            assert harbor_mock.url.startswith(os.environ["HARBOR_MOCK_URL"] + "/sessions/")
        """
    )
    plugin = [] if PLUGIN_INSTALLED else ["-p", "harbor_mock.pytest_plugin"]
    with HarborMock() as server:
        monkeypatch.setenv("HARBOR_MOCK_URL", server.url)
        result = pytester.runpytest_subprocess(*plugin)
    result.assert_outcomes(passed=1)


def test_plugin_passes_the_control_token(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # Its own server, token from the ini option: every control call, a session's included, sends it.
    monkeypatch.delenv("HARBOR_MOCK_CONTROL_TOKEN", raising=False)
    pytester.makeini(
        """
        [pytest]
        harbor_mock_control_token = s3cret
        """
    )
    pytester.makepyfile(
        """
        import urllib.error, urllib.request

        def test_guarded(harbor_mock, harbor_mock_server):
            assert "--control-token" in harbor_mock_server.command(harbor_mock_server.binary)
            try:
                urllib.request.urlopen(harbor_mock.url + "/_mock/clock")
                raise AssertionError("no token asked for")
            except urllib.error.HTTPError as e:
                assert e.code == 401
            harbor_mock.clock.advance("1d")
            assert harbor_mock.reset()["users"] == 4
            assert harbor_mock.journal() == []
        """
    )
    plugin = [] if PLUGIN_INSTALLED else ["-p", "harbor_mock.pytest_plugin"]
    pytester.runpytest_subprocess(*plugin).assert_outcomes(passed=1)

    # Attached through HARBOR_MOCK_URL: the token from the environment; a wrong one is an error
    # that says 401.
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(
        """
        def test_attached(harbor_mock):
            assert harbor_mock.reset()["users"] == 4
        """
    )
    with HarborMock(control_token="s3cret") as server:
        monkeypatch.setenv("HARBOR_MOCK_URL", server.url)
        monkeypatch.setenv("HARBOR_MOCK_CONTROL_TOKEN", "s3cret")
        pytester.runpytest_subprocess(*plugin).assert_outcomes(passed=1)
        monkeypatch.setenv("HARBOR_MOCK_CONTROL_TOKEN", "wrong")
        result = pytester.runpytest_subprocess(*plugin)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*401 unauthorized: the control token given was refused*"])

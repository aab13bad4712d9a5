"""The HTTP client's request shape: version header, Basic auth, User-Agent, https, timeouts."""

from __future__ import annotations

import base64

import httpx
import pytest
from rutterctl import __version__
from rutterctl.api.client import ClientConfig, RutterClient, is_loopback
from rutterctl.errors import CredentialsMissing, UsageError
from rutterctl.secrets import Secret

from tests import builders
from tests.api.support import make_client
from tests.fakes import CLIENT_ID, CLIENT_SECRET, CREDS, invoke

EXPECTED_AUTH = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()


def test_every_request_carries_version_auth_and_user_agent() -> None:
    rutter = builders.fake_rutter()
    h = make_client(rutter)
    h.gateway.list_connections()
    h.gateway.connection_status(builders.ACCESS_TOKEN)
    h.gateway.store_info(builders.ACCESS_TOKEN)

    assert rutter.paths() == ["/connections", "/connections/status", "/connections/access_token"]
    for request in rutter.requests:
        assert request.method == "GET"
        assert request.headers["X-Rutter-Version"] == "2023-03-14"
        assert request.headers["Authorization"] == EXPECTED_AUTH
        assert request.headers["User-Agent"] == f"rutterctl/{__version__}"
        assert request.headers["Accept"] == "application/json"
        assert request.url.host == "sandbox.rutterapi.com"
        assert request.url.scheme == "https"


def test_access_token_is_sent_as_the_query_parameter() -> None:
    rutter = builders.fake_rutter()
    make_client(rutter).gateway.connection_status(builders.ACCESS_TOKEN)
    (request,) = rutter.requests
    assert request.url.path == "/versioned/connections/status"
    assert dict(request.url.params) == {"access_token": builders.ACCESS_TOKEN}


def test_configured_api_version_is_sent() -> None:
    rutter = builders.fake_rutter()
    make_client(rutter, api_version="2024-08-31").gateway.list_connections()
    assert rutter.requests[0].headers["X-Rutter-Version"] == "2024-08-31"


def test_cli_sends_the_default_api_version_on_every_request() -> None:
    rutter = builders.fake_rutter()
    result = invoke(["status", builders.CONNECTION_ID], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert len(rutter.requests) == 3
    assert {r.headers["X-Rutter-Version"] for r in rutter.requests} == {"2023-03-14"}
    assert {r.headers["Authorization"] for r in rutter.requests} == {EXPECTED_AUTH}


def test_cli_api_version_override_from_the_environment() -> None:
    rutter = builders.fake_rutter()
    env = {**CREDS, "RUTTER_API_VERSION": "2024-08-31"}
    result = invoke(["status", builders.CONNECTION_ID], transport=rutter.transport, env=env)
    assert result.exit_code == 0, result.stderr
    assert len(rutter.requests) == 3
    assert {r.headers["X-Rutter-Version"] for r in rutter.requests} == {"2024-08-31"}


@pytest.mark.parametrize(("client_id", "secret"), [(None, CLIENT_SECRET), (CLIENT_ID, None)])
def test_missing_credentials_fail_before_any_request(
    client_id: str | None, secret: str | None
) -> None:
    rutter = builders.fake_rutter()
    h = make_client(rutter, client_id=client_id, client_secret=secret)
    with pytest.raises(CredentialsMissing):
        h.gateway.list_connections()
    assert rutter.requests == []


@pytest.mark.parametrize(
    "base_url",
    [
        "http://sandbox.rutterapi.com/versioned",
        "http://10.0.0.5:8080/versioned",
        "http://127.0.0.1.nip.io/versioned",
        "http://localhost.example.com/versioned",
    ],
)
def test_plain_http_to_a_remote_host_is_refused(base_url: str) -> None:
    config = ClientConfig(
        base_url=base_url,
        api_version="2023-03-14",
        client_id=CLIENT_ID,
        client_secret=Secret(CLIENT_SECRET),
    )
    with pytest.raises(UsageError, match="refusing to send credentials over plain http"):
        RutterClient(config, transport=httpx.MockTransport(builders.fake_rutter()))


@pytest.mark.parametrize(
    ("base_url", "host"),
    [
        ("http://127.0.0.1:8080/versioned", "127.0.0.1"),
        ("http://localhost:8080/versioned", "localhost"),
        ("http://[::1]:8080/versioned", "::1"),
    ],
)
def test_plain_http_to_loopback_is_allowed(base_url: str, host: str) -> None:
    rutter = builders.fake_rutter()
    make_client(rutter, base_url=base_url).gateway.list_connections()
    (request,) = rutter.requests
    assert request.url.scheme == "http"
    assert request.url.host == host
    assert request.url.path == "/versioned/connections"
    assert request.headers["Authorization"] == EXPECTED_AUTH


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("::1", True),
        ("[::1]", True),
        ("10.0.0.1", False),
        ("example.com", False),
        ("localhost.example.com", False),
        ("", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_cli_refuses_plain_http_to_a_remote_host_with_exit_2() -> None:
    rutter = builders.fake_rutter()
    env = {**CREDS, "RUTTER_BASE_URL": "http://rutter.example.com/versioned"}
    result = invoke(["status", builders.CONNECTION_ID], transport=rutter.transport, env=env)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: refusing to send credentials over plain http to rutter.example.com; "
        "use an https:// base URL; plain http is only allowed to a loopback address\n"
    )
    assert rutter.requests == []


def test_cli_allows_plain_http_to_loopback() -> None:
    rutter = builders.fake_rutter()
    env = {**CREDS, "RUTTER_BASE_URL": "http://127.0.0.1:9999/versioned"}
    result = invoke(["status", builders.CONNECTION_ID], transport=rutter.transport, env=env)
    assert result.exit_code == 0, result.stderr
    assert {str(r.url.copy_with(query=None)) for r in rutter.requests} == {
        "http://127.0.0.1:9999/versioned/connections",
        "http://127.0.0.1:9999/versioned/connections/status",
        "http://127.0.0.1:9999/versioned/connections/access_token",
    }


def test_timeouts_are_configured_on_every_request() -> None:
    rutter = builders.fake_rutter()
    make_client(rutter).gateway.list_connections()
    assert rutter.requests[0].extensions["timeout"] == {
        "connect": 5.0,
        "read": 30.0,
        "write": 30.0,
        "pool": 30.0,
    }


def test_cli_timeout_from_the_environment() -> None:
    rutter = builders.fake_rutter()
    env = {**CREDS, "RUTTERCTL_TIMEOUT": "12.5"}
    result = invoke(["status", builders.CONNECTION_ID], transport=rutter.transport, env=env)
    assert result.exit_code == 0, result.stderr
    assert {r.extensions["timeout"]["read"] for r in rutter.requests} == {12.5}
    assert {r.extensions["timeout"]["connect"] for r in rutter.requests} == {5.0}

"""Real networks on 127.0.0.1: a TLS server signed by a throw-away CA (trustme) and a CONNECT
proxy. Unknown CA: exit 7 with how to trust it; the CA configured: it works; through the
proxy: it works, tunnelled, credentials never seen by the proxy."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from rutterctl.api import tls
from rutterctl.api.client import ClientConfig, RutterClient
from rutterctl.secrets import Secret

from tests import builders
from tests.fakes import CREDS, Result, invoke
from tests.hostile import proxy, server
from tests.hostile.server import HostileServer


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "private-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def https(ca: trustme.CA) -> Iterator[HostileServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with server.running(tls=context) as running:
        running.serve("/none", server.junk)
        yield running


def status(rutter: HostileServer, **env: str) -> Result:
    return invoke(
        ["status", builders.CONNECTION_ID, "-o", "json"],
        env={**CREDS, "RUTTER_BASE_URL": rutter.base_url, **env},
    )


def test_a_certificate_from_an_unknown_ca_is_exit_7_saying_how_to_trust_it(
    https: HostileServer,
) -> None:
    result = status(https)
    assert result.exit_code == 7
    (line,) = result.stderr.splitlines()  # one line: not retried, the same cert comes back
    assert line.startswith("error: the TLS certificate of 127.0.0.1 is not trusted")
    assert "rutterctl config set ca_bundle /path/to/ca.pem" in line
    assert "RUTTERCTL_CA_BUNDLE" in line


@pytest.mark.parametrize("variable", ["RUTTERCTL_CA_BUNDLE", "SSL_CERT_FILE"])
def test_the_private_ca_configured_it_works(
    https: HostileServer, ca_file: str, variable: str
) -> None:
    result = status(https, **{variable: ca_file})
    assert result.exit_code == 0, result.stderr
    assert '"connection_id": "' + builders.CONNECTION_ID in result.stdout


def test_the_profile_ca_bundle_setting_works(https: HostileServer, ca_file: str) -> None:
    assert invoke(["config", "set", "ca_bundle", ca_file]).exit_code == 0
    assert status(https).exit_code == 0


def test_a_ca_bundle_that_is_not_a_ca_is_a_usage_error(
    https: HostileServer, tmp_path: Path
) -> None:
    bogus = tmp_path / "not-a-ca.pem"
    bogus.write_text("hello\n", encoding="utf-8")
    result = status(https, RUTTERCTL_CA_BUNDLE=str(bogus))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ca_bundle ")
    assert len(result.stderr.splitlines()) == 1


def test_through_a_connect_proxy_it_works_and_the_proxy_sees_no_credentials(
    https: HostileServer, ca_file: str
) -> None:
    with proxy.running() as (url, seen):
        result = status(https, HTTPS_PROXY=url, RUTTERCTL_CA_BUNDLE=ca_file)
    assert result.exit_code == 0, result.stderr
    port = https.base_url.split(":")[2].split("/")[0]
    assert seen and all(line == f"CONNECT 127.0.0.1:{port} HTTP/1.1" for line, _ in seen)
    assert not any("authorization" in headers for _, headers in seen)  # inside the tunnel


def test_no_proxy_bypasses_the_proxy(https: HostileServer, ca_file: str) -> None:
    with proxy.running() as (url, seen):
        result = status(https, HTTPS_PROXY=url, NO_PROXY="127.0.0.1", RUTTERCTL_CA_BUNDLE=ca_file)
    assert result.exit_code == 0, result.stderr
    assert seen == []


def test_plain_http_is_never_sent_through_a_proxy() -> None:
    with server.running() as plain, proxy.running() as (url, seen):
        plain.serve("/none", server.junk)
        env = {"HTTP_PROXY": url, "HTTPS_PROXY": url, "ALL_PROXY": url}
        result = status(plain, **env)
    assert result.exit_code == 0, result.stderr
    assert seen == []  # Basic credentials in clear text never reach a proxy


def test_proxy_credentials_in_clear_text_to_another_host_are_refused(https: HostileServer) -> None:
    result = status(https, HTTPS_PROXY="http://user:pass@proxy.example.com:3128")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: refusing to send the proxy credentials in clear text to proxy.example.com; "
        "use an https:// proxy URL, or a proxy on this machine\n"
    )


def _client(base_url: str) -> RutterClient:
    return RutterClient(
        ClientConfig(base_url, "2023-03-14", "client-id-1", Secret("client-secret-123456"))
    )


def test_the_tls_context_is_built_once_per_process_and_only_for_https(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tls.context.cache_clear()
    real_new = ssl.SSLContext.__new__
    built: list[int] = []

    def counting(cls: type[ssl.SSLContext], *args: object, **kw: object) -> ssl.SSLContext:
        built.append(1)
        return real_new(cls, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(ssl.SSLContext, "__new__", counting)
    _client("http://127.0.0.1:9/versioned").close()
    assert built == []  # a plain http base URL never pays for a trust store
    _client("https://127.0.0.1:9/versioned").close()
    first = len(built)
    assert first >= 1  # truststore's context wraps a plain one
    _client("https://127.0.0.1:9/versioned").close()
    assert len(built) == first  # the second client reuses the process's context
    assert tls.context.cache_info().misses == 1

"""Against a spec-driven mock of Rutter (random schema-valid documents whose listings never
hold the UUID given), every command that names a connection works through the access-token
fallback, and each exits as its contract says."""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import spec
from tests.fakes import CREDS, invoke
from tests.spec_docs import document

PATHS = ("/connections", "/connections/status", "/connections/access_token", "/orders")
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class SpecRutter:
    """Answers every request with the drawn document of its path; only `token` is a token."""

    def __init__(self, docs: dict[str, Any], token: str) -> None:
        self.docs, self.token = docs, token
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/versioned")
        if path == "/connections":
            listing = self.docs[path]
            listing["connections"] = [
                c for c in listing["connections"] if self.token not in (c["id"], c["access_token"])
            ]
            return httpx.Response(200, json=listing)
        if request.url.params.get("access_token") != self.token:
            body = {"error_type": "CONNECTION_ERROR", "error_code": "INVALID_CREDENTIALS"}
            return httpx.Response(401, json=body | {"error_message": "Invalid access token."})
        return httpx.Response(200, json=self.docs[path])


def draw_rutter(data: st.DataObject) -> SpecRutter:
    # Every example starts with empty caches: hypothesis replays tokens it has drawn before.
    shutil.rmtree(os.environ["RUTTERCTL_CACHE_DIR"], ignore_errors=True)
    docs = {path: data.draw(document(path), label=path) for path in PATHS}
    for path, doc in docs.items():
        spec.validate_response(path, doc)  # the generator itself keeps to the spec
    return SpecRutter(docs, str(data.draw(st.uuids(version=4), label="token")))


def run(rutter: SpecRutter, *args: str) -> Any:
    return invoke(list(args), transport=httpx.MockTransport(rutter), env=CREDS)


def status_of(rutter: SpecRutter) -> dict[str, Any]:
    return rutter.docs["/connections/status"]  # type: ignore[no-any-return]


@SETTINGS
@given(st.data())
def test_status_batches_and_reasons_on_a_token_no_listing_holds(data: st.DataObject) -> None:
    rutter = draw_rutter(data)
    expected_id = status_of(rutter)["connection"]["id"]
    for command in ("status", "batches", "reasons"):
        result = run(rutter, command, rutter.token, "-o", "json")
        assert result.exit_code == 0, (command, result.stderr)
        assert json.loads(result.stdout)["connection_id"] == expected_id
    sent = [r.url.params.get("access_token") for r in rutter.requests[1:]]
    assert set(sent) == {rutter.token}
    # Listed once: the token found is remembered for the commands after the first.
    assert sum(r.url.path.endswith("/connections") for r in rutter.requests) == 1


@SETTINGS
@given(st.data())
def test_fetch_force_on_a_token_no_listing_holds(data: st.DataObject) -> None:
    rutter = draw_rutter(data)
    result = run(rutter, "fetch", "orders", rutter.token, "--force", "-o", "ndjson")
    assert result.exit_code == 0, result.stderr
    # NDJSON lines end with "\n" only: splitlines() would also split on a U+0085 in a value.
    records = [json.loads(line) for line in result.stdout.split("\n")[:-1]]
    assert len(records) == len(rutter.docs["/orders"]["orders"])
    orders = [r for r in rutter.requests if r.url.path.endswith("/orders")]
    assert [r.url.params["force_fetch"] for r in orders] == ["true"]


@SETTINGS
@given(st.data())
def test_wait_ready_on_a_token_no_listing_holds(data: st.DataObject) -> None:
    rutter = draw_rutter(data)
    status = status_of(rutter)["status"]
    if status["disabled_status"]["is_disabled"]:
        expected = 6
    elif status["needs_update_status"]["needs_update"]:
        expected = 5
    elif status["is_ready"]:
        expected = 0
    else:
        expected = 124
    result = run(rutter, "wait-ready", rutter.token, "--timeout", "2m")
    assert result.exit_code == expected, result.stderr
    assert "Traceback" not in result.stderr


def test_the_listing_never_holds_the_token() -> None:
    rutter = SpecRutter(
        {"/connections": {"connections": [{"id": "a", "access_token": "t"}]}}, token="t"
    )
    handled = rutter(httpx.Request("GET", "https://x/versioned/connections"))
    assert handled.json() == {"connections": []}

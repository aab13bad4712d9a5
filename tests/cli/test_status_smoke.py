from __future__ import annotations

import json

import httpx

from tests import builders
from tests.fakes import invoke


def handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("/connections"):
        return httpx.Response(200, json=builders.connections_doc())
    if path.endswith("/connections/status"):
        return httpx.Response(200, json=builders.status_doc())
    if path.endswith("/connections/access_token"):
        return httpx.Response(200, json=builders.access_token_doc())
    return httpx.Response(404, json={"error_code": "NOT_FOUND"})


def test_status_json_by_connection_id() -> None:
    result = invoke(
        ["status", builders.CONNECTION_ID, "-o", "json"], transport=httpx.MockTransport(handler)
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["stage"] == "HISTORICAL_SYNC"
    assert doc["store_name"] == "Acme Outfitters"

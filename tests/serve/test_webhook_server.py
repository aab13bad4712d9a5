"""listen's WSGI app in process: routing, the headers it hands on, a bug answered 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from rutterctl.serve.webhooks import make_app


def client(handle: Any, errors: list[Exception] | None = None) -> httpx.Client:
    app = make_app("/hooks", handle, errors.append if errors is not None else None)
    return httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://listen.test")


def test_routes_and_headers() -> None:
    seen: list[tuple[bytes, Mapping[str, str]]] = []

    def handle(raw: bytes, headers: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        seen.append((raw, headers))
        return 401, {"error": "invalid signature"}

    http = client(handle)
    answer = http.post("/hooks", content=b"{}", headers={"X-Rutter-Signature": "sha256=x"})
    assert answer.status_code == 401 and answer.json() == {"error": "invalid signature"}
    raw, headers = seen[0]
    assert raw == b"{}" and headers["X-Rutter-Signature"] == "sha256=x"
    assert headers["Content-Length"] == "2"
    assert http.post("/other", content=b"{}").status_code == 404
    assert http.get("/hooks").status_code == 405
    assert len(seen) == 1


def test_a_bug_is_a_500_for_that_request_only() -> None:
    errors: list[Exception] = []

    def handle(raw: bytes, headers: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        if raw == b"boom":
            raise KeyError("oops")
        return 200, {"ok": True}

    http = client(handle, errors)
    assert http.post("/hooks", content=b"boom").status_code == 500
    assert http.post("/hooks", content=b"{}").status_code == 200
    assert [type(e) for e in errors] == [KeyError]

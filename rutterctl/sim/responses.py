"""The simulator's response triple and its JSON form, shared by the API and the control surface
(kept apart from `sim.app` so that `sim.control` does not import the app that routes to it)."""

from __future__ import annotations

import json
from typing import Any

Headers = list[tuple[str, str]]
Response = tuple[int, Headers, bytes]


def json_response(status: int, doc: Any, headers: Headers | None = None) -> Response:
    body = json.dumps(doc, separators=(",", ":")).encode()
    return status, [("Content-Type", "application/json"), *(headers or [])], body

"""A running simulator's control surface (`/_sim`), for `rutterctl sim trigger`."""

from __future__ import annotations

from typing import Any

import httpx

from rutterctl.errors import ConnectionNotFound, CredentialsRejected, Unavailable, UsageError


def control_url(base_url: str) -> str:
    """`http://127.0.0.1:P/versioned` (what `sim serve` prints) -> `http://127.0.0.1:P/_sim`."""
    root = base_url.rstrip("/")
    if root.endswith("/versioned"):
        root = root[: -len("/versioned")]
    return root + "/_sim"


def post(
    base_url: str,
    path: str,
    body: dict[str, Any],
    *,
    auth: tuple[str, str],
    transport: Any = None,
    timeout: float = 10.0,
) -> dict[str, Any]:
    url = control_url(base_url) + path
    try:
        with httpx.Client(transport=transport, timeout=timeout) as client:
            response = client.post(url, json=body, auth=auth)
    except httpx.HTTPError as exc:
        raise Unavailable(
            f"cannot reach the simulator at {url} ({type(exc).__name__})",
            hint="start one with `rutterctl sim serve` and use its export line",
        ) from None
    try:
        doc = response.json()
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise UsageError(
            f"{url} answered HTTP {response.status_code} without a JSON object: "
            "is this a rutterctl simulator?",
            hint="RUTTER_BASE_URL must be the URL `rutterctl sim serve` prints",
        )
    if response.status_code == 401:
        raise CredentialsRejected(
            "the simulator rejected the credentials", status=401, hint="use its export line"
        )
    if response.status_code == 404 and path.startswith("/connections/"):
        # As everywhere else a CONNECTION is not found: exit 3.
        raise ConnectionNotFound(
            str(doc.get("error", "no such connection in the simulator")),
            hint="`rutterctl sim serve` prints its connections' names, ids and tokens",
        )
    if response.status_code >= 400:
        raise UsageError(f"the simulator refused: {doc.get('error', response.status_code)}")
    return doc

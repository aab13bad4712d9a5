"""`listen --forward-to URL`: pass a webhook on exactly as it came (raw body, signature header
and the other end-to-end headers untouched), so the receiver verifies what Rutter signed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from rutterctl.domain.webhooks import ForwardOutcome
from rutterctl.errors import UsageError

# Per connection, not end to end: never passed on (RFC 9110 7.6.1), nor what httpx sets.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


def check_forward_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--forward-to must be an http(s) URL with a host, not {url!r}",
            hint="e.g. --forward-to http://127.0.0.1:3000/webhooks/rutter",
        )
    return url


class Forwarder:
    def __init__(self, url: str, *, timeout: float = 10.0, transport: Any = None) -> None:
        self.url = check_forward_url(url)
        # Thread-safe; one pool for waitress's worker threads.
        self._http = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False)
        # Only what the sender sent: no User-Agent, Accept or Accept-Encoding of httpx's own.
        self._http.headers.clear()

    def forward(self, raw_body: bytes, headers: Mapping[str, str]) -> ForwardOutcome:
        passed = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
        try:
            response = self._http.post(self.url, content=raw_body, headers=passed)
        except httpx.HTTPError as exc:
            return ForwardOutcome(self.url, None, f"{type(exc).__name__}: {exc}")
        return ForwardOutcome(self.url, response.status_code)

    def close(self) -> None:
        self._http.close()

"""Signed webhook delivery, with retries on a schedule, off the request path.

Rutter signs each body: `X-Rutter-Signature: sha256=<base64 HMAC-SHA256 of the raw body keyed
with the client secret>` (rutterctl.domain.signature), and retries failed deliveries (6 times
over about 15 minutes). An event from `sim trigger` may ask for a broken signature or several
copies (`SimEvent.delivery`), so that a receiver can be seen rejecting each known mistake and
recognising duplicates. `run_pending()` does the work due now; `start()` runs it on a thread.
Tests inject the transport and the monotonic clock and call `run_pending()`: nothing sleeps.
"""

from __future__ import annotations

import heapq
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from rutterctl.domain.signature import HEADER as SIGNATURE_HEADER
from rutterctl.domain.signature import digest, sign
from rutterctl.sim.state import SimEvent

# Seconds before each retry: 6 retries over about 15.5 minutes.
RETRY_DELAYS: tuple[float, ...] = (10.0, 30.0, 60.0, 120.0, 300.0, 420.0)


def signed(payload: dict[str, Any], secret: str, how: str = "valid") -> tuple[bytes, str | None]:
    """The body to send and its signature header (None: no header), signed `how`."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    if how == "hex":  # what much sample code computes
        return body, "sha256=" + digest(body, secret).hex()
    if how == "reserialized":  # signed compact, delivered re-encoded (as a proxy might)
        return json.dumps(payload).encode(), sign(body, secret)
    if how == "tampered":  # changed after signing
        return json.dumps({**payload, "tampered": True}, separators=(",", ":")).encode(), sign(
            body, secret
        )
    if how == "unsigned":
        return body, None
    return body, sign(body, secret)


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    body: bytes = field(compare=False)
    signature: str | None = field(compare=False)
    code: str = field(compare=False)
    attempt: int = field(compare=False, default=0)


class WebhookDispatcher:
    def __init__(
        self,
        url: str,
        secret: str,
        *,
        transport: httpx.BaseTransport | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        delays: tuple[float, ...] = RETRY_DELAYS,
        timeout: float = 5.0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.url = url
        self._secret = secret
        self._monotonic = monotonic
        self.delays = delays
        self._log = log
        self._http = httpx.Client(transport=transport, timeout=timeout)
        self._jobs: list[_Job] = []
        self._seq = itertools.count(1)
        self._cond = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None
        # What happened to each delivery, for the control surface and tests.
        self.deliveries: deque[dict[str, Any]] = deque(maxlen=1000)

    def publish(self, events: list[SimEvent]) -> None:
        now = self._monotonic()
        with self._cond:
            for event in events:
                delivery = event.delivery or {}
                body, signature = signed(
                    event.payload, self._secret, str(delivery.get("signature", "valid"))
                )
                for _ in range(int(delivery.get("copies", 1))):
                    job = _Job(now, next(self._seq), body, signature, event.code)
                    heapq.heappush(self._jobs, job)
            self._cond.notify()

    def run_pending(self) -> int:
        """Attempt every delivery that is due; returns how many attempts were made."""
        attempts = 0
        while True:
            with self._cond:
                if not self._jobs or self._jobs[0].due > self._monotonic():
                    return attempts
                job = heapq.heappop(self._jobs)
            attempts += 1
            outcome = self._post(job.body, job.signature)
            record = {"code": job.code, "attempt": job.attempt + 1, "outcome": outcome}
            self.deliveries.append(record)
            if outcome.startswith("HTTP 2"):
                continue
            if job.attempt < len(self.delays):
                delay = self.delays[job.attempt]
                job.due = self._monotonic() + delay
                job.attempt += 1
                with self._cond:
                    heapq.heappush(self._jobs, job)
                # Say so at once: a listener that fails would otherwise go unnoticed for minutes.
                self._say(f"webhook {job.code} to {self.url}: {outcome}; retrying in {delay:g}s")
            else:
                self._say(
                    f"webhook {job.code} to {self.url}: {outcome}; failed {job.attempt + 1} "
                    "times, given up"
                )

    def _say(self, text: str) -> None:
        if self._log is not None:
            self._log(f"sim: {text}")

    def pending(self) -> int:
        with self._cond:
            return len(self._jobs)

    def _post(self, body: bytes, signature: str | None) -> str:
        headers = {"Content-Type": "application/json", "User-Agent": "rutterctl-sim"}
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature
        try:
            response = self._http.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return type(exc).__name__
        return f"HTTP {response.status_code}"

    # -- the background thread ------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="sim-webhooks", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            self.run_pending()
            with self._cond:
                if self._stopped:
                    return
                wait = 1.0
                if self._jobs:
                    wait = min(wait, max(0.0, self._jobs[0].due - self._monotonic()))
                self._cond.wait(wait)

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout)
        self._http.close()

"""`rutterctl listen` without the HTTP server: one delivery in, an answer, a report, a forward.

The server calls `handle` from its worker threads; `done` is set when the `--until` event has
arrived. Forwarding and reporting are injected, so tests drive this with plain functions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rutterctl.domain.signature import HEADER
from rutterctl.domain.webhooks import Delivery, ForwardOutcome, Receiver, is_until

Forward = Callable[[bytes, Mapping[str, str]], ForwardOutcome]
Report = Callable[[Delivery, ForwardOutcome | None], None]


def header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


@dataclass
class ListenSession:
    receiver: Receiver
    report: Report
    forward: Forward | None = None
    until: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    signal: int | None = None  # the signal that stopped the wait, if one did
    failure: OSError | None = None  # why reporting failed (stdout closed: `listen | head`)
    # Reports are written one at a time, whole, whichever worker thread has the delivery.
    _out_lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def interrupt(self, signum: int) -> None:
        self.signal = signum
        self.done.set()

    def wait(self, seconds: float | None, monotonic: Callable[[], float]) -> bool:
        """Until the --until event (or a signal): True; False when `seconds` ran out first."""
        deadline = None if seconds is None else monotonic() + seconds
        while not self.done.wait(0.2):
            if deadline is not None and monotonic() >= deadline:
                return False
        return True

    def handle(self, raw_body: bytes, headers: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        delivery = self.receiver.receive(raw_body, header(headers, HEADER))
        outcome = None
        if delivery.forward and self.forward is not None:
            outcome = self.forward(raw_body, headers)
        if delivery.selected and self.failure is None:
            with self._out_lock:
                try:
                    self.report(delivery, outcome)
                except OSError as exc:  # nobody reads us any more: stop, as other commands do
                    self.failure = exc
                    self.done.set()
        if self.until is not None and is_until(delivery, self.until):
            self.done.set()
        return delivery.status, _answer(delivery)


def _answer(delivery: Delivery) -> dict[str, Any]:
    if delivery.status == 400:
        return {"error": delivery.error}
    if delivery.status == 401:
        # The explanation is for the person running listen, not for whoever sent this.
        return {"error": "invalid signature"}
    return {"ok": True, "duplicate": delivery.duplicate}

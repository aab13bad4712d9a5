"""Receiving Rutter's webhooks: what an event says, whether to trust it, whether it is new.

Pure (the clock is injected; no HTTP): `Receiver.receive(raw_body, signature)` decides the
answer (200, 400 or 401), recognises redeliveries, applies `listen`'s filters and says whether
to forward. Rutter publishes the shape of connection events only, so every field is read
defensively and unknown codes and fields are data to show, never an error.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rutterctl.domain.signature import Verdict, verify

# The fields every connection event has; anything else is shown as an extra field.
BASE_FIELDS = ("type", "code", "connection_id", "access_token")
KNOWN_CODES = frozenset(
    {
        "INITIAL_UPDATE",
        "HISTORICAL_UPDATE",
        "CONNECTION_NEEDS_UPDATE",
        "CONNECTION_UPDATED",
        "CONNECTION_DISABLED",
        "ORDER_CREATED",
        "ORDER_UPDATED",
        "PRODUCT_CREATED",
        "PRODUCT_UPDATED",
    }
)
SEEN_CAPACITY = 10_000  # digests remembered for redeliveries: bounded memory over days


class InvalidBody(ValueError):
    """The body is not a JSON object."""


@dataclass(frozen=True)
class WebhookEvent:
    type: str | None
    code: str | None
    connection_id: str | None
    access_token: str | None
    extra: dict[str, Any]  # every other field, documented (update_url, ...) or not
    payload: dict[str, Any]

    @property
    def known(self) -> bool:
        return self.code in KNOWN_CODES


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_event(raw_body: bytes) -> WebhookEvent:
    try:
        doc = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidBody(f"the body is not JSON ({exc})") from None
    except RecursionError:
        raise InvalidBody("the body is JSON nested too deeply to be read") from None
    if not isinstance(doc, dict):
        raise InvalidBody(f"the body is JSON but not an object (a {type(doc).__name__})")
    return WebhookEvent(
        type=_text(doc.get("type")),
        code=_text(doc.get("code")),
        connection_id=_text(doc.get("connection_id")),
        access_token=_text(doc.get("access_token")),
        extra={k: v for k, v in doc.items() if k not in BASE_FIELDS},
        payload=doc,
    )


@dataclass(frozen=True)
class Delivery:
    """One request to the listener, and what was decided about it."""

    received_at: datetime
    status: int  # the answer: 401 (bad signature), 400 (signed, but not a JSON object) or 200
    digest: str  # SHA-256 of the raw body, hex: what a redelivery shares
    event: WebhookEvent | None = None
    verdict: Verdict | None = None
    error: str | None = None  # why a 400
    duplicate: bool = False  # a redelivery of an event accepted before
    selected: bool = True  # passes --events / --connection
    store: str | None = None  # the store's unique id, when an event told us

    @property
    def forward(self) -> bool:
        """Forward it: accepted, new and selected. Each event is forwarded once."""
        return self.status == 200 and self.selected and not self.duplicate


@dataclass
class Receiver:
    secret: str
    now: Callable[[], datetime]
    # Other profiles' secrets, asked for only when a signature does not match (reading them
    # may wait on a keyring), and then remembered.
    other_secrets: Callable[[], Mapping[str, str]] = dict
    events: Collection[str] | None = None  # codes to show and forward; None: all
    connections: Collection[str] | None = None  # ids or access tokens; None: all
    capacity: int = SEEN_CAPACITY
    _seen: OrderedDict[str, None] = field(default_factory=OrderedDict, init=False)
    _stores: dict[str, str] = field(default_factory=dict, init=False)
    _others: Mapping[str, str] | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _others_lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def receive(self, raw_body: bytes, signature: str | None) -> Delivery:
        """Authenticate first (an unsigned request is 401 whatever its body), then read."""
        at = self.now()
        body_digest = hashlib.sha256(raw_body).hexdigest()
        verdict = verify(raw_body, signature, self.secret, other_secrets=self._other)
        event: WebhookEvent | None = None
        problem = None
        try:
            event = parse_event(raw_body)  # for a 401 too: its code helps find the sender
        except InvalidBody as exc:
            problem = str(exc)
        if not verdict.valid:
            selected = event is None or self.selects(event)
            return Delivery(at, 401, body_digest, event=event, verdict=verdict, selected=selected)
        if event is None:
            return Delivery(at, 400, body_digest, verdict=verdict, error=problem)
        with self._lock:
            duplicate = body_digest in self._seen
            self._seen[body_digest] = None
            self._seen.move_to_end(body_digest)
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
            store = event.extra.get("store_unique_id")
            if event.connection_id and isinstance(store, str) and store:
                self._stores[event.connection_id] = store
            known_store = self._stores.get(event.connection_id or "")
        return Delivery(
            at,
            200,
            body_digest,
            event=event,
            verdict=verdict,
            duplicate=duplicate,
            selected=self.selects(event),
            store=known_store,
        )

    def selects(self, event: WebhookEvent) -> bool:
        if self.events is not None and event.code not in self.events:
            return False
        if self.connections is None:
            return True
        return bool({event.connection_id, event.access_token} & set(self.connections))

    def _other(self) -> Mapping[str, str]:
        with self._others_lock:  # not the dedupe lock: this can wait on a keyring
            if self._others is None:
                self._others = dict(self.other_secrets())
            return self._others


@dataclass(frozen=True)
class ForwardOutcome:
    """What `--forward-to` answered: an HTTP status, or why there was none."""

    url: str
    status: int | None
    error: str | None = None


def is_until(delivery: Delivery, code: str) -> bool:
    """`listen --until CODE`: an accepted, selected event with that code (a redelivery counts:
    the event has arrived either way)."""
    return (
        delivery.status == 200
        and delivery.selected
        and delivery.event is not None
        and delivery.event.code == code
    )

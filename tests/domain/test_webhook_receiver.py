"""Receiving webhooks without a server: answers, redeliveries, filters, forwarding once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rutterctl.domain.listen import ListenSession
from rutterctl.domain.signature import sign
from rutterctl.domain.webhooks import Delivery, ForwardOutcome, Receiver

from tests.fakes import FIXED_NOW

SECRET = "listen-secret-0123456789"


def body(code: str, connection: str = "c-1", **extra: Any) -> bytes:
    doc = {"type": "CONNECTION", "code": code, "connection_id": connection, "access_token": "t"}
    return json.dumps({**doc, **extra}, separators=(",", ":")).encode()


def headers(raw: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"x-rutter-signature": sign(raw, secret), "Content-Type": "application/json"}


class Recorder:
    def __init__(self) -> None:
        self.reports: list[tuple[Delivery, ForwardOutcome | None]] = []
        self.forwarded: list[tuple[bytes, Mapping[str, str]]] = []

    def report(self, delivery: Delivery, outcome: ForwardOutcome | None) -> None:
        self.reports.append((delivery, outcome))

    def forward(self, raw: bytes, sent: Mapping[str, str]) -> ForwardOutcome:
        self.forwarded.append((raw, sent))
        return ForwardOutcome("http://target.test/", 204)


def session(until: str | None = None, **receiver: Any) -> tuple[ListenSession, Recorder]:
    rec = Recorder()
    recv = Receiver(SECRET, now=lambda: FIXED_NOW, **receiver)
    return ListenSession(recv, rec.report, rec.forward, until), rec


def test_answers_and_forwarding_once() -> None:
    s, rec = session()
    raw = body("INITIAL_UPDATE")
    assert s.handle(raw, headers(raw)) == (200, {"ok": True, "duplicate": False})
    assert s.handle(raw, headers(raw)) == (200, {"ok": True, "duplicate": True})
    assert s.handle(raw, {"X-Rutter-Signature": "sha256=AAAA"}) == (
        401,
        {"error": "invalid signature"},  # the reason is for the listener's user only
    )
    assert s.handle(b"{oops", headers(b"{oops"))[0] == 400  # signed, but not JSON
    assert s.handle(b"{oops", {})[0] == 401  # authenticated first
    assert [raw for raw, _ in rec.forwarded] == [raw]
    assert rec.forwarded[0][1]["x-rutter-signature"] == sign(raw, SECRET)
    assert [(d.status, d.duplicate, o) for d, o in rec.reports] == [
        (200, False, ForwardOutcome("http://target.test/", 204)),
        (200, True, None),
        (401, False, None),
        (400, False, None),
        (401, False, None),
    ]


def test_other_secrets_are_read_only_to_explain_and_only_once() -> None:
    calls: list[int] = []

    def others() -> dict[str, str]:
        calls.append(1)
        return {"prod": "prod-secret-abcdefgh"}

    s, rec = session(other_secrets=others)
    raw = body("CONNECTION_DISABLED")
    s.handle(raw, headers(raw))
    assert calls == []
    for _ in range(2):
        assert s.handle(raw, headers(raw, "prod-secret-abcdefgh"))[0] == 401
    assert calls == [1]
    verdict = rec.reports[-1][0].verdict
    assert verdict is not None and verdict.secret == "prod"


def test_filters_hide_and_skip_forwarding_but_still_answer_200() -> None:
    s, rec = session(events={"CONNECTION_DISABLED"}, connections={"c-2"})
    for raw in (body("CONNECTION_DISABLED"), body("INITIAL_UPDATE", "c-2")):
        assert s.handle(raw, headers(raw))[0] == 200
    wanted = body("CONNECTION_DISABLED", "c-2")
    s.handle(wanted, headers(wanted))
    assert [d.event and d.event.connection_id for d, _ in rec.reports] == ["c-2"]
    assert len(rec.forwarded) == 1


def test_until_waits_for_that_code_and_connection() -> None:
    s, _ = session("INITIAL_UPDATE", connections={"c-2"})
    for raw in (body("INITIAL_UPDATE"), body("HISTORICAL_UPDATE", "c-2")):
        s.handle(raw, headers(raw))
    forged = body("INITIAL_UPDATE", "c-2")
    s.handle(forged, headers(forged, "forged-secret-000"))
    assert not s.done.is_set()
    s.handle(forged, headers(forged))
    assert s.done.is_set()


def test_the_store_is_remembered_from_connection_updated() -> None:
    s, rec = session()
    for raw in (
        body("INITIAL_UPDATE"),
        body("CONNECTION_UPDATED", store_unique_id="shop-7"),
        body("ORDER_CREATED", order={"id": 1}),
    ):
        s.handle(raw, headers(raw))
    assert [d.store for d, _ in rec.reports] == [None, "shop-7", "shop-7"]
    assert rec.reports[2][0].event is not None
    assert rec.reports[2][0].event.extra == {"order": {"id": 1}}


def test_redeliveries_are_remembered_in_bounded_memory() -> None:
    s, rec = session(capacity=2)
    bodies = [body("ORDER_CREATED", order={"id": i}) for i in range(3)]
    for raw in [*bodies, bodies[2], bodies[0]]:
        s.handle(raw, headers(raw))
    # The third new body pushed the first out: its redelivery is taken as new.
    assert [d.duplicate for d, _ in rec.reports] == [False, False, False, True, False]


def test_a_body_nested_too_deeply_is_a_400_not_a_crash() -> None:
    s, _ = session()
    deep = b"[" * 30_000 + b"]" * 30_000
    status, answer = s.handle(deep, headers(deep))
    assert status == 400 and "nested too deeply" in answer["error"]

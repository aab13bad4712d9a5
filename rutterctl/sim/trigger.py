"""`POST /_sim/connections/{ref}/webhooks`: fire one webhook on demand (`rutterctl sim trigger`).

A lifecycle code whose event is a state change (needs update, disabled, updated) performs that
change, as the merchant would, so status and webhook agree. Every other code, known or not, is
sent as a webhook only (the connection's stage does not move; advance the clock for that).
`signature` and `copies` choose how it is delivered: the mistakes receivers must reject, and
the duplicates Rutter may send.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rutterctl.sim import data
from rutterctl.sim.payloads import BY_CODE, MAX_COPIES, SIGNATURES, entities_to_time_range
from rutterctl.sim.payloads import event_type as type_of
from rutterctl.sim.state import SimError

if TYPE_CHECKING:
    from rutterctl.sim.state import Connection, SimEvent, Simulator

_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")


def trigger(sim: Simulator, ref: str, doc: dict[str, Any]) -> list[SimEvent]:
    code = doc.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise SimError('give {"code": "INITIAL_UPDATE"} (upper case, digits and _)')
    signature = doc.get("signature", "valid")
    if signature not in SIGNATURES:
        raise SimError(f"signature must be one of {', '.join(SIGNATURES)}, not {signature!r}")
    copies = doc.get("copies", 1)
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise SimError(f"copies must be a whole number from 1 to {MAX_COPIES}")
    fields = doc.get("fields") or {}
    if not isinstance(fields, dict):
        raise SimError('fields must be a JSON object, e.g. {"fields": {"note": "x"}}')
    delivery = {"signature": signature, "copies": copies}
    info = BY_CODE.get(code)
    if info is not None and info.action is not None:
        if fields:
            raise SimError(f"{code} is a state change; fields can be added to webhook-only codes")
        if info.action == "needs-update":
            return sim.needs_update(ref, delivery)
        if info.action == "reconnect":
            return sim.reconnect(ref, delivery)
        reason = str(doc.get("reason") or "UNKNOWN")
        return sim.disable(
            ref, reason, allow_unknown=bool(doc.get("allow_unknown")), delivery=delivery
        )
    conn = sim.get(ref)
    payload = conn.base_payload(code)
    payload["type"] = type_of(code)
    payload.update(_extra(conn, code, sim.now()))
    payload.update(fields)
    return sim.emit(ref, payload, delivery)


def _extra(conn: Connection, code: str, now: float) -> dict[str, Any]:
    """The fields a webhook of `code` carries besides type, code, id and token."""
    if code == "HISTORICAL_UPDATE":
        batch = conn.plan.batches[-1]
        entities = entities_to_time_range(batch.entities, batch.months, conn.spec.history_months)
        return {"entities_included_to_time_range": entities}
    if code.startswith("ORDER_") and conn.spec.orders > 0:
        return {"order": conn.order_space(now).order(0)}
    if code.startswith("PRODUCT_"):
        return {"product": data.product_stub(conn.catalog, 0, now)}
    return {}

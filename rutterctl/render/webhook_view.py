"""Webhook events as people and scripts read them: `listen`'s lines and NDJSON objects,
`webhooks verify`'s report. Access tokens in payloads are shown masked: they are secrets."""

from __future__ import annotations

import json
from typing import Any, TextIO

from rutterctl.domain.signature import Verdict
from rutterctl.domain.webhooks import Delivery, ForwardOutcome, WebhookEvent
from rutterctl.render import layout
from rutterctl.render.plain import printable, write_pairs
from rutterctl.render.timefmt import rfc3339
from rutterctl.secrets import mask, register


def _masked(payload: dict[str, Any]) -> dict[str, Any]:
    token = payload.get("access_token")
    if isinstance(token, str):
        register(token)
        return {**payload, "access_token": mask(token)}
    return payload


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def extras(event: WebhookEvent, *, store_shown: bool = False) -> list[str]:
    """The documented extra fields, summarised, then the names of any others."""
    shown = []
    ranges = event.extra.get("entities_included_to_time_range")
    if isinstance(ranges, list):
        parts = [
            f"{item.get('platformEntity')}:{item.get('xMonthsAgo')}m"
            for item in ranges
            if isinstance(item, dict)
        ]
        shown.append("entities " + (", ".join(parts) or "none"))
    for key in ("update_url",) if store_shown else ("update_url", "store_unique_id"):
        value = event.extra.get(key)
        if isinstance(value, str) and key == "update_url":
            shown.append(f"{key} {value}")  # a URL is sent to the merchant: never cut
        elif key in event.extra:
            shown.append(f"{key}={_short(value)}")
    documented = {"entities_included_to_time_range", "update_url", "store_unique_id"}
    others = [k for k in event.extra if k not in documented]
    if others:
        shown.append("fields: " + ", ".join(others))
    return shown


def delivery_line(
    delivery: Delivery, forward: ForwardOutcome | None, width: int | None = None
) -> str:
    """One line: time, code, connection id, store, answer, then what else there is to say.

    With a terminal's `width` (render/layout.py's rule) a line that would not fit keeps the
    time (as HH:MM:SSZ), code, connection id and answer whole on its first line, and the store
    and notes wrap at words on indented lines below; piped, it is always one line."""
    event = delivery.event
    code = (event.code or "(no code)") if event else "-"
    if event is not None and not event.known and event.code:
        code += " (unknown code)"
    when = rfc3339(delivery.received_at)
    ident = (event.connection_id if event else None) or "-"
    store = delivery.store or "-"
    cells = [when, code, ident, store, str(delivery.status)]
    notes = []
    if delivery.error:
        notes.append(delivery.error)
    if delivery.status == 401 and delivery.verdict is not None:
        notes.append("signature: " + delivery.verdict.message)
    if delivery.duplicate:
        notes.append("duplicate")
    if event is not None:
        notes += extras(event, store_shown=True)
    if forward is not None:
        notes.append(f"-> {forward.status if forward.status else forward.error}")
    line = printable("  ".join([*cells, "; ".join(notes)] if notes else cells))
    if width is None or layout.cells(line) < width:
        return line
    first = printable("  ".join([when[11:], code, ident, str(delivery.status)]))
    # URLs go whole on lines of their own, after the notes that wrap at words.
    urls = [n.split(" ", 1)[1] for n in notes if n.startswith("update_url ")]
    words = [n if not n.startswith("update_url ") else "update_url below" for n in notes]
    rest = printable("; ".join([f"store {store}", *words] if store != "-" else words))
    indent = "    "
    below = layout.wrap_words(rest, max(width - 1 - len(indent), 20)) if rest else []
    return "\n".join([first, *(indent + t for t in below), *(printable(u) for u in urls)])


def delivery_doc(delivery: Delivery, forward: ForwardOutcome | None) -> dict[str, Any]:
    """The NDJSON object of one delivery (a documented contract: only add keys)."""
    event = delivery.event
    verdict = delivery.verdict
    return {
        "received_at": rfc3339(delivery.received_at),
        "status": delivery.status,
        "code": event.code if event else None,
        "type": event.type if event else None,
        "connection_id": event.connection_id if event else None,
        "store_unique_id": delivery.store,
        "known_code": event.known if event else False,
        "duplicate": delivery.duplicate,
        "signature": None if verdict is None else _verdict_doc(verdict),
        "error": delivery.error,
        "forward": None
        if forward is None
        else {"url": forward.url, "status": forward.status, "error": forward.error},
        "body_sha256": delivery.digest,
        "payload": _masked(event.payload) if event else None,
    }


def _verdict_doc(verdict: Verdict) -> dict[str, Any]:
    return {
        "valid": verdict.valid,
        "kind": str(verdict.kind),
        "message": verdict.message,
        "matches_body": verdict.body,
        "matches_profile": verdict.secret,
    }


def write_verify_report(
    event: WebhookEvent | None,
    verdict: Verdict,
    out: TextIO,
    *,
    profile: str,
    problem: str | None = None,
    tty: bool = False,
    color: bool = False,
) -> None:
    """`webhooks verify`: the event's summary, then the verdict and why; on a terminal laid
    out by the one rule (values wrapped at words beside their keys)."""
    if event is None:
        rows = [("event", f"none: {problem or 'the body is not a JSON object'}")]
    else:
        code = event.code or "(no code)"
        if event.code and not event.known:
            code += " (unknown code)"
        rows = [
            ("event", f"{code} ({event.type or 'no type'})"),
            ("connection", event.connection_id or "-"),
        ]
        rows += [("detail", text) for text in extras(event)]
    state = "valid" if verdict.valid else f"INVALID ({verdict.kind})"
    rows.append(("signature", f"{state}, checked with the secret of profile {profile}"))
    if not verdict.valid:
        rows.append(("why", verdict.message))
    rows += [("note", note) for note in verdict.notes]
    if not tty:
        write_pairs(rows, out)
        return
    from rutterctl.render import term
    from rutterctl.render.layout import print_pairs

    print_pairs(term.console(out, color=color), [(k, printable(v)) for k, v in rows])

"""The control surface under /_sim: JSON in and out, the simulator's Basic credentials.

It lets tests, demos and users' CI drive the simulation instead of waiting for it: advance
the clock, change its speed, add connections, break and repair them, schedule faults, read
the webhooks that fired. The endpoints are listed in docs/simulator.md.
"""

from __future__ import annotations

import json
from typing import Any

from rutterctl.errors import UsageError
from rutterctl.sim import data
from rutterctl.sim.faults import (
    MAX_LATENCY_MS,
    MAX_RETRY_AFTER,
    MAX_SCHEDULED,
    Fault,
    number,
    parse_burst,
    parse_kind,
    parse_rate,
)
from rutterctl.sim.responses import Response, json_response
from rutterctl.sim.scenario_file import MAX_CONNECTIONS, SpecError, parse_connection, parse_duration
from rutterctl.sim.state import Connection, SimError, SimEvent, Simulator


def summary(conn: Connection, now: float) -> dict[str, Any]:
    pause = conn.pause
    return {
        "name": conn.name,
        "id": conn.id,
        "access_token": conn.access_token,
        "stage": conn.stage(now),
        "platform": conn.spec.platform,
        "store_name": conn.spec.store_name,
        "disabled_reason": pause.reason if pause is not None else None,
        "stalled_since": data.iso(conn.stalled) if conn.stalled is not None else None,
        "failed_batch": (
            {"batch_num": conn.failed[0] + 1, "entities": list(conn.failed[1])}
            if conn.failed is not None
            else None
        ),
        "created_at": data.iso(conn.created_at),
        "link_url": conn.link_url,
    }


def event_doc(event: SimEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": data.iso(event.at),
        "connection": event.connection,
        "payload": event.payload,
    }


def state(sim: Simulator) -> dict[str, Any]:
    with sim.lock:
        now = sim.now()
        return {
            "now": data.iso(now),
            "started_at": data.iso(sim.started),
            "elapsed_seconds": round(now - sim.started, 3),
            "speed": sim.clock.speed,
            "rate_limit": sim.limiter.describe(),
            "retry_after": sim.retry_after,
            "faults": sim.faults.describe(),
            "last_event": sim.events[-1].seq if sim.events else 0,
            "connections": [summary(c, now) for c in sim.connections.values()],
        }


def handle(sim: Simulator, method: str, path: str, query: dict[str, str], body: bytes) -> Response:
    parts = [p for p in path.split("/") if p][1:]  # drop "_sim"
    try:
        doc = json.loads(body) if body.strip() else {}
    except (ValueError, RecursionError):  # RecursionError: nested too deep to be a request
        return json_response(400, {"error": "the request body is not JSON"})
    if not isinstance(doc, dict):
        return json_response(400, {"error": "the request body must be a JSON object"})
    sim.tick()
    try:
        return _route(sim, method, parts, query, doc)
    except SimError as exc:
        return json_response(exc.status, {"error": str(exc)})
    except SpecError as exc:
        return json_response(400, {"error": str(exc), "field": exc.where})
    except (ValueError, UsageError) as exc:  # UsageError: a scenario that is not one
        return json_response(400, {"error": str(exc)})


def _route(
    sim: Simulator, method: str, parts: list[str], query: dict[str, str], doc: dict[str, Any]
) -> Response:
    key = (method, "/".join(parts[:1]))
    if parts in ([], ["state"]) and method == "GET":
        return json_response(200, state(sim))
    if key == ("GET", "connections") and len(parts) == 1:
        return json_response(200, {"connections": state(sim)["connections"]})
    if key == ("POST", "connections") and len(parts) == 1:
        return _create(sim, doc)
    if parts[:1] == ["connections"] and len(parts) == 2 and method == "GET":
        conn = sim.get(parts[1])
        return json_response(200, summary(conn, sim.now()))
    if parts[:1] == ["connections"] and len(parts) == 3 and method == "POST":
        return _act(sim, parts[1], parts[2], doc)
    if parts == ["clock", "advance"] and method == "POST":
        seconds = parse_duration(doc.get("seconds", doc.get("duration")))
        if seconds is None or seconds < 0:
            raise SimError('give {"seconds": N} (N >= 0) or {"duration": "2h"}')
        events = sim.advance(seconds)
        return json_response(
            200, {"now": data.iso(sim.now()), "events": [event_doc(e) for e in events]}
        )
    if parts == ["clock", "speed"] and method == "POST":
        speed = doc.get("speed")
        if isinstance(speed, bool) or not isinstance(speed, int | float):
            raise SimError('give {"speed": X}, X >= 0 (0 freezes time)')
        sim.set_speed(float(speed))
        return json_response(200, {"now": data.iso(sim.now()), "speed": sim.clock.speed})
    if parts == ["faults"]:
        return _faults(sim, method, doc)
    if parts == ["rate-limit"] and method in ("PUT", "POST"):
        if "rate" in doc:
            sim.limiter.configure(*parse_rate(str(doc["rate"])))
        if "retry_after" in doc:
            sim.retry_after = bool(doc["retry_after"])
        return json_response(
            200, {"rate_limit": sim.limiter.describe(), "retry_after": sim.retry_after}
        )
    if parts == ["events"] and method == "GET":
        since = int(query.get("since") or 0)
        with sim.lock:
            logged = [event_doc(e) for e in sim.events if e.seq > since]
        return json_response(200, {"events": logged})
    raise SimError(f"no control endpoint {method} /_sim/{'/'.join(parts)}", 404)


def _create(sim: Simulator, doc: dict[str, Any]) -> Response:
    from rutterctl.sim.scenarios import load

    if "scenario" in doc:
        specs = list(load(str(doc["scenario"])).connections)
    elif "connections" in doc and isinstance(doc["connections"], list):
        if len(doc["connections"]) > MAX_CONNECTIONS:
            raise SimError(f"at most {MAX_CONNECTIONS} connections in one request")
        specs = [parse_connection(c, f"connections[{i}]") for i, c in enumerate(doc["connections"])]
    else:
        specs = [parse_connection(doc, "connection")]
    created = [sim.add(spec) for spec in specs]
    sim.tick()
    now = sim.now()
    return json_response(201, {"connections": [summary(c, now) for c in created]})


def _act(sim: Simulator, ref: str, action: str, doc: dict[str, Any]) -> Response:
    if action == "needs-update":
        events = sim.needs_update(ref)
    elif action == "disable":
        reason = str(doc.get("reason") or "UNKNOWN")
        events = sim.disable(ref, reason, allow_unknown=bool(doc.get("allow_unknown")))
    elif action == "reconnect":
        events = sim.reconnect(ref)
    elif action in ("stall", "resume"):  # the sync silently stops / moves again
        events = sim.stall(ref) if action == "stall" else sim.resume(ref)
    elif action == "fail-batch":  # the batch under way fails; resume retries it
        entity = doc.get("entity")
        if entity is not None and not isinstance(entity, str):
            raise SimError('give {"entity": "orders"}, or no body for every entity of the batch')
        events = sim.fail_batch(ref, entity)
    elif action == "webhooks":  # `rutterctl sim trigger`
        from rutterctl.sim.trigger import trigger

        events = trigger(sim, ref, doc)
    else:
        raise SimError(
            f"unknown action {action!r}: "
            "needs-update, disable, reconnect, stall, resume, fail-batch or webhooks",
            404,
        )
    conn = sim.get(ref)
    answer: dict[str, Any] = {
        "connection": summary(conn, sim.now()),
        "events": [event_doc(e) for e in events],
    }
    if action == "webhooks":  # where they went: None says nowhere (no --webhook-url)
        answer["webhook_url"] = sim.webhook_url
    return json_response(200, answer)


def _faults(sim: Simulator, method: str, doc: dict[str, Any]) -> Response:
    plan = sim.faults
    if method == "POST":
        count = doc.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SCHEDULED:
            raise SimError(f"count must be a whole number from 1 to {MAX_SCHEDULED}")
        retry_after = doc.get("retry_after")
        retry = (
            None if retry_after is None else number(retry_after, "retry_after", 0, MAX_RETRY_AFTER)
        )
        kind = str(doc.get("kind", "500"))
        if kind == "latency":
            latency = number(doc.get("latency_ms", 0), "latency_ms", 0, MAX_LATENCY_MS)
            fault = Fault("latency", latency_ms=latency)
        else:
            fault = parse_kind(kind, retry_after=retry)
        path = doc.get("path")
        if path is not None:
            fault = Fault(fault.kind, fault.status, fault.retry_after, fault.latency_ms, str(path))
        plan.schedule(fault, count)
    elif method == "PUT":
        if "latency_ms" in doc:
            plan.latency_ms = number(doc["latency_ms"], "latency_ms", 0, MAX_LATENCY_MS)
        if "error_rate" in doc:
            rate = number(doc["error_rate"], "error_rate", 0, 1)
            plan.error_rate = rate
        if "error_kind" in doc:
            plan.error_fault = parse_kind(str(doc["error_kind"]))
        if "burst" in doc:
            plan.burst = parse_burst(str(doc["burst"])) if doc["burst"] else None
    elif method == "DELETE":
        plan.clear()
    elif method != "GET":
        raise SimError(f"{method} /_sim/faults is not supported", 405)
    return json_response(200, plan.describe())

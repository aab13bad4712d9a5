"""Scenario files (TOML or JSON): parsing and validation with errors that name file and field.

    scenario.toml: connections[2].batches[0].months: must be a positive number

The same connection parser serves the control surface (`POST /_sim/connections`). The format
is documented in docs/simulator.md.
"""

from __future__ import annotations

import json
import re
import tomllib
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from rutterctl.errors import UsageError
from rutterctl.sim.clock import MAX_SPEED
from rutterctl.sim.faults import parse_rate
from rutterctl.sim.model import (
    ACTIONS,
    DISABLED_REASONS,
    PRIORITIES,
    BatchSpec,
    ConnectionSpec,
    Scenario,
    ScriptedEvent,
)
from rutterctl.sim.templates import TEMPLATES, store_defaults

# The entity keys the 2023-03-14 spec allows in a batch configuration.
CONFIG_ENTITIES = (
    "orders", "products", "customers", "transactions", "accounts", "balanceSheets",
    "companyInfo", "incomeStatements", "invoices", "items", "payouts", "purchaseOrders",
    "store", "vendors",
)  # fmt: skip
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
DURATION = re.compile(r"(-)?((?:\d+(?:\.\d+)?[smhd])+)")
DEFAULT_BATCH_DURATION = 600.0
# Bounds on numbers from a file or the control surface: finite, and small enough that the
# simulated clock stays a printable date and a count never asks for unbounded work.
MAX_DURATION = 100 * 366 * 86400.0
MAX_COUNT = 10_000_000
MAX_NUMBER = 1_000_000.0
MAX_CONNECTIONS = 1000  # in one scenario file or one POST /_sim/connections
MAX_FILE_BYTES = 1_000_000


class SpecError(ValueError):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class _Table:
    """A dict being read: typed getters, and unknown keys reported (typos are errors)."""

    def __init__(self, obj: Any, where: str) -> None:
        if not isinstance(obj, dict):
            raise SpecError(where, "must be a table (an object)")
        self.obj: dict[str, Any] = obj
        self.where = where
        self.seen: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def raw(self, key: str) -> Any:
        self.seen.add(key)
        return self.obj.get(key)

    def has(self, key: str) -> bool:
        return key in self.obj

    def string(self, key: str, default: str | None = None) -> str | None:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise SpecError(self.at(key), "must be a non-empty string")
        return value

    def uuid(self, key: str) -> str | None:
        """Rutter's connection ids and access tokens are UUIDs (the spec says so for ids)."""
        value = self.string(key)
        if value is not None:
            try:
                uuid.UUID(value)
            except ValueError:
                raise SpecError(
                    self.at(key), "must be a UUID, e.g. 6f1c0e0a-3b0c-4f4e-9d55-1c2a3b4c5d6e"
                ) from None
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise SpecError(self.at(key), "must be true or false")
        return value

    def count(self, key: str, default: int, *, minimum: int = 0) -> int:
        value = self.raw(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            kind = "a positive" if minimum > 0 else "a non-negative"
            raise SpecError(self.at(key), f"must be {kind} whole number")
        if value > MAX_COUNT:
            raise SpecError(self.at(key), f"must be at most {MAX_COUNT:,}")
        return value

    def positive(self, key: str, default: float | None) -> float | None:
        value = self.raw(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise SpecError(self.at(key), "must be a positive number")
        if not value <= MAX_NUMBER:  # also NaN and infinity
            raise SpecError(self.at(key), f"must be a positive number up to {MAX_NUMBER:g}")
        return float(value)

    def duration(self, key: str, default: float, *, negative: bool = False) -> float:
        value = self.raw(key)
        if value is None:
            return default
        seconds = parse_duration(value)
        if seconds is None or (seconds < 0 and not negative):
            example = '"-1h", 0, "90s" or "1h30m"' if negative else '0, 90, "15m" or "1h30m"'
            raise SpecError(self.at(key), f"must be a duration such as {example}")
        return seconds

    def items(self, key: str) -> list[Any]:
        value = self.raw(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise SpecError(self.at(key), "must be a list")
        return value

    def finish(self) -> None:
        unknown = sorted(set(self.obj) - self.seen)
        if unknown:
            raise SpecError(self.at(unknown[0]), "unknown key")


def parse_duration(value: Any) -> float | None:
    """Seconds from a number or a string like "90s", "15m", "1h30m", "2d", "-1h"; None when it
    is none of these, or not finite, or more than a century either way."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := DURATION.fullmatch(value.strip())):
        units = re.findall(r"(\d+(?:\.\d+)?)([smhd])", value)
        total = sum(float(n) * UNITS[u] for n, u in units)
        seconds = -total if match.group(1) else total
    else:
        return None
    return seconds if abs(seconds) <= MAX_DURATION else None  # NaN fails this too


def _batch(obj: Any, where: str) -> BatchSpec:
    t = _Table(obj, where)
    entities_obj = t.raw("entities")
    if not isinstance(entities_obj, dict) or not entities_obj:
        raise SpecError(t.at("entities"), "must be a non-empty table of entity = priority")
    entities: dict[str, str] = {}
    for name, priority in entities_obj.items():
        if name not in CONFIG_ENTITIES:
            raise SpecError(
                f"{t.at('entities')}.{name}", f"unknown entity; one of {', '.join(CONFIG_ENTITIES)}"
            )
        if priority not in PRIORITIES:
            raise SpecError(f"{t.at('entities')}.{name}", f"must be one of {', '.join(PRIORITIES)}")
        entities[name] = priority
    months = t.positive("months", None)
    spec = BatchSpec(
        months=months,
        entities=entities,
        duration=t.duration("duration", DEFAULT_BATCH_DURATION),
        show_config=t.boolean("show_config", months is not None),
    )
    t.finish()
    return spec


def _event(obj: Any, where: str) -> ScriptedEvent:
    t = _Table(obj, where)
    if not t.has("at"):
        raise SpecError(t.at("at"), "is required (a duration after the simulator starts)")
    at = t.duration("at", 0.0, negative=True)
    action = t.string("action")
    if action not in ACTIONS:
        raise SpecError(t.at("action"), f"must be one of {', '.join(ACTIONS)}")
    reason = t.string("reason")
    if action == "disable" and reason not in DISABLED_REASONS:
        raise SpecError(t.at("reason"), f"must be one of {', '.join(DISABLED_REASONS)}")
    if action != "disable" and reason is not None:
        raise SpecError(t.at("reason"), 'is only for action = "disable"')
    entity = t.string("entity")  # checked against the batch when it fails
    if action != "fail_batch" and entity is not None:
        raise SpecError(t.at("entity"), 'is only for action = "fail_batch"')
    t.finish()
    return ScriptedEvent(at=at, action=action, reason=reason, entity=entity)


def parse_connection(obj: Any, where: str) -> ConnectionSpec:
    """One connection table; `template` (a built-in stage) supplies unset fields."""
    t = _Table(obj, where)
    name = t.string("name")
    if name is None or not NAME.fullmatch(name):
        raise SpecError(t.at("name"), "is required: lowercase letters, digits, '.', '_' or '-'")
    template = t.string("template", "initial") or "initial"
    if template not in TEMPLATES:
        raise SpecError(t.at("template"), f"must be one of {', '.join(TEMPLATES)}")
    base = replace(TEMPLATES[template], name=name, store_name=None, store_domain=None)
    platform = t.string("platform", base.platform) or base.platform
    if not re.fullmatch(r"[A-Z0-9_]+", platform):
        raise SpecError(t.at("platform"), "must be an upper-case platform name like SHOPIFY")
    batches = tuple(_batch(b, f"{t.at('batches')}[{i}]") for i, b in enumerate(t.items("batches")))
    events = tuple(_event(e, f"{t.at('events')}[{i}]") for i, e in enumerate(t.items("events")))
    spec = replace(
        base,
        platform=platform,
        store_name=t.string("store_name", store_defaults(name)[0]),
        store_domain=t.string("store_domain", store_defaults(name)[1]),
        age=t.duration("age", base.age),
        history_months=t.positive("history_months", base.history_months) or base.history_months,
        orders=t.count("orders", base.orders),
        customers=t.count("customers", base.customers),
        products=t.count("products", base.products),
        orders_per_sync=t.count("orders_per_sync", base.orders_per_sync, minimum=1),
        show_batches=t.boolean("show_batches", base.show_batches),
        batches=batches or base.batches,
        events=events if t.has("events") else base.events,
        connection_id=t.uuid("id"),
        access_token=t.uuid("access_token"),
    )
    t.finish()
    return spec


def parse_scenario(doc: Any, *, name: str) -> Scenario:
    top = _Table(doc, "")
    sim = _Table(top.raw("simulator") or {}, "simulator")
    description = sim.string("description", "") or ""
    rate = sim.string("rate_limit")
    rate_limit = None
    if rate is not None:
        try:
            rate_limit = parse_rate(rate)
        except ValueError:
            raise SpecError("simulator.rate_limit", "must look like 500/10s") from None
    extra = {}
    for key in ("seed", "speed"):
        value = sim.raw(key)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise SpecError(f"simulator.{key}", "must be a non-negative number")
            highest = MAX_SPEED if key == "speed" else float(2**63)
            if not value <= highest:  # also NaN and infinity
                raise SpecError(f"simulator.{key}", f"must be a number from 0 to {highest:g}")
            extra[key] = str(value)
    sim.finish()
    items = top.items("connections")
    if not items:
        raise SpecError("connections", "must list at least one connection")
    if len(items) > MAX_CONNECTIONS:
        raise SpecError("connections", f"must list at most {MAX_CONNECTIONS} connections")
    conns = tuple(parse_connection(c, f"connections[{i}]") for i, c in enumerate(items))
    top.finish()
    seen: dict[str, int] = {}
    for i, conn in enumerate(conns):
        if conn.name in seen:
            raise SpecError(
                f"connections[{i}].name", f"{conn.name!r} is already connections[{seen[conn.name]}]"
            )
        seen[conn.name] = i
    return Scenario(name, description, conns, rate_limit=rate_limit, extra=extra)


def load_file(path: Path) -> Scenario:
    label = str(path)
    try:
        # A regular file of a sane size: a FIFO or /dev/zero would block or never end.
        if path.exists() and not path.is_file():
            raise UsageError(f"{label}: not a scenario file (not a regular file)")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UsageError(f"{label}: not a scenario file (larger than {MAX_FILE_BYTES:,} bytes)")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UsageError(f"{label}: cannot read the scenario file: {reason}") from None
    try:
        doc = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise UsageError(f"{label}: not valid {kind}: {exc}") from None
    except RecursionError:  # `x = [[[[...` 100,000 deep
        raise UsageError(f"{label}: not a scenario file (nested too deeply)") from None
    try:
        return parse_scenario(doc, name=path.stem)
    except SpecError as exc:
        raise UsageError(f"{label}: {exc.where}: {exc.message}") from None


__all__ = ["SpecError", "load_file", "parse_connection", "parse_duration", "parse_scenario"]

"""The simulator's state machine: connections moving through their lifecycle on a clock.

Pure apart from the injected clock: `tick()` brings every connection up to the clock's
"now", applying scripted events and collecting the webhooks due on the way, in time order.
One re-entrant lock guards everything, since waitress calls in from several threads.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rutterctl.sim import data
from rutterctl.sim.clock import SimClock
from rutterctl.sim.faults import FaultPlan, RateLimiter
from rutterctl.sim.model import (
    DISABLED_REASONS,
    MONTH,
    SYNC_INTERVAL,
    ConnectionSpec,
    ScriptedEvent,
)
from rutterctl.sim.payloads import entities_to_time_range
from rutterctl.sim.timeline import Plan, Segment, elapsed_at, instant_of, synced_historical

DEFAULT_CLIENT_ID = "rutterctl-sim"
DEFAULT_CLIENT_SECRET = "sim-secret-not-a-real-rutter-secret"
MAX_SYNCS_PER_TICK = 500  # a big clock jump emits the data webhooks of the last 500 syncs only
EVENT_LOG_SIZE = 5000
UNHEALTHY_AFTER_PERIODS = 3  # missed sync periods before an ongoing connection is unhealthy
# GET /connections without `status`, as Rutter documents it: "all active, not_ready, and
# unhealthy connections"; needs-reauth and disabled ones only with their filter or `any`.
LISTING_GROUPS = ("active", "unhealthy", "not_ready", "needs_reauth", "disabled")
DEFAULT_LISTING = ("active", "not_ready", "unhealthy")


class SimError(Exception):
    """A control request that cannot be honoured (unknown connection, bad state)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Pause:
    kind: str  # needs_update | disabled
    reason: str | None
    since: float


@dataclass(frozen=True)
class SimEvent:
    seq: int
    at: float
    connection: str  # the connection's name
    payload: dict[str, Any]
    # How to deliver it, for `sim trigger` (signature variant, copies); None: as Rutter does.
    delivery: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def code(self) -> str:
        return str(self.payload.get("code"))


def derived_uuid(seed: int, text: str) -> str:
    key = data.key_of(seed, text)
    return str(uuid.UUID(int=(key << 64) | data.mix(key), version=4))


@dataclass
class Connection:
    spec: ConnectionSpec
    plan: Plan
    id: str
    access_token: str
    store_unique_id: str
    created_at: float
    catalog: data.Catalog
    segments: list[Segment]
    emitted: float  # sync time up to which sync events have been emitted
    updated_at: float
    pending: list[tuple[float, ScriptedEvent]] = field(default_factory=list)
    pause: Pause | None = None
    # Since when the sync has silently stopped (a stall: same stage, nothing moves, no
    # webhook), or None. Independent of `pause`: a stalled connection can also be disabled.
    stalled: float | None = None
    # A batch that failed (its index, the entities FAILED): its sync stopped there, as in a
    # stall, until `resume` (Rutter retrying it). None: nothing failed.
    failed: tuple[int, tuple[str, ...]] | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def link_url(self) -> str:
        # A reserved .invalid host: clearly not Rutter's, never resolvable.
        return f"https://link.rutter-sim.invalid/connection/{self.id}"

    def elapsed(self, t: float) -> float:
        return elapsed_at(tuple(self.segments), t)

    def instant(self, e: float) -> float | None:
        return instant_of(tuple(self.segments), e)

    def stage(self, t: float) -> str:
        if self.pause is not None:
            return "DISABLED" if self.pause.kind == "disabled" else "NEEDS_UPDATE"
        e = self.elapsed(t)
        if not self.plan.is_ready(e):
            return "INITIAL_SYNC"
        return "ONGOING_SYNC" if self.plan.history_done(e) else "HISTORICAL_SYNC"

    def listing_group(self, t: float) -> str:
        """Which of Rutter's `GET /connections?status=` groups the connection is in.

        `unhealthy` is Rutter's transient badge (it may escalate): here an ongoing connection
        whose syncs have stopped coming, its last completed sync more than three sync periods
        behind the clock (a stalled sync does that). Needs-reauth and disabled are their own
        groups; the rest are `not_ready` (initial sync) or `active`.
        """
        stage = self.stage(t)
        if stage == "DISABLED":
            return "disabled"
        if stage == "NEEDS_UPDATE":
            return "needs_reauth"
        if stage == "INITIAL_SYNC":
            return "not_ready"
        if stage == "ONGOING_SYNC":
            last = self.plan.last_sync_elapsed(self.elapsed(t))
            moment = self.instant(last) if last is not None else None
            if moment is not None and t - moment > UNHEALTHY_AFTER_PERIODS * SYNC_INTERVAL:
                return "unhealthy"
        return "active"

    def batch_to_fail(self, t: float, entity: str | None) -> tuple[int, tuple[str, ...]]:
        """The batch a failure at `t` hits (the one under way, or the next to start) and the
        entities that fail in it (`entity`, or all of the batch's); SimError if there is none."""
        if not self.spec.show_batches:
            raise SimError(f"{self.name}'s status shows no batches: none can fail", 409)
        i = self.plan.batches_completed(self.elapsed(t))
        if i >= len(self.plan.batches):
            raise SimError(f"{self.name}'s history is complete: no batch is left to fail", 409)
        entities = tuple(k for k, v in self.plan.batches[i].entities.items() if v != "AVOID")
        if entity is not None and entity not in entities:
            raise SimError(f"batch {i + 1} of {self.name} has no {entity!r}: {', '.join(entities)}")
        failing = (entity,) if entity is not None else entities
        if self.failed is not None and self.failed[0] == i:  # one more entity of the same batch
            failing = tuple(e for e in entities if e in failing or e in self.failed[1])
        return i, failing

    def order_space(self, t: float) -> data.OrderSpace:
        e = self.elapsed(t)
        synced = synced_historical(
            self.spec.orders, self.plan.coverage("orders", e), self.spec.history_months
        )
        return data.OrderSpace(
            self.catalog,
            tuple(self.segments),
            self.plan.history_end,
            self.plan.ongoing_syncs(e),
            self.spec.orders - synced,
        )

    def base_payload(self, code: str) -> dict[str, Any]:
        return {
            "type": "CONNECTION",
            "code": code,
            "connection_id": self.id,
            "access_token": self.access_token,
        }


class Simulator:
    def __init__(
        self,
        connections: Iterable[ConnectionSpec] = (),
        *,
        clock: SimClock,
        seed: int = 0,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        rate_limit: tuple[int, float] = (500, 10.0),
        retry_after: bool = True,
        faults: FaultPlan | None = None,
        on_events: Callable[[list[SimEvent]], None] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.seed = seed
        self.client_id = client_id
        self.client_secret = client_secret
        self.org_id = derived_uuid(seed, f"org:{client_id}")
        self.limiter = RateLimiter(*rate_limit, monotonic=clock.monotonic)
        self.retry_after = retry_after
        self.faults = faults or FaultPlan(seed=seed)
        self.on_events = on_events
        # Where on_events delivers webhooks (sim serve --webhook-url), or None: nowhere, which
        # `sim trigger` says rather than reporting a webhook that reached no one.
        self.webhook_url: str | None = None
        self.started = clock.now()
        self.connections: dict[str, Connection] = {}
        self._index: dict[str, Connection] = {}
        self.events: deque[SimEvent] = deque(maxlen=EVENT_LOG_SIZE)
        self._seq = 0
        for spec in connections:
            self.add(spec, initial=True)

    # -- connections ----------------------------------------------------------------------
    def add(self, spec: ConnectionSpec, *, initial: bool = False) -> Connection:
        with self.lock:
            if spec.name in self.connections:
                raise SimError(f"a connection named {spec.name!r} already exists", 409)
            now = self.clock.now()
            created = now - spec.age
            cid = spec.connection_id or derived_uuid(self.seed, f"id:{spec.name}")
            token = spec.access_token or derived_uuid(self.seed, f"token:{spec.name}")
            for value in (cid, token):
                if value in self._index:
                    raise SimError(f"id or access token {value} is already in use", 409)
            span = spec.history_months * MONTH
            conn = Connection(
                spec=spec,
                plan=Plan.of(spec),
                id=cid,
                access_token=token,
                store_unique_id=f"{spec.name}-{data.key_of(self.seed, spec.name) % 10**8:08d}",
                created_at=created,
                catalog=data.Catalog(
                    key=data.key_of(self.seed, f"data:{spec.name}"),
                    platform=spec.platform,
                    orders=spec.orders,
                    products=spec.products,
                    customers=spec.customers,
                    history_start=created - span,
                    history_end=created,
                    per_sync=max(1, spec.orders_per_sync),
                ),
                segments=[Segment(created, None, 0.0)],
                emitted=0.0,
                updated_at=created,
            )
            start = self.started if initial else now
            for event in sorted(spec.events, key=lambda ev: ev.at):
                at = start + event.at
                if at <= now:  # already so when the simulator (or the connection) started
                    when = max(created, at)
                    self._apply(conn, event.action, when, event.reason or event.entity, emit=False)
                else:
                    conn.pending.append((at, event))
            # History before this moment is the past: no webhooks for it. A connection created
            # just now fires even the webhooks of a sync that takes no time.
            conn.emitted = conn.elapsed(now) if (initial or spec.age > 0) else -1.0
            self.connections[spec.name] = conn
            self._index.update({cid: conn, token: conn, spec.name: conn})
            return conn

    def find(self, ref: str) -> Connection | None:
        """By access token, id or name."""
        with self.lock:
            return self._index.get(ref)

    def get(self, ref: str) -> Connection:
        conn = self.find(ref)
        if conn is None:
            raise SimError(f"no connection with name, id or access token {ref!r}", 404)
        return conn

    # -- time -----------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    def advance(self, seconds: float) -> list[SimEvent]:
        if seconds < 0:
            raise SimError("the simulated clock only moves forward")
        self.clock.advance(seconds)
        return self.tick()

    def set_speed(self, speed: float) -> None:
        if speed < 0:
            raise SimError("speed must be >= 0")
        self.clock.set_speed(speed)

    def tick(self) -> list[SimEvent]:
        """Bring every connection up to now; record and hand on the webhooks that came due."""
        with self.lock:
            now = self.clock.now()
            due: list[tuple[float, str, dict[str, Any]]] = []
            for conn in self.connections.values():
                while conn.pending and conn.pending[0][0] <= now:
                    at, event = conn.pending.pop(0)
                    due += self._sync_events(conn, conn.elapsed(at))
                    due += self._apply(conn, event.action, at, event.reason or event.entity)
                due += self._sync_events(conn, conn.elapsed(now))
            due.sort(key=lambda item: item[0])
            new = [self._record(at, name, payload) for at, name, payload in due]
        if new and self.on_events is not None:
            self.on_events(new)
        return new

    def _record(
        self, at: float, name: str, payload: dict[str, Any], delivery: dict[str, Any] | None = None
    ) -> SimEvent:
        self._seq += 1
        event = SimEvent(self._seq, at, name, payload, delivery)
        self.events.append(event)
        return event

    # -- lifecycle actions ----------------------------------------------------------------
    def needs_update(self, ref: str, delivery: dict[str, Any] | None = None) -> list[SimEvent]:
        return self._act(ref, "needs_update", None, delivery)

    def disable(
        self,
        ref: str,
        reason: str = "UNKNOWN",
        *,
        allow_unknown: bool = False,
        delivery: dict[str, Any] | None = None,
    ) -> list[SimEvent]:
        if reason not in DISABLED_REASONS and not allow_unknown:
            raise SimError(
                f"unknown disabled reason {reason!r}; one of: {', '.join(DISABLED_REASONS)}"
            )
        return self._act(ref, "disable", reason, delivery)

    def reconnect(self, ref: str, delivery: dict[str, Any] | None = None) -> list[SimEvent]:
        conn = self.get(ref)
        if conn.pause is None:
            raise SimError(f"{conn.name} is neither disabled nor waiting for an update", 409)
        return self._act(ref, "reconnect", None, delivery)

    def emit(
        self, ref: str, payload: dict[str, Any], delivery: dict[str, Any] | None = None
    ) -> list[SimEvent]:
        """A webhook no state change caused (`sim trigger`): recorded and handed on."""
        self.tick()
        with self.lock:
            conn = self.get(ref)
            new = [self._record(self.clock.now(), conn.name, payload, delivery)]
        if self.on_events is not None:
            self.on_events(new)
        return new

    def _act(
        self, ref: str, action: str, reason: str | None, delivery: dict[str, Any] | None = None
    ) -> list[SimEvent]:
        self.tick()
        with self.lock:
            conn = self.get(ref)
            now = self.clock.now()
            due = self._apply(conn, action, now, reason)
            new = [self._record(at, name, payload, delivery) for at, name, payload in due]
        if new and self.on_events is not None:
            self.on_events(new)
        return new

    def stall(self, ref: str) -> list[SimEvent]:
        return self._act(ref, "stall", None)

    def resume(self, ref: str) -> list[SimEvent]:
        return self._act(ref, "resume", None)

    def fail_batch(self, ref: str, entity: str | None = None) -> list[SimEvent]:
        """The batch under way fails (`entity`, or all its entities, FAILED) and the sync stops
        there without a webhook; `resume` retries it. SimError when no batch is left."""
        self.tick()
        with self.lock:
            self.get(ref).batch_to_fail(self.clock.now(), entity)  # refused before any change
        return self._act(ref, "fail_batch", entity)

    def _apply(
        self, conn: Connection, action: str, at: float, reason: str | None, *, emit: bool = True
    ) -> list[tuple[float, str, dict[str, Any]]]:
        if action == "fail_batch":
            try:
                conn.failed = conn.batch_to_fail(at, reason)
            except SimError:
                return []  # a scripted failure when no batch is left: nothing to fail
            action = "stall"  # a failed batch stops the sync where it is
        if action in ("stall", "resume"):
            if action == "resume":
                conn.failed = None  # Rutter retries the batch
            self._stall(conn, at, action == "stall")
            return []  # Rutter announces no stall: the status document just stops moving
        if action == "reconnect":
            if conn.pause is None:
                return []
            conn.pause = None
            if conn.stalled is None:
                conn.segments.append(Segment(at, None, conn.elapsed(at)))
            payload = conn.base_payload("CONNECTION_UPDATED")
            payload["store_unique_id"] = conn.store_unique_id
        else:
            kind = "disabled" if action == "disable" else "needs_update"
            if conn.pause is not None and conn.pause.kind == kind and conn.pause.reason == reason:
                return []
            if conn.pause is None and conn.stalled is None:
                last = conn.segments[-1]
                conn.segments[-1] = Segment(last.start, at, last.elapsed_at_start)
            conn.pause = Pause(kind, reason if kind == "disabled" else None, at)
            if kind == "disabled":
                payload = conn.base_payload("CONNECTION_DISABLED")
            else:
                payload = conn.base_payload("CONNECTION_NEEDS_UPDATE")
                payload["update_url"] = conn.link_url
        conn.updated_at = at
        return [(at, conn.name, payload)] if emit else []

    @staticmethod
    def _stall(conn: Connection, at: float, stall: bool) -> None:
        """Stop or restart the connection's sync clock without changing its stage."""
        if stall == (conn.stalled is not None):
            return
        conn.stalled = at if stall else None
        if conn.pause is not None:
            return  # the clock already stands still (or stays still) for the pause
        if stall:
            last = conn.segments[-1]
            conn.segments[-1] = Segment(last.start, at, last.elapsed_at_start)
        else:
            conn.segments.append(Segment(at, None, conn.elapsed(at)))

    # -- sync events ----------------------------------------------------------------------
    def _sync_events(
        self, conn: Connection, upto: float
    ) -> list[tuple[float, str, dict[str, Any]]]:
        start, plan = conn.emitted, conn.plan
        if upto <= start:
            return []
        conn.emitted = upto
        out: list[tuple[float, str, dict[str, Any]]] = []

        def at(e: float) -> float:
            moment = conn.instant(e)
            return moment if moment is not None else self.clock.now()

        for i, end in enumerate(plan.ends):
            if start < end <= upto:
                codes = ["INITIAL_UPDATE"] if i == 0 else []
                if i > 0 or len(plan.ends) == 1:
                    codes.append("HISTORICAL_UPDATE")
                for code in codes:
                    payload = conn.base_payload(code)
                    if code == "HISTORICAL_UPDATE":
                        batch = plan.batches[i]
                        payload["entities_included_to_time_range"] = entities_to_time_range(
                            batch.entities, batch.months, conn.spec.history_months
                        )
                    out.append((at(end), conn.name, payload))
        first, last = plan.ongoing_syncs(start) + 1, plan.ongoing_syncs(upto)
        first = max(first, last - MAX_SYNCS_PER_TICK + 1)
        for k in range(first, last + 1):
            moment = at(plan.sync_elapsed(k))
            out += [(moment, conn.name, p) for p in self._data_payloads(conn, k)]
        return out

    def _data_payloads(self, conn: Connection, k: int) -> list[dict[str, Any]]:
        """The data webhooks of ongoing sync `k`: new orders, one fulfilled, product changes."""
        cat = conn.catalog
        space = data.OrderSpace(cat, tuple(conn.segments), conn.plan.history_end, k, 0)
        out = []
        per = cat.per_sync
        for j in range((k - 1) * per, k * per):
            out.append(
                self._data(conn, "ORDER", "ORDER_CREATED", order=space.order(cat.orders + j))
            )
        if k >= 2:
            out.append(
                self._data(
                    conn, "ORDER", "ORDER_UPDATED", order=space.order(cat.orders + (k - 2) * per)
                )
            )
        moment = space.sync_time(k)
        if k % 3 == 0:
            product = data.product_stub(cat, cat.products + k // 3 - 1, moment)
            out.append(self._data(conn, "PRODUCT", "PRODUCT_CREATED", product=product))
        elif k % 3 == 1 and cat.products:
            index = data.mix(cat.key ^ k) % cat.products
            product = data.product_stub(cat, index, moment)
            out.append(self._data(conn, "PRODUCT", "PRODUCT_UPDATED", product=product))
        return out

    @staticmethod
    def _data(conn: Connection, kind: str, code: str, **body: Any) -> dict[str, Any]:
        payload = conn.base_payload(code)
        payload["type"] = kind
        payload.update(body)
        return payload

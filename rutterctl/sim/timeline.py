"""Pure lifecycle arithmetic of one connection, as a function of its *sync time*.

Sync time is the simulated time a connection has spent syncing: it stops while the connection
needs an update or is disabled, which is why reconnecting returns it to the stage it was in.
`Segment`s map sync time to simulated instants and back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rutterctl.sim.model import MONTH, SYNC_INTERVAL, BatchSpec, ConnectionSpec

NOT_STARTED, IN_PROGRESS, COMPLETED = "NOT_STARTED", "IN_PROGRESS", "COMPLETED"


@dataclass(frozen=True)
class Segment:
    """A stretch of simulated time during which the connection was syncing."""

    start: float
    end: float | None  # None: still syncing
    elapsed_at_start: float


def elapsed_at(segments: tuple[Segment, ...], t: float) -> float:
    total = 0.0
    for seg in segments:
        if t <= seg.start:
            break
        stop = t if seg.end is None else min(t, seg.end)
        total = seg.elapsed_at_start + (stop - seg.start)
    return total


def instant_of(segments: tuple[Segment, ...], e: float) -> float | None:
    """The simulated instant at which sync time reached `e`, if it has been or will be."""
    for seg in segments:
        length = math.inf if seg.end is None else seg.end - seg.start
        if e <= seg.elapsed_at_start + length:
            return seg.start + max(0.0, e - seg.elapsed_at_start)
    return None  # paused before reaching it: when it will happen is not known yet


@dataclass(frozen=True)
class Plan:
    """The batch schedule of a connection, on its sync-time axis."""

    spec: ConnectionSpec
    batches: tuple[BatchSpec, ...]
    starts: tuple[float, ...]
    ends: tuple[float, ...]

    @classmethod
    def of(cls, spec: ConnectionSpec) -> Plan:
        batches = spec.effective_batches()
        starts, ends, t = [], [], 0.0
        for batch in batches:
            starts.append(t)
            t += batch.duration
            ends.append(t)
        return cls(spec, batches, tuple(starts), tuple(ends))

    @property
    def history_end(self) -> float:
        return self.ends[-1]

    def is_ready(self, e: float) -> bool:
        return e >= self.ends[0]

    def history_done(self, e: float) -> bool:
        return e >= self.history_end

    def batches_completed(self, e: float) -> int:
        return sum(1 for end in self.ends if e >= end)

    def batch_status(self, i: int, e: float) -> str:
        if e >= self.ends[i]:
            return COMPLETED
        return IN_PROGRESS if e >= self.starts[i] else NOT_STARTED

    def fraction(self, i: int, e: float) -> float:
        duration = self.ends[i] - self.starts[i]
        if duration <= 0:
            return 1.0 if e >= self.ends[i] else 0.0
        return min(1.0, max(0.0, (e - self.starts[i]) / duration))

    def ongoing_syncs(self, e: float) -> int:
        """Ongoing syncs completed by sync time `e` (the first one 10 minutes after history)."""
        if e < self.history_end:
            return 0
        return int((e - self.history_end) // SYNC_INTERVAL)

    def sync_elapsed(self, k: int) -> float:
        """Sync time at which ongoing sync `k` (1-based) completes; 0 is history's end."""
        return self.history_end + k * SYNC_INTERVAL

    def last_sync_elapsed(self, e: float) -> float | None:
        """Sync time of the latest completed sync (a batch or an ongoing one), if any."""
        if self.history_done(e):
            return self.sync_elapsed(self.ongoing_syncs(e))
        done = self.batches_completed(e)
        return self.ends[done - 1] if done else None

    # -- coverage of one entity, in months back from the connection's creation ------------
    def covers(self, i: int, entity: str) -> bool:
        key = "orders" if entity == "transactions" else entity
        return self.batches[i].entities.get(key, "AVOID") != "AVOID"

    def _months(self, i: int) -> float:
        months = self.batches[i].months
        history = self.spec.history_months
        return history if months is None else min(months, history)

    def coverage(self, entity: str, e: float, *, before: int | None = None) -> float | None:
        """Months of `entity` synced at sync time `e` (None: no batch with it has started).

        With `before`, only the batches before that index count (what a batch starts from).
        """
        covered: float | None = None
        for i in range(len(self.batches) if before is None else before):
            if not self.covers(i, entity) or e < self.starts[i]:
                continue
            prev = covered or 0.0
            target = max(prev, self._months(i))
            if e >= self.ends[i]:
                covered = target
            else:
                covered = prev + self.fraction(i, e) * (target - prev)
                break
        return covered

    def entity_ready(self, entity: str, e: float) -> bool:
        return any(self.covers(i, entity) and e >= end for i, end in enumerate(self.ends))

    def history_span(self) -> float:
        return self.spec.history_months * MONTH


def synced_historical(total: int, covered_months: float | None, history_months: float) -> int:
    """How many of `total` records spread evenly over the history fall in the covered months."""
    if not covered_months or history_months <= 0:
        return 0
    share = min(1.0, covered_months / history_months)
    return min(total, int(total * share + 1e-9))

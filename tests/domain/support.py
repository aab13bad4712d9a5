"""Domain objects for domain tests, built without the wire layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rutterctl.domain.models import (
    ConnectionStatus,
    ConnectionSummary,
    StoreInfo,
    Timestamp,
)
from rutterctl.domain.resolve import ResolvedConnection
from rutterctl.errors import ApiError

from tests import builders


def connection_status(**overrides: Any) -> ConnectionStatus:
    base = ConnectionStatus(
        connection_id=builders.CONNECTION_ID,
        org_id=builders.ORG_ID,
        platform="SHOPIFY",
        is_ready=True,
        link_url=builders.LINK_URL,
        created_at=Timestamp.parse("2026-11-28T09:00:00Z"),
        last_sync_completed_at=Timestamp.parse("2026-11-28T11:55:00Z"),
        needs_update=False,
        is_disabled=False,
        disabled_reason=None,
        historical_sync_completed=True,
    )
    return base._replace(**overrides)


def summary(connection_id: str, token: str) -> ConnectionSummary:
    never = Timestamp(None, None)
    return ConnectionSummary(connection_id, token, None, "SHOPIFY", never, never)


@dataclass
class FakeGateway:
    """The domain's RutterGateway, in memory, recording every call."""

    connections: list[ConnectionSummary] = field(default_factory=list)
    status: ConnectionStatus = field(default_factory=connection_status)
    store: StoreInfo | ApiError | None = None
    calls: list[tuple[str, str | None]] = field(default_factory=list)

    def list_connections(self, status: str | None = None) -> list[ConnectionSummary]:
        self.calls.append(("list_connections", status))
        return list(self.connections)

    def connection_status(self, access_token: str) -> ConnectionStatus:
        self.calls.append(("connection_status", access_token))
        return self.status

    def store_info(self, access_token: str) -> StoreInfo | None:
        self.calls.append(("store_info", access_token))
        if isinstance(self.store, ApiError):
            raise self.store
        return self.store


@dataclass
class MemoryCache:
    entries: list[ResolvedConnection] = field(default_factory=list)
    replaced: int = 0

    def find(self, name: str) -> ResolvedConnection | None:
        for entry in self.entries:
            if name in (entry.connection_id, entry.access_token):
                return entry
        return None

    def replace(self, connections: list[ConnectionSummary]) -> None:
        self.replaced += 1
        self.entries = [ResolvedConnection(c.id, c.access_token) for c in connections]

    def remember(self, resolved: ResolvedConnection) -> None:
        self.entries.append(resolved)

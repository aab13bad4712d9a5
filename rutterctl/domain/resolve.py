"""Naming a connection: an access token or a connection id, resolved to an access token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from rutterctl.domain.models import ConnectionSummary
from rutterctl.domain.ports import RutterGateway
from rutterctl.errors import ConnectionNotFound, UsageError


@dataclass(frozen=True)
class ResolvedConnection:
    connection_id: str
    access_token: str


class ConnectionCache(Protocol):
    """Remembers id -> access token so that naming a connection usually costs no request."""

    def find(self, name: str) -> ResolvedConnection | None: ...

    def replace(self, connections: list[ConnectionSummary]) -> None: ...


def resolve_connection(
    name: str, gateway: RutterGateway, cache: ConnectionCache
) -> ResolvedConnection:
    """Resolve an id or access token, from the cache first and from `GET /connections` on a miss.

    Ids and access tokens are both UUIDs, so the listing is the only way to tell them apart.
    """
    name = name.strip()
    if not name:
        raise UsageError("CONNECTION is empty", hint="pass a connection id or an access token")
    cached = cache.find(name)
    if cached is not None:
        return cached
    connections = gateway.list_connections()
    cache.replace(connections)
    for connection in connections:
        if name in (connection.id, connection.access_token):
            return ResolvedConnection(connection.id, connection.access_token)
    raise ConnectionNotFound(
        "no connection with this id or access token in the organisation",
        hint="check the value, and that RUTTER_BASE_URL / the environment is the one it lives in",
    )

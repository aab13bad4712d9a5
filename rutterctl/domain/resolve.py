"""Naming a connection: an id, an access token or a store domain, resolved to an access token.

Rutter's `GET /connections` leaves needs-reauth and disabled connections out unless asked for
`status=any`, and a token created a moment ago may not be listed yet; both are exactly the
connections a support engineer is asked about, so resolution asks for every connection and
falls back to trying a UUID as an access token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from rutterctl.domain.ids import looks_like_uuid
from rutterctl.domain.models import ConnectionSummary, StoreInfo
from rutterctl.errors import ApiError, ConnectionNotFound, CredentialsRejected, UsageError
from rutterctl.secrets import mask

if TYPE_CHECKING:  # types only: a Protocol class costs to create
    from rutterctl.domain.ports import RutterGateway

# A store domain (acme.myshopify.com) or its first label (the shop handle support tickets
# quote, `acme`): letters, digits, dots and dashes. Compiled by `re` when first used: naming a
# connection by its id needs none.
_DOMAIN = r"[A-Za-z0-9][A-Za-z0-9.-]*"
# How many candidates an ambiguous domain lists in its error line.
_SHOWN_CANDIDATES = 5
# What a platform without a store endpoint answers `GET /connections/access_token`: it has no
# store name or domain, cached like any other store so that the next command does not ask.
NO_STORE_ENDPOINT = (404, 410)


def not_found_hint(name: str) -> str:
    """What to do when `name` names no connection: `connections find` with the name typed (it
    searches parts of store names, which an exact domain lookup does not); never with a UUID,
    which may be an access token, a secret."""
    import shlex  # only for this hint

    text = "TEXT" if looks_like_uuid(name) else shlex.quote(name)
    return (
        "check the value, and that RUTTER_BASE_URL / the environment is the one it lives in; "
        f"`rutterctl connections find {text}` searches store names and domains"
    )


@dataclass(frozen=True)
class ResolvedConnection:
    """A CONNECTION argument resolved: the connection's id and access token."""

    connection_id: str
    access_token: str
    # Taken from the cache rather than from Rutter just now: the token may have been rotated.
    from_cache: bool = field(default=False, compare=False)


class ConnectionCache(Protocol):
    """Remembers id -> access token so that naming a connection usually costs no request."""

    def find(self, name: str) -> ResolvedConnection | None: ...

    def replace(self, connections: list[ConnectionSummary]) -> None: ...

    def remember(self, resolved: ResolvedConnection) -> None: ...


class StoreCache(Protocol):
    """Store name and domain per connection id, for names taken from a ticket."""

    def fresh(self) -> dict[str, StoreInfo]: ...

    def fresh_one(self, connection_id: str) -> StoreInfo | None: ...

    def update(self, infos: dict[str, StoreInfo]) -> None: ...


# Reads the store of each given connection (concurrently, under the pacing budget); a
# connection whose store cannot be read is left out of the answer.
StoreReader = Callable[[list[ConnectionSummary]], dict[str, StoreInfo]]


def list_every_connection(gateway: RutterGateway) -> list[ConnectionSummary]:
    """`GET /connections?status=any`; an older API that refuses the parameter with a 400 is
    asked once more without it (and then lists what its default holds)."""
    try:
        return gateway.list_connections("any")
    except ApiError as exc:
        if type(exc) is not ApiError or exc.status != 400:
            raise
        return gateway.list_connections(None)


def resolve_connection(
    name: str,
    gateway: RutterGateway,
    cache: ConnectionCache,
    *,
    stores: StoreCache | None = None,
    read_stores: StoreReader | None = None,
) -> ResolvedConnection:
    """Resolve an id, an access token or a store domain.

    An id or a token: the cache first, then the full listing; a UUID no listing holds is tried
    as an access token with one status request. A domain (or its first label): the fresh store
    cache first, then the listing and the stores not cached yet.
    """
    name = name.strip()
    if not name:
        raise UsageError("CONNECTION is empty", hint="pass a connection id or an access token")
    cached = cache.find(name)
    if cached is not None:
        return replace(cached, from_cache=True)
    uuid_like = looks_like_uuid(name)
    if not uuid_like and stores is not None and re.fullmatch(_DOMAIN, name):
        hit = _unique_domain(name, stores.fresh(), final=False)
        if hit is not None:
            found = cache.find(hit)
            if found is not None:
                return replace(found, from_cache=True)
    connections = list_every_connection(gateway)
    cache.replace(connections)
    for connection in connections:
        if name in (connection.id, connection.access_token):
            return ResolvedConnection(connection.id, connection.access_token)
    if uuid_like:
        return _as_access_token(name, gateway, cache)
    if stores is not None and read_stores is not None and re.fullmatch(_DOMAIN, name):
        infos = stores_of(connections, stores, read_stores)
        hit = _unique_domain(name, infos, final=True)
        for connection in connections:
            if connection.id == hit:
                return ResolvedConnection(connection.id, connection.access_token)
    raise ConnectionNotFound(
        "no connection with this id, access token or store domain in the organisation",
        hint=not_found_hint(name),
    )


def stores_of(
    connections: list[ConnectionSummary], stores: StoreCache, read_stores: StoreReader
) -> dict[str, StoreInfo]:
    """The store of every connection: fresh cache entries, and one read for each of the rest."""
    known = stores.fresh()
    missing = [c for c in connections if c.id not in known]
    if missing:
        read = read_stores(missing)
        stores.update(read)
        known = {**known, **read}
    return {c.id: known[c.id] for c in connections if c.id in known}


def _as_access_token(
    name: str, gateway: RutterGateway, cache: ConnectionCache
) -> ResolvedConnection:
    try:
        status = gateway.connection_status(name)
    except CredentialsRejected:
        raise ConnectionNotFound(
            # Named (masked: it may be a token of another environment) so that a command given
            # several CONNECTIONs says which one.
            f"no connection with this id ({mask(name)}) in the organisation (all connections "
            "listed), and Rutter does not accept it as an access token",
            hint=not_found_hint(name),
        ) from None
    resolved = ResolvedConnection(status.connection_id or name, name)
    cache.remember(resolved)
    return resolved


def domain_matches(name: str, info: StoreInfo) -> bool:
    """`acme.myshopify.com` matches its store; so does `acme`, its first label (the handle)."""
    domain = (info.store_domain or "").strip().lower().rstrip(".")
    wanted = name.lower().rstrip(".")
    return bool(domain) and (wanted == domain or wanted == domain.split(".", 1)[0])


def _unique_domain(name: str, infos: dict[str, StoreInfo], *, final: bool) -> str | None:
    """The one connection id whose store domain matches; several are exit 3 listing them
    (only once every store is known: a cache may hold just some of them)."""
    hits = [cid for cid, info in infos.items() if domain_matches(name, info)]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1 and final:
        raise ConnectionNotFound(
            f"{len(hits)} connections have the store domain {name!r}: "
            + ", ".join(_candidates(hits, infos)),
            hint="name one of them by its connection id",
        )
    return None


def _candidates(ids: Iterable[str], infos: dict[str, StoreInfo]) -> list[str]:
    ordered = sorted(ids)
    shown = [f"{cid} ({infos[cid].store_domain})" for cid in ordered[:_SHOWN_CANDIDATES]]
    if len(ordered) > _SHOWN_CANDIDATES:
        shown.append(f"and {len(ordered) - _SHOWN_CANDIDATES} more")
    return shown

"""Resolving a CONNECTION argument: the cache, the full listing, the access-token fallback, and
store domains."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from rutterctl.domain.models import ConnectionStatus, ConnectionSummary, StoreInfo
from rutterctl.domain.resolve import (
    ResolvedConnection,
    domain_matches,
    list_every_connection,
    resolve_connection,
)
from rutterctl.errors import ApiError, ConnectionNotFound, CredentialsRejected, UsageError
from rutterctl.exits import ExitCode, exit_code_for

from tests import builders
from tests.domain.support import FakeGateway, MemoryCache, connection_status, summary

ID, TOKEN = builders.CONNECTION_ID, builders.ACCESS_TOKEN
OTHER = summary("other-id-0000", "other-token-0000")
RESOLVED = ResolvedConnection(ID, TOKEN)
UNLISTED = "9b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d"


@dataclass
class Rutter(FakeGateway):
    """A gateway whose listing may refuse `status`, and whose status endpoint knows tokens that
    no listing holds."""

    refuses_status: bool = False
    tokens: dict[str, ConnectionStatus] = field(default_factory=dict)

    def list_connections(self, status: str | None = None) -> list[ConnectionSummary]:
        self.calls.append(("list_connections", status))
        if status is not None and self.refuses_status:
            raise ApiError("bad status", status=400, error_code="INVALID_PARAMETER")
        return list(self.connections)

    def connection_status(self, access_token: str) -> ConnectionStatus:
        self.calls.append(("connection_status", access_token))
        if access_token not in self.tokens:
            raise CredentialsRejected("bad token", status=401, error_code="INVALID_CREDENTIALS")
        return self.tokens[access_token]


@dataclass
class Stores:
    entries: dict[str, StoreInfo] = field(default_factory=dict)
    updates: int = 0

    def fresh(self) -> dict[str, StoreInfo]:
        return dict(self.entries)

    def fresh_one(self, connection_id: str) -> StoreInfo | None:
        return self.entries.get(connection_id)

    def update(self, infos: dict[str, StoreInfo]) -> None:
        self.updates += 1
        self.entries.update(infos)


def store(domain: str) -> StoreInfo:
    return StoreInfo(f"Store {domain}", domain, None)


@pytest.mark.parametrize("name", [ID, TOKEN, f"  {ID}\n"])
def test_cache_hit_by_id_or_token_sends_no_request(name: str) -> None:
    gateway = FakeGateway()
    cache = MemoryCache([RESOLVED])
    assert resolve_connection(name, gateway, cache) == RESOLVED
    assert gateway.calls == []
    assert cache.replaced == 0


@pytest.mark.parametrize("name", [ID, TOKEN])
def test_a_miss_lists_every_connection_and_caches_them(name: str) -> None:
    gateway = FakeGateway(connections=[OTHER, summary(ID, TOKEN)])
    cache = MemoryCache()
    assert resolve_connection(name, gateway, cache) == RESOLVED
    # status=any: Rutter's default listing leaves out disabled and needs-reauth connections.
    assert gateway.calls == [("list_connections", "any")]
    assert cache.entries == [ResolvedConnection("other-id-0000", "other-token-0000"), RESOLVED]
    assert resolve_connection("other-id-0000", gateway, cache).access_token == "other-token-0000"
    assert gateway.calls == [("list_connections", "any")]


def test_an_api_that_refuses_the_status_filter_is_asked_once_more_without_it() -> None:
    gateway = Rutter(connections=[summary(ID, TOKEN)], refuses_status=True)
    assert resolve_connection(ID, gateway, MemoryCache()) == RESOLVED
    assert gateway.calls == [("list_connections", "any"), ("list_connections", None)]


def test_other_listing_errors_are_not_retried_without_the_filter() -> None:
    class Down(FakeGateway):
        def list_connections(self, status: str | None = None) -> list[ConnectionSummary]:
            self.calls.append(("list_connections", status))
            raise CredentialsRejected("no", status=400, error_code="INVALID_CREDENTIALS")

    gateway = Down()
    with pytest.raises(CredentialsRejected):
        list_every_connection(gateway)
    assert gateway.calls == [("list_connections", "any")]


def test_a_uuid_no_listing_holds_is_tried_as_an_access_token() -> None:
    doc = connection_status(connection_id="id-of-the-unlisted-one")
    gateway = Rutter(connections=[OTHER], tokens={UNLISTED: doc})
    cache = MemoryCache()
    resolved = resolve_connection(UNLISTED, gateway, cache)
    assert resolved == ResolvedConnection("id-of-the-unlisted-one", UNLISTED)
    assert gateway.calls == [("list_connections", "any"), ("connection_status", UNLISTED)]
    # Remembered: the next command finds it without asking again.
    assert cache.find(UNLISTED) == resolved


def test_an_unknown_uuid_is_not_found_saying_both_were_tried() -> None:
    gateway = Rutter(connections=[OTHER])
    with pytest.raises(ConnectionNotFound) as caught:
        resolve_connection(UNLISTED, gateway, MemoryCache())
    assert exit_code_for(caught.value) is ExitCode.API_ERROR
    assert "all connections listed" in caught.value.message
    assert "access token" in caught.value.message
    assert gateway.calls == [("list_connections", "any"), ("connection_status", UNLISTED)]


def test_a_name_that_is_not_a_uuid_is_never_sent_as_a_token() -> None:
    gateway = Rutter(connections=[OTHER])
    with pytest.raises(ConnectionNotFound):
        resolve_connection("no-such-connection", gateway, MemoryCache())
    assert gateway.calls == [("list_connections", "any")]


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_a_usage_error(name: str) -> None:
    gateway = FakeGateway()
    with pytest.raises(UsageError):
        resolve_connection(name, gateway, MemoryCache())
    assert gateway.calls == []


@pytest.mark.parametrize(
    ("name", "domain", "expected"),
    [
        ("acme.myshopify.com", "acme.myshopify.com", True),
        ("ACME.MyShopify.com.", "acme.myshopify.com", True),
        ("acme", "acme.myshopify.com", True),  # the shop handle
        ("acm", "acme.myshopify.com", False),
        ("myshopify.com", "acme.myshopify.com", False),
        ("acme", None, False),
    ],
)
def test_domain_matching(name: str, domain: str | None, expected: bool) -> None:
    assert domain_matches(name, StoreInfo(None, domain, None)) is expected


def test_a_store_domain_reads_the_stores_once_then_costs_nothing() -> None:
    gateway = FakeGateway(connections=[OTHER, summary(ID, TOKEN)])
    cache, stores = MemoryCache(), Stores()
    reads: list[list[str]] = []

    def read(connections: list[ConnectionSummary]) -> dict[str, StoreInfo]:
        reads.append([c.id for c in connections])
        return {ID: store("acme.example.com"), "other-id-0000": store("globex.example.com")}

    assert resolve_connection("acme", gateway, cache, stores=stores, read_stores=read) == RESOLVED
    assert reads == [["other-id-0000", ID]]
    assert gateway.calls == [("list_connections", "any")]
    again = resolve_connection("acme.example.com", gateway, cache, stores=stores, read_stores=read)
    assert again == RESOLVED
    assert reads == [["other-id-0000", ID]] and gateway.calls == [("list_connections", "any")]


def test_a_domain_of_several_connections_is_exit_3_listing_them() -> None:
    gateway = FakeGateway(connections=[OTHER, summary(ID, TOKEN)])

    def read(connections: list[ConnectionSummary]) -> dict[str, StoreInfo]:
        return {c.id: store("acme.example.com") for c in connections}

    with pytest.raises(ConnectionNotFound) as caught:
        resolve_connection("acme", gateway, MemoryCache(), stores=Stores(), read_stores=read)
    assert exit_code_for(caught.value) is ExitCode.API_ERROR
    assert "2 connections" in caught.value.message
    assert ID in caught.value.message and "other-id-0000" in caught.value.message


def test_a_domain_no_store_has_is_not_found() -> None:
    gateway = FakeGateway(connections=[summary(ID, TOKEN)])
    read_calls = []

    def read(connections: list[ConnectionSummary]) -> dict[str, StoreInfo]:
        read_calls.append(len(connections))
        return {ID: store("acme.example.com")}

    with pytest.raises(ConnectionNotFound) as caught:
        resolve_connection("globex", gateway, MemoryCache(), stores=Stores(), read_stores=read)
    assert "store domain" in caught.value.message
    assert read_calls == [1]

"""Resolving a CONNECTION argument: the cache first, GET /connections on a miss."""

from __future__ import annotations

import pytest
from rutterctl.domain.resolve import ResolvedConnection, resolve_connection
from rutterctl.errors import ConnectionNotFound, UsageError
from rutterctl.exits import ExitCode, exit_code_for

from tests import builders
from tests.domain.support import FakeGateway, MemoryCache, summary

ID, TOKEN = builders.CONNECTION_ID, builders.ACCESS_TOKEN
OTHER = summary("other-id-0000", "other-token-0000")
RESOLVED = ResolvedConnection(ID, TOKEN)


@pytest.mark.parametrize("name", [ID, TOKEN, f"  {ID}\n"])
def test_cache_hit_by_id_or_token_sends_no_request(name: str) -> None:
    gateway = FakeGateway()
    cache = MemoryCache([RESOLVED])
    assert resolve_connection(name, gateway, cache) == RESOLVED
    assert gateway.calls == []
    assert cache.replaced == 0


@pytest.mark.parametrize("name", [ID, TOKEN])
def test_cache_miss_lists_connections_and_caches_them(name: str) -> None:
    gateway = FakeGateway(connections=[OTHER, summary(ID, TOKEN)])
    cache = MemoryCache()
    assert resolve_connection(name, gateway, cache) == RESOLVED
    assert gateway.calls == [("list_connections", None)]
    assert cache.entries == [ResolvedConnection("other-id-0000", "other-token-0000"), RESOLVED]
    # The next lookup of either connection costs no request.
    assert resolve_connection("other-id-0000", gateway, cache).access_token == "other-token-0000"
    assert gateway.calls == [("list_connections", None)]


def test_a_stale_cache_entry_is_refreshed_from_the_listing() -> None:
    gateway = FakeGateway(connections=[summary(ID, TOKEN)])
    cache = MemoryCache([ResolvedConnection("gone-id", "gone-token")])
    assert resolve_connection(ID, gateway, cache) == RESOLVED
    assert cache.entries == [RESOLVED]


def test_not_found_is_connection_not_found_after_refreshing() -> None:
    gateway = FakeGateway(connections=[OTHER])
    cache = MemoryCache()
    with pytest.raises(ConnectionNotFound) as caught:
        resolve_connection("no-such-connection", gateway, cache)
    assert exit_code_for(caught.value) is ExitCode.API_ERROR
    assert gateway.calls == [("list_connections", None)]
    assert cache.replaced == 1


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_a_usage_error(name: str) -> None:
    gateway = FakeGateway()
    with pytest.raises(UsageError):
        resolve_connection(name, gateway, MemoryCache())
    assert gateway.calls == []

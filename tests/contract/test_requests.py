"""Requests the client builds use only the spec's paths and query parameters."""

from __future__ import annotations

import httpx
import pytest

from tests import builders, spec
from tests.api.support import make_client
from tests.fakes import invoke

# FACTS.md: newer Rutter docs add an optional `status` filter to GET /connections that the
# 2023-03-14 extract lacks. It is a documented extension, allowed here explicitly and only here.
DOCUMENTED_EXTENSIONS: dict[str, dict[str, set[str]]] = {
    "/connections": {
        "status": {"active", "unhealthy", "not_ready", "needs_reauth", "disabled", "any"}
    },
}


def check_request(request: httpx.Request) -> str:
    """Assert the request is a spec GET with spec parameters; return its spec path."""
    assert request.method == "GET"
    assert request.url.path.startswith("/versioned/")
    path = request.url.path.removeprefix("/versioned")
    assert path in spec.spec()["paths"], f"{path} is not a path of the spec"
    query = dict(request.url.params)
    assert len(query) == len(request.url.params.multi_items()), "a parameter is repeated"
    for name, allowed in DOCUMENTED_EXTENSIONS.get(path, {}).items():
        if name in query:
            assert query[name] in allowed, f"{name}={query[name]!r} is not documented"
            del query[name]
    spec.validate_query(path, query)
    params = spec.query_parameters(path)
    for name, value in query.items():
        if params[name]["schema"].get("type") == "integer":
            assert value.isdigit(), f"{name}={value!r} is not an integer"
    return path


def test_the_extension_is_really_missing_from_the_extract() -> None:
    # If a refreshed extract documents the filter, drop it from DOCUMENTED_EXTENSIONS.
    assert "status" not in spec.query_parameters("/connections")


def test_gateway_requests_match_the_spec() -> None:
    rutter = builders.fake_rutter()
    gateway = make_client(rutter).gateway
    gateway.list_connections()
    gateway.connection_status(builders.ACCESS_TOKEN)
    gateway.store_info(builders.ACCESS_TOKEN)
    paths = [check_request(request) for request in rutter.requests]
    assert paths == ["/connections", "/connections/status", "/connections/access_token"]
    assert dict(rutter.requests[0].url.params) == {}
    for request in rutter.requests[1:]:
        assert dict(request.url.params) == {"access_token": builders.ACCESS_TOKEN}


@pytest.mark.parametrize("status", ["disabled", "needs_reauth", "any"])
def test_the_connections_status_filter_is_sent_as_documented(status: str) -> None:
    rutter = builders.fake_rutter()
    make_client(rutter).gateway.list_connections(status=status)
    (request,) = rutter.requests
    assert check_request(request) == "/connections"
    assert dict(request.url.params) == {"status": status}


def test_an_undocumented_parameter_would_be_caught() -> None:
    request = httpx.Request(
        "GET",
        "https://sandbox.rutterapi.com/versioned/connections/status",
        params={"access_token": builders.ACCESS_TOKEN, "verbose": "1"},
    )
    with pytest.raises(AssertionError, match="not in the spec"):
        check_request(request)
    missing = httpx.Request("GET", "https://sandbox.rutterapi.com/versioned/connections/status")
    with pytest.raises(AssertionError, match="required parameters missing"):
        check_request(missing)


def test_requests_of_the_status_command_match_the_spec() -> None:
    rutter = builders.fake_rutter()
    result = invoke(["status", builders.CONNECTION_ID], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert [check_request(r) for r in rutter.requests] == [
        "/connections",
        "/connections/status",
        "/connections/access_token",
    ]


@pytest.mark.parametrize("entity", ["orders", "transactions"])
def test_data_page_requests_match_the_spec(entity: str) -> None:
    from rutterctl.api.pages import HttpPages, PageQuery

    docs = {"orders": builders.orders_doc(), "transactions": builders.transactions_doc()}
    rutter = builders.fake_rutter(**{entity: builders.respond(200, docs[entity])})
    client = make_client(rutter).client
    filters = {"created_at_min": 1764000000000, "updated_at_max": 1764300000000}
    query = PageQuery(entity, builders.ACCESS_TOKEN, force=True, filters=filters)
    pages = HttpPages(client, query)
    pages.page(None, None)
    pages.page("cursor-2", 50)
    assert [check_request(r) for r in rutter.requests] == [f"/{entity}", f"/{entity}"]
    first, second = (dict(r.url.params) for r in rutter.requests)
    assert first == {
        "access_token": builders.ACCESS_TOKEN,
        "force_fetch": "true",
        "created_at_min": "1764000000000",
        "updated_at_max": "1764300000000",
    }
    assert second == {**first, "cursor": "cursor-2", "limit": "50"}

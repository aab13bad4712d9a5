"""Naming connections the way Rutter really lists them, through the real CLI and the simulator
in process: disabled and needs-update connections by id, tokens outside the listing, rotated
tokens, store domains, and `connections find`."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from rutterctl.sim.state import Simulator

from tests.fakes import FakeClock, invoke
from tests.sim.support import cli_env, harness, transport

PAUSED = [("acme-needs-update", 5), ("acme-disabled", 6)]


class Recording(httpx.BaseTransport):
    """The simulator, every request recorded; `hide` drops connections from every listing (a
    listing that lags behind a token created a moment ago)."""

    def __init__(self, sim: Simulator, hide: tuple[str, ...] = ()) -> None:
        self.inner = transport(sim)
        self.hide = set(hide)
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/connections") and self.hide:
            response.read()
            doc = response.json()
            doc["connections"] = [c for c in doc["connections"] if c["id"] not in self.hide]
            return httpx.Response(response.status_code, json=doc, headers=response.headers)
        return response

    def paths(self) -> list[str]:
        return [r.url.path.removeprefix("/versioned") for r in self.requests]


def run(sim: Simulator, args: list[str], rec: Recording | None = None, **kw: Any) -> Any:
    return invoke(args, transport=rec or transport(sim), env=cli_env(sim), **kw)


@pytest.mark.parametrize(("name", "code"), PAUSED)
@pytest.mark.parametrize("by", ["id", "access_token"])
@pytest.mark.parametrize(
    "command",
    [
        ["status", "-o", "json"],
        ["batches", "-o", "json"],
        ["reasons", "-o", "json"],
    ],
)
def test_paused_connections_are_found_by_id_and_token(
    name: str, code: int, by: str, command: list[str]
) -> None:
    sim = harness("fleet").sim
    conn = sim.get(name)
    result = run(sim, [*command[:1], getattr(conn, by), *command[1:]])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["connection_id"] == conn.id


@pytest.mark.parametrize(("name", "code"), PAUSED)
@pytest.mark.parametrize("by", ["id", "access_token"])
def test_wait_ready_and_fetch_reach_paused_connections(name: str, code: int, by: str) -> None:
    sim = harness("fleet").sim
    ref = getattr(sim.get(name), by)
    waited = run(sim, ["wait-ready", ref, "--timeout", "1m"])
    assert waited.exit_code == code, waited.stderr
    fetched = run(sim, ["fetch", "orders", ref, "--force", "-o", "ndjson"])
    # Rutter's own answer for a paused connection, not "no connection with this id".
    assert fetched.exit_code == code, fetched.stderr
    assert "no connection" not in fetched.stderr


@pytest.mark.parametrize(("name", "code"), PAUSED)
@pytest.mark.parametrize("by", ["id", "access_token"])
def test_check_watch_and_alias_reach_paused_connections(name: str, code: int, by: str) -> None:
    sim = harness("fleet").sim
    conn = sim.get(name)
    ref = getattr(conn, by)
    checked = run(sim, ["check", ref, "-o", "json"])
    assert checked.exit_code == code, checked.stderr
    assert [d["connection_id"] for d in json.loads(checked.stdout)["connections"]] == [conn.id]
    watched = run(sim, ["watch", ref, "-o", "ndjson", "--timeout", "1m"])
    assert "no connection" not in watched.stderr
    assert json.loads(watched.stdout.splitlines()[0])["connection_id"] == conn.id
    aliased = run(sim, ["alias", "set", "shop", ref])
    assert aliased.exit_code == 0, aliased.stderr
    assert run(sim, ["status", "shop", "-o", "json"]).exit_code == 0


def test_a_token_no_listing_holds_works_and_is_remembered() -> None:
    sim = harness("fleet").sim
    conn = sim.get("acme-ongoing")
    rec = Recording(sim, hide=(conn.id,))
    result = run(sim, ["status", conn.access_token, "-o", "json"], rec)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["connection_id"] == conn.id
    # The listing, the UUID tried as a token, then status's own two requests.
    assert rec.paths() == [
        "/connections",
        "/connections/status",
        "/connections/status",
        "/connections/access_token",
    ]
    again = Recording(sim, hide=(conn.id,))
    assert run(sim, ["status", conn.access_token, "-o", "json"], again).exit_code == 0
    # Remembered, and its store's name and domain come from the store cache: one request.
    assert again.paths() == ["/connections/status"]


def test_an_unknown_uuid_is_exit_3_in_one_line_saying_both_were_tried() -> None:
    sim = harness("fleet").sim
    rec = Recording(sim)
    result = run(sim, ["status", str(uuid.uuid4())], rec)
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "all connections listed" in lines[0] and "access token" in lines[0]
    assert rec.paths() == ["/connections", "/connections/status"]


def test_an_unknown_uuid_among_several_connections_is_named() -> None:
    sim = harness("fleet").sim
    unknown = str(uuid.uuid4())
    result = run(sim, ["wait-ready", sim.get("acme-ongoing").id, unknown, "--timeout", "1m"])
    assert result.exit_code == 3
    # Masked (it may be a token of another environment), yet enough to tell which one.
    assert f"(****{unknown[-4:]})" in result.stderr and unknown not in result.stderr


def rotate(sim: Simulator, name: str) -> tuple[str, str]:
    """Invalidate a connection's access token and issue a new one, as Rutter can."""
    conn = sim.get(name)
    old, new = conn.access_token, str(uuid.uuid4())
    with sim.lock:
        conn.access_token = new
        del sim._index[old]
        sim._index[new] = conn
    return old, new


def test_a_rotated_cached_token_refreshes_the_listing_once() -> None:
    sim = harness("fleet").sim
    conn = sim.get("acme-ongoing")
    assert run(sim, ["status", conn.id]).exit_code == 0  # caches id -> token
    rotate(sim, "acme-ongoing")
    rec = Recording(sim)
    result = run(sim, ["status", conn.id, "-o", "json"], rec)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["connection_id"] == conn.id
    assert "was rejected" in result.stderr
    assert rec.paths().count("/connections") == 1
    # The new token is cached: the next run asks nothing but the status (the store's name
    # and domain are in the store cache).
    rec = Recording(sim)
    assert run(sim, ["status", conn.id, "-o", "json"], rec).exit_code == 0
    assert rec.paths() == ["/connections/status"]


def test_many_rotated_cached_tokens_cost_one_listing() -> None:
    sim = harness("fleet").sim
    names = ["acme-historical", "acme-ongoing", "acme-disabled"]
    ids = [sim.get(name).id for name in names]
    assert run(sim, ["connections", "list"]).exit_code == 0  # caches every id -> token
    for name in names:
        rotate(sim, name)
    rec = Recording(sim)
    result = run(sim, ["check", *ids, "-o", "json"], rec)
    assert result.exit_code == 6, result.stderr  # acme-disabled; but every one was reached
    assert {d["connection_id"] for d in json.loads(result.stdout)["connections"]} == set(ids)
    assert rec.paths().count("/connections") == 1
    assert result.stderr.count("was rejected") == 3


def test_a_cached_id_whose_connection_is_gone_is_exit_3() -> None:
    sim = harness("fleet").sim
    conn = sim.get("acme-ongoing")
    assert run(sim, ["status", conn.id]).exit_code == 0  # caches id -> token
    with sim.lock:  # the connection is deleted: its token is rejected, no listing holds it
        del sim.connections["acme-ongoing"]
        for ref in (conn.id, conn.access_token, "acme-ongoing"):
            sim._index.pop(ref, None)
    rec = Recording(sim)
    result = run(sim, ["status", conn.id], rec)
    assert result.exit_code == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"connection {conn.id} is no longer in the organisation" in lines[0]
    assert rec.paths() == ["/connections/status", "/connections"]


def test_polls_after_a_rotation_use_the_current_token() -> None:
    sim = harness("fleet").sim
    conn = sim.get("acme-initial")
    assert run(sim, ["status", conn.id]).exit_code == 0  # caches id -> token
    old, new = rotate(sim, "acme-initial")
    rec = Recording(sim)
    result = run(sim, ["wait-ready", conn.id, "--timeout", "3m", "--interval", "30s"], rec)
    assert result.exit_code == 124, result.stderr
    sent = [
        r.url.params.get("access_token") for r in rec.requests if r.url.path.endswith("/status")
    ]
    # The cached token once (rejected), then only the current one: no 401 on every poll.
    assert sent[0] == old and len(sent) > 3 and set(sent[1:]) == {new}


def test_a_rejected_token_the_user_typed_is_not_looked_up_again() -> None:
    sim = harness("fleet").sim
    old, _ = rotate(sim, "acme-ongoing")
    rec = Recording(sim)
    result = run(sim, ["status", old], rec)
    assert result.exit_code == 3
    assert rec.paths() == ["/connections", "/connections/status"]


@pytest.mark.parametrize("name", ["acme-disabled", "acme-disabled.example.com"])
def test_the_names_sim_serve_prints_work_as_store_domains(name: str) -> None:
    sim = harness("fleet").sim
    result = run(sim, ["status", name, "-o", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["connection_id"] == sim.get("acme-disabled").id
    # The stores are cached now: the next name costs the status request only (and status
    # reads its store's name and domain from that cache too).
    rec = Recording(sim)
    assert run(sim, ["status", "acme-initial", "-o", "json"], rec).exit_code == 0
    assert rec.paths() == ["/connections/status"]


def test_a_name_that_matches_nothing_is_exit_3() -> None:
    sim = harness("fleet").sim
    result = run(sim, ["status", "globex"])
    assert result.exit_code == 3
    assert "store domain" in result.stderr and "connections find" in result.stderr


def test_connections_list_holds_every_connection_by_default() -> None:
    sim = harness("fleet").sim
    result = run(sim, ["connections", "list", "-o", "json"])
    assert result.exit_code == 0, result.stderr
    assert {d["id"] for d in json.loads(result.stdout)} == {c.id for c in sim.connections.values()}
    narrowed = run(sim, ["connections", "list", "--status", "disabled", "-o", "json"])
    assert [d["id"] for d in json.loads(narrowed.stdout)] == [sim.get("acme-disabled").id]


def big_fleet(n: int) -> Simulator:
    sim = harness("small").sim
    for i in range(n):
        sim.add(_spec(f"shop-{i:03d}", f"Shop Number {i}", f"shop-{i:03d}.myshopify.com"))
    return sim


def _spec(name: str, store_name: str, domain: str) -> Any:
    from dataclasses import replace

    from rutterctl.sim.scenarios import TEMPLATES

    return replace(TEMPLATES["ongoing"], name=name, store_name=store_name, store_domain=domain)


def test_connections_find_on_200_connections_costs_one_request_the_second_time() -> None:
    sim = big_fleet(200)
    total = len(sim.connections)
    clock = FakeClock()
    rec = Recording(sim)
    first = run(sim, ["connections", "find", "NUMBER 12", "-o", "json"], rec, clock=clock)
    assert first.exit_code == 0, first.stderr
    found = json.loads(first.stdout)
    assert sorted(d["store_name"] for d in found) == [
        "Shop Number 12",
        *(f"Shop Number {n}" for n in range(120, 130)),
    ]
    assert len(rec.requests) == 1 + total
    rec = Recording(sim)
    second = run(sim, ["connections", "find", "shop-012.myshopify", "-o", "json"], rec, clock=clock)
    assert second.exit_code == 0, second.stderr
    assert [d["store_domain"] for d in json.loads(second.stdout)] == ["shop-012.myshopify.com"]
    assert rec.paths() == ["/connections"]
    rec = Recording(sim)
    refreshed = run(sim, ["connections", "find", "shop-199", "--refresh"], rec, clock=clock)
    assert refreshed.exit_code == 0
    assert len(rec.requests) == 1 + total


def test_stores_a_platform_cannot_show_are_not_asked_for_again() -> None:
    from tests import builders

    pairs = [(str(uuid.uuid4()), str(uuid.uuid4())) for _ in range(3)]
    rutter = builders.fake_rutter(
        connections=builders.respond(200, builders.connections_doc(*pairs)),
        store=builders.respond(404),
    )
    for _ in range(2):
        rutter.requests.clear()
        result = invoke(
            ["connections", "find", pairs[1][0][:8], "-o", "json"], transport=rutter.transport
        )
        assert result.exit_code == 0, result.stderr
        assert [(d["id"], d["store_name"]) for d in json.loads(result.stdout)] == [
            (pairs[1][0], None)
        ]
    # The second search: the listing only; the three 404s are cached for the day.
    assert rutter.paths() == ["/connections"]


def test_connections_find_matches_ids_and_platforms_and_says_when_nothing_matches() -> None:
    sim = harness("fleet").sim
    conn = sim.get("acme-needs-update")
    by_id = run(sim, ["connections", "find", conn.id[:8].upper(), "-o", "json"])
    assert [d["id"] for d in json.loads(by_id.stdout)] == [conn.id]
    platform = conn.spec.platform.lower()
    by_platform = run(sim, ["connections", "find", platform, "-o", "json"])
    assert conn.id in {d["id"] for d in json.loads(by_platform.stdout)}
    nothing = run(sim, ["connections", "find", "zzz-no-such-store"])
    assert nothing.exit_code == 3 and nothing.stdout == ""
    assert "searched 5 connections" in nothing.stderr


def test_one_connection_searched_is_said_so() -> None:
    sim = harness("small").sim
    nothing = run(sim, ["connections", "find", "zzz-no-such-store"])
    assert nothing.exit_code == 3
    assert "(searched 1 connection)" in nothing.stderr


def test_a_domain_of_several_connections_lists_the_candidates() -> None:
    sim = harness("small").sim
    sim.add(_spec("twin-a", "Twin", "twin.example.com"))
    sim.add(_spec("twin-b", "Twin", "twin.example.com"))
    result = run(sim, ["status", "twin.example.com"])
    assert result.exit_code == 3
    assert "2 connections" in result.stderr
    assert sim.get("twin-a").id in result.stderr and sim.get("twin-b").id in result.stderr


def test_an_alias_whose_token_was_rotated_finds_the_current_one() -> None:
    sim = harness("fleet").sim
    conn = sim.get("acme-historical")
    assert run(sim, ["alias", "set", "shop", conn.id]).exit_code == 0
    rotate(sim, "acme-historical")
    result = run(sim, ["batches", "shop", "-o", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["connection_id"] == conn.id
    # The listing that found the new token cached it: the alias costs no listing any more.
    rec = Recording(sim)
    again = run(sim, ["batches", "shop", "-o", "json"], rec)
    assert again.exit_code == 0, again.stderr
    assert "was rejected" not in again.stderr and "/connections" not in rec.paths()


def test_a_domain_whose_stores_could_not_be_read_is_unavailable_not_unknown() -> None:
    """Rutter's store endpoint failing (or a pace that leaves no room before a deadline) is
    exit 7 saying so, not exit 3 claiming the organisation has no such store."""
    from rutterctl.sim.faults import Fault

    sim = harness("fleet").sim
    sim.faults.schedule(Fault("status", 503, path="/connections/access_token"), 100)
    result = run(sim, ["status", "acme-initial"])
    assert result.exit_code == 7, result.stderr
    assert "could not tell whether 'acme-initial' is a store domain" in result.stderr
    assert "no connection with this" not in result.stderr

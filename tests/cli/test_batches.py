"""`rutterctl batches` through the CLI: plain, terminal and JSON output, and its error paths."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import builders
from tests.builders import CONNECTION_ID, batch_doc, progress_doc, respond, total_doc
from tests.fakes import CREDS, Result, colour_codes, invoke, pin_terminal, visible
from tests.spec import validate_response

ONGOING = "ORDER_CREATED, ORDER_UPDATED, PRODUCT_CREATED, PRODUCT_UPDATED"

# The profile and environment that answered: tests run with the default profile and sandbox.
ANSWERED_BY = "profile default · sandbox"


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_terminal(monkeypatch, columns=120)


def run(
    doc: dict[str, Any],
    *args: str,
    tty: bool = False,
    env: dict[str, str] | None = None,
    spec_valid: bool = True,
) -> tuple[Result, builders.FakeRutter]:
    if spec_valid:
        validate_response("/connections/status", doc)
    rutter = builders.fake_rutter(respond(200, doc))
    result = invoke(["batches", CONNECTION_ID, *args], transport=rutter.transport, tty=tty, env=env)
    return result, rutter


def as_json(doc: dict[str, Any], *args: str, spec_valid: bool = True) -> Any:
    result, _ = run(doc, "-o", "json", *args, spec_valid=spec_valid)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def one_batch(statuses: dict[str, str], **options: Any) -> dict[str, Any]:
    return builders.status_doc(batches=[batch_doc(1, statuses, **options)], num_batches_completed=0)


# -- piped --------------------------------------------------------------------------------------


def test_piped_output_is_the_whole_table_in_plain_text() -> None:
    result, rutter = run(builders.status_doc())
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"connection:  {CONNECTION_ID}\n"
        f"answered by: {ANSWERED_BY}\n"
        "stage:       HISTORICAL_SYNC\n"
        "batches:     1 of 2 completed\n"
        "\n"
        "batch 1: COMPLETED (2 of 2 entities completed), last 6 months, fires INITIAL_UPDATE\n"
        "  entity\tpriority\tstatus\toldest\tnewest\n"
        "  orders\tREQUIRED\tCOMPLETED\t2026-05-28T00:00:00Z\t2026-11-28T11:50:00Z\n"
        "  products\tREQUIRED\tCOMPLETED\t2026-05-30T00:00:00Z\t2026-11-27T00:00:00Z\n"
        "\n"
        "batch 2: IN_PROGRESS (0 of 1 entities completed), last 8 months, "
        "fires HISTORICAL_UPDATE\n"
        "  entity\tpriority\tstatus\toldest\tnewest\n"
        "  customers\tPREFERRED_BUT_OPTIONAL\tIN_PROGRESS\t-\t-\n"
        "\n"
        f"ongoing sync: after history completes, every ~10 minutes, fires {ONGOING}\n"
    )
    assert "\x1b" not in result.stdout
    assert result.stderr == ""
    # One status request by access token, after resolving the id; no store lookup.
    assert rutter.paths() == ["/connections", "/connections/status"]
    assert rutter.requests[1].url.params["access_token"] == builders.ACCESS_TOKEN


def test_access_token_is_accepted_and_never_printed() -> None:
    rutter = builders.fake_rutter()
    result = invoke(["batches", builders.ACCESS_TOKEN], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert CONNECTION_ID in result.stdout
    assert builders.ACCESS_TOKEN not in result.stdout + result.stderr


def product_description_doc(*, historical: bool = False) -> dict[str, Any]:
    """24 months of history: 6 months of orders and products (INITIAL_UPDATE), 8 of customers,
    then the remaining 18 months of everything."""
    third = "COMPLETED" if historical else "IN_PROGRESS"
    return builders.status_doc(
        historical=historical,
        num_batches_completed=3 if historical else 2,
        batches=[
            batch_doc(1, {"orders": "COMPLETED", "products": "COMPLETED"}, months=6),
            batch_doc(
                2,
                {"customers": "COMPLETED"},
                months=8,
                entities={"customers": "PREFERRED_BUT_OPTIONAL"},
            ),
            batch_doc(
                3,
                {"orders": "COMPLETED", "products": third, "customers": "NOT_STARTED"}
                if not historical
                else {"orders": "COMPLETED", "products": "COMPLETED", "customers": "COMPLETED"},
                months=18,
                entities={"orders": "REQUIRED", "products": "REQUIRED", "customers": "AVOID"},
            ),
        ],
    )


def titles(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(("batch ", "implicit batch"))]


def test_product_description_example_one_line_per_batch_with_webhook() -> None:
    result, _ = run(product_description_doc())
    assert result.exit_code == 0, result.stderr
    assert "batches:     2 of 3 completed\n" in result.stdout
    assert titles(result.stdout) == [
        "batch 1: COMPLETED (2 of 2 entities completed), last 6 months, fires INITIAL_UPDATE",
        "batch 2: COMPLETED (1 of 1 entities completed), last 8 months, fires HISTORICAL_UPDATE",
        "batch 3: IN_PROGRESS (1 of 3 entities completed), last 18 months, fires HISTORICAL_UPDATE",
    ]
    assert "  customers\tAVOID\tNOT_STARTED\t-\t-\n" in result.stdout


@pytest.mark.parametrize(
    ("historical", "stage", "line"),
    [
        (False, "HISTORICAL_SYNC", "ongoing sync: after history completes"),
        (True, "ONGOING_SYNC", "ongoing sync: active"),
    ],
)
def test_ongoing_row_comes_last_and_is_active_only_once_history_is_complete(
    historical: bool, stage: str, line: str
) -> None:
    result, _ = run(product_description_doc(historical=historical))
    assert result.exit_code == 0, result.stderr
    assert f"stage:       {stage}\n" in result.stdout
    assert result.stdout.splitlines()[-1] == f"{line}, every ~10 minutes, fires {ONGOING}"
    doc = as_json(product_description_doc(historical=historical))
    assert doc["ongoing"] == {
        "active": historical,
        "state": "active" if historical else "pending",
        "webhooks": ["ORDER_CREATED", "ORDER_UPDATED", "PRODUCT_CREATED", "PRODUCT_UPDATED"],
    }
    assert doc["stage"] == stage


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ({"orders": "COMPLETED", "products": "COMPLETED"}, "COMPLETED"),
        ({"orders": "COMPLETED", "products": "FAILED"}, "FAILED"),
        ({"orders": "COMPLETED", "products": "NOT_STARTED"}, "IN_PROGRESS"),
        ({"orders": "IN_PROGRESS", "products": "NOT_STARTED"}, "IN_PROGRESS"),
        ({"orders": "NOT_STARTED", "products": "NOT_STARTED"}, "NOT_STARTED"),
        ({}, "NOT_STARTED"),
    ],
    ids=["all-completed", "one-failed", "completed+not-started", "in-progress", "none", "empty"],
)
def test_batch_status_in_table_and_json(statuses: dict[str, str], expected: str) -> None:
    doc = one_batch(statuses, entities={"orders": "REQUIRED"} if not statuses else None)
    result, _ = run(doc)
    assert result.exit_code == 0, result.stderr
    assert titles(result.stdout)[0].startswith(f"batch 1: {expected} (")
    assert as_json(doc)["batches"][0]["status"] == expected


def test_unknown_entity_status_is_shown_as_given() -> None:
    doc = one_batch({"orders": "PAUSED", "products": "COMPLETED"})
    result, _ = run(doc, spec_valid=False)
    assert result.exit_code == 0, result.stderr
    assert "  orders\tREQUIRED\tPAUSED\t-\t-\n" in result.stdout
    assert titles(result.stdout) == [
        "batch 1: IN_PROGRESS (1 of 2 entities completed), last 6 months, fires INITIAL_UPDATE"
    ]
    entities = as_json(doc, spec_valid=False)["batches"][0]["entities"]
    assert [(e["name"], e["status"]) for e in entities] == [
        ("orders", "PAUSED"),
        ("products", "COMPLETED"),
    ]


def test_unknown_priority_is_shown_as_given() -> None:
    doc = one_batch({"orders": "IN_PROGRESS"}, entities={"orders": "MANDATORY"})
    result, _ = run(doc, spec_valid=False)
    assert result.exit_code == 0, result.stderr
    assert "  orders\tMANDATORY\tIN_PROGRESS\t-\t-\n" in result.stdout
    assert as_json(doc, spec_valid=False)["batches"][0]["entities"][0]["priority"] == "MANDATORY"


def test_nested_priorities_read_as_paths_and_stay_maps_in_json() -> None:
    orders = {"line_items": "REQUIRED", "refunds": "AVOID"}
    products = {"variants": {"inventory": "AVOID"}}
    doc = one_batch(
        {"orders": "COMPLETED", "products": "IN_PROGRESS"},
        entities={"orders": orders, "products": products},
    )
    result, _ = run(doc)
    assert result.exit_code == 0, result.stderr
    assert "  orders\tline_items: REQUIRED, refunds: AVOID\tCOMPLETED\t-\t-\n" in result.stdout
    assert "  products\tvariants.inventory: AVOID\tIN_PROGRESS\t-\t-\n" in result.stdout
    entities = as_json(doc)["batches"][0]["entities"]
    assert [e["priority"] for e in entities] == [orders, products]


def test_dates_are_rfc3339_and_an_unreadable_date_is_shown_as_given() -> None:
    doc = one_batch({"orders": "IN_PROGRESS"})
    doc["status"]["historical_sync_status"]["batches"][0]["progress_info"]["orders"] = progress_doc(
        "IN_PROGRESS", "2026-02-30T00:00:00Z", "2026-11-28T11:50:00.000+00:00"
    )
    result, _ = run(doc)
    assert result.exit_code == 0, result.stderr
    assert "  orders\tREQUIRED\tIN_PROGRESS\t2026-02-30T00:00:00Z\t2026-11-28T11:50:00Z\n" in (
        result.stdout
    )
    entity = as_json(doc)["batches"][0]["entities"][0]
    # JSON carries Rutter's text untouched.
    assert (entity["oldest"], entity["newest"]) == (
        "2026-02-30T00:00:00Z",
        "2026-11-28T11:50:00.000+00:00",
    )
    tty, _ = run(doc, tty=True)
    # On a terminal parsed dates are cut to the day; the unreadable one is not cut at all.
    assert "2026-02-30T00:00:00Z" in visible(tty.stdout)
    assert "2026-11-28" in visible(tty.stdout)
    assert "11:50" not in visible(tty.stdout)


# -- n of m -------------------------------------------------------------------------------------


def test_batches_completed_counted_when_rutter_gives_null() -> None:
    doc = builders.status_doc(
        num_batches_completed=None,
        batches=[
            batch_doc(1, {"orders": "COMPLETED"}),
            batch_doc(2, {"customers": "COMPLETED"}),
            batch_doc(3, {"customers": "IN_PROGRESS"}),
        ],
    )
    result, _ = run(doc)
    assert "batches:     2 of 3 completed\n" in result.stdout
    got = as_json(doc)
    assert (got["num_batches_completed"], got["num_batches"]) == (2, 3)


# -- no batching configured -> one implicit batch from `total` ----------------------------------


IMPLICIT_HEADER = (
    "batches:     no batching configured: one implicit batch, readiness from the totals\n"
)


@pytest.mark.parametrize(
    "batches",
    [[], [batch_doc(1, {"orders": "COMPLETED"}, months=None)]],
    ids=["no-batches", "config-null"],
)
def test_without_batching_says_so_and_shows_readiness_from_totals(
    batches: list[dict[str, Any]],
) -> None:
    doc = builders.status_doc(batches=batches, num_batches_completed=None)
    result, _ = run(doc)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split("\n\n")[0] + "\n" == (
        f"connection:  {CONNECTION_ID}\nanswered by: {ANSWERED_BY}\n"
        f"stage:       HISTORICAL_SYNC\n{IMPLICIT_HEADER}"
    )
    assert result.stdout.split("\n\n")[1] == (
        "implicit batch: IN_PROGRESS (1 of 2 entities completed), time frame not given, "
        "fires INITIAL_UPDATE\n"
        "  entity\tpriority\tstatus\toldest\tnewest\n"
        "  orders\t-\tCOMPLETED\t2026-05-28T00:00:00Z\t2026-11-28T11:50:00Z\n"
        "  customers\t-\tIN_PROGRESS\t-\t-"
    )
    got = as_json(doc)
    assert got["batching_configured"] is False
    assert got["batches"] == [
        {
            "batch_num": None,
            "webhook": "INITIAL_UPDATE",
            "status": "IN_PROGRESS",
            "time_frame_months": None,
            "entities": [
                {
                    "name": "orders",
                    "priority": None,
                    "status": "COMPLETED",
                    "oldest": "2026-05-28T00:00:00.000Z",
                    "newest": "2026-11-28T11:50:00.000Z",
                },
                {
                    "name": "customers",
                    "priority": None,
                    "status": "IN_PROGRESS",
                    "oldest": None,
                    "newest": None,
                },
            ],
        }
    ]
    assert got["num_batches"] == len(batches)


def test_without_batching_and_everything_ready_the_implicit_batch_is_completed() -> None:
    total = {"orders": total_doc(True, count=5), "products": total_doc(True, count=2)}
    doc = builders.status_doc(batches=[], total=total, historical=True)
    assert titles(run(doc)[0].stdout) == [
        "implicit batch: COMPLETED (2 of 2 entities completed), time frame not given, "
        "fires INITIAL_UPDATE"
    ]


def test_initial_sync_with_nothing_reported_yet() -> None:
    doc = builders.status_doc(is_ready=False, batches=[], total={}, num_batches_completed=None)
    result, _ = run(doc)
    assert result.exit_code == 0, result.stderr
    assert "stage:       INITIAL_SYNC\n" in result.stdout
    assert titles(result.stdout) == [
        "implicit batch: NOT_STARTED (0 of 0 entities completed), time frame not given, "
        "fires INITIAL_UPDATE"
    ]
    assert "entity\tpriority" not in result.stdout


# -- JSON contract ------------------------------------------------------------------------------


def test_json_contract() -> None:
    got = as_json(builders.status_doc())
    assert got == {
        "connection_id": CONNECTION_ID,
        "stage": "HISTORICAL_SYNC",
        "batching_configured": True,
        "num_batches_completed": 1,
        "num_batches": 2,
        "batches": [
            {
                "batch_num": 1,
                "webhook": "INITIAL_UPDATE",
                "status": "COMPLETED",
                "time_frame_months": 6,
                "entities": [
                    {
                        "name": "orders",
                        "priority": "REQUIRED",
                        "status": "COMPLETED",
                        "oldest": "2026-05-28T00:00:00.000Z",
                        "newest": "2026-11-28T11:50:00.000Z",
                    },
                    {
                        "name": "products",
                        "priority": "REQUIRED",
                        "status": "COMPLETED",
                        "oldest": "2026-05-30T00:00:00.000Z",
                        "newest": "2026-11-27T00:00:00.000Z",
                    },
                ],
            },
            {
                "batch_num": 2,
                "webhook": "HISTORICAL_UPDATE",
                "status": "IN_PROGRESS",
                "time_frame_months": 8,
                "entities": [
                    {
                        "name": "customers",
                        "priority": "PREFERRED_BUT_OPTIONAL",
                        "status": "IN_PROGRESS",
                        "oldest": None,
                        "newest": None,
                    }
                ],
            },
        ],
        "ongoing": {
            "active": False,
            "state": "pending",
            "webhooks": ["ORDER_CREATED", "ORDER_UPDATED", "PRODUCT_CREATED", "PRODUCT_UPDATED"],
        },
    }


def test_json_is_the_same_on_a_terminal() -> None:
    piped, _ = run(builders.status_doc(), "-o", "json")
    tty, _ = run(builders.status_doc(), "-o", "json", tty=True)
    assert tty.stdout == piped.stdout
    assert "\x1b" not in tty.stdout


# -- on a terminal --------------------------------------------------------------------------------


def heading(stdout: str, name: str) -> str:
    (line,) = [line for line in stdout.splitlines() if visible(line).startswith(name + " ")]
    return visible(line)


def three_stage_doc() -> dict[str, Any]:
    """Batch 1 complete, batch 2 half done, batch 3 not started."""
    return builders.status_doc(
        num_batches_completed=1,
        batches=[
            batch_doc(1, {"orders": "COMPLETED", "products": "COMPLETED"}),
            batch_doc(2, {"orders": "COMPLETED", "customers": "IN_PROGRESS"}, months=8),
            batch_doc(3, {"customers": "NOT_STARTED"}, months=18),
        ],
    )


def test_terminal_shows_coloured_progress_bars() -> None:
    result, _ = run(three_stage_doc(), tty=True)
    assert result.exit_code == 0, result.stderr
    assert colour_codes(result.stdout), "expected colour on a terminal"
    text = visible(result.stdout)
    assert "batches      1 of 3 completed" in text
    assert "answered by  profile default · sandbox" in text
    for name in ("batch 1", "batch 2", "batch 3"):
        assert "━" in heading(result.stdout, name)
    assert "COMPLETED last 6 months, fires INITIAL_UPDATE" in heading(result.stdout, "batch 1")
    assert "IN_PROGRESS last 8 months, fires HISTORICAL_UPDATE" in heading(result.stdout, "batch 2")
    assert "NOT_STARTED last 18 months, fires HISTORICAL_UPDATE" in heading(
        result.stdout, "batch 3"
    )
    assert "ongoing sync: after history completes" in text


def test_no_color_drops_colour_and_the_bar_length_shows_progress() -> None:
    result, _ = run(three_stage_doc(), tty=True, env={**CREDS, "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert colour_codes(result.stdout) == []
    # Without colour rich draws only the completed part of each 20-cell bar.
    assert heading(result.stdout, "batch 1").count("━") == 20
    assert heading(result.stdout, "batch 2").count("━") == 10
    assert heading(result.stdout, "batch 3").count("━") == 0


def test_terminal_implicit_batch_and_nested_priorities() -> None:
    doc = builders.status_doc(batches=[], num_batches_completed=None)
    result, _ = run(doc, tty=True)
    text = visible(result.stdout)
    assert "no batching configured: one implicit batch, readiness from the totals" in text
    assert "implicit batch" in heading(result.stdout, "implicit batch")
    nested = one_batch(
        {"products": "COMPLETED"}, entities={"products": {"variants": {"inventory": "AVOID"}}}
    )
    assert "variants.inventory: AVOID" in visible(run(nested, tty=True)[0].stdout)


# -- errors ---------------------------------------------------------------------------------------


def test_rejected_credentials_exit_4_with_code_and_request_id() -> None:
    rutter = builders.fake_rutter(respond(401, builders.error_body("INVALID_CREDENTIALS")))
    result = invoke(["batches", CONNECTION_ID], transport=rutter.transport)
    assert result.exit_code == 4
    assert result.stdout == ""
    assert "INVALID_CREDENTIALS" in result.stderr
    assert builders.REQUEST_ID in result.stderr
    assert rutter.hits("/connections/status") == 1  # a definitive answer is not retried


def test_missing_credentials_exit_4_without_a_request() -> None:
    rutter = builders.fake_rutter()
    result = invoke(["batches", CONNECTION_ID], transport=rutter.transport, env={})
    assert result.exit_code == 4
    assert result.stdout == ""
    assert "error:" in result.stderr
    assert rutter.requests == []


def test_unknown_connection_exits_3() -> None:
    rutter = builders.fake_rutter(builders.respond(401, builders.error_body("INVALID_CREDENTIALS")))
    result = invoke(["batches", "00000000-0000-4000-8000-000000000000"], transport=rutter.transport)
    assert result.exit_code == 3
    assert "no connection with this id (****0000) in the organisation" in result.stderr
    assert rutter.paths() == ["/connections", "/connections/status"]


def test_unsupported_output_is_a_usage_error() -> None:
    rutter = builders.fake_rutter()
    result = invoke(["batches", CONNECTION_ID, "-o", "yaml"], transport=rutter.transport)
    assert result.exit_code == 2
    assert "'yaml' is not one of 'table', 'json'" in result.stderr
    assert "unexpected" not in result.stderr
    assert rutter.requests == []


# -- paused connections and the bar's count ---------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "stage", "why"),
    [
        (
            {"disabled": True, "reason": "SHOP_IS_LOCKED"},
            "DISABLED",
            f"nothing syncs while it is disabled (`rutterctl reasons {CONNECTION_ID}` says why)",
        ),
        (
            {"needs_update": True},
            "NEEDS_UPDATE",
            f"nothing syncs until the merchant re-authenticates through {builders.LINK_URL}",
        ),
    ],
)
@pytest.mark.parametrize("historical", [True, False])
def test_a_paused_connection_never_reads_as_syncing(
    flags: dict[str, Any], stage: str, why: str, historical: bool
) -> None:
    doc = product_description_doc(historical=historical)
    paused = builders.status_doc(**flags)["status"]
    for key in ("disabled_status", "needs_update_status"):
        doc["status"][key] = paused[key]
    result, _ = run(doc)
    assert result.exit_code == 0, result.stderr
    assert f"stage:       {stage}: {why}\n" in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "ongoing sync: paused until the merchant reconnects (CONNECTION_UPDATED); then, every "
        f"~10 minutes, fires {ONGOING}"
    )
    text = visible(run(doc, tty=True)[0].stdout)
    assert "ongoing sync: paused" in text and "ongoing sync: active" not in text
    # Never "active" in the JSON contract either, even with the whole history synced.
    assert as_json(doc)["ongoing"]["active"] is False
    assert as_json(doc)["ongoing"]["state"] == "paused"


def test_the_bar_says_how_many_entities_it_counts() -> None:
    result, _ = run(three_stage_doc(), tty=True)
    assert "━ 2/2 COMPLETED" in heading(result.stdout, "batch 1")
    assert "━ 1/2 IN_PROGRESS" in heading(result.stdout, "batch 2")
    assert "━ 0/1 NOT_STARTED" in heading(result.stdout, "batch 3")

"""The exit-code table: a public contract, one mapping per typed error."""

from __future__ import annotations

import pytest
from rutterctl import errors
from rutterctl.domain.lifecycle import Stage
from rutterctl.exits import ExitCode, exit_code_for, exit_code_for_stage


def test_the_table_values_are_the_documented_ones() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "ERROR": 1,
        "USAGE": 2,
        "API_ERROR": 3,
        "CREDENTIALS": 4,
        "NEEDS_UPDATE": 5,
        "DISABLED": 6,
        "UNAVAILABLE": 7,
        "NOT_READY": 8,
        "STALLED": 9,
        "STALE": 10,
        "SIGNATURE_INVALID": 11,
        "TIMEOUT": 124,
        "HANGUP": 129,
        "INTERRUPTED": 130,
        "TERMINATED": 143,
    }


def test_a_signal_is_128_plus_its_number() -> None:
    from rutterctl.interrupts import Interrupted

    assert exit_code_for(Interrupted(1)) == 129
    assert exit_code_for(Interrupted(2)) == exit_code_for(KeyboardInterrupt()) == 130
    assert exit_code_for(Interrupted(15)) == 143


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.UsageError("bad"), 2),
        (errors.ApiError("bad"), 3),
        (errors.ConnectionNotFound("gone"), 3),
        (errors.CredentialsMissing("none"), 4),
        (errors.CredentialsRejected("no"), 4),
        (errors.ConnectionNeedsUpdate("reauth"), 5),
        (errors.ConnectionDisabled("off"), 6),
        (errors.Unavailable("down"), 7),
        (errors.NotReady("wait"), 8),
        (errors.SignatureInvalid("forged"), 11),
        (errors.SyncStalled("stuck"), 9),
        (errors.WaitTimeout("late"), 124),
        (KeyboardInterrupt(), 130),
        (errors.RutterctlError("generic"), 1),
        (RuntimeError("bug"), 1),
        (ValueError("bug"), 1),
    ],
)
def test_each_error_maps_to_its_code(error: BaseException, code: int) -> None:
    assert exit_code_for(error) == code


def test_one_line_without_status_or_request_id() -> None:
    error = errors.ApiError("boom")
    assert error.one_line() == "boom"  # no answer from Rutter: no request id to name
    assert errors.ApiError("boom", status=502).one_line() == "boom (HTTP 502, request id not given)"
    error = errors.NotReady(
        "not ready", status=409, error_code="PRODUCT_NOT_READY", request_id="req-1"
    )
    assert error.one_line() == "not ready (PRODUCT_NOT_READY, HTTP 409, request id req-1)"


def test_every_stage_has_its_documented_exit_status() -> None:
    assert {stage.value: int(exit_code_for_stage(stage.value)) for stage in Stage} == {
        "DISABLED": 6,
        "NEEDS_UPDATE": 5,
        "INITIAL_SYNC": 8,
        "HISTORICAL_SYNC": 0,
        "ONGOING_SYNC": 0,
    }

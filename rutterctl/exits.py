"""The exit-code table: a public contract, documented in the README. Mapped here and only here."""

from __future__ import annotations

from enum import IntEnum

from rutterctl import errors


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    API_ERROR = 3
    CREDENTIALS = 4
    NEEDS_UPDATE = 5
    DISABLED = 6
    UNAVAILABLE = 7
    NOT_READY = 8
    STALLED = 9
    STALE = 10  # `check`: a stale connection or a failed batch (no error class: a finding)
    TIMEOUT = 124
    INTERRUPTED = 130


# Most specific class first: the first isinstance match wins.
_TABLE: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (errors.UsageError, ExitCode.USAGE),
    (errors.CredentialsMissing, ExitCode.CREDENTIALS),
    (errors.CredentialsRejected, ExitCode.CREDENTIALS),
    (errors.ConnectionNeedsUpdate, ExitCode.NEEDS_UPDATE),
    (errors.ConnectionDisabled, ExitCode.DISABLED),
    (errors.Unavailable, ExitCode.UNAVAILABLE),
    (errors.NotReady, ExitCode.NOT_READY),
    (errors.SyncStalled, ExitCode.STALLED),
    (errors.WaitTimeout, ExitCode.TIMEOUT),
    (errors.ApiError, ExitCode.API_ERROR),
    (KeyboardInterrupt, ExitCode.INTERRUPTED),
)


def exit_code_for(exc: BaseException) -> ExitCode:
    for kind, code in _TABLE:
        if isinstance(exc, kind):
            return code
    return ExitCode.ERROR


# `status --exit-status`: the lifecycle stage (by name, so this module stays import-light) as an
# exit code. Data can be read from the historical sync on; the rest match the errors above.
_STAGE_TABLE: dict[str, ExitCode] = {
    "DISABLED": ExitCode.DISABLED,
    "NEEDS_UPDATE": ExitCode.NEEDS_UPDATE,
    "INITIAL_SYNC": ExitCode.NOT_READY,
    "HISTORICAL_SYNC": ExitCode.OK,
    "ONGOING_SYNC": ExitCode.OK,
}


def exit_code_for_stage(stage: str) -> ExitCode:
    return _STAGE_TABLE[stage]

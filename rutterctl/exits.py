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
    SIGNATURE_INVALID = 11  # `webhooks verify`
    TIMEOUT = 124
    HANGUP = 129  # SIGHUP: 128 + 1
    INTERRUPTED = 130  # SIGINT (Ctrl-C): 128 + 2
    TERMINATED = 143  # SIGTERM: 128 + 15


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
    (errors.SignatureInvalid, ExitCode.SIGNATURE_INVALID),
    (errors.ApiError, ExitCode.API_ERROR),
    (KeyboardInterrupt, ExitCode.INTERRUPTED),
)


def exit_code_for(exc: BaseException) -> ExitCode:
    signum = getattr(exc, "signum", None)  # rutterctl.interrupts.Interrupted: 128 + signal
    if isinstance(exc, KeyboardInterrupt) and signum in (1, 15):
        return ExitCode.HANGUP if signum == 1 else ExitCode.TERMINATED
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


# `check`: a failing finding (by name, like the stages) as the exit code of the whole check.
_FINDING_TABLE: dict[str, ExitCode] = {
    "disabled": ExitCode.DISABLED,
    "needs_update": ExitCode.NEEDS_UPDATE,
    "not_ready": ExitCode.NOT_READY,
    "unreachable": ExitCode.UNAVAILABLE,
    "stalled": ExitCode.STALLED,
    "stale": ExitCode.STALE,
    "failed_batch": ExitCode.STALE,
}


def exit_code_for_finding(kind: str) -> ExitCode:
    return _FINDING_TABLE[kind]

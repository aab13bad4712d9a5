"""The error boundary (rutterctl/cli/boundary.py) both lanes run inside: a typed error is one
line and its exit code, and once the run has said its last line nothing more is printed."""

from __future__ import annotations

import io
import signal
import threading

import pytest
from rutterctl.cli.boundary import guarded
from rutterctl.cli.deps import Deps
from rutterctl.errors import ConnectionNotFound
from rutterctl.interrupts import Interrupted
from typer.core import TyperGroup

from tests.fakes import invoke


def deps_with_stderr() -> tuple[Deps, io.StringIO]:
    err = io.StringIO()
    return Deps(environ={}, stdout=io.StringIO(), stderr=err), err


def test_a_typed_error_is_its_exit_code_and_one_line() -> None:
    deps, err = deps_with_stderr()

    def body() -> int:
        raise ConnectionNotFound("no connection named acme", hint="`rutterctl alias list`")

    assert guarded(lambda: deps, body) == 3
    assert err.getvalue() == "error: no connection named acme; `rutterctl alias list`\n"


def test_a_thread_still_running_says_nothing_after_the_last_line() -> None:
    """A page fetched ahead, or a fleet's poll, may hit a retry once the command has ended:
    its note would come after the command's last line (the resume hint a script reads)."""
    deps, err = deps_with_stderr()
    started, ended = threading.Event(), threading.Event()

    def late_retry() -> None:
        started.set()
        ended.wait(10)
        deps.warn("  retrying GET /orders in 0.1s (ReadError; attempt 2 of 5)")

    thread = threading.Thread(target=late_retry)

    def body() -> int:
        thread.start()
        started.wait(10)
        raise KeyboardInterrupt

    assert guarded(lambda: deps, body) == 130
    ended.set()
    thread.join(10)
    assert err.getvalue() == "interrupted\n"


def test_what_is_said_before_the_end_is_kept() -> None:
    deps, err = deps_with_stderr()
    assert guarded(lambda: deps, lambda: deps.warn("warning: not ready")) == 0
    deps.warn("after the end")
    assert err.getvalue() == "warning: not ready\n"


def test_a_signal_while_typer_parses_the_global_options_is_said_and_numbered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Outside the boundary typer turns a KeyboardInterrupt into a silent exit 130, SIGTERM
    included; the root group says it and exits 128 + the signal, like the boundary."""

    def stopped(self: object, ctx: object, args: list[str]) -> list[str]:
        raise Interrupted(signal.SIGTERM)

    monkeypatch.setattr(TyperGroup, "parse_args", stopped)
    result = invoke(["--debug", "status", "acme"])
    assert (result.exit_code, result.stderr) == (143, "interrupted\n")

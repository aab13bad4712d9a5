"""The error boundary every command runs inside, with or without typer: a typed error becomes
one line on stderr and its exit code, a reader that went away ends the run quietly, anything
else is reported once as unexpected. Used by the root group (cli/app.py) and the quick lane
(cli/quick.py), so both end a run the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rutterctl.errors import ApiError, RutterctlError
from rutterctl.exits import ExitCode, exit_code_for
from rutterctl.secrets import redact

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps


def guarded(
    deps: Callable[[], Deps],
    body: Callable[[], Any],
    *,
    passing: tuple[type[BaseException], ...] = (),
) -> int:
    """Run `body` and return its exit code: what it returned when that is an int, else 0.
    `deps` gives the run's Deps when there is something to report (the root callback makes
    it, so it may not exist before). Exceptions in `passing` (the CLI framework's own exits
    and usage errors) are re-raised untouched."""
    try:
        return _run(deps, body, passing)
    finally:
        # The run's last line is said: a thread still running (a page fetched ahead, a
        # fleet's poll) prints no retry note after it.
        deps().hush()


def _run(
    deps: Callable[[], Deps], body: Callable[[], Any], passing: tuple[type[BaseException], ...]
) -> int:
    try:
        result = body()
        return result if isinstance(result, int) else 0
    except (RutterctlError, KeyboardInterrupt) as exc:
        run = deps()
        line = describe(exc, run.profile or run.environ.get("RUTTERCTL_PROFILE"))
        if run.debug and not isinstance(exc, KeyboardInterrupt):
            run.warn(line)
            run.warn(traceback_text(exc), lines=True, last=True)
        else:
            run.warn(line, last=True)
        return int(exit_code_for(exc))
    except passing:
        raise
    except BrokenPipeError:
        # The reader went away (`rutterctl status X | head -3`): it has what it wanted.
        silence(deps().out)
        return 0
    except Exception as exc:  # noqa: BLE001 - the boundary of last resort, reported once
        run = deps()
        if run.debug:
            run.warn(traceback_text(exc), lines=True)
        run.warn(
            f"error: unexpected {type(exc).__name__}: {exc} "
            "(run with --debug for a traceback, and report it)",
            last=True,
        )
        return int(ExitCode.ERROR)


def describe(exc: BaseException, profile: str | None = None) -> str:
    """One line; a hint's command names `profile` when it is not the default."""
    from rutterctl.cli.hints import with_profile

    if isinstance(exc, KeyboardInterrupt):  # a command may say what was kept and how to resume
        return getattr(exc, "message", None) or "interrupted"
    assert isinstance(exc, RutterctlError)
    line = exc.one_line() if isinstance(exc, ApiError) else exc.message
    if exc.hint:
        line += f"; {with_profile(exc.hint, profile)}"
    return redact(f"error: {line}")


def silence(stream: Any) -> None:
    """After EPIPE, point stdout's descriptor at /dev/null so the exit flush stays quiet."""
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def traceback_text(exc: BaseException) -> str:
    """For --debug only; imported late because `traceback` costs start-up time on every run."""
    import traceback

    return "".join(traceback.format_exception(exc)).rstrip()

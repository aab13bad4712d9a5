"""The quick lane: the one-connection commands run without importing typer.

`status`, `batches`, `reasons`, `wait-ready` and `fetch` are what scripts call in loops, and
importing typer and building a command costs ~20 ms of a ~115 ms `status` (bench/startup.py).
Their options are declared once, with typer (cli/status.py, ...); scripts/gen-reference
writes what click makes of them into quick_specs.py (checked by scripts/check-generated),
and this module parses a command line with that table exactly as click would, then runs the
command's typer-free body (cli/status_run.py, ...) inside the same error boundary.

Anything it is not sure of (a help option, an unknown or mistyped option, a bad value, a
missing argument, options clustered or spelled in ways click also accepts, completion) is
None: typer then parses the whole line as before and says what is wrong in its own words.
tests/cli/test_quick.py checks, for generated and random command lines, that what this lane
accepts click parses to the same values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rutterctl.cli.commands import load
from rutterctl.cli.quick_specs import ROOT_OPTIONS, SPECS, Option, Spec

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps

# The parameters of one command line: (command, global options, the command's parameters).
Call = tuple[str, dict[str, Any], dict[str, Any]]


class _Decline(Exception):
    """Raised while parsing: this line is typer's."""


def answer(argv: list[str], environ: Mapping[str, str], deps: Deps | None = None) -> int | None:
    """Run `argv` when it is a plain call of a quick command, returning its exit code; None
    when typer should handle it. `deps`: the run's dependencies (tests inject them, as they
    do through typer's `obj`); by default the process's."""
    call = parse(argv, environ)
    if call is None:
        return None
    if deps is None:
        from rutterctl.cli.deps import Deps

        deps = Deps()
    return _run(deps, *call)


def _run(deps: Deps, command: str, root: dict[str, Any], params: dict[str, Any]) -> int:
    """The command's body inside the error boundary, as the root group runs it for typer."""
    from rutterctl.cli.boundary import guarded

    def body() -> int:
        run: Any = load(SPECS[command][0])
        code: int = run(deps.with_globals(**root), **params)
        deps.flush()  # inside the boundary: a reader gone away (`| head`) ends quietly
        return code

    try:
        return guarded(lambda: deps, body)
    finally:
        deps.close()


def parse(argv: list[str], environ: Mapping[str, str]) -> Call | None:
    """What click would make of `argv` for a quick command, or None (typer's to handle)."""
    if "_RUTTERCTL_COMPLETE" in environ:
        return None
    try:
        root, rest = _options(argv, ROOT_OPTIONS, interspersed=False)
        if not rest or rest[0] not in SPECS:
            return None
        spec = SPECS[rest[0]]
        values, words = _options(rest[1:], spec[2], interspersed=True)
        return rest[0], root, values | _arguments(spec, words)
    except _Decline:
        return None


def _options(
    args: list[str], options: dict[str, Option], *, interspersed: bool
) -> tuple[dict[str, Any], list[str]]:
    """The options' values, and the other words. A command (`interspersed`) takes options
    between its arguments too; the root group stops at its first word (the command), which
    starts the other words."""
    values: dict[str, Any] = {}
    words: list[str] = []
    at = 0
    while at < len(args):
        arg = args[at]
        at += 1
        if arg == "--" and interspersed:
            words += args[at:]
            break
        if not arg.startswith("-") or len(arg) == 1:
            if not interspersed:
                return values, args[at - 1 :]
            words.append(arg)
            continue
        name, equals, attached = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        option = options.get(name)
        if option is None:  # unknown, --help, a cluster (-ojson), -o=..., a bare --: typer's
            raise _Decline
        dest, kind = option
        if kind == "flag":
            if equals:
                raise _Decline
            values[dest] = True
            continue
        if not equals:
            if at >= len(args):
                raise _Decline
            attached = args[at]
            at += 1
        values[dest] = _convert(kind, attached)
    return values, words


def _arguments(spec: Spec, words: list[str]) -> dict[str, Any]:
    """The positional words given to the command's arguments, as click hands them out."""
    params: dict[str, Any] = {}
    for name, nargs, required in spec[1]:
        if nargs == -1:
            if required and not words:
                raise _Decline
            if words:  # none given: the body's default, as typer hands it (None, not [])
                params[name], words = list(words), []
        elif words:
            params[name], words = words[0], words[1:]
        elif required:
            raise _Decline
    if words:  # extra arguments: click's error
        raise _Decline
    return params


def _convert(kind: str | tuple[str, ...], value: str) -> Any:
    """A value as click converts it for the option's type; _Decline where click would fail."""
    if isinstance(kind, tuple):
        if value not in kind:
            raise _Decline
        return value
    if kind == "str":
        return value
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            raise _Decline from None
    if kind == "path":
        from pathlib import Path

        # click checks an existing path is readable (its default), and nothing else.
        if os.path.exists(value) and not os.access(value, os.R_OK):
            raise _Decline
        return Path(value)
    raise _Decline  # a kind this lane does not know: typer's

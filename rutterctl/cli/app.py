"""The root command: global options, the error boundary, and the command modules."""

from __future__ import annotations

import functools
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from rutterctl import __version__
from rutterctl.cli.boundary import describe, guarded
from rutterctl.cli.commands import COMMANDS, SUMMARIES, load
from rutterctl.cli.deps import NOWHERE, Deps
from rutterctl.cli.options import complete_profile
from rutterctl.secrets import redact


def _target(name: str) -> Any:
    return load(COMMANDS[name])


@functools.cache
def _command(name: str) -> Any:
    target = _target(name)
    if isinstance(target, typer.Typer):
        # Always a group, even with one subcommand (`connections list`), as add_typer makes it.
        command: Any = typer.main.get_group(target)
    else:
        single = typer.Typer(rich_markup_mode=None, add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


def summary(name: str) -> str:
    """The first sentence of the command's docstring, as click shortens it."""
    target = _target(name)
    text = (target.info.help if isinstance(target, typer.Typer) else target.__doc__) or ""
    line = " ".join(text.strip().split("\n\n")[0].split())
    if ". " in line:  # like click: the first sentence
        line = line.split(". ", 1)[0] + "."
    return line


def _short_help(name: str, limit: int) -> str:
    line = SUMMARIES.get(name) or summary(name)
    if len(line) <= limit:
        return line
    return line[: limit - 3].rsplit(" ", 1)[0] + "..."


class RutterGroup(TyperGroup):
    """The lazily loaded commands, and the error boundary: every typed error becomes one line
    on stderr and its exit code."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return _command(cmd_name) if cmd_name in COMMANDS else None

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except _NO_SUCH_OPTION as exc:  # a mistyped global option
            _suggest(exc)
            raise _one_line(exc) from None
        except _USAGE as exc:
            raise _one_line(exc) from None
        except KeyboardInterrupt as exc:
            # Outside the boundary typer would end a signal as a silent 130 (SIGTERM too):
            # said and numbered as everywhere else.
            (sys.stderr or NOWHERE).write(describe(exc) + "\n")
            raise typer.Exit(128 + getattr(exc, "signum", 2)) from None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """A mistyped command gets the closest names (`stauts`: did you mean `status`?); exit 2."""
        ctx.meta[_ARGS] = list(args)  # for a global option given after the command (_suggest)
        if args and not args[0].startswith("-") and args[0] not in COMMANDS:
            import difflib

            matches = difflib.get_close_matches(args[0], list(COMMANDS), n=1)
            if matches:
                names = " or ".join(f"`{name}`" for name in matches)
                raise _USAGE(f"No such command {args[0]!r}; did you mean {names}?", ctx=ctx)
        return super().resolve_command(ctx, args)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """Command names (and their summaries, for zsh and fish) from the tables alone: TAB
        builds no command to list them. Options of the root come from click as before."""
        # typer strips rich markup from zsh and fish help texts by importing rich (~30 ms a
        # TAB); ours have none (rich_markup_mode=None), so they are passed through as they are.
        completion_classes = sys.modules.get("typer._completion_classes")
        if completion_classes is not None:
            completion_classes._sanitize_help_text = str  # type: ignore[attr-defined]
        from typer._click.utils import make_default_short_help  # what click shows there
        from typer.core import CompletionItem  # type: ignore[attr-defined]  # click's, vendored

        names = [name for name in COMMANDS if name.startswith(incomplete)]
        items = [
            CompletionItem(name, help=make_default_short_help(SUMMARIES.get(name) or summary(name)))
            for name in names
        ]
        return items + super(TyperGroup, self).shell_complete(ctx, incomplete)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # From the docstrings alone: listing commands must not build them all.
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _short_help(name, limit)) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    # typer vendors click; its Context is the parent of typer.Context, which is what we get.
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            code = guarded(
                lambda: _deps(ctx),
                lambda: super(RutterGroup, self).invoke(ctx),
                passing=_PASS_THROUGH,
            )
        except _NO_SUCH_OPTION as exc:
            _suggest(exc, ctx.meta.get(_ARGS))
            raise _one_line(exc, _typed_command(ctx)) from None
        except _USAGE as exc:  # a subcommand's missing argument, bad value, extra word
            raise _one_line(exc, _typed_command(ctx)) from None
        finally:
            if isinstance(ctx.obj, Deps):
                ctx.obj.close()
        if code:
            raise typer.Exit(code)


# Usage errors (bad option value, missing argument) belong to click's own handling (exit 2).
# typer vendors click privately, so the base class is found through a public subclass.
_PASS_THROUGH: tuple[type[Exception], ...] = (
    typer.Exit,
    typer.Abort,
    *(kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "ClickException"),
)


# click's (vendored) usage errors, found like _PASS_THROUGH: a mistyped command or option.
_USAGE: Any = next(kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "UsageError")
_NO_SUCH_OPTION: Any = next(
    kind for kind in _USAGE.__subclasses__() if kind.__name__ == "NoSuchOption"
)


class _OneLineUsage(_USAGE):  # type: ignore[misc]
    """A usage error shown like every other error: one line on stderr saying what was wrong
    and where the usage is, instead of click's usage, hint and error on three lines."""

    command = "rutterctl"

    def show(self, file: Any = None) -> None:
        from rutterctl.render.plain import printable

        message = self.format_message().rstrip(".").replace(". Did you mean", "; did you mean")
        said, mean, names = message.partition("did you mean")
        if mean:  # click's names in a subgroup as ours: `serve`, not 'serve'
            message = said + mean + names.replace("'", "`")
        if message[:1].isupper() and message[1:2].islower():  # click's "Missing argument ..."
            message = message[0].lower() + message[1:]
        if "did you mean" not in message and "global option" not in message:  # what to do
            command = self.ctx.command_path if self.ctx is not None else self.command
            message += f"; `{command} --help` shows the usage"
        (file or sys.stderr or NOWHERE).write(printable(redact(f"error: {message}")) + "\n")


def _one_line(exc: Any, command: str = "rutterctl") -> Any:
    """`exc` as a one-line usage error; errors that show something else (a group run bare
    shows its help) are left as they are. `command`: whose help to point to when click gave
    the error no context (an option's missing value)."""
    if type(exc).show is not _USAGE.show or isinstance(exc, _OneLineUsage):
        return exc
    one = _OneLineUsage(exc.format_message(), ctx=exc.ctx)
    one.exit_code = exc.exit_code
    one.command = command
    return one


def _typed_command(ctx: Any) -> str:
    """The command as typed (`rutterctl status`), from the words the group resolved."""
    words = ctx.meta.get(_ARGS) or []
    return " ".join(["rutterctl", *words[:1]])


GLOBAL_OPTIONS = ("--debug", "--profile")
_ARGS = "rutterctl.args"


def _suggest(exc: Any, args: list[str] | None = None) -> None:
    """click's close matches for a mistyped option, phrased like the commands' ones; a global
    option given after the command is shown where it goes (`rutterctl --profile prod status`)."""
    matches = sorted(exc.possibilities or ())
    if matches:
        names = " or ".join(f"`{name}`" for name in matches)
        exc.message = f"{exc.message}; did you mean {names}?"
        exc.possibilities = None
    elif exc.option_name in GLOBAL_OPTIONS and exc.ctx is not None:
        import shlex

        option = [exc.option_name]
        if exc.option_name == "--profile":  # its value, as typed (a profile name is no secret)
            given = [*(args or []), "NAME"]
            values = [v.partition("=")[2] for v in given if v.startswith("--profile=")]
            if "--profile" in given:
                values.append(given[given.index("--profile") + 1])
            option.append(shlex.quote(values[0]) if values else "NAME")
        root, _, command = exc.ctx.command_path.partition(" ")
        # The rest of the line is left out: it may hold an access token.
        exc.message = (
            f"{exc.message}; it is a global option: put it before the command "
            f"(`{' '.join([root, *option, command])} ...`)"
        )


def _deps(ctx: typer.Context) -> Deps:
    return ctx.obj if isinstance(ctx.obj, Deps) else Deps()


app = typer.Typer(
    cls=RutterGroup,
    name="rutterctl",
    help="Operate Rutter connections: status, batches, reasons, wait-ready, force fetch.",
    no_args_is_help=True,
    # Plain help: rich-formatted help would import rich on every --help and every TAB.
    rich_markup_mode=None,
    # Our boundary reports errors; typer's pretty tracebacks could show local variables.
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rutterctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Trace each request on stderr (secrets masked) and show tracebacks. "
            "Also RUTTERCTL_DEBUG=1.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            metavar="NAME",
            help="The profile to use (config.toml and stored credentials). "
            "Also RUTTERCTL_PROFILE; default: default.",
            show_default=False,
            autocompletion=complete_profile,
        ),
    ] = None,
) -> None:
    """rutterctl: operate Rutter connections from the command line."""
    deps = ctx.obj if isinstance(ctx.obj, Deps) else Deps()
    ctx.obj = deps.with_globals(debug=debug, profile=profile)


def _no_breaks_at_hyphens() -> None:
    """click wraps help at hyphens, splitting an option name across lines (`--allow-` /
    `remote`), which no one can copy: wrap at spaces only. typer vendors click privately, so
    this reaches its wrapper class by name, and does nothing if that ever moves."""
    try:
        from typer._click import _textwrap
    except ImportError:
        return
    base = getattr(_textwrap, "TextWrapper", None)
    if base is None or getattr(base, "rutterctl_no_hyphens", False):
        return

    class Wrapper(base):  # type: ignore[misc, valid-type]
        rutterctl_no_hyphens = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("break_on_hyphens", False)
            super().__init__(*args, **kwargs)

    _textwrap.TextWrapper = Wrapper  # type: ignore[misc]


_no_breaks_at_hyphens()


def run() -> None:
    app(prog_name="rutterctl")

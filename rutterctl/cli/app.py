"""The root command: global options, the error boundary, and the command modules."""

from __future__ import annotations

import traceback
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from rutterctl import __version__
from rutterctl.cli.deps import Deps
from rutterctl.errors import ApiError, RutterctlError
from rutterctl.exits import ExitCode, exit_code_for
from rutterctl.secrets import redact


class RutterGroup(TyperGroup):
    """The error boundary: every typed error becomes one line on stderr and its exit code."""

    # typer vendors click; its Context is the parent of typer.Context, which is what we get.
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (RutterctlError, KeyboardInterrupt) as exc:
            deps = _deps(ctx)
            deps.warn(_describe(exc))
            if deps.debug and not isinstance(exc, KeyboardInterrupt):
                deps.warn("".join(traceback.format_exception(exc)).rstrip())
            raise typer.Exit(int(exit_code_for(exc))) from None
        except _PASS_THROUGH:
            raise
        except Exception as exc:  # noqa: BLE001 - the boundary of last resort, reported once
            deps = _deps(ctx)
            if deps.debug:
                deps.warn("".join(traceback.format_exception(exc)).rstrip())
            deps.warn(
                f"error: unexpected {type(exc).__name__}: {exc} "
                "(run with --debug for a traceback, and report it)"
            )
            raise typer.Exit(int(ExitCode.ERROR)) from None
        finally:
            if isinstance(ctx.obj, Deps):
                ctx.obj.close()


# Usage errors (bad option value, missing argument) belong to click's own handling (exit 2).
# typer vendors click privately, so the base class is found through a public subclass.
_PASS_THROUGH: tuple[type[Exception], ...] = (
    typer.Exit,
    typer.Abort,
    *(kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "ClickException"),
)


def _deps(ctx: typer.Context) -> Deps:
    return ctx.obj if isinstance(ctx.obj, Deps) else Deps()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    assert isinstance(exc, RutterctlError)
    line = exc.one_line() if isinstance(exc, ApiError) else exc.message
    if exc.hint:
        line += f"; {exc.hint}"
    return redact(f"error: {line}")


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
        ),
    ] = None,
) -> None:
    """rutterctl: operate Rutter connections from the command line."""
    from rutterctl.config.settings import debug_enabled

    deps = ctx.obj if isinstance(ctx.obj, Deps) else Deps()
    deps.debug = deps.debug or debug or debug_enabled(deps.environ)
    if profile is not None:
        from rutterctl.config.profiles import check_profile_name

        deps.profile = check_profile_name(profile)
    ctx.obj = deps


def _register() -> None:
    from rutterctl.cli import batches, fetch, reasons, status, wait_ready

    app.command("status")(status.status)
    app.command("batches")(batches.batches)
    app.command("reasons")(reasons.reasons)
    app.command("wait-ready")(wait_ready.wait_ready)
    app.command("fetch")(fetch.fetch)

    from rutterctl.cli import demo, sim

    app.add_typer(sim.app, name="sim")
    app.command("demo")(demo.demo)

    from rutterctl.cli import auth, config_cmd

    app.add_typer(auth.app, name="auth")
    app.add_typer(config_cmd.app, name="config")

    from rutterctl.cli import alias, connections

    app.add_typer(connections.app, name="connections")
    app.add_typer(alias.app, name="alias")


_register()


def run() -> None:
    app(prog_name="rutterctl")

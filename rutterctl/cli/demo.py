"""`rutterctl demo`: the real commands against an in-process simulator, no account needed."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO, cast

import typer

from rutterctl.cli.deps import Deps

if TYPE_CHECKING:
    from rutterctl.sim.state import Simulator


def demo(
    ctx: typer.Context,
    speed: Annotated[
        float,
        typer.Option(
            help="Simulated seconds per real second while waiting for a connection to become "
            "ready (300 = five simulated minutes a second).",
            min=1,
        ),
    ] = 300,
) -> None:
    """Run rutterctl against a local Rutter simulator: every stage, batches, reasons, a wait.

    Starts the simulator in process on a free loopback port (nothing leaves this machine, no
    account needed), then runs the real commands against it, each shown as you would type it.

    \b
    Examples:
      rutterctl demo
      NO_COLOR=1 rutterctl demo | less
    """
    from rutterctl.sim import build
    from rutterctl.sim.server import serve_in_thread

    deps: Deps = ctx.obj
    # The simulator's clock stands still except when a command sleeps: then it moves by the
    # time slept, while the demo pauses for that time divided by --speed. So wait-ready polls
    # with its real defaults, and every relative time shown is the simulator's.
    sim = build("fleet", speed=0)
    base_url, stop = serve_in_thread(sim)
    try:
        with tempfile.TemporaryDirectory(prefix="rutterctl-demo-") as home:
            _tour(deps, sim, base_url, Path(home), speed)
    finally:
        stop()


def _tour(deps: Deps, sim: Simulator, base_url: str, home: Path, speed: float) -> None:
    from rutterctl.sim.state import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    # The demo's own environment: the simulator's credentials, and config/cache directories
    # that vanish afterwards, so nothing of the user's (profiles, aliases, cache) is touched.
    environ = {
        **{k: v for k, v in deps.environ.items() if k in ("NO_COLOR", "TERM", "COLUMNS", "PATH")},
        "RUTTER_BASE_URL": base_url,
        "RUTTER_CLIENT_ID": DEFAULT_CLIENT_ID,
        "RUTTER_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
        "RUTTERCTL_CONFIG_DIR": str(home / "config"),
        "RUTTERCTL_CACHE_DIR": str(home / "cache"),
        "RUTTERCTL_NO_KEYRING": "1",
    }
    ids = {conn.name: conn.id for conn in sim.connections.values()}
    say = _Narrator(deps, sim, speed)
    say.line(f"A Rutter simulator is serving {base_url} (scenario 'fleet').")
    say.line("Each step below runs the real rutterctl command against it.")
    say.step(
        "The organisation's connections: one in each stage",
        ["connections", "list", "--details"],
        environ,
    )
    say.steps(
        "Short names for them (aliases, kept in this demo's temporary config directory)",
        [["alias", "set", name, connection_id] for name, connection_id in ids.items()],
        environ,
    )
    for name in ("acme-initial", "acme-historical", "acme-ongoing", "acme-needs-update"):
        say.step(f"{name}: where is it in its lifecycle?", ["status", name], environ)
    say.step(
        "acme-disabled: why is it disabled, and who has to act?",
        ["reasons", "acme-disabled"],
        environ,
    )
    say.step(
        "acme-historical: which data is in which batch, and how far has it got?",
        ["batches", "acme-historical"],
        environ,
    )
    say.step(
        "acme-ongoing: the first page of its orders",
        ["fetch", "orders", "acme-ongoing", "--limit", "5"],
        environ,
    )
    say.step("The catalogue of disabled reasons", ["reasons"], environ)
    say.line(f"\nWhile a command waits, the simulator's clock runs {speed:g}x real time.")
    say.step(
        "acme-initial: a script waiting until its data can be read",
        ["wait-ready", "acme-initial", "--timeout", "1h"],
        environ,
    )
    say.step(
        "acme-initial: readable now (exit 0 with --exit-status)",
        ["status", "acme-initial", "--exit-status"],
        environ,
    )
    from rutterctl.cli.demo_webhooks import webhook_loop  # issue 16's step, self-contained

    webhook_loop(say, sim, environ)
    say.line("\nTry it yourself: `rutterctl sim serve` prints the export line to paste;")
    say.line("see docs/simulator.md for scenarios, faults and the control surface.")


class _Watched:
    """stdout as the demo's commands see it, remembering whether the reader went away: each
    command ends quietly on a closed pipe (`demo | head -1`), and then the demo must stop too
    rather than run every remaining step into the void."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.closed_by_reader = False

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            self.closed_by_reader = True
            raise

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            self.closed_by_reader = True
            raise

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding...
        return getattr(self.stream, name)


class _Narrator:
    def __init__(self, deps: Deps, sim: Simulator, speed: float) -> None:
        self.deps = deps
        self.sim = sim
        self.speed = speed
        self.out = _Watched(deps.out)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.sim.now(), UTC)

    def _sleep(self, seconds: float) -> None:
        self.sim.advance(seconds)
        self.deps.sleep(seconds / self.speed)

    def _width(self) -> int | None:
        """The terminal's width when stdout is one (what the commands lay out to), else None:
        piped text is not wrapped."""
        if not self.deps.out_is_tty:
            return None
        import shutil

        return shutil.get_terminal_size().columns

    def line(self, text: str) -> None:
        """Narration, wrapped at words to the terminal (render/layout.py's rule)."""
        from rutterctl.render.layout import wrap_words

        width = self._width()
        lines = text.split("\n") if width is None else wrap_words(text, width)
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()

    def _command(self, args: list[str]) -> str:
        """`$ rutterctl ARGS` as typed; on a narrow terminal continued with ` \\` lines, so
        it still pastes as one command."""
        import shlex

        from rutterctl.render.layout import continued

        return continued(["$", "rutterctl", *map(shlex.quote, args)], self._width())

    def step(self, title: str, args: list[str], environ: dict[str, str]) -> None:
        self.steps(title, [args], environ)

    def steps(self, title: str, commands: list[list[str]], environ: dict[str, str]) -> None:
        """One heading, then each command as typed, run for real."""
        from rutterctl.cli.app import app

        self.line(self._bold(f"\n# {title}"))
        for args in commands:
            self.out.write(self._bold(self._command(args)) + "\n")
            inner = Deps(
                environ=environ,
                stdout=cast(TextIO, self.out),
                stderr=self.deps.stderr,
                stdout_tty=self.deps.stdout_tty,
                stderr_tty=self.deps.stderr_tty,
                now=self._now,
                monotonic=self.sim.now,
                sleep=self._sleep,
            )
            code = app(args, prog_name="rutterctl", obj=inner, standalone_mode=False)
            if code == 130:  # Ctrl-C inside a step ends the whole demo
                raise typer.Exit(130)
            if self.out.closed_by_reader:  # the reader went away: it has what it wanted
                raise BrokenPipeError
            if code:
                self.line(f"(exit code {code})")

    def _bold(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if self.deps.color else text

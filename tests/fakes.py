"""Test doubles shared by the suites: a fake clock and a CLI invoker with an injected transport."""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from rutterctl.cli.app import app
from rutterctl.cli.deps import Deps
from typer.testing import CliRunner

FIXED_NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
CLIENT_ID = "client-id-0123456789"
CLIENT_SECRET = "client-secret-abcdefghijklmnop"
CREDS = {"RUTTER_CLIENT_ID": CLIENT_ID, "RUTTER_CLIENT_SECRET": CLIENT_SECRET}


@dataclass
class FakeClock:
    """Time that moves only when someone sleeps: waiting costs no real time."""

    start: datetime = FIXED_NOW
    elapsed: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return 1000.0 + self.elapsed

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += max(0.0, seconds)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str
    clock: FakeClock


def make_deps(
    environ: dict[str, str],
    clock: FakeClock,
    *,
    transport: Any = None,
    tty: bool = False,
    **more: Any,
) -> Deps:
    """The Deps a test runs a command with: its environment, transport and fake clock, a seeded
    random source, and the TTY flags it wants."""
    return Deps(
        environ=environ,
        transport=transport,
        now=clock.now,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
        rng=random.Random(7),
        stdout_tty=tty,
        stderr_tty=tty,
        **more,
    )


def invoke(
    args: list[str],
    *,
    transport: Any = None,
    env: dict[str, str] | None = None,
    tty: bool = False,
    clock: FakeClock | None = None,
    input: str | None = None,
    keyring_timeout: float | None = None,
) -> Result:
    """Run the CLI in process with an injected transport, environment and fake clock."""
    clock = clock or FakeClock()
    # The isolated dirs set by conftest's autouse fixture, then credentials, then the test's own.
    environ = {k: v for k, v in os.environ.items() if k.startswith("RUTTERCTL_")}
    environ.update(CREDS if env is None else env)
    deps = make_deps(environ, clock, transport=transport, tty=tty)
    if keyring_timeout is not None:
        deps.keyring_timeout = keyring_timeout
    result = CliRunner().invoke(app, args, obj=deps, input=input)
    return Result(result.exit_code, result.stdout, result.stderr, clock)


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colour_codes(text: str) -> list[str]:
    """The SGR sequences that set a foreground or background colour (bold, dim are not)."""
    found = []
    for params in SGR.findall(text):
        numbers = [int(p) for p in params.split(";") if p]
        if any(30 <= n <= 49 or 90 <= n <= 107 for n in numbers):
            found.append(params)
    return found


def visible(text: str) -> str:
    """Text as a terminal shows it: without the SGR (colour and style) sequences."""
    return SGR.sub("", text)


def pin_terminal(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    """rich reads the terminal type and width from the process environment: pin both."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", str(columns))
    for name in ("COLORTERM", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)

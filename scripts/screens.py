"""Screenshot-like captures of rutterctl at 80 columns, for docs/screens/.

Each is the real command run in process against the simulator (scenario `fleet`, seed 0, a
fixed simulated start), on a pretend 80-column terminal without colour, so the text is the
same on every machine and scripts/check-generated can tell when a view has drifted.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ROOT / "docs" / "screens"
WIDTH = 80
START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC).timestamp()
BASE_URL = "http://127.0.0.1:8765/versioned"  # as `rutterctl sim serve` prints it
# file name -> the command line shown and run (a connection named by its alias)
COMMANDS = {
    "status-80.txt": ["status", "acme-needs-update"],
    "connections-list-details-80.txt": ["connections", "list", "--details"],
}
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def capture(args: list[str], home: Path) -> str:
    """`rutterctl ARGS` as an 80-column terminal shows it: stdout, then stderr."""
    # The simulator's in-process seam (as the tests use it): no port, so no port in the text.
    import httpx  # noqa: TID251

    from rutterctl.cli.app import app
    from rutterctl.sim import build
    from rutterctl.sim.app import SimApp
    from rutterctl.sim.state import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    sim = build("fleet", speed=0, seed=0, start=START)
    environ = {
        "RUTTER_BASE_URL": BASE_URL,
        "RUTTER_CLIENT_ID": DEFAULT_CLIENT_ID,
        "RUTTER_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
        "RUTTERCTL_CONFIG_DIR": str(home / "config"),
        "RUTTERCTL_CACHE_DIR": str(home / "cache"),
        "RUTTERCTL_NO_KEYRING": "1",
        "NO_COLOR": "1",
    }
    now = datetime.fromtimestamp(sim.now(), UTC)
    transport = httpx.WSGITransport(app=SimApp(sim, sleep=lambda _: None))
    out, err = io.StringIO(), io.StringIO()
    aliases = {conn.name: conn.id for conn in sim.connections.values()}
    for name, connection_id in aliases.items():  # the aliases a reader would have set
        app(["alias", "set", name, connection_id], obj=_deps(environ, transport, now),
            standalone_mode=False)  # fmt: skip
    deps = _deps(environ, transport, now, out=out, err=err, tty=True)
    app(args, prog_name="rutterctl", obj=deps, standalone_mode=False)
    shown = _SGR.sub("", out.getvalue() + err.getvalue())
    lines = [line.rstrip() for line in shown.splitlines()]
    return f"$ rutterctl {' '.join(args)}\n" + "\n".join(lines) + "\n"


def _deps(
    environ: dict[str, str],
    transport: Any,
    now: datetime,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    tty: bool = False,
) -> Deps:
    from rutterctl.cli.deps import Deps

    return Deps(
        environ=environ,
        transport=transport,
        now=lambda: now,
        stdout=out or io.StringIO(),
        stderr=err or io.StringIO(),
        stdout_tty=tty,
        stderr_tty=False,
    )


def screens() -> dict[str, str]:
    """File name -> the capture, rendered at 80 columns."""
    saved = {k: os.environ.get(k) for k in ("COLUMNS", "LINES", "TERM")}
    os.environ.update({"COLUMNS": str(WIDTH), "LINES": "50", "TERM": "xterm-256color"})
    try:
        with tempfile.TemporaryDirectory(prefix="rutterctl-screens-") as home:
            return {name: capture(args, Path(home) / name) for name, args in COMMANDS.items()}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def write(directory: Path = SCREENS) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in screens().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    import sys

    sys.stdout.writelines(f"wrote {path}\n" for path in write())

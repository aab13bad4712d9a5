"""`--help`, `--version` and TAB completion stay fast: no httpx, pydantic or rich imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
sys.argv = ["rutterctl", *json.loads(sys.argv[1])]
from rutterctl.__main__ import main
try:
    main()
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"httpx", "pydantic", "rich", "waitress"})
sys.stderr.write("HEAVY=" + json.dumps(heavy) + "\\n")
"""


def heavy_modules(args: list[str], env: dict[str, str] | None = None) -> tuple[list[str], str]:
    """The heavy packages imported by running rutterctl with `args`, and what it printed."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    line = next(x for x in proc.stderr.splitlines() if x.startswith("HEAVY="))
    result: list[str] = json.loads(line.removeprefix("HEAVY="))
    return result, proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["status", "--help"],
        ["batches", "--help"],
        ["reasons", "--help"],
        ["wait-ready", "--help"],
        ["connections", "--help"],
        ["connections", "list", "--help"],
        ["alias", "--help"],
        ["alias", "set", "--help"],
    ],
)
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    heavy, out = heavy_modules(args)
    assert heavy == []
    assert out.startswith(("Usage: rutterctl", "rutterctl "))


def test_completion_imports_nothing_heavy() -> None:
    env = {"_RUTTERCTL_COMPLETE": "complete_bash", "COMP_WORDS": "rutterctl st", "COMP_CWORD": "1"}
    heavy, out = heavy_modules([], env)
    assert heavy == []
    assert out.split() == ["status"]


def test_completing_a_connection_argument_imports_nothing_heavy(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "aliases.toml").write_text(
        'version = 1\n[aliases."https://sandbox.rutterapi.com/versioned".acme]\n'
        'connection_id = "11111111-2222-4333-8444-555555555555"\n'
        'access_token = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"\n'
    )
    env = {
        "_RUTTERCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": "rutterctl status ac",
        "COMP_CWORD": "2",
        "RUTTERCTL_CONFIG_DIR": str(config),
    }
    heavy, out = heavy_modules([], env)
    assert heavy == []
    assert out.split() == ["acme"]

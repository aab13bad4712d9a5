"""The README Quickstart is two commands with `python3`, and CI runs the second one exactly."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.test_completions import load_script

ROOT = Path(__file__).resolve().parent.parent


def _quickstart() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]


def test_two_commands_with_python3_and_ci_runs_the_second_exactly() -> None:
    commands = _quickstart()
    assert commands == ["python3 scripts/bootstrap.py demo", "python3 scripts/bootstrap.py test"]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert commands[1] in ci


def test_an_older_python3_hands_over_to_the_newest_python3_n(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bootstrap = load_script("bootstrap")
    assert bootstrap._python() == sys.executable  # this one is recent enough
    monkeypatch.setattr(bootstrap.sys, "version_info", (3, 9, 0))
    found = {"python3.12": "/opt/py/bin/python3.12", "python3.11": "/usr/bin/python3.11"}
    monkeypatch.setattr(shutil, "which", found.get)
    assert bootstrap._python() == "/opt/py/bin/python3.12"
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(SystemExit, match=r"needs Python 3\.11 or newer"):
        bootstrap._python()

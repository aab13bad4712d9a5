"""docs/ci.md: its jobs are valid YAML and run the commands this project tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

CI_DOC = Path(__file__).parent.parent / "docs" / "ci.md"


def blocks() -> list[dict[str, Any]]:
    text = CI_DOC.read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def test_the_github_and_gitlab_jobs_parse_and_run_check() -> None:
    github, gitlab = blocks()
    jobs = github["jobs"]
    assert set(jobs) == {"simulator", "production"}
    runs = [step.get("run", "") for step in jobs["simulator"]["steps"]]
    assert any("rutterctl sim serve --port 8765" in run for run in runs)
    assert "rutterctl check --report rutter-check.xml" in runs
    secrets = jobs["production"]["env"]
    assert secrets["RUTTER_CLIENT_SECRET"] == "${{ secrets.RUTTER_CLIENT_SECRET }}"
    assert gitlab[".rutter-check"]["artifacts"]["reports"]["junit"] == "rutter-check.xml"
    assert gitlab["rutter-check:simulator"]["script"][-1] == (
        "rutterctl check --report rutter-check.xml"
    )
    # The simulator's base URL in both is where `sim serve --port 8765` listens.
    url = "http://127.0.0.1:8765/versioned"
    assert jobs["simulator"]["env"]["RUTTER_BASE_URL"] == url
    assert gitlab["rutter-check:simulator"]["variables"]["RUTTER_BASE_URL"] == url

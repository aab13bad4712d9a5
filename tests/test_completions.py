"""Shell completion (alias names for CONNECTION arguments, `--install-completion`) and the
generated files: completions/ and the README's command reference are what the app generates."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rutterctl.config.aliases import Alias, AliasFile

ROOT = Path(__file__).resolve().parent.parent
SANDBOX = "https://sandbox.rutterapi.com/versioned"
PRODUCTION = "https://production.rutterapi.com/versioned"


def complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash gets on TAB after `words` (the last word is the one being completed)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    proc = subprocess.run(
        [sys.executable, "-m", "rutterctl"],
        env={
            **os.environ,
            "_RUTTERCTL_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout.split()


@pytest.fixture
def aliases(tmp_path: Path) -> dict[str, str]:
    """A config dir holding aliases for sandbox and production; the env pointing at it."""
    env = {"RUTTERCTL_CONFIG_DIR": str(tmp_path / "cfg")}
    file = AliasFile.at(env)
    for name in ("acme", "acme.prod", "beta"):
        file.save(Alias(name, f"id-{name}-000000", f"token-{name}-0000", SANDBOX))
    file.save(Alias("acorn", "id-acorn-000000", "token-acorn-0000", PRODUCTION))
    return env


def test_tab_on_a_connection_argument_offers_alias_names(aliases: dict[str, str]) -> None:
    assert complete("rutterctl status ac", aliases) == ["acme", "acme.prod"]
    assert complete("rutterctl batches ", aliases) == ["acme", "acme.prod", "beta"]
    assert complete("rutterctl wait-ready acme b", aliases) == ["beta"]
    assert complete("rutterctl alias remove a", aliases) == ["acme", "acme.prod"]
    # reasons' CONNECTION is optional, and completes like every other one.
    assert complete("rutterctl reasons ac", aliases) == ["acme", "acme.prod"]
    assert complete("rutterctl fetch orders b", aliases) == ["beta"]


def test_tab_offers_only_the_aliases_of_the_current_base_url(aliases: dict[str, str]) -> None:
    assert complete("rutterctl status ac", {**aliases, "RUTTER_ENV": "production"}) == ["acorn"]


def test_tab_without_or_with_a_broken_aliases_file_offers_nothing(tmp_path: Path) -> None:
    env = {"RUTTERCTL_CONFIG_DIR": str(tmp_path)}
    assert complete("rutterctl status a", env) == []
    (tmp_path / "aliases.toml").write_text("[[[ not toml")
    assert complete("rutterctl status a", env) == []


def test_install_completion_writes_the_bash_script(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    home = tmp_path / "home"
    home.mkdir()
    # Under bash, so that typer's shell detection finds it (`; true` keeps bash as the parent).
    proc = subprocess.run(
        [bash, "--norc", "-c", f'"{sys.executable}" -m rutterctl --install-completion; true'],
        env={**os.environ, "HOME": str(home), "SHELL": bash},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "bash completion installed in" in proc.stdout, proc.stdout + proc.stderr
    script = home / ".bash_completions" / "rutterctl.sh"
    committed = (ROOT / "completions" / "rutterctl.bash").read_text()
    assert script.read_text().strip() == committed.strip()
    assert f"source '{script}'" in (home / ".bashrc").read_text()


def _generated() -> ModuleType:
    return load_script("generated")


def load_script(name: str) -> ModuleType:
    """scripts/NAME.py, imported by path (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checked_in_completions_and_reference_are_current() -> None:
    proc = subprocess.run(
        [str(ROOT / "scripts" / "check-generated")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "VIRTUAL_ENV": str(Path(sys.executable).parent.parent)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "generated files are current" in proc.stdout


def test_check_names_a_stale_file_and_how_to_regenerate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = _generated()
    completions = tmp_path / "completions"
    shutil.copytree(ROOT / "completions", completions)
    readme = tmp_path / "README.md"
    readme.write_text((ROOT / "README.md").read_text())
    monkeypatch.setattr(generated, "ROOT", tmp_path)
    monkeypatch.setattr(generated, "COMPLETIONS", completions)
    monkeypatch.setattr(generated, "README", readme)
    env_before = dict(os.environ)
    try:
        generated.write_completions(completions)
        readme.write_text(generated.with_reference(readme.read_text(), generated.reference()))
        assert generated.check() == 0
        (completions / "_rutterctl").write_text("stale\n")
        readme.write_text(readme.read_text().replace("Show this message and exit.", "Help!", 1))
        assert generated.check() == 1
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    err = capsys.readouterr().err
    assert "stale: completions/_rutterctl" in err and "run scripts/gen-completions" in err
    assert "stale: README.md" in err and "run scripts/gen-reference" in err


def test_the_reference_covers_every_command_and_is_deterministic() -> None:
    generated = _generated()
    env_before = dict(os.environ)
    try:
        first, second = generated.reference(), generated.reference()
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    assert first == second
    for command in ("rutterctl status", "rutterctl connections list", "rutterctl alias set"):
        assert f"### `{command}`\n" in first
    assert first.startswith(generated.BEGIN) and first.endswith(generated.END)

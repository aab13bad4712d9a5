"""Generated files: the shell completion scripts in completions/ and the README's command
reference. Run through scripts/gen-completions, scripts/gen-reference and
scripts/check-generated (CI), which pick the project's Python.

Output is deterministic: help is rendered at a fixed width without colour, with the
environment of the machine that runs it left out.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
COMPLETIONS = ROOT / "completions"
BEGIN = "<!-- BEGIN COMMAND REFERENCE -->"
END = "<!-- END COMMAND REFERENCE -->"
# file name -> shell; zsh wants `_rutterctl` on its fpath, bash and fish take any name.
SHELLS = {"rutterctl.bash": "bash", "_rutterctl": "zsh", "rutterctl.fish": "fish"}
# Help as on a 100-column terminal without colour (click caps its text at 80 columns).
HELP_ENV = {"COLUMNS": "100", "TERMINAL_WIDTH": "100", "TERM": "dumb", "NO_COLOR": "1"}
HELP_ENV |= {"LC_ALL": "C.UTF-8", "_TYPER_FORCE_DISABLE_TERMINAL": "1", "HOME": "/home/user"}


def _clean_env() -> dict[str, str]:
    """The environment minus anything that changes rutterctl's behaviour or its help."""
    dropped = ("RUTTER", "_RUTTERCTL", "_TYPER", "XDG_", "FORCE_COLOR", "CLICOLOR")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return env | HELP_ENV


# -- completions ---------------------------------------------------------------------------


def completion_scripts() -> dict[str, str]:
    """What `_RUTTERCTL_COMPLETE=source_SHELL rutterctl` prints (typer's own scripts), with the
    surrounding blank lines trimmed so that zsh's `#compdef` is the first line."""
    scripts = {}
    for name, shell in SHELLS.items():
        proc = subprocess.run(
            [sys.executable, "-m", "rutterctl"],
            env=_clean_env() | {"_RUTTERCTL_COMPLETE": f"source_{shell}"},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        scripts[name] = proc.stdout.strip() + "\n"
    return scripts


def write_completions(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in completion_scripts().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# -- the command reference -------------------------------------------------------------------


def _command_paths() -> list[list[str]]:
    """Every visible command and sub-command, depth first, in the order `--help` lists them."""
    import typer
    import typer.main

    from rutterctl.cli.app import app

    paths: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        paths.append(path)
        ctx = typer.Context(command)
        list_commands = getattr(command, "list_commands", None)
        for name in list_commands(ctx) if list_commands else []:
            sub = command.get_command(ctx, name)
            if sub is not None and not getattr(sub, "hidden", False):
                walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def reference() -> str:
    """The Markdown between the markers: each command's `--help`, as the program prints it."""
    os.environ.clear()
    os.environ.update(_clean_env())
    from typer.testing import CliRunner

    from rutterctl.cli.app import app

    runner = CliRunner()
    parts = [
        BEGIN,
        "<!-- Generated from --help by scripts/gen-reference; do not edit by hand. -->",
    ]
    for path in _command_paths():
        result = runner.invoke(app, [*path, "--help"], prog_name="rutterctl")
        if result.exit_code != 0:
            raise SystemExit(f"`rutterctl {' '.join(path)} --help` failed:\n{result.output}")
        text = "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())
        parts += ["", f"### `{' '.join(['rutterctl', *path])}`", "", "```text", text, "```"]
    parts.append(END)
    return "\n".join(parts)


ROOT_HELP = ROOT / "rutterctl" / "cli" / "root_help.py"


def root_help_module() -> str:
    """rutterctl/cli/root_help.py: the root `--help` as typer prints it (80 columns or more),
    which rutterctl.cli.fast prints without importing typer."""
    os.environ.clear()
    os.environ.update(_clean_env())
    from typer.testing import CliRunner

    from rutterctl.cli import app as root
    from rutterctl.cli.app import app
    from rutterctl.cli.commands import COMMANDS

    result = CliRunner().invoke(app, ["--help"], prog_name="rutterctl")
    text = result.stdout
    if result.exit_code != 0 or '"""' in text or "\\" in text:
        raise SystemExit(f"`rutterctl --help` cannot be kept as a module:\n{result.output}")
    # What TAB shows next to each command name in zsh and fish (click's short help).
    short = {name: root._command(name).get_short_help_str() for name in COMMANDS}
    rows = "".join(
        f"    {json.dumps(n)}: {json.dumps(h, ensure_ascii=False)},\n" for n, h in short.items()
    )
    return (
        '"""The root `--help`, as typer prints it on a terminal of 80 columns or more, and the\n'
        "short help of each command, as TAB shows it in zsh and fish.\n\n"
        "Generated from the app by scripts/gen-reference (checked by scripts/check-generated);\n"
        'do not edit by hand."""\n\nROOT_HELP = """\\\n'
        + text
        + '"""\n\nSHORT_HELPS = {\n'
        + rows
        + "}\n"
    )


QUICK_SPECS = ROOT / "rutterctl" / "cli" / "quick_specs.py"


def _kind(param: Any) -> str | tuple[str, ...]:
    """How the quick lane converts a parameter's value: click's type, for the types it knows."""
    kind = type(param.type).__name__
    if getattr(param, "is_flag", False):
        if not param.is_bool_flag or param.secondary_opts or param.count:
            raise SystemExit(f"quick lane: {param.name}: only plain --flag options are supported")
        return "flag"
    if kind == "TyperChoice":
        values = [getattr(c, "value", c) for c in param.type.choices]
        # The lane hands the body the text typed, which a StrEnum turns into its member.
        if not param.type.case_sensitive or not all(isinstance(v, str) for v in values):
            raise SystemExit(f"quick lane: {param.name}: a case-insensitive or non-str choice")
        return tuple(values)
    if kind == "TyperPath":
        t = param.type
        plain = (t.exists, t.file_okay, t.dir_okay, t.writable, t.readable, t.resolve_path)
        if plain != (False, True, True, False, True, False) or t.allow_dash or t.type:
            raise SystemExit(f"quick lane: {param.name}: a path with checks it does not make")
        return "path"
    if kind in ("StringParamType", "IntParamType"):
        return {"StringParamType": "str", "IntParamType": "int"}[kind]
    raise SystemExit(f"quick lane: {param.name}: type {kind} is not supported")


def _parameters(name: str, params: list[Any], body: Any) -> tuple[list[Any], dict[str, Any]]:
    """The arguments and options of `params` (a command's or the root's) as the lane parses
    them, checked against `body` (the function given their values: the same names and
    defaults); anything the lane would hand over differently from typer is refused."""
    import inspect

    taken = list(inspect.signature(body).parameters.values())[1:]  # after deps (or self)
    by_name = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    if [p.name for p in taken] != [p.name for p in params] or any(
        p.kind not in by_name for p in taken
    ):  # the lane passes each by its name
        raise SystemExit(f"quick lane: {name}: {body.__qualname__} takes {[p.name for p in taken]}")
    arguments: list[Any] = []
    options: dict[str, Any] = {}
    for param, parameter in zip(params, taken, strict=True):
        wanted = inspect.Parameter.empty if param.required else param.default
        # A prompt, an envvar or a callback supplies or checks a value the lane never sees.
        unseen = param.envvar or param.callback or getattr(param, "prompt", None)
        if parameter.default != wanted or unseen or param.multiple or not param.expose_value:
            raise SystemExit(f"quick lane: {name} {param.name}: default, envvar, prompt, callback")
        if type(param).__name__ == "TyperArgument":
            # The lane hands words over as they are, a variadic one taking all that are left.
            last = param is [p for p in params if type(p).__name__ == "TyperArgument"][-1]
            if type(param.type).__name__ != "StringParamType" or param.nargs not in (1, -1):
                raise SystemExit(f"quick lane: {name} {param.name}: only str arguments, one word")
            if param.nargs == -1 and not last:
                raise SystemExit(f"quick lane: {name} {param.name}: a variadic argument not last")
            arguments.append((param.name, param.nargs, bool(param.required)))
            continue
        if param.nargs != 1 or param.required:  # a missing required option is click's error
            raise SystemExit(f"quick lane: {name} {param.name}: nargs {param.nargs} or required")
        for opt in param.opts:
            if not opt.startswith("-"):  # click would take any word starting so as an option
                raise SystemExit(f"quick lane: {name} {opt}: an option prefix other than -")
            options[opt] = (param.name, _kind(param))
    return arguments, options


def _parsed_as_click_defaults(name: str, group: Any, command: Any) -> None:
    """The lane parses as click does by default: the root's options before the command's
    name, the command's between its arguments, names matched as typed, and nothing else
    done on the way (help for a bare command, a deprecation warning, a result callback)."""
    root = group.context_class(group, info_name="rutterctl", **group.context_settings)
    ctx = command.context_class(command, info_name=name, parent=root, **command.context_settings)
    unlike = {
        "options after the command's name": root.allow_interspersed_args,
        "options only before arguments": not ctx.allow_interspersed_args,
        "names normalised": ctx.token_normalize_func is not None,
        "help when run bare": command.no_args_is_help,
        "deprecated": group.deprecated or command.deprecated,
        "a result callback": group._result_callback,
    }
    refused = [what for what, differs in unlike.items() if differs]
    if refused:
        raise SystemExit(f"quick lane: {name}: {', '.join(refused)}")


def _root_options(group: Any) -> dict[str, Any]:
    """The root's options without a callback, which the lane gives Deps.with_globals as the
    root callback does; --version and the completion installers act when given, so the lane
    leaves them (and any line with them) to typer."""
    from rutterctl.cli.deps import Deps

    plain = [p for p in group.params if p.callback is None]
    arguments, options = _parameters("rutterctl", plain, Deps.with_globals)
    if arguments:
        raise SystemExit(f"quick lane: the root takes arguments {arguments}")
    return options


def _quick_spec(name: str, target: str, group: Any) -> tuple[str, list[Any], dict[str, Any]]:
    """One quick command: its body, its arguments and its options, as click declares them."""
    from rutterctl.cli import app as root
    from rutterctl.cli.commands import load

    command = root._command(name)
    _parsed_as_click_defaults(name, group, command)
    body = load(target)
    return (target, *_parameters(name, command.params, body))


def quick_specs_module() -> str:
    """rutterctl/cli/quick_specs.py: the quick commands' parameters as click parses them."""
    import typer.main

    from rutterctl.cli import app as root
    from rutterctl.cli.commands import QUICK

    group = typer.main.get_command(root.app)
    root_options = _root_options(group)
    specs = {name: _quick_spec(name, target, group) for name, target in QUICK.items()}
    lines = [
        '"""The parameters of the commands the quick lane runs (rutterctl.cli.quick), as click',
        "parses them: generated from the app by scripts/gen-reference (checked by",
        'scripts/check-generated); do not edit by hand."""',
        "",
        "# (parameter name, nargs, required): nargs -1 takes the remaining words.",
        "Argument = tuple[str, int, bool]",
        '# option -> (parameter name, kind): "flag", "str", "int", "path", or the choices.',
        "Option = tuple[str, str | tuple[str, ...]]",
        "# (the body, as module:function; its arguments; its options)",
        "Spec = tuple[str, tuple[Argument, ...], dict[str, Option]]",
        "",
        f"ROOT_OPTIONS: dict[str, Option] = {root_options!r}",
        "",
        "SPECS: dict[str, Spec] = {",
    ]
    for name, (target, arguments, options) in specs.items():
        lines += [
            f"    {name!r}: (",
            f"        {target!r},",
            f"        {tuple(arguments)!r},",
            f"        {options!r},",
            "    ),",
        ]
    lines.append("}")
    return _formatted("\n".join(lines) + "\n")


def _formatted(source: str) -> str:
    """As `ruff format` writes it (CI checks the format of every file)."""
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(QUICK_SPECS), "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    return proc.stdout


def with_reference(readme: str, block: str) -> str:
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{README.name}: the markers {BEGIN} ... {END} are missing")
    return readme[:start] + block + readme[end + len(END) :]


# -- the check --------------------------------------------------------------------------------


def _diff(committed: Path, fresh: str, how: str) -> bool:
    old = committed.read_text(encoding="utf-8") if committed.exists() else ""
    if old == fresh:
        return True
    shown = committed.relative_to(ROOT)
    sys.stderr.write(f"stale: {shown} differs from what the app generates; run {how}\n")
    sys.stderr.writelines(
        list(
            difflib.unified_diff(
                old.splitlines(True),
                fresh.splitlines(True),
                f"{shown} (committed)",
                f"{shown} (generated)",
            )
        )[:60]
    )
    return False


def _screens() -> Any:
    """scripts/screens.py (docs/screens/, the views at 80 columns), found beside this file
    however this one was loaded (as a script, or by path in the tests)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("screens", Path(__file__).with_name("screens.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for path in write_completions(Path(tmp)):
            fresh = path.read_text(encoding="utf-8")
            ok &= _diff(COMPLETIONS / path.name, fresh, "scripts/gen-completions")
    readme = README.read_text(encoding="utf-8")
    ok &= _diff(README, with_reference(readme, reference()), "scripts/gen-reference")
    ok &= _diff(ROOT_HELP, root_help_module(), "scripts/gen-reference")
    ok &= _diff(QUICK_SPECS, quick_specs_module(), "scripts/gen-reference")
    screens = _screens()
    for name, text in screens.screens().items():
        ok &= _diff(screens.SCREENS / name, text, "scripts/gen-screens")
    if ok:
        sys.stdout.write(
            "generated files are current (completions/, README command reference, root help, "
            "quick lane specs, docs/screens/)\n"
        )
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    if argv[:1] == ["completions"]:
        for path in write_completions(Path(argv[1]) if len(argv) > 1 else COMPLETIONS):
            sys.stdout.write(f"wrote {path}\n")
        return 0
    if argv[:1] == ["reference"]:
        if argv[1:] == ["--stdout"]:
            sys.stdout.write(reference() + "\n")
            return 0
        README.write_text(with_reference(README.read_text(encoding="utf-8"), reference()))
        sys.stdout.write(f"updated the command reference in {README}\n")
        ROOT_HELP.write_text(root_help_module(), encoding="utf-8")
        sys.stdout.write(f"wrote {ROOT_HELP}\n")
        QUICK_SPECS.write_text(quick_specs_module(), encoding="utf-8")
        sys.stdout.write(f"wrote {QUICK_SPECS}\n")
        return 0
    if argv == ["screens"]:
        for path in _screens().write():
            sys.stdout.write(f"wrote {path}\n")
        return 0
    if argv == ["check"]:
        return check()
    sys.stderr.write("usage: generated.py completions [DIR] | reference [--stdout] | check\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

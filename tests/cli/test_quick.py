"""The quick lane (rutterctl.cli.quick) is typer, only faster: for what it accepts, typer hands
the command's body the same values; a plain command line is never left to typer; and a run
through either lane prints the same bytes and ends with the same exit code."""

from __future__ import annotations

import copy
import importlib
import inspect
import io
import os
import re
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from rutterctl.cli import quick
from rutterctl.cli.app import app
from rutterctl.cli.commands import QUICK
from rutterctl.cli.deps import Deps
from rutterctl.cli.quick_specs import SPECS
from typer.testing import CliRunner

from tests.fakes import FakeClock, invoke, make_deps
from tests.sim.support import cli_env, harness, transport
from tests.test_completions import load_script

GROUP = typer.main.get_command(app)


def body_of(command: str) -> tuple[Any, str, inspect.Signature]:
    """The module holding a quick command's body, the body's name and its signature."""
    module_name, _, function = QUICK[command].partition(":")
    module = importlib.import_module(module_name)
    return module, function, inspect.signature(getattr(module, function))


def typer_call(argv: list[str]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """(command, global options, parameters) that typer hands a quick command's body when it
    runs `argv`, recorded by standing in for the body; None when typer refuses the line or
    answers it itself (--help, --version, an error)."""
    calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    with pytest.MonkeyPatch.context() as mp:
        for command in QUICK:
            module, function, signature = body_of(command)

            def record(*args: Any, _c: str = command, _s: Any = signature, **kw: Any) -> int:
                bound = _s.bind(*args, **kw)
                bound.apply_defaults()
                deps = bound.arguments.pop("deps")
                calls.append((_c, {"debug": deps.debug, "profile": deps.profile}, bound.arguments))
                return 0

            mp.setattr(module, function, record)
        # A profile name is checked after parsing, by both lanes alike (a bad one is among
        # LINES below); here only the parse is compared.
        mp.setattr("rutterctl.config.profiles.check_profile_name", lambda name: name)
        result = CliRunner().invoke(app, argv, obj=Deps(environ={}), prog_name="rutterctl")
    assert len(calls) <= 1
    return calls[0] if calls and result.exit_code == 0 else None


def same_as_typer(argv: list[str]) -> bool:
    """True when the lane accepts `argv`; then typer must hand the body the same values."""
    call = quick.parse(argv, {})
    if call is None:
        return False
    called = typer_call(argv)
    assert called is not None, f"the lane accepts a line typer refuses: {argv}"
    command, root, params = call
    _, _, signature = body_of(command)
    bound = signature.bind(None, **params)
    bound.apply_defaults()
    bound.arguments.pop("deps")
    ours = (command, {"debug": root.get("debug", False), "profile": root.get("profile")})
    assert (*ours, dict(bound.arguments)) == called, argv
    return True


PLAIN = [
    ["status", "acme"],
    ["status", "acme", "-o", "json"],
    ["status", "--output=json", "acme", "--exit-status"],
    ["--debug", "status", "acme"],
    ["--profile", "prod", "status", "acme"],
    ["--profile=prod", "--debug", "batches", "acme", "-o", "table"],
    ["reasons"],
    ["reasons", "-o", "json"],
    ["reasons", "acme", "--output", "json"],
    ["wait-ready", "a", "b", "--timeout", "2h", "--until", "historical"],
    ["wait-ready", "a", "--stall-timeout", "30m", "-o", "ndjson", "--interval", "5s"],
    ["fetch", "orders", "acme", "--all", "-o", "ndjson", "--output", "orders.ndjson", "--resume"],
    ["fetch", "transactions", "acme", "--updated-since", "7d", "--limit", "50", "--format", "csv"],
    ["fetch", "orders", "acme", "--cursor", "-starts-with-a-dash", "--max-records", "-3"],
    ["fetch", "orders", "--force", "--", "-acme"],
    ["status", "-"],
    # A value that looks like help or --version is the option's value, for click too.
    ["fetch", "orders", "acme", "--cursor", "--help"],
    ["--profile", "--version", "status", "acme"],
    ["wait-ready", "acme", "--timeout", "-h"],
]


@pytest.mark.parametrize("argv", PLAIN, ids=" ".join)
def test_a_plain_command_line_takes_the_lane_with_clicks_values(argv: list[str]) -> None:
    assert same_as_typer(argv)


TYPERS = [
    ["status", "--help"],
    ["status", "-h"],
    ["--help"],
    ["--version", "status", "x"],
    ["status"],  # missing argument: typer's message
    ["status", "a", "b"],  # an extra argument
    ["status", "acme", "-o", "yaml"],  # not a choice
    ["status", "acme", "-ojson"],  # a cluster: click takes it, the lane leaves it
    ["status", "acme", "-o=json"],
    ["status", "acme", "--exit-status=yes"],
    ["status", "acme", "--exit-stat"],  # mistyped: did-you-mean is typer's
    ["status", "acme", "--output"],  # a value missing
    ["status", "--debug", "acme"],  # a global option after the command
    ["fetch", "orders", "acme", "--limit", "ten"],
    ["wait-ready"],
    ["check", "acme"],  # not a quick command
    ["--", "status", "acme"],
    ["--install-completion"],
    [],
]


@pytest.mark.parametrize("argv", TYPERS, ids=" ".join)
def test_anything_unusual_is_left_to_typer(argv: list[str]) -> None:
    assert quick.parse(argv, {}) is None
    same_as_typer(argv)


def test_completion_is_always_typers() -> None:
    assert quick.parse(["status", "acme"], {"_RUTTERCTL_COMPLETE": "complete_bash"}) is None


def test_an_existing_unreadable_output_path_is_left_to_typer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.ndjson"
    path.write_text("")
    argv = ["fetch", "orders", "acme", "--output", str(path)]
    assert same_as_typer(argv)
    # Unreadable even to root (who reads anything): click and the lane both ask os.access.
    readable = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: str(p) != str(path) and readable(p, mode))
    assert quick.parse(argv, {}) is None
    assert typer_call(argv) is None  # typer: "File ... is not readable"


def words(command: str) -> st.SearchStrategy[list[str]]:
    """Command lines near the ones people type: the command's own options and plausible
    values, mixed with help options, separators, clusters, unknown options and the root's."""
    _, _, options = SPECS[command]
    choices = sorted({c for _, kind in options.values() if isinstance(kind, tuple) for c in kind})
    pool = [*options, *(f"{o}=" for o in options if o.startswith("--")), *choices]
    pool += ["acme", "orders", "-", "--", "-h", "--help", "-oj", "-o=json", "--nope", "5", "-5"]
    pool += ["x=y", "1_000", "30m", "--debug", "--profile", "prod", "out.json", ""]
    root = st.lists(st.sampled_from(["--debug", "--profile", "prod", "--profile=p", "-h"]))
    tail = st.lists(st.sampled_from(pool), max_size=7)
    return st.tuples(root, tail).map(lambda parts: [*parts[0], command, *parts[1]])


@pytest.mark.parametrize("command", sorted(SPECS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_whatever_the_lane_accepts_click_parses_alike(command: str, data: st.DataObject) -> None:
    argv = data.draw(words(command))
    # An attached value (`--timeout=`) gets a drawn word after the equals sign.
    argv = [
        a + data.draw(st.sampled_from(["", "json", "7", "x"])) if a.endswith("=") else a
        for a in argv
    ]
    same_as_typer(argv)


def test_the_spec_covers_every_quick_command_and_option() -> None:
    assert set(SPECS) == set(QUICK)
    for name, (target, _, options) in SPECS.items():
        assert target == QUICK[name]
        declared = {opt for p in GROUP.get_command(None, name).params for opt in p.opts}  # type: ignore[arg-type]
        assert set(options) | {a for a, _, _ in SPECS[name][1]} == declared


# -- the same run, either lane -------------------------------------------------------------------


def _request_ids(text: str) -> str:
    """stderr's lines, sorted: wait-ready polls its connections at once, so their progress
    lines come in either order. Request ids are the simulator's, new on every request."""
    lines = re.sub(r"request id [0-9a-f-]{36}", "request id R", text).splitlines(keepends=True)
    return "".join(sorted(lines))


def both_lanes(
    argv: list[str], tmp_path: Path, *, tty: bool = False, environ: dict[str, str] | None = None
) -> list[tuple[int, str, str]]:
    """(exit code, stdout, stderr) of `argv` through typer and through the lane, each with
    fresh config and cache directories, the same simulator state and the same fixed clock;
    `environ`: more of the environment."""
    results = []
    for lane in ("typer", "quick"):
        sim = harness("fleet").sim
        names = {"{ongoing}": "acme-ongoing", "{disabled}": "acme-disabled"}
        names |= {"{update}": "acme-needs-update", "{initial}": "acme-initial"}
        line = [sim.get(names[a]).id if a in names else a for a in argv]
        dirs = {
            k: str(tmp_path / lane / k) for k in ("RUTTERCTL_CONFIG_DIR", "RUTTERCTL_CACHE_DIR")
        }
        env = {**cli_env(sim), **dirs, **(environ or {})}
        if lane == "typer":
            with pytest.MonkeyPatch.context() as mp:
                for key, value in dirs.items():
                    mp.setenv(key, value)
                result = invoke(line, transport=transport(sim), env=env, tty=tty)
            results.append((result.exit_code, result.stdout, _request_ids(result.stderr)))
            continue
        out, err = io.StringIO(), io.StringIO()
        deps = make_deps(
            env, FakeClock(), transport=transport(sim), tty=tty, stdout=out, stderr=err
        )
        code = quick.answer(line, env, deps)
        assert code is not None, f"{line} was left to typer"
        results.append((code, out.getvalue(), _request_ids(err.getvalue())))
    return results


LINES = [
    ["status", "{ongoing}", "-o", "json"],
    ["status", "{ongoing}"],
    ["status", "{disabled}", "--exit-status"],
    ["status", "{update}", "-o", "json", "--exit-status"],
    ["status", "no-such-shop"],
    ["--profile", "bad name!", "status", "{ongoing}"],
    ["batches", "{ongoing}", "-o", "json"],
    ["batches", "{initial}"],
    ["reasons", "-o", "json"],
    ["reasons", "{disabled}"],
    ["wait-ready", "{ongoing}", "{disabled}", "-o", "json", "--timeout", "1m"],
    ["wait-ready", "{initial}", "--timeout", "2m", "-o", "ndjson"],
    ["wait-ready", "{ongoing}", "--timeout", "soon"],
    ["fetch", "orders", "{ongoing}", "--limit", "2", "-o", "ndjson"],
    ["fetch", "orders", "{initial}", "-o", "json"],
    ["fetch", "orders", "{initial}", "--force", "--limit", "3", "--all", "--max-records", "5"],
    ["fetch", "orders", "{update}", "-o", "csv"],
    ["fetch", "orders", "{ongoing}", "--resume"],
    ["--debug", "status", "{ongoing}", "-o", "json"],
]


@pytest.mark.parametrize("argv", LINES, ids=" ".join)
def test_either_lane_prints_the_same_and_exits_the_same(argv: list[str], tmp_path: Path) -> None:
    typer_run, quick_run = both_lanes(argv, tmp_path)
    assert quick_run == typer_run
    assert typer_run[1] or typer_run[2]  # the line did something worth comparing


@pytest.mark.parametrize("argv", [["status", "{ongoing}"], ["reasons"]], ids=" ".join)
def test_either_lane_draws_the_same_tables_on_a_terminal(argv: list[str], tmp_path: Path) -> None:
    typer_run, quick_run = both_lanes(argv, tmp_path, tty=True)
    assert quick_run == typer_run


@pytest.mark.parametrize(
    "environ",
    [
        {"RUTTERCTL_OUTPUT": "json"},  # the default output, where the command offers it
        {"RUTTERCTL_OUTPUT": "ndjson"},  # offered by wait-ready and fetch only
        {"RUTTERCTL_DEBUG": "1"},
        {"RUTTERCTL_PROFILE": "bad name!"},
    ],
    ids=lambda env: " ".join(f"{k}={v}" for k, v in env.items()),
)
@pytest.mark.parametrize(
    "argv",
    [["status", "{ongoing}"], ["wait-ready", "{ongoing}"], ["fetch", "orders", "{ongoing}"]],
    ids=" ".join,
)
def test_either_lane_reads_the_environment_alike(
    argv: list[str], environ: dict[str, str], tmp_path: Path
) -> None:
    typer_run, quick_run = both_lanes(argv, tmp_path, environ=environ)
    assert quick_run == typer_run


def test_a_reader_that_goes_away_ends_the_lane_quietly(tmp_path: Path) -> None:
    class Gone(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    sim = harness("fleet").sim
    err = io.StringIO()
    deps = Deps(
        environ=cli_env(sim) | {"RUTTERCTL_CACHE_DIR": str(tmp_path)},
        stdout=Gone(),
        stderr=err,
        transport=transport(sim),
    )
    code = quick.answer(["reasons", "-o", "json"], deps.environ, deps)
    assert (code, err.getvalue()) == (0, "")


# -- what the generator refuses: declarations the lane would hand the body differently ------------

GENERATED = load_script("generated")


def declared(function: Any, **declaration: Any) -> Any:
    """The click command typer makes of `function`, as app.py makes each quick command."""
    single = typer.Typer(rich_markup_mode=None, add_completion=False)
    single.command("f", **declaration)(function)
    return typer.main.get_command(single)


def body_for(command: Any) -> Any:
    """A body taking deps and then the command's parameters, with the same defaults."""

    def body(deps: Deps, *args: Any, **kwargs: Any) -> int:
        return 0

    first = [inspect.Parameter("deps", inspect.Parameter.POSITIONAL_ONLY)]
    body.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        first
        + [
            inspect.Parameter(
                p.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=inspect.Parameter.empty if p.required else p.default,
            )
            for p in command.params
        ]
    )
    return body


def spec_of(function: Any, **declaration: Any) -> Any:
    """What the generator writes into quick_specs.py for `function` (SystemExit: refused)."""
    command = declared(function, **declaration)
    GENERATED._parsed_as_click_defaults("f", GROUP, command)
    return ("body", *GENERATED._parameters("f", command.params, body_for(command)))


def plain(
    x: Annotated[str, typer.Argument()],
    names: Annotated[list[str] | None, typer.Argument()] = None,
    n: Annotated[int | None, typer.Option("--n", "-n")] = None,
) -> None:
    handed.append((x, names, n))


handed: list[Any] = []  # what typer handed `plain`


def test_an_optional_variadic_argument_not_given_is_none_as_typer_hands_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    command = declared(plain)
    body = inspect.signature(body_for(command))
    monkeypatch.setitem(quick.SPECS, "f", spec_of(plain))
    for words in (["a", "-n", "3"], ["a", "b", "c"]):
        command.main(words, standalone_mode=False)
        call = quick.parse(["f", *words], {})
        assert call is not None
        bound = body.bind(None, **call[2])
        bound.apply_defaults()
        lane = bound.arguments
        assert handed.pop() == (lane["x"], lane["names"], lane["n"])


class Level(IntEnum):
    low = 1


# typer: "Missing option '--x'"; the lane would call the body without x (a TypeError)
def required_option(x: Annotated[str, typer.Option("--x")]) -> None: ...


# typer asks on the terminal; the lane would take the default silently
def prompted(x: Annotated[str, typer.Option("--x", prompt=True)] = "a") -> None: ...


# typer converts (and checks) the word; the lane hands it over as typed
def int_argument(x: Annotated[int, typer.Argument()]) -> None: ...


def path_argument(x: Annotated[Path, typer.Argument()]) -> None: ...


# click gives the last word to the argument after the variadic one; the lane none
def variadic_first(
    x: Annotated[list[str], typer.Argument()], y: Annotated[str, typer.Argument()]
) -> None: ...


# click takes `+x` as an option; the lane as an argument
def plus_prefix(x: Annotated[bool, typer.Option("+x")] = False) -> None: ...


# typer hands the body Level.low; the lane would hand it "1"
def int_choice(x: Annotated[Level | None, typer.Option("--x")] = None) -> None: ...


REFUSED = [
    required_option,
    prompted,
    int_argument,
    path_argument,
    variadic_first,
    plus_prefix,
    int_choice,
]


@pytest.mark.parametrize("function", REFUSED, ids=lambda f: f.__name__)
def test_the_generator_refuses_a_parameter_the_lane_would_hand_over_differently(
    function: Any,
) -> None:
    assert spec_of(plain)  # a plain declaration passes
    with pytest.raises(SystemExit, match="quick lane"):
        spec_of(function)


@pytest.mark.parametrize(
    "declaration",
    [
        {"context_settings": {"allow_interspersed_args": False}},  # `f a -n 3`: an extra word
        {"context_settings": {"token_normalize_func": str.lower}},  # `-N 3` is -n
        {"deprecated": True},  # typer warns on stderr first
        {"no_args_is_help": True},  # bare `f`: typer shows the help
    ],
    ids=["not interspersed", "normalised", "deprecated", "help when bare"],
)
def test_the_generator_refuses_a_command_click_parses_otherwise(
    declaration: dict[str, Any],
) -> None:
    def f(x: Annotated[str | None, typer.Argument()] = None) -> None: ...

    assert spec_of(f)
    with pytest.raises(SystemExit, match="quick lane"):
        spec_of(f, **declaration)


def test_the_generator_refuses_a_body_the_lane_cannot_call_by_name() -> None:
    """The lane calls the body with each value by its parameter's name."""
    command = declared(plain)

    def positional(
        deps: Deps, x: str, names: list[str] | None = None, n: int | None = None, /
    ) -> int:
        return 0

    assert GENERATED._parameters("f", command.params, body_for(command))
    with pytest.raises(SystemExit, match="quick lane"):
        GENERATED._parameters("f", command.params, positional)


def test_the_generator_refuses_a_global_option_the_lane_cannot_pass_on() -> None:
    """A global option without a callback is given to Deps.with_globals, as the root callback
    gives it; one that takes no such keyword would be an unexpected TypeError on the lane."""
    app = typer.Typer(add_completion=False)

    @app.callback()
    def root(
        debug: Annotated[bool, typer.Option("--debug")] = False,
        profile: Annotated[str | None, typer.Option("--profile")] = None,
        color: Annotated[bool, typer.Option("--color")] = False,
    ) -> None: ...

    app.command("f")(plain)
    assert GENERATED._root_options(GROUP) == quick.ROOT_OPTIONS
    with pytest.raises(SystemExit, match="quick lane"):
        GENERATED._root_options(typer.main.get_command(app))


def test_a_stale_quick_specs_module_is_caught(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A quick command's options changed (here `status` also takes `--format`) and
    quick_specs.py not regenerated: scripts/check-generated fails and says what to run."""
    from rutterctl.cli import app as root

    before = root._command

    def changed(name: str) -> Any:
        command = copy.copy(before(name))
        if name == "status":
            output = next(p for p in command.params if p.name == "output")
            wider = copy.copy(output)
            wider.opts = [*output.opts, "--format"]
            command.params = [wider if p is output else p for p in command.params]
        return command

    how = "scripts/gen-reference"  # as check() says it
    assert GENERATED._diff(GENERATED.QUICK_SPECS, GENERATED.quick_specs_module(), how)
    monkeypatch.setattr(root, "_command", changed)
    assert not GENERATED._diff(GENERATED.QUICK_SPECS, GENERATED.quick_specs_module(), how)
    err = capsys.readouterr().err
    assert "stale: rutterctl/cli/quick_specs.py" in err and f"run {how}" in err
    assert '+            "--format": ("output", ("table", "json")),' in err

"""Options shared by several commands, declared once."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from typing import Annotated

import typer

from rutterctl.cli.formats import TableOrJson
from rutterctl.errors import RutterctlError


def group(name: str, help: str) -> typer.Typer:
    """A command with subcommands (`auth`, `config`, ...): plain help, help when bare."""
    return typer.Typer(name=name, help=help, no_args_is_help=True, rich_markup_mode=None)


# None when -o is not given: the profile's output setting (or RUTTERCTL_OUTPUT) applies when
# the command offers it, else table. Resolve it with `Deps.choose_output(output, fallback)`.
OutputOpt = Annotated[
    TableOrJson | None,
    typer.Option(
        "--output",
        "-o",
        help="Output format: table (for people) or json (a contract). "
        "Default: the profile's output setting, else table.",
        show_default=False,
    ),
]


def complete_connection(ctx: typer.Context, incomplete: str) -> list[str]:
    """TAB on a CONNECTION: the alias names (read from the aliases file, nothing heavy), of
    the base URL of the profile given on the command line, if any."""
    from rutterctl.config.aliases import complete_names

    profile = ctx.find_root().params.get("profile")
    return complete_names(
        os.environ, incomplete, profile=profile if isinstance(profile, str) else None
    )


# Fleet commands (`check`, `watch`): some CONNECTIONs, or none for every connection, which
# `--status` (Rutter's listing filter, StatusFilter in cli/connection_rows.py) may narrow.
ConnectionsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[CONNECTION]...",
        help="Aliases, ids, access tokens or store domains. None: every connection.",
        autocompletion=complete_connection,
        show_default=False,
    ),
]

ConnectionArg = Annotated[
    str,
    typer.Argument(
        metavar="CONNECTION",
        help="An alias, a connection id, an access token or a store domain.",
        show_default=False,
        autocompletion=complete_connection,
    ),
]


# -- TAB completion for the closed sets (import-light: no httpx, pydantic or rich) ------------
# Each completer is called by typer with the word being completed; they read only small
# modules and files, so TAB stays fast (bench/startup.py, tests/test_startup_imports.py).

# Entities Rutter's status reports for commerce platforms; --until entity:NAME accepts any.
UNTIL_ENTITIES = ("orders", "transactions", "products", "customers")
# The X-Rutter-Version values Rutter documents (any date is accepted).
API_VERSIONS = ("2024-08-31", "2024-04-30", "2023-03-14", "2023-02-07")


def _starting(names: Iterable[str], incomplete: str) -> list[str]:
    return [name for name in names if name.startswith(incomplete)]


def complete_entity(incomplete: str) -> list[str]:
    """`fetch <TAB>`: the entities fetch reads."""
    from rutterctl.domain.fetch import ENTITIES

    return _starting(ENTITIES, incomplete)


def complete_until(incomplete: str) -> list[str]:
    """`wait-ready --until <TAB>`: ready, historical, entity:NAME."""
    return _starting(["ready", "historical", *(f"entity:{e}" for e in UNTIL_ENTITIES)], incomplete)


def complete_profile(incomplete: str) -> list[str]:
    """`--profile <TAB>`: the profiles of config.toml and of stored credentials; nothing when
    a file cannot be read (TAB never prints an error)."""
    from rutterctl.config import profiles
    from rutterctl.config.store import CredentialStore

    names = {profiles.DEFAULT_PROFILE}
    with contextlib.suppress(RutterctlError, OSError, ValueError):  # a broken file
        names |= set(profiles.load_config(profiles.config_path(os.environ)).profiles)
        names |= set(CredentialStore.for_environ(os.environ, timeout=0).stored_profiles())
    return _starting(sorted(names), incomplete)


def complete_config_key(incomplete: str) -> list[str]:
    """`config set <TAB>`: the setting names."""
    from rutterctl.config.profiles import KEYS

    return _starting(KEYS, incomplete)


def complete_config_value(ctx: typer.Context, incomplete: str) -> list[str]:
    """`config set KEY <TAB>`: the values of a closed set (environment, api_version, output)."""
    from rutterctl.config import profiles

    choices = {
        "environment": profiles.NAMED_ENVIRONMENTS,
        "output": profiles.OUTPUTS,
        "api_version": API_VERSIONS,
    }
    return _starting(choices.get(str(ctx.params.get("key")), ()), incomplete)


def complete_scenario(incomplete: str) -> list[str]:
    """`sim serve --scenario <TAB>`: the built-in scenarios (a file path is also accepted)."""
    from rutterctl.sim.scenarios import BUILTINS

    return _starting(BUILTINS, incomplete)


def _one_more(names: Iterable[str], incomplete: str) -> list[str]:
    """A comma-separated list's next item: `disabled,st<TAB>` offers `disabled,stale` and
    `disabled,stalled` (the items already given are not offered again)."""
    done, _, last = incomplete.rpartition(",")
    given = {part.strip().lower() for part in done.split(",")}
    prefix = f"{done}," if done else ""
    return [
        prefix + name
        for name in names
        if name.lower().startswith(last.lower()) and name.lower() not in given
    ]


def complete_findings(incomplete: str) -> list[str]:
    """`check --fail-on/--warn-on <TAB>`: the finding names, as a comma-separated list."""
    from rutterctl.domain.check import Kind

    names = [str(kind) for kind in Kind]
    return _one_more(names if "," in incomplete else [*names, "none"], incomplete)


def complete_event_codes(incomplete: str) -> list[str]:
    """`listen --events <TAB>`: Rutter's webhook codes, as a comma-separated list."""
    from rutterctl.domain.webhooks import KNOWN_CODES

    return _one_more(sorted(KNOWN_CODES), incomplete.upper())


def complete_event_code(incomplete: str) -> list[str]:
    """`listen --until <TAB>`: one webhook code."""
    from rutterctl.domain.webhooks import KNOWN_CODES

    return _starting(sorted(KNOWN_CODES), incomplete.upper())


def complete_disabled_reason(incomplete: str) -> list[str]:
    """`sim trigger --reason <TAB>`: the standardized disabled reasons."""
    from rutterctl.domain.reasons import DISABLED_REASONS

    return _starting([r.reason for r in DISABLED_REASONS if r.reason], incomplete.upper())


# `auth` and `config` subcommands also take --profile after the subcommand's name.
ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="NAME",
        help="The profile (default: the global --profile, RUTTERCTL_PROFILE, else default).",
        show_default=False,
        autocompletion=complete_profile,
    ),
]

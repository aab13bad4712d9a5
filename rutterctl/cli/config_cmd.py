"""`rutterctl config`: profiles in config.toml - list, get, set, unset and path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rutterctl.cli.deps import Deps
from rutterctl.cli.options import (
    ProfileOpt,
    complete_config_key,
    complete_config_value,
    group,
)
from rutterctl.errors import UsageError

if TYPE_CHECKING:
    from rutterctl.config.settings import Settings

app = group(
    "config",
    "Profiles and settings: environment, api_version, output, rate_limit, timeout, "
    "request_timeout, max_body, ca_bundle (config.toml).",
)

KeyArg = Annotated[
    str,
    typer.Argument(
        metavar="KEY",
        help="environment, api_version, output, rate_limit, timeout, request_timeout, "
        "max_body or ca_bundle.",
        show_default=False,
        autocompletion=complete_config_key,
    ),
]
NO_DEFAULT = "(the command's own)"


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the path of the configuration file.

    \b
    Examples:
      rutterctl config path
      $EDITOR "$(rutterctl config path)"
    """
    from rutterctl.config.profiles import config_path

    deps: Deps = ctx.obj
    deps.out.write(f"{config_path(deps.environ)}\n")


@app.command("list")
def list_(ctx: typer.Context, profile: ProfileOpt = None) -> None:
    """Every setting's effective value and where it comes from.

    Sources: option, environment (the variable), profile file, default.

    \b
    Examples:
      rutterctl config list
      rutterctl --profile prod config list
    """
    from rutterctl.config import profiles
    from rutterctl.render.config_view import write_settings
    from rutterctl.secrets import mask

    deps: Deps = ctx.obj
    name, chosen_by, values, s = _load(deps, profile, with_credentials=True)
    rows = [("profile", name, chosen_by)]
    for key in profiles.KEYS:
        rows.append(
            (key, _effective(s, key) or NO_DEFAULT, profiles.source_of(key, deps.environ, values))
        )
    creds = s.credentials
    rows.append(
        ("client_id", mask(creds.client_id) if creds else "(none)", creds.source if creds else "-")
    )
    write_settings(s.label, rows, deps.out, tty=deps.out_is_tty, color=deps.color)


@app.command("get")
def get(ctx: typer.Context, key: KeyArg, profile: ProfileOpt = None) -> None:
    """Print the effective value of a setting (empty when unset and without a default).

    \b
    Examples:
      rutterctl config get environment
      rutterctl --profile prod config get rate_limit
    """
    from rutterctl.config.profiles import check_key

    deps: Deps = ctx.obj
    check_key(key)
    s = _load(deps, profile, with_credentials=False)[3]
    deps.out.write(f"{_effective(s, key) or ''}\n")


@app.command("set")
def set_(
    ctx: typer.Context,
    key: KeyArg,
    value: Annotated[str, typer.Argument(autocompletion=complete_config_value)],
    profile: ProfileOpt = None,
) -> None:
    """Set a setting in a profile (created if new); the value is checked first.

    \b
    Examples:
      rutterctl config set environment production --profile prod
      rutterctl config set environment http://127.0.0.1:8765/versioned \\
          --profile sim
      rutterctl config set rate_limit 200/10s
      rutterctl config set output json
    """
    _change(ctx.obj, key, value, profile)


@app.command("unset")
def unset(ctx: typer.Context, key: KeyArg, profile: ProfileOpt = None) -> None:
    """Remove a setting from a profile, so that its default applies.

    \b
    Examples:
      rutterctl config unset output --profile prod
    """
    _change(ctx.obj, key, None, profile)


def _change(deps: Deps, key: str, value: str | None, profile: str | None) -> None:
    from rutterctl.config import profiles

    profiles.check_key(key)
    if value is not None:
        try:
            value = profiles.parse_value(key, value)
        except ValueError as exc:
            raise UsageError(f"{key} {exc}") from None
    name, _ = profiles.select_profile(profile or deps.profile, deps.environ)

    def change(config: profiles.ConfigFile) -> profiles.ConfigFile:
        if value is None and key not in (config.profile(name) or {}):
            return config
        return profiles.updated(config, name, key, value)

    config = profiles.change_config(profiles.config_path(deps.environ), change)
    if value is None and key not in (config.profile(name) or {}):
        deps.warn(f"{key} is not set in profile {name}.")
        return
    done = f"Set {key} = {value}" if value is not None else f"Removed {key}"
    deps.warn(f"{done} in profile {name} ({config.path}).")
    for var in profiles.ENV_VARS[key]:
        if deps.environ.get(var):
            deps.warn(f"note: {var} is set and overrides the profile's {key}")


def _load(
    deps: Deps, profile: str | None, *, with_credentials: bool
) -> tuple[str, str, dict[str, str], Settings]:
    """The profile's name, how it was chosen, its values in the file, and the settings."""
    from rutterctl.config import profiles
    from rutterctl.config.settings import load_settings

    name, chosen_by = profiles.select_profile(profile or deps.profile, deps.environ)
    config = profiles.load_config(profiles.config_path(deps.environ))
    values = config.profile(name)
    if values is None and name != profiles.DEFAULT_PROFILE:
        deps.warn(f"note: profile {name} is not defined in {config.path}: showing the defaults")
    s = load_settings(
        deps.environ,
        profile=name,
        store=deps.credential_store(),
        warn=deps.warn,
        require_profile=False,
        with_credentials=with_credentials,
    )
    return name, chosen_by, values or {}, s


def _effective(s: Settings, key: str) -> str | None:
    if key == "environment":
        return s.base_url if s.environment == "custom" else s.environment
    if key == "api_version":
        return s.api_version
    if key == "output":
        return s.output
    if key == "timeout":
        return f"{s.timeout:g}s"
    if key == "request_timeout":
        return f"{s.request_timeout:g}s"
    if key == "max_body":
        mib, rest = divmod(s.max_body, 1024 * 1024)
        return f"{mib}MiB" if not rest else f"{s.max_body}"
    if key == "ca_bundle":
        return s.ca_bundle or "(the OS trust store)"
    return f"{s.rate_limit}/{s.rate_window:g}s"

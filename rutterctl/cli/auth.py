"""`rutterctl auth`: store, check and remove a profile's client id and secret."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from rutterctl.cli.deps import Deps
from rutterctl.cli.options import ProfileOpt, group
from rutterctl.errors import CredentialsMissing, CredentialsRejected, UsageError

if TYPE_CHECKING:
    from rutterctl.config.settings import Settings

app = group(
    "auth",
    "Store, check and remove Rutter credentials (OS keyring, else a 0600 file).",
)

ENV_NOTE = "note: RUTTER_CLIENT_ID and RUTTER_CLIENT_SECRET are set and take precedence"


@app.command("login")
def login(
    ctx: typer.Context,
    profile: ProfileOpt = None,
    client_id: Annotated[
        str | None,
        typer.Option("--client-id", metavar="ID", help="The client id; prompted for if missing."),
    ] = None,
    secret_stdin: Annotated[
        bool,
        typer.Option(
            "--secret-stdin",
            help="Read the client secret from stdin. It is never accepted as an argument; "
            "without this option it is prompted for, hidden.",
        ),
    ] = False,
) -> None:
    """Store a client id and secret for a profile.

    \b
    Examples:
      rutterctl auth login                                  # prompts for both
      rutterctl auth login --profile prod --client-id ID   # prompts for it
      printf %s "$SECRET" | rutterctl auth login --client-id ID --secret-stdin
    """
    from rutterctl.config import profiles
    from rutterctl.secrets import Secret, mask

    deps: Deps = ctx.obj
    name, _ = profiles.select_profile(profile or deps.profile, deps.environ)
    # Read both files first: a corrupt one stops the login before anything is stored.
    config = profiles.load_config(profiles.config_path(deps.environ))
    store = deps.credential_store()
    store.stored_profiles()
    if secret_stdin and not client_id:
        raise UsageError("--secret-stdin needs --client-id: stdin carries only the secret")
    from rutterctl.config.credentials import check_client_id, check_secret

    cid = check_client_id(client_id if client_id else _ask("Client id", hide=False))
    secret = Secret(check_secret(_read_stdin() if secret_stdin else _ask("Client secret")))
    where, why = store.save(name, cid, secret)
    if name not in config.profiles and name != profiles.DEFAULT_PROFILE:
        profiles.change_config(config.path, lambda now: profiles.with_profile(now, name))
    if where == "file":
        deps.warn(f"warning: {why}: the client secret is stored in the file {store.path}")
    place = "the OS keyring" if where == "keyring" else str(store.path)
    deps.warn(f"Stored the credential of profile {name} (client id {mask(cid)}) in {place}.")
    if _env_credentials(deps):
        deps.warn(ENV_NOTE)


@app.command("status")
def status(ctx: typer.Context, profile: ProfileOpt = None) -> None:
    """Which credential is active, where it comes from, and whether Rutter accepts it.

    \b
    Examples:
      rutterctl auth status
      rutterctl --profile prod auth status      # exit 4 when rejected or missing
    """
    from rutterctl.secrets import mask

    deps: Deps = ctx.obj
    _use_profile(deps, profile)
    s = deps.settings()
    out = deps.out
    out.write(f"{s.label}\n")
    creds = s.credentials
    if creds is None:
        out.flush()
        raise CredentialsMissing(
            f"no credentials for profile {s.profile}",
            hint="run `rutterctl auth login` or set RUTTER_CLIENT_ID and RUTTER_CLIENT_SECRET",
        )
    where = f" ({creds.location})" if creds.location else ""
    out.write(f"credential: {creds.source}{where}\nclient id: {mask(creds.client_id)}\n")
    out.flush()
    try:
        body = deps.client().get("/connections")
    except CredentialsRejected as exc:
        out.write("check: rejected by Rutter\n")
        out.flush()
        # The client's generic hint speaks of access tokens and the environment variables;
        # here only the credential shown above was sent, so say how to fix that one.
        exc.hint = _rejected_hint(creds.source, s)
        raise
    found = body.get("connections") if isinstance(body, dict) else None
    count = _count(found) if isinstance(found, list) else "answered"
    # Rutter's default listing leaves out disabled and needs-reauth connections: say whose
    # count this is, so that it is not read as the organisation's (`connections list` has all).
    out.write(f"check: accepted by Rutter (GET /connections, its default listing: {count})\n")


@app.command("logout")
def logout(ctx: typer.Context, profile: ProfileOpt = None) -> None:
    """Remove a profile's stored credential (from the OS keyring and the credentials file).

    \b
    Examples:
      rutterctl auth logout
      rutterctl auth logout --profile prod
    """
    from rutterctl.config import profiles
    from rutterctl.config.store import SERVICE

    deps: Deps = ctx.obj
    name, _ = profiles.select_profile(profile or deps.profile, deps.environ)
    removed, problem = deps.credential_store().delete(name)
    if problem:
        deps.warn(
            f"warning: {problem}: the secret may remain in the OS keyring "
            f"(service {SERVICE}, account {name})"
        )
    if removed:
        places = " and ".join("the OS keyring" if r == "keyring" else "the file" for r in removed)
        deps.warn(f"Removed the credential of profile {name} from {places}.")
    else:
        deps.warn(f"No stored credential for profile {name}.")
    if _env_credentials(deps):
        deps.warn(ENV_NOTE.replace("take precedence", "still apply"))


def _count(found: list[object]) -> str:
    return f"{len(found)} connection{'' if len(found) == 1 else 's'}"


def _rejected_hint(source: str, s: Settings) -> str:
    where = f"{s.environment} ({s.base_url})" if s.environment != "custom" else s.base_url
    if source == "environment":
        fix = "fix or unset RUTTER_CLIENT_ID / RUTTER_CLIENT_SECRET (they win over stored ones)"
    else:
        fix = f"store the right one with `rutterctl auth login --profile {s.profile}`"
    return f"{fix}, and check that it is a credential for {where}"


def _use_profile(deps: Deps, profile: str | None) -> None:
    if profile is not None:
        from rutterctl.config.profiles import check_profile_name

        deps.profile = check_profile_name(profile)


def _env_credentials(deps: Deps) -> bool:
    from rutterctl.config.credentials import environment_credentials

    return environment_credentials(deps.environ) is not None


def _ask(prompt: str, *, hide: bool = True) -> str:
    """A prompt on stderr (stdout carries data only); no input at all is a usage error."""
    try:
        answer: str = typer.prompt(prompt, hide_input=hide, err=True)
    except typer.Abort:
        typer.echo("", err=True)  # end the prompt's line
        raise UsageError(
            f"login cancelled: no {prompt.lower()} entered",
            hint="pass --client-id, and the secret on stdin with --secret-stdin",
        ) from None
    return answer


def _read_stdin() -> str:
    return sys.stdin.read()

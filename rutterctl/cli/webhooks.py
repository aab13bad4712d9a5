"""`rutterctl webhooks verify`: check a saved webhook's signature and say why it fails."""

from __future__ import annotations

import sys
from collections.abc import Collection
from typing import TYPE_CHECKING, Annotated

import typer

from rutterctl.cli.deps import Deps
from rutterctl.cli.options import group
from rutterctl.errors import SignatureInvalid, UsageError

if TYPE_CHECKING:
    from rutterctl.domain.webhooks import Receiver

app = group("webhooks", "Rutter's webhooks: verify a saved one (see also `rutterctl listen`).")

MAX_INPUT = 16 * 1024 * 1024


def other_secrets_of(deps: Deps) -> dict[str, str]:
    """Other profiles' stored secrets, to explain a mismatch; nothing when they cannot be read."""
    from rutterctl.config.signing import other_secrets

    try:
        return other_secrets(deps.settings(), deps.credential_store())
    except UsageError:  # an unreadable credentials file only costs the explanation
        return {}


def receiver_for(deps: Deps, *, events: Collection[str] | None, connection: str | None) -> Receiver:
    """The receiver `listen` verifies with: this profile's secret, others only to explain.

    An alias is resolved (from the aliases file) to its id and token; an id or a token is
    matched as given, against both fields of each event, without asking Rutter."""
    from rutterctl.config.aliases import is_alias_name
    from rutterctl.config.signing import signing_secret
    from rutterctl.domain.webhooks import Receiver

    refs = None
    if connection is not None:
        refs = {connection.strip()}
        if is_alias_name(connection.strip()):
            resolved = deps.resolve(connection)
            refs |= {resolved.connection_id, resolved.access_token}
    return Receiver(
        signing_secret(deps.settings()),
        now=deps.now,
        other_secrets=lambda: other_secrets_of(deps),
        events=events,
        connections=refs,
    )


@app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            metavar="[FILE|-]",
            help="The body, or a raw HTTP request with its headers; - reads stdin.",
        ),
    ] = "-",
    signature: Annotated[
        str | None,
        typer.Option(
            metavar="SIG", help="The X-Rutter-Signature value (default: the request's header)."
        ),
    ] = None,
) -> None:
    """Verify a webhook's signature with the profile's client secret, and explain a mismatch.

    Says why a signature fails where it can be told: missing or malformed, a hex digest instead
    of base64, made over a re-serialised body instead of the raw bytes, or made with another
    profile's secret. Exit 0 when valid, 11 when not.

    \b
    Examples:
      rutterctl webhooks verify request.http
      rutterctl webhooks verify body.json --signature 'sha256=...'
      pbpaste | rutterctl --profile prod webhooks verify --signature "$SIG"
    """
    from rutterctl.config.signing import signing_secret
    from rutterctl.domain.saved_request import InvalidRequest, split_request
    from rutterctl.domain.signature import HEADER
    from rutterctl.domain.signature import verify as check
    from rutterctl.domain.webhooks import InvalidBody, parse_event
    from rutterctl.render.webhook_view import write_verify_report

    deps: Deps = ctx.obj
    try:
        body, headers = split_request(_read(file))
    except InvalidRequest as exc:
        raise UsageError(f"cannot read the request in {file}: {exc}") from None
    header = signature if signature is not None else headers.get(HEADER.lower())
    settings = deps.settings()
    # Other profiles' secrets are read only when the signature fails, to explain it.
    verdict = check(
        body, header, signing_secret(settings), other_secrets=lambda: other_secrets_of(deps)
    )
    event, problem = None, None
    try:
        event = parse_event(body)
    except InvalidBody as exc:
        problem = str(exc)
    write_verify_report(
        event,
        verdict,
        deps.out,
        profile=settings.profile,
        problem=problem,
        tty=deps.out_is_tty,
        color=deps.color,
    )
    if not verdict.valid:
        raise SignatureInvalid(f"the webhook signature is invalid ({verdict.kind})")


def _read(file: str) -> bytes:
    try:
        if file == "-":
            if sys.stdin.isatty():
                raise UsageError(
                    "no FILE given, and stdin is a terminal",
                    hint="pass the saved body or request as FILE, or pipe it in",
                )
            data = sys.stdin.buffer.read(MAX_INPUT + 1)
        else:
            with open(file, "rb") as handle:
                data = handle.read(MAX_INPUT + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from None
    if len(data) > MAX_INPUT:
        raise UsageError(f"{file} is larger than 16 MiB: not a webhook")
    return data

"""`rutterctl sim trigger` and `sim events`: fire a webhook from a running simulator through
its control surface, and list what can be fired."""

from __future__ import annotations

import json
import urllib.parse
from typing import Annotated, Any

import typer

from rutterctl.cli.deps import Deps
from rutterctl.cli.hints import unknown_code_note
from rutterctl.cli.options import complete_disabled_reason
from rutterctl.errors import CredentialsMissing, UsageError
from rutterctl.render.plain import printable

Opt = typer.Option


def _codes(incomplete: str) -> list[str]:
    from rutterctl.sim.payloads import CATALOGUE

    return [e.code for e in CATALOGUE if e.code.startswith(incomplete.upper())]


def _signatures(incomplete: str) -> list[str]:
    from rutterctl.sim.payloads import SIGNATURES

    return [s for s in SIGNATURES if s.startswith(incomplete)]


def trigger(
    ctx: typer.Context,
    connection: Annotated[
        str,
        typer.Argument(metavar="CONNECTION", help="A simulator connection's name, id or token."),
    ],
    event: Annotated[
        str,
        typer.Argument(
            metavar="EVENT", help="The event code (`sim events`).", autocompletion=_codes
        ),
    ],
    signature: Annotated[
        str,
        Opt(
            help="Sign it: valid, hex, reserialized, tampered or unsigned (to test a receiver).",
            autocompletion=_signatures,
        ),
    ] = "valid",
    copies: Annotated[int, Opt(help="Deliver it this many times (a duplicate).", min=1)] = 1,
    reason: Annotated[
        str | None,
        Opt(
            help="For CONNECTION_DISABLED: the disabled reason.",
            autocompletion=complete_disabled_reason,
        ),
    ] = None,
    field: Annotated[
        list[str] | None,
        Opt(
            "--field", metavar="KEY=VALUE", help="An extra payload field (repeatable; JSON value)."
        ),
    ] = None,
) -> None:
    """Fire a webhook from a running simulator (the profile's base URL, as `sim serve` prints).

    A state change (CONNECTION_NEEDS_UPDATE, CONNECTION_DISABLED, CONNECTION_UPDATED) happens
    to the connection, as when the merchant acts; other codes, unknown ones included, send
    the webhook only. It goes to the --webhook-url the simulator was started with (e.g.
    `rutterctl listen`'s URL).

    \b
    Examples:
      rutterctl sim trigger acme-initial INITIAL_UPDATE
      rutterctl sim trigger acme-ongoing CONNECTION_DISABLED \\
          --reason SHOP_IS_LOCKED
      rutterctl sim trigger acme-ongoing ORDER_CREATED --signature hex --copies 2
    """
    from rutterctl.api.sim_control import post
    from rutterctl.sim.payloads import MAX_COPIES, SIGNATURES

    deps: Deps = ctx.obj
    if signature not in SIGNATURES:
        raise UsageError(f"--signature must be one of {', '.join(SIGNATURES)}, not {signature!r}")
    if copies > MAX_COPIES:
        raise UsageError(f"--copies must be at most {MAX_COPIES}")
    body: dict[str, Any] = {"code": event.strip().upper(), "signature": signature, "copies": copies}
    note = unknown_code_note("EVENT", body["code"])
    if note:
        deps.warn(f"{note} (sent as given)")
    if reason:
        body["reason"] = reason
    if field:
        body["fields"] = dict(_field(item) for item in field)
    settings = deps.settings()
    creds = settings.credentials
    if creds is None:
        raise CredentialsMissing(
            "no credentials for the simulator", hint="paste the export line `sim serve` prints"
        )
    ref = urllib.parse.quote(connection.strip(), safe="")
    doc = post(
        settings.base_url,
        f"/connections/{ref}/webhooks",
        body,
        auth=(creds.client_id, creds.client_secret.reveal()),
        transport=deps.transport,
    )
    name = doc.get("connection", {}).get("name", connection)
    for fired in doc.get("events", []):
        code = fired.get("payload", {}).get("code")
        extra = f", {signature} signature" if signature != "valid" else ""
        times = f", {copies} copies" if copies > 1 else ""
        line = f"fired {code} for {name} (event {fired.get('seq')}{extra}{times})"
        deps.out.write(printable(line) + "\n")
    if "webhook_url" in doc and doc["webhook_url"] is None:  # an older simulator does not say
        deps.warn(
            "warning: this simulator has no --webhook-url, so the webhook went nowhere; start "
            "it with --webhook-url and listen's URL (the first line `rutterctl listen` prints)"
        )


def _field(item: str) -> tuple[str, Any]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--field takes KEY=VALUE, not {item!r}")
    try:
        return key.strip(), json.loads(value)
    except ValueError:
        return key.strip(), value


def events(ctx: typer.Context) -> None:
    """List the webhook events `sim trigger` can fire (any other code is sent as given)."""
    from rutterctl.render.sim_view import write_events
    from rutterctl.sim.payloads import CATALOGUE, SIGNATURES

    deps: Deps = ctx.obj
    rows = [
        (e.code, e.type, "state change" if e.action else "webhook only", e.description)
        for e in CATALOGUE
    ]
    write_events(rows, SIGNATURES, deps.out, tty=deps.out_is_tty, color=deps.color)

"""`rutterctl sim`: run the Rutter simulator on loopback (and list its scenarios)."""

from __future__ import annotations

import json
import urllib.parse
from typing import Annotated, Any

import typer

from rutterctl.cli.deps import Deps
from rutterctl.cli.options import complete_scenario, group
from rutterctl.errors import CredentialsMissing, UsageError
from rutterctl.render.plain import printable

app = group(
    "sim",
    "A local, stateful Rutter simulator for tests, demos and CI.",
)

Opt = typer.Option


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, Opt(help="Address to bind (loopback unless --allow-remote).")
    ] = "127.0.0.1",
    port: Annotated[int, Opt(help="Port to bind; 0 picks a free one.", min=0, max=65535)] = 8765,
    scenario: Annotated[
        str,
        Opt(
            help="A built-in scenario name or a .toml/.json file.",
            autocompletion=complete_scenario,
        ),
    ] = "fleet",
    speed: Annotated[
        float | None, Opt(help="Simulated seconds per real second; 0 freezes time.", min=0)
    ] = None,
    seed: Annotated[int | None, Opt(help="Seed for ids, tokens and data.")] = None,
    start: Annotated[
        str | None, Opt(help="Simulated start time (ISO 8601, UTC); default now.")
    ] = None,
    webhook_url: Annotated[
        str | None, Opt(help="POST signed webhooks here (retried with backoff).")
    ] = None,
    rate_limit: Annotated[
        str | None, Opt(help="Organisation rate limit, e.g. 500/10s (the default).")
    ] = None,
    no_retry_after: Annotated[
        bool, Opt("--no-retry-after", help="Answer 429 without a Retry-After header.")
    ] = False,
    latency_ms: Annotated[float, Opt(help="Latency added to every API response.", min=0)] = 0.0,
    error_rate: Annotated[
        float, Opt(help="Share of API requests that fail (see --error-kind).", min=0, max=1)
    ] = 0.0,
    error_kind: Annotated[
        str, Opt(help="How they fail: 500-599, 429, html, truncated or drop.")
    ] = "500",
    error_burst: Annotated[
        str | None, Opt(help="N failures in every M requests, e.g. 3/50.")
    ] = None,
    fail_first: Annotated[
        list[str] | None,
        Opt(help="KIND:N - the first N API responses fail with KIND (repeatable)."),
    ] = None,
    client_id: Annotated[str | None, Opt(help="Client id the simulator accepts.")] = None,
    client_secret: Annotated[
        str | None,
        Opt(
            help="Client secret the simulator accepts (default: a made-up one it prints).",
            envvar="RUTTERCTL_SIM_CLIENT_SECRET",
            show_envvar=True,
        ),
    ] = None,
    allow_remote: Annotated[
        bool, Opt("--allow-remote", help="Allow binding a non-loopback address.")
    ] = False,
) -> None:
    """Serve the Rutter API (/versioned) and a control surface (/_sim) until interrupted.

    The first line of output is stable: `rutterctl-sim listening on URL`.

    \b
    Examples:
      rutterctl sim serve --port 0 --scenario fleet
      rutterctl sim serve --scenario my-fleet.toml --speed 60 \\
          --webhook-url http://127.0.0.1:9000/hooks
      rutterctl sim serve --fail-first 503:2 --rate-limit 5/1s --no-retry-after
    """
    from rutterctl.sim.launch import ServeOptions, run_server

    deps: Deps = ctx.obj
    options = ServeOptions(
        host=host,
        port=port,
        scenario=scenario,
        speed=speed,
        seed=seed,
        start=start,
        webhook_url=webhook_url,
        rate_limit=rate_limit,
        retry_after=not no_retry_after,
        latency_ms=latency_ms,
        error_rate=error_rate,
        error_kind=error_kind,
        error_burst=error_burst,
        fail_first=tuple(fail_first or ()),
        client_id=client_id,
        client_secret=client_secret,
        allow_remote=allow_remote,
    )
    code = run_server(options, out=deps.out, warn=deps.warn)
    if code:
        raise typer.Exit(code)


@app.command("scenarios")
def scenarios(ctx: typer.Context) -> None:
    """List the built-in scenarios and their connections."""
    from rutterctl.sim.scenarios import BUILTINS

    deps: Deps = ctx.obj
    for scenario in BUILTINS.values():
        names = ", ".join(c.name for c in scenario.connections)
        deps.out.write(f"{scenario.name}\t{scenario.description}\n  connections: {names}\n")


def _codes(incomplete: str) -> list[str]:
    from rutterctl.sim.payloads import CATALOGUE

    return [e.code for e in CATALOGUE if e.code.startswith(incomplete.upper())]


def _signatures(incomplete: str) -> list[str]:
    from rutterctl.sim.payloads import SIGNATURES

    return [s for s in SIGNATURES if s.startswith(incomplete)]


@app.command("trigger")
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
    reason: Annotated[str | None, Opt(help="For CONNECTION_DISABLED: the disabled reason.")] = None,
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
      rutterctl sim trigger acme-ongoing CONNECTION_DISABLED --reason SHOP_IS_LOCKED
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


def _field(item: str) -> tuple[str, Any]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--field takes KEY=VALUE, not {item!r}")
    try:
        return key.strip(), json.loads(value)
    except ValueError:
        return key.strip(), value


@app.command("events")
def events(ctx: typer.Context) -> None:
    """List the webhook events `sim trigger` can fire (any other code is sent as given)."""
    from rutterctl.sim.payloads import CATALOGUE, SIGNATURES

    deps: Deps = ctx.obj
    rows = [
        (e.code, e.type, "state change" if e.action else "webhook only", e.description)
        for e in CATALOGUE
    ]
    width = max(len(r[0]) for r in rows)
    for code, kind, how, text in rows:
        deps.out.write(f"{code:<{width}}  {kind:<10}  {how:<12}  {text}\n")
    deps.out.write(f"\nsignatures (--signature): {', '.join(SIGNATURES)}\n")

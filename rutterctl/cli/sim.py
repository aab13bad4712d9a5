"""`rutterctl sim`: run the Rutter simulator on loopback, list its scenarios; `trigger` and
`events` are in rutterctl.cli.sim_trigger."""

from __future__ import annotations

from typing import Annotated

import typer

from rutterctl.cli.deps import Deps
from rutterctl.cli.options import complete_scenario, group
from rutterctl.cli.sim_trigger import events, trigger

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
        width=_terminal_width(deps),
    )
    code = run_server(options, out=deps.out, warn=deps.warn)
    if code:
        raise typer.Exit(code)


@app.command("scenarios")
def scenarios(ctx: typer.Context) -> None:
    """List the built-in scenarios and their connections."""
    from rutterctl.render.sim_view import write_scenarios
    from rutterctl.sim.scenarios import BUILTINS

    deps: Deps = ctx.obj
    rows = [(s.name, s.description, [c.name for c in s.connections]) for s in BUILTINS.values()]
    write_scenarios(rows, deps.out, tty=deps.out_is_tty, color=deps.color)


def _terminal_width(deps: Deps) -> int | None:
    """The terminal's width when stdout is one (the banner is laid out to it), else None."""
    if not deps.out_is_tty:
        return None
    import shutil

    return shutil.get_terminal_size().columns


# `sim trigger` and `sim events` live in rutterctl.cli.sim_trigger (one module per command).
app.command("trigger")(trigger)
app.command("events")(events)

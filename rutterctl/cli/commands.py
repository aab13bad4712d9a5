"""The command table: names, where each command lives, and what it does in one sentence.

Kept free of the CLI framework so that `rutterctl --help` and TAB can be answered without it
(rutterctl.cli.fast); rutterctl.cli.app builds the commands from it, lazily.
"""

# name -> "module:attribute", a command function or a Typer app of subcommands. Loaded lazily:
# building a command's parameters costs typer ~1.5 ms each, so `--help`, TAB and each run
# build only the command they use (bench/startup.py). Help order is this order.
COMMANDS = {
    "status": "rutterctl.cli.status:status",
    "batches": "rutterctl.cli.batches:batches",
    "reasons": "rutterctl.cli.reasons:reasons",
    "wait-ready": "rutterctl.cli.wait_ready:wait_ready",
    "watch": "rutterctl.cli.watch:watch",
    "check": "rutterctl.cli.check:check",
    "fetch": "rutterctl.cli.fetch:fetch",
    "connections": "rutterctl.cli.connections:app",
    "alias": "rutterctl.cli.alias:app",
    "auth": "rutterctl.cli.auth:app",
    "config": "rutterctl.cli.config_cmd:app",
    "listen": "rutterctl.cli.listen:listen",
    "webhooks": "rutterctl.cli.webhooks:app",
    "sim": "rutterctl.cli.sim:app",
    "demo": "rutterctl.cli.demo:demo",
}


# The commands the quick lane (rutterctl.cli.quick) runs without typer when their command line
# is plain: the one-connection commands that scripts call in loops. name -> its typer-free
# body, which takes the run's Deps and then the typer command's own parameters (same names,
# same defaults: scripts/gen-reference checks it when it writes cli/quick_specs.py).
QUICK = {
    "status": "rutterctl.cli.status_run:status",
    "batches": "rutterctl.cli.batches_run:batches",
    "reasons": "rutterctl.cli.reasons_run:reasons",
    "wait-ready": "rutterctl.cli.wait_ready_run:wait_ready",
    "fetch": "rutterctl.cli.fetch_run:fetch",
}


def load(target: str) -> object:
    """The function or Typer app a "module:attribute" target of these tables names."""
    import importlib

    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


# name -> the first sentence of its docstring, for the root --help and TAB, which must not
# import every command module just to list them (~20 ms). tests/cli/test_summaries.py checks
# that each one is still its command's own first sentence; a command missing here is imported.
SUMMARIES = {
    "status": "Where a connection is in its lifecycle, and what to do next.",
    "batches": "Each sync batch: its data, progress and webhook.",
    "reasons": "What disabled reasons mean, who must act, and what to do next.",
    "wait-ready": "Wait until connections are ready.",
    "watch": "Watch connections sync, live: stages, batches, counts, stalls.",
    "check": "Check connections for CI.",
    "fetch": "Fetch orders or transactions; with --all every page, streamed as it arrives.",
    "connections": "The organisation's connections.",
    "alias": "Short names for connections, usable wherever a CONNECTION is expected.",
    "auth": "Store, check and remove Rutter credentials (OS keyring, else a 0600 file).",
    "config": (
        "Profiles and settings: environment, api_version, output, rate_limit, timeout, "
        "request_timeout, max_body, ca_bundle (config.toml)."
    ),
    "listen": "Receive webhooks on a local port: verify each signature, show it, forward it once.",
    "webhooks": "Rutter's webhooks: verify a saved one (see also `rutterctl listen`).",
    "sim": "A local, stateful Rutter simulator for tests, demos and CI.",
    "demo": (
        "Run rutterctl against a local Rutter simulator: every stage, batches, reasons, a wait."
    ),
}

"""The root `--help`, as typer prints it on a terminal of 80 columns or more, and the
short help of each command, as TAB shows it in zsh and fish.

Generated from the app by scripts/gen-reference (checked by scripts/check-generated);
do not edit by hand."""

ROOT_HELP = """\
Usage: rutterctl [OPTIONS] COMMAND [ARGS]...

  Operate Rutter connections: status, batches, reasons, wait-ready, force fetch.

Options:
  --debug               Trace each request on stderr (secrets masked) and show
                        tracebacks. Also RUTTERCTL_DEBUG=1.
  --version             Show the version.
  --profile NAME        The profile to use (config.toml and stored credentials).
                        Also RUTTERCTL_PROFILE; default: default.
  --install-completion  Install completion for the current shell.
  --show-completion     Show completion for the current shell, to copy it or
                        customize the installation.
  -h, --help            Show this message and exit.

Commands:
  status       Where a connection is in its lifecycle, and what to do next.
  batches      Each sync batch: its data, progress and webhook.
  reasons      What disabled reasons mean, who must act, and what to do next.
  wait-ready   Wait until connections are ready.
  watch        Watch connections sync, live: stages, batches, counts, stalls.
  check        Check connections for CI.
  fetch        Fetch orders or transactions; with --all every page,...
  connections  The organisation's connections.
  alias        Short names for connections, usable wherever a CONNECTION...
  auth         Store, check and remove Rutter credentials (OS keyring,...
  config       Profiles and settings: environment, api_version, output,...
  listen       Receive webhooks on a local port: verify each signature,...
  webhooks     Rutter's webhooks: verify a saved one (see also `rutterctl...
  sim          A local, stateful Rutter simulator for tests, demos and CI.
  demo         Run rutterctl against a local Rutter simulator: every...
"""

SHORT_HELPS = {
    "status": "Where a connection is in its lifecycle,...",
    "batches": "Each sync batch: its data, progress and...",
    "reasons": "What disabled reasons mean, who must act,...",
    "wait-ready": "Wait until connections are ready.",
    "watch": "Watch connections sync, live: stages,...",
    "check": "Check connections for CI.",
    "fetch": "Fetch orders or transactions; with --all...",
    "connections": "The organisation's connections.",
    "alias": "Short names for connections, usable...",
    "auth": "Store, check and remove Rutter credentials...",
    "config": "Profiles and settings: environment,...",
    "listen": "Receive webhooks on a local port: verify...",
    "webhooks": "Rutter's webhooks: verify a saved one (see...",
    "sim": "A local, stateful Rutter simulator for...",
    "demo": "Run rutterctl against a local Rutter...",
}

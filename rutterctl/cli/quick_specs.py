"""The parameters of the commands the quick lane runs (rutterctl.cli.quick), as click
parses them: generated from the app by scripts/gen-reference (checked by
scripts/check-generated); do not edit by hand."""

# (parameter name, nargs, required): nargs -1 takes the remaining words.
Argument = tuple[str, int, bool]
# option -> (parameter name, kind): "flag", "str", "int", "path", or the choices.
Option = tuple[str, str | tuple[str, ...]]
# (the body, as module:function; its arguments; its options)
Spec = tuple[str, tuple[Argument, ...], dict[str, Option]]

ROOT_OPTIONS: dict[str, Option] = {"--debug": ("debug", "flag"), "--profile": ("profile", "str")}

SPECS: dict[str, Spec] = {
    "status": (
        "rutterctl.cli.status_run:status",
        (("connection", 1, True),),
        {
            "--output": ("output", ("table", "json")),
            "-o": ("output", ("table", "json")),
            "--exit-status": ("exit_status", "flag"),
        },
    ),
    "batches": (
        "rutterctl.cli.batches_run:batches",
        (("connection", 1, True),),
        {"--output": ("output", ("table", "json")), "-o": ("output", ("table", "json"))},
    ),
    "reasons": (
        "rutterctl.cli.reasons_run:reasons",
        (("connection", 1, False),),
        {"--output": ("output", ("table", "json")), "-o": ("output", ("table", "json"))},
    ),
    "wait-ready": (
        "rutterctl.cli.wait_ready_run:wait_ready",
        (("connections", -1, True),),
        {
            "--timeout": ("timeout", "str"),
            "--interval": ("interval", "str"),
            "--until": ("until", "str"),
            "--stall-timeout": ("stall_timeout", "str"),
            "--output": ("output", ("table", "json", "ndjson")),
            "-o": ("output", ("table", "json", "ndjson")),
        },
    ),
    "fetch": (
        "rutterctl.cli.fetch_run:fetch",
        (("entity", 1, True), ("connection", 1, True)),
        {
            "--force": ("force", "flag"),
            "--all": ("all_pages", "flag"),
            "--limit": ("limit", "int"),
            "--max-records": ("max_records", "int"),
            "--created-since": ("created_since", "str"),
            "--created-until": ("created_until", "str"),
            "--updated-since": ("updated_since", "str"),
            "--updated-until": ("updated_until", "str"),
            "--cursor": ("cursor", "str"),
            "--resume": ("resume", "flag"),
            "--format": ("fmt", ("table", "json", "ndjson", "csv")),
            "-o": ("fmt", ("table", "json", "ndjson", "csv")),
            "--output": ("output", "path"),
        },
    ),
}

"""The output formats each command offers (`-o`), kept free of the CLI framework: the commands'
bodies run without typer on the quick lane (rutterctl.cli.quick)."""

from enum import StrEnum


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


class WaitOutput(StrEnum):
    """wait-ready: json is the final status, ndjson one line a poll."""

    table = "table"
    json = "json"
    ndjson = "ndjson"


class FetchFormat(StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"

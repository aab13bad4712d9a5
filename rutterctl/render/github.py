"""GitHub Actions workflow commands for `check`: one `::error` / `::warning` per connection.

Escaped as the runner unescapes them (actions/runner ActionCommand.cs, as @actions/core's
toCommandValue does): in the message `%` `\r` `\n` become `%25` `%0D` `%0A`; in a property
(the title) `:` and `,` too (`%3A`, `%2C`), `%` first so nothing is escaped twice.

Written to stderr. GitHub's page on workflow commands shows them echoed to stdout, but the
runner hands a step's stdout and stderr alike to its command processor (ScriptHandler.cs:
one OutputManager per stream), so a command on stderr becomes an annotation just the same,
and stdout keeps only the chosen output format (TSV, JSON, JUnit) that a step may pipe on.
"""

from __future__ import annotations

from typing import TextIO

from rutterctl.domain.check import CheckResult, Level, Summary
from rutterctl.render.plain import printable
from rutterctl.secrets import redact


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(result: CheckResult) -> str | None:
    """`::error title=rutterctl check%3A acme::disabled (SHOP_PAYMENT_REQUIRED): ...`, or None
    for a connection that neither fails nor warns."""
    if result.level not in (Level.FAILURE, Level.WARNING):
        return None
    command = "error" if result.level is Level.FAILURE else "warning"
    lines = [
        f"{f.kind.value}: {printable(redact(f.message))}"
        for f, level in result.findings
        if level in (Level.FAILURE, Level.WARNING)
    ]
    title = f"rutterctl check: {printable(redact(result.target.name))}"
    return f"::{command} title={escape_property(title)}::{escape_data(chr(10).join(lines))}\n"


class AnnotationSink:
    def __init__(self, err: TextIO) -> None:
        self.err = err

    def add(self, result: CheckResult) -> None:
        line = annotation(result)
        if line is not None:
            self.err.write(line)
            self.err.flush()

    def finish(self, summary: Summary, code: int) -> None:
        return None

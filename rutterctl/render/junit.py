"""JUnit XML for `check`, as GitLab and Jenkins read it.

One `<testsuite>` (inside `<testsuites>`, which both accept), one `<testcase>` per
connection. A failing connection has one `<failure type=KIND message=...>` (its worst failing
finding; the text lists every one), or `<error>` when the only failure is that its status
could not be read (the test could not run). Warnings and ignored findings go to
`<system-out>`, which both show beside the test case: JUnit has no warning element. The
suite's counts must come before its test cases, so the test cases are spooled (memory, then
disk) until the end.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from rutterctl.domain.check import CheckResult, Finding, Kind, Level, Summary
from rutterctl.render.plain import printable
from rutterctl.secrets import redact

SUITE = "rutterctl check"


def _text(value: str) -> str:
    # printable() escapes control characters, which XML 1.0 cannot carry at all.
    return escape(printable(redact(value)))


def _attr(value: str) -> str:
    return quoteattr(printable(redact(value)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _failing(result: CheckResult) -> list[Finding]:
    return [f for f, level in result.findings if level is Level.FAILURE]


def _element(failing: list[Finding]) -> str:
    return "error" if all(f.kind is Kind.UNREACHABLE for f in failing) else "failure"


def testcase(result: CheckResult) -> str:
    name = result.target.name
    if result.connection_id and result.connection_id != name:
        name = f"{name} ({result.connection_id})"
    platform = result.report.status.platform if result.report else None
    classname = f"rutterctl.check.{platform or 'unknown'}"
    seconds = f"{result.elapsed:.3f}"
    head = f"    <testcase name={_attr(name)} classname={_attr(classname)} time={_attr(seconds)}"
    failing = _failing(result)
    notes = [
        f"{level.value}: {f.kind.value}: {f.message}"
        for f, level in result.findings
        if level is not Level.FAILURE
    ]
    if not failing and not notes:
        return head + "/>\n"
    parts = [head + ">\n"]
    if failing:
        worst = failing[0]  # findings come worst first
        element = _element(failing)
        body = "\n".join(f"{f.kind.value}: {f.message}" for f in failing)
        parts.append(
            f"      <{element} type={_attr(worst.kind.value)} message={_attr(worst.message)}>"
            f"{_text(body)}</{element}>\n"
        )
    if notes:
        parts.append(f"      <system-out>{_text(chr(10).join(notes))}</system-out>\n")
    parts.append("    </testcase>\n")
    return "".join(parts)


class JunitSink:
    def __init__(
        self, out: IO[str], *, timestamp: str = "", monotonic: Callable[[], float] | None = None
    ) -> None:
        self.out = out
        self.timestamp = timestamp  # ISO 8601 local form, as the JUnit schema has it
        # The suite's time is the check's wall time (its requests overlap); without a clock,
        # the sum of the test cases' times.
        self.monotonic = monotonic
        self.started = monotonic() if monotonic is not None else 0.0
        self.cases: IO[str] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed in finish
            max_size=1 << 20, mode="w+", encoding="utf-8"
        )
        self.failures = 0
        self.errors = 0
        self.seconds = 0.0

    def add(self, result: CheckResult) -> None:
        failing = _failing(result)
        if failing and _element(failing) == "error":
            self.errors += 1
        elif failing:
            self.failures += 1
        self.seconds += result.elapsed
        self.cases.write(testcase(result))

    def finish(self, summary: Summary, code: int) -> None:
        seconds = self.monotonic() - self.started if self.monotonic else self.seconds
        # In the junit-10.xsd schema Jenkins points to, `skipped` is a testsuite attribute only.
        counts = (
            f'tests="{summary.checked}" failures="{self.failures}" errors="{self.errors}" '
            f'time="{seconds:.3f}"'
        )
        stamp = f" timestamp={_attr(self.timestamp)}" if self.timestamp else ""
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(f"<testsuites name={_attr(SUITE)} {counts}>\n")
        self.out.write(f'  <testsuite name={_attr(SUITE)} {counts} skipped="0"{stamp}>\n')
        self.cases.seek(0)
        while chunk := self.cases.read(1 << 16):
            self.out.write(chunk)
        self.cases.close()
        self.out.write("  </testsuite>\n</testsuites>\n")

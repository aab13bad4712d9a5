"""The markdown summary of `check` (`-o markdown`, and GitHub's job summary).

A table of counts by result and by finding, then the failing and warning connections (worst
first), at most `MAX_ROWS` of them: a job summary is read by people, and GitHub caps its size.
"""

from __future__ import annotations

from typing import IO

from rutterctl.domain.check import SEVERITY, CheckResult, Level, Summary
from rutterctl.render.check_view import summary_line
from rutterctl.render.plain import printable
from rutterctl.secrets import redact

MAX_ROWS = 100
ICONS = {Level.FAILURE: "❌", Level.WARNING: "⚠️", Level.OK: "✅", Level.IGNORED: "➖"}


def cell(text: str) -> str:
    """A table cell: pipes, backslashes, HTML and line breaks would break the table."""
    safe = printable(redact(text)).replace("\\", "\\\\").replace("|", "\\|")
    return safe.replace("<", "&lt;").replace(">", "&gt;")


class MarkdownSink:
    def __init__(self, out: IO[str], *, max_rows: int = MAX_ROWS) -> None:
        self.out = out
        self.max_rows = max_rows
        self._rows: list[tuple[tuple[int, int, int], str]] = []
        self.left_out = 0

    def add(self, result: CheckResult) -> None:
        if result.level not in (Level.FAILURE, Level.WARNING):
            return
        worst = min(SEVERITY.index(f.kind) for f, _ in result.findings)
        key = (0 if result.level is Level.FAILURE else 1, worst, len(self._rows) + self.left_out)
        self._rows.append((key, self._row(result)))
        if len(self._rows) > self.max_rows:  # keep the worst: drop the mildest one seen
            self._rows.remove(max(self._rows))
            self.left_out += 1

    @staticmethod
    def _row(result: CheckResult) -> str:
        report = result.report
        findings = "; ".join(
            f"{ICONS[level]} {f.kind.value}: {f.message}"
            for f, level in result.findings
            if level in (Level.FAILURE, Level.WARNING)
        )
        cells = [
            result.target.name,
            (report.status.platform or "-") if report else "-",
            report.stage.value if report else "-",
            findings,
        ]
        return "| " + " | ".join(cell(c) for c in cells) + " |"

    def finish(self, summary: Summary, code: int) -> None:
        w = self.out.write
        w(f"## rutterctl check: {cell(summary_line(summary))}\n\n")
        w("| result | connections |\n| --- | ---: |\n")
        for level, label, count in (
            (Level.OK, "healthy", summary.healthy),
            (Level.FAILURE, "failing", summary.failing),
            (Level.WARNING, "warning", summary.warning),
        ):
            w(f"| {ICONS[level]} {label} | {count} |\n")
        w("\n| finding | connections | policy |\n| --- | ---: | --- |\n")
        for kind in SEVERITY:
            w(f"| {kind.value} | {summary.by_kind[kind]} | {summary.policy.level(kind).value} |\n")
        w(f"\nExit code {code}.\n")
        if not self._rows:
            return
        w("\n| connection | platform | stage | findings |\n| --- | --- | --- | --- |\n")
        for _, row in sorted(self._rows):
            w(row + "\n")
        if self.left_out:
            w(f"\n… and {self.left_out} more (`-o json` or `-o junit` lists every one).\n")

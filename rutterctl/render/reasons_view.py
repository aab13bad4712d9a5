"""`rutterctl reasons`: the disabled-reason catalogue, and one connection's reason explained."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TextIO

from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.reasons import DISCLAIMER, Reason
from rutterctl.domain.status import StatusReport
from rutterctl.render import term
from rutterctl.render.plain import printable, write_pairs

STAGE_STYLE = {Stage.DISABLED.value: "bold red", Stage.NEEDS_UPDATE.value: "bold yellow"}


def reauth_text(reason: Reason) -> str:
    if reason.reauth_helps is None:
        return "unknown"
    return "yes" if reason.reauth_helps else "no, not on its own"


def label(reason: Reason) -> str:
    if reason.reason is None:
        return "(no reason given)"
    if reason.kind == "needs_update":
        return "NEEDS_UPDATE (needs-update state)"
    return reason.reason


def reason_document(reason: Reason) -> dict[str, Any]:
    return {
        "reason": reason.reason,
        "kind": reason.kind,
        "meaning": reason.meaning,
        "actor": reason.actor,
        "action": reason.action,
        "reauth_helps": reason.reauth_helps,
    }


def _pairs(reason: Reason) -> list[tuple[str, str]]:
    return [
        ("meaning", reason.meaning),
        ("who acts", reason.actor),
        ("next step", reason.action),
        ("re-auth helps", reauth_text(reason)),
    ]


def catalogue_plain(entries: Sequence[Reason], out: TextIO) -> None:
    out.write(f"note: {DISCLAIMER}\n")
    for entry in entries:
        out.write(f"\n{label(entry)}\n")
        write_pairs(_pairs(entry), out, indent="  ")


def catalogue_rich(entries: Sequence[Reason], out: TextIO, *, color: bool) -> None:
    """One block per reason, the name as its heading, explanations wrapped at words beside
    their keys (render/layout.py): the exact name is what an operator matches against
    Rutter's enum, so it is never cut."""
    from rich.text import Text

    from rutterctl.render.layout import print_pairs, wrap_words  # terminals only: 1.7 ms

    console = term.console(out, color=color)
    for line in wrap_words(f"note: {DISCLAIMER}", console.width):
        console.print(Text(line, style="dim"), soft_wrap=True)
    for entry in entries:
        style = (
            "dim" if entry.reauth_helps is None else ("green" if entry.reauth_helps else "yellow")
        )
        console.print()
        console.print(Text(label(entry), style="bold"), soft_wrap=True)
        print_pairs(console, _pairs(entry), indent="  ", style=_only("re-auth helps", style))


def _only(name: str, style: str) -> Callable[[str, str], str]:
    """A `print_pairs` style: `style` for the value of key `name`, nothing for the others."""
    return lambda key, _: style if key == name else ""


def _link_helps(report: StatusReport, reason: Reason) -> bool:
    """link_url is worth showing when reconnecting is the fix, or its last step."""
    return bool(
        reason.reauth_helps or report.stage is Stage.NEEDS_UPDATE or "link_url" in reason.action
    )


def connection_rows(
    report: StatusReport, reason: Reason | None, context: str
) -> list[tuple[str, str]]:
    s = report.status
    rows = [
        ("connection", s.connection_id),
        ("answered by", context),
        ("stage", report.stage.value),
    ]
    if reason is None:
        rows.append(
            (
                "reason",
                "none: the connection is neither disabled nor in need of an update",
            )
        )
        rows.append(("meaning", report.info.meaning))
        return rows
    if report.stage is Stage.DISABLED:
        rows.append(("disabled reason", label(reason)))
    rows += _pairs(reason)
    if _link_helps(report, reason):
        rows.append(("link_url", s.link_url or "not given by Rutter"))
    return rows


def connection_document(report: StatusReport, reason: Reason | None) -> dict[str, Any]:
    s = report.status
    reauth = reason is not None and _link_helps(report, reason)
    return {
        "connection_id": s.connection_id,
        "stage": report.stage.value,
        "is_disabled": s.is_disabled,
        "needs_update": s.needs_update,
        "disabled_reason": s.disabled_reason,
        "explanation": reason_document(reason) if reason else None,
        "link_url": s.link_url if reauth else None,
    }


def connection_plain(
    report: StatusReport, reason: Reason | None, out: TextIO, *, context: str
) -> None:
    write_pairs(connection_rows(report, reason, context), out)
    if reason is not None:
        out.write(f"\nnote: {DISCLAIMER}\n")


def connection_rich(
    report: StatusReport, reason: Reason | None, out: TextIO, *, color: bool, context: str
) -> None:
    """The same rows as piped, wrapped at words beside their keys; link_url whole, on its own
    line when it does not fit beside its key (a URL split by a wrap copies with a newline)."""
    from rich.text import Text

    from rutterctl.render.layout import Pair, print_pairs, wrap_words  # terminals only: 1.7 ms

    console = term.console(out, color=color)
    rows = connection_rows(report, reason, context)
    pairs = [
        Pair(key, printable(value), whole=key in ("connection", "link_url", "disabled reason"))
        for key, value in rows
    ]
    print_pairs(
        console, pairs, style=lambda key, line: STAGE_STYLE.get(line, "") if key == "stage" else ""
    )
    if reason is not None:
        console.print()
        for line in wrap_words(f"note: {DISCLAIMER}", console.width):
            console.print(Text(line, style="dim"), soft_wrap=True)

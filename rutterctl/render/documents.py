"""The `-o json` documents: public, documented contracts. Change them only deliberately."""

from __future__ import annotations

from typing import Any

from rutterctl.domain.batches import (
    ONGOING_ACTIVE,
    ONGOING_WEBHOOKS,
    batch_views,
    batching_configured,
    ongoing_state,
)
from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.models import ConnectionStatus
from rutterctl.domain.status import StatusReport
from rutterctl.render.timefmt import rfc3339

PLACEHOLDER = "`rutterctl "


def command(words: str, *, connection: str | None = None, prefix: str = "rutterctl") -> str:
    """A command to copy: `prefix` (`rutterctl --profile prod` off the default profile) and
    `words`, with CONNECTION replaced by what the user typed (shell-quoted)."""
    import shlex

    text = f"{prefix} {words}"
    if connection is not None:
        text = text.replace("CONNECTION", shlex.quote(connection))
    return text


def readable(report: StatusReport) -> bool:
    """Whether data can be read now: Rutter's is_ready stays true on a connection that is
    disabled or needs an update, whose data endpoints then refuse."""
    return report.stage in (Stage.HISTORICAL_SYNC, Stage.ONGOING_SYNC)


def next_step(
    report: StatusReport,
    *,
    connection: str | None = None,
    prefix: str = "rutterctl",
    with_link: bool = True,
) -> str:
    """The stage's next step with the real values: the connection as typed (else its id),
    the profile, the link_url (unless a view shows it on its own line: `with_link` False);
    for a stale ongoing connection, what to check."""
    import shlex

    s = report.status
    name = connection or s.connection_id
    if report.stage is Stage.ONGOING_SYNC and report.warnings:
        again = command("status CONNECTION", connection=name, prefix=prefix)
        return (
            "Check the store is online and its platform reachable (syncing has stopped); "
            f"run `{again}` in 10 minutes, and if the last sync has not moved, contact "
            f"Rutter support with connection id {s.connection_id}."
        )
    text = report.info.next_step.replace(PLACEHOLDER, f"`{prefix} ")
    text = text.replace("CONNECTION", shlex.quote(name))
    if s.link_url and with_link:
        text = text.replace("the link_url", s.link_url).replace("link_url", s.link_url)
    elif s.link_url:
        text = text.replace("the link_url", "the link_url below").replace(
            "through link_url", "through the link_url below"
        )
    return text


def batch_documents(status: ConnectionStatus, *, implicit: bool) -> list[dict[str, Any]]:
    """The batches as in `batches -o json`; `status -o json` shows configured ones only."""
    return [
        {
            "batch_num": view.batch_num,
            "webhook": view.webhook,
            "status": view.status,
            "time_frame_months": view.time_frame_months,
            "entities": [
                {
                    "name": e.name,
                    "priority": e.priority,
                    "status": e.status,
                    "oldest": e.oldest.raw,
                    "newest": e.newest.raw,
                }
                for e in view.entities
            ],
        }
        for view in batch_views(status, implicit=implicit)
    ]


def batches_document(report: StatusReport) -> dict[str, Any]:
    s = report.status
    return {
        "connection_id": s.connection_id,
        "stage": report.stage.value,
        "batching_configured": batching_configured(s),
        "num_batches_completed": report.batches_completed,
        "num_batches": report.batches_total,
        "batches": batch_documents(s, implicit=True),
        "ongoing": {
            # Paused (disabled / needs update) is not active, whatever the history says.
            "active": ongoing_state(report.stage, s.historical_sync_completed) == ONGOING_ACTIVE,
            "state": ongoing_state(report.stage, s.historical_sync_completed),
            "webhooks": list(ONGOING_WEBHOOKS),
        },
    }


def status_document(report: StatusReport) -> dict[str, Any]:
    s = report.status
    return {
        "connection_id": s.connection_id,
        "org_id": s.org_id,
        "platform": s.platform,
        "store_name": report.store.store_name if report.store else None,
        "store_domain": report.store.store_domain if report.store else None,
        "stage": report.stage.value,
        "stage_meaning": report.info.meaning,
        "next_step": next_step(report),
        "is_ready": s.is_ready,
        "needs_update": s.needs_update,
        "is_disabled": s.is_disabled,
        "disabled_reason": s.disabled_reason,
        "link_url": s.link_url,
        "created_at": s.created_at.raw,
        "last_sync_completed_at": s.last_sync_completed_at.raw,
        "historical_sync_completed": s.historical_sync_completed,
        "num_batches_completed": report.batches_completed,
        "num_batches": report.batches_total,
        "entities": [
            {
                "name": e.name,
                "ready": e.ready,
                "synced_count": e.synced_count,
                "oldest": e.oldest.raw,
                "newest": e.newest.raw,
            }
            for e in s.entities
        ],
        "batches": batch_documents(s, implicit=False),
        "warnings": list(report.warnings),
        "checked_at": rfc3339(report.checked_at),
    }

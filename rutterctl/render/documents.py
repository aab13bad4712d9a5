"""The `-o json` documents: public, documented contracts. Change them only deliberately."""

from __future__ import annotations

from typing import Any

from rutterctl.domain.batches import batch_status, batch_webhook
from rutterctl.domain.models import Batch, ConnectionStatus
from rutterctl.domain.status import StatusReport
from rutterctl.render.timefmt import rfc3339


def batch_documents(status: ConnectionStatus) -> list[dict[str, Any]]:
    return [_batch(index, batch) for index, batch in enumerate(status.batches)]


def _batch(index: int, batch: Batch) -> dict[str, Any]:
    priorities = batch.config.entities if batch.config else {}
    progress = {entity.name: entity for entity in batch.progress}
    names = list(progress) + [name for name in priorities if name not in progress]
    return {
        "batch_num": batch.batch_num,
        "webhook": batch_webhook(index),
        "status": batch_status(batch),
        "time_frame_months": batch.config.time_frame_months if batch.config else None,
        "entities": [
            {
                "name": name,
                "priority": priorities.get(name),
                "status": progress[name].status if name in progress else None,
                "oldest": progress[name].oldest.raw if name in progress else None,
                "newest": progress[name].newest.raw if name in progress else None,
            }
            for name in names
        ],
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
        "next_step": report.info.next_step,
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
        "batches": batch_documents(s),
        "warnings": list(report.warnings),
        "checked_at": rfc3339(report.checked_at),
    }

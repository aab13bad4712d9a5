"""Searching the organisation's connections by what a ticket shows (`connections find`)."""

from __future__ import annotations

from rutterctl.domain.models import ConnectionSummary, StoreInfo


def matching(text: str, summary: ConnectionSummary, store: StoreInfo | None) -> bool:
    """Does `text` occur (ignoring case) in the store name, store domain, id or platform?"""
    wanted = text.strip().casefold()
    fields = [summary.id, summary.platform]
    if store is not None:
        fields += [store.store_name, store.store_domain]
    return any(wanted in value.casefold() for value in fields if value)

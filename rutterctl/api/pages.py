"""Pages of `GET /orders` and `GET /transactions`: the domain's `PageSource` over HTTP.

The envelope is checked cheaply (records a list of objects, `next_cursor` a string or null)
and the records are passed on as parsed: running the wire models over every record would cost
more than the request itself, and the records are written out as data, not interpreted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rutterctl.api.client import Reply, RutterClient
from rutterctl.domain.fetch import Page
from rutterctl.errors import ApiError

ENTITIES = ("orders", "transactions")


@dataclass(frozen=True)
class PageQuery:
    entity: str  # orders | transactions: also the path and the records' key in the envelope
    access_token: str
    force: bool = False
    # created_at_min / created_at_max / updated_at_min / updated_at_max, in Unix milliseconds
    filters: Mapping[str, int] = field(default_factory=dict)

    def params(self, cursor: str | None, limit: int | None) -> dict[str, str]:
        params = {"access_token": self.access_token}
        if self.force:
            params["force_fetch"] = "true"  # sent only when asked: absent means Rutter's default
        params.update((name, str(value)) for name, value in self.filters.items())
        if limit is not None:
            params["limit"] = str(limit)
        if cursor:
            params["cursor"] = cursor
        return params


class HttpPages:
    def __init__(self, client: RutterClient, query: PageQuery) -> None:
        if query.entity not in ENTITIES:
            raise ValueError(f"not a paged entity: {query.entity}")
        self.client = client
        self.query = query
        self.path = f"/{query.entity}"

    def page(self, cursor: str | None, limit: int | None) -> Page:
        reply = self.client.get_reply(self.path, self.query.params(cursor, limit))
        return parse_page(reply, self.query.entity, self.path)


def parse_page(reply: Reply, entity: str, path: str) -> Page:
    body = reply.body
    if not isinstance(body, dict):
        raise _shape(reply, path, f"the document is {_kind(body)}, not an object")
    records = body.get(entity)
    if not isinstance(records, list):
        raise _shape(reply, path, f"{entity} is {_kind(records)}, not a list")
    for index, record in enumerate(records):
        if type(record) is not dict:  # exact type: json.loads only makes plain dicts
            raise _shape(reply, path, f"{entity}.{index} is {_kind(record)}, not an object")
    cursor = body.get("next_cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise _shape(reply, path, f"next_cursor is {_kind(cursor)}, not a string or null")
    return Page(records, cursor or None)


def _kind(value: Any) -> str:
    if value is None:
        return "missing or null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )


def _shape(reply: Reply, path: str, what: str) -> ApiError:
    return ApiError(
        f"unexpected response shape from GET {path}: {what}",
        status=reply.status,
        request_id=reply.request_id,
        hint="Rutter may have changed its API; run with --debug and report the request id",
    )

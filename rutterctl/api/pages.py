"""Pages of `GET /orders` and `GET /transactions`: the domain's `PageSource` over HTTP.

The envelope is checked cheaply (records a list of objects, `next_cursor` a string or null)
and the records are passed on as parsed: running the wire models over every record would cost
more than the request itself, and the records are written out as data, not interpreted.

Numbers are kept as Rutter wrote them. orjson parses a page and writes each record back; when
those texts, joined, appear in the body as they are, every number survived the round trip
and the texts are what gets written (the common case, at orjson's speed). Otherwise (`12.10`,
`1e400`, a 20-digit integer, escapes written another way, a lone surrogate) the page is parsed
again by the standard library with every number kept as its text (`Number`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from rutterctl.api.client import Reply, RutterClient
from rutterctl.domain.fetch import Number, Page
from rutterctl.errors import ApiError

ENTITIES = ("orders", "transactions")


class PageQuery(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """Which records to page through: the entity, the connection's token, the filters."""

    entity: str  # orders | transactions: also the path and the records' key in the envelope
    access_token: str
    force: bool = False
    # created_at_min / created_at_max / updated_at_min / updated_at_max, in Unix milliseconds
    filters: Mapping[str, int] = MappingProxyType({})

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
    """`texts_only`: the writer needs each record's JSON text and nothing else (ndjson, json),
    so a page need not be turned into Python objects at all (see `raw_texts`)."""

    def __init__(self, client: RutterClient, query: PageQuery, *, texts_only: bool = False) -> None:
        if query.entity not in ENTITIES:
            raise ValueError(f"not a paged entity: {query.entity}")
        self.client = client
        self.query = query
        self.path = f"/{query.entity}"
        self._loads = exact_loads(query.entity, texts_only=texts_only)
        self._ahead: _Ahead | None = None

    def page(self, cursor: str | None, limit: int | None) -> Page:
        ahead = self._ahead
        if ahead is not None:
            outcome = ahead.result()  # also when not the page wanted: one request at a time
            self._ahead = None  # only now: a stop while waiting must still abandon it
            if ahead.key == (cursor, limit):
                return outcome()
        return self._fetch(cursor, limit)

    def prefetch(self, cursor: str, limit: int | None) -> None:
        """Start fetching the page at `cursor` in a thread; `page(cursor, limit)` takes it.
        Fetching is waiting for Rutter, writing a page is work here: overlapped, a fetch of
        many pages takes about the longer of the two instead of their sum."""
        if self._ahead is None:
            self._ahead = _Ahead((cursor, limit), lambda: self._fetch(cursor, limit))

    def abandon(self) -> None:
        """The fetch stopped: a page still being fetched is not wanted. (Its thread may still
        hit a retry; the error boundary hushes stderr once the command's last line is said,
        so the note is not printed after it: rutterctl/cli/boundary.py.)"""
        self._ahead = None

    def _fetch(self, cursor: str | None, limit: int | None) -> Page:
        params = self.query.params(cursor, limit)
        reply = self.client.get_reply(self.path, params, loads=self._loads)
        return parse_page(reply, self.query.entity, self.path)


class _Ahead:
    """One page being fetched in a daemon thread (a process that stops does not wait for
    it); its outcome, page or exception, is handed over by `result()`."""

    def __init__(self, key: tuple[str | None, int | None], fetch: Callable[[], Page]) -> None:
        self.key = key
        self._fetch = fetch
        self._outcome: Callable[[], Page] | None = None
        self._thread = threading.Thread(target=self._run, name="rutterctl-page", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            page = self._fetch()
        except BaseException as exc:  # noqa: BLE001 - raised where the page is taken
            error = exc

            def fail() -> Page:
                raise error

            self._outcome = fail
        else:
            self._outcome = lambda: page

    def result(self) -> Callable[[], Page]:
        self._thread.join()  # interruptible: a signal reaches the main thread here too
        assert self._outcome is not None
        return self._outcome


class _Body(dict[str, Any]):
    """A page's envelope, with each record's exact compact JSON text."""

    texts: list[str]


def exact_loads(entity: str, *, texts_only: bool = False) -> Callable[[bytes], Any]:
    """A JSON parser for pages of `entity` that keeps every number's digits (module doc)."""
    return _ExactLoads(entity, texts_only)


class _ExactLoads:
    """`texts_only`: from the second page on, msgspec splits a page into its records' texts
    first (`raw_texts`). The first page goes to orjson first: importing msgspec costs 6.5 ms,
    more than it saves on one page (0.6 ms on 366 KB), and `fetch --limit 1` reads no more.
    Where orjson's texts are exact they are the ones msgspec gives, so either way the output
    is the same; where they are not (a key twice, `1e400`), msgspec is asked after all."""

    def __init__(self, entity: str, texts_only: bool) -> None:
        self.entity = entity
        self.texts_only = texts_only
        self._pages = 0
        self._split: Callable[[bytes], _Body | None] | None = None

    def __call__(self, content: bytes) -> Any:
        self._pages += 1
        if self.texts_only and self._pages > 1:
            body = self._raw(content)
            if body is not None:
                return body
        return self._orjson(content)

    def _raw(self, content: bytes) -> _Body | None:
        if self._split is None:
            self._split = raw_texts(self.entity)
        return self._split(content)

    def _orjson(self, content: bytes) -> Any:
        import orjson

        try:
            doc = orjson.loads(content)
        except orjson.JSONDecodeError:  # also 1e400, lone surrogates: the exact parser decides
            return self._inexact(content)
        records = doc.get(self.entity) if type(doc) is dict else None
        if type(records) is not list or any(type(r) is not dict for r in records):
            return doc  # not a page: parse_page names what is wrong; numbers do not matter
        dumped = [orjson.dumps(record) for record in records]
        if b"[" + b",".join(dumped) + b"]" not in content:
            return self._inexact(content)
        body = _Body(doc)
        body.texts = [text.decode() for text in dumped]
        return body

    def _inexact(self, content: bytes) -> Any:
        """orjson's texts are not the ones sent: msgspec's, unless it was asked already; else
        the standard library with every number kept as its text."""
        if self.texts_only and self._pages == 1:
            body = self._raw(content)
            if body is not None:
                return body
        return _loads_numbers_as_text(content)


def raw_texts(entity: str) -> Callable[[bytes], _Body | None]:
    """Records as the exact text Rutter sent, without building a single Python object:
    msgspec validates the page and hands each record over as its raw bytes (`msgspec.Raw`),
    with the whitespace between tokens dropped first (`msgspec.json.format`, which keeps every
    number and string as written). Only for pages without a backslash: escapes are written
    the standard library's way (`é` for its `u00e9` escape), so such pages take the other
    paths. A record with a key twice keeps both, as sent. None: use the other paths."""
    import msgspec

    envelope = msgspec.defstruct(
        "Envelope", [(entity, list[msgspec.Raw]), ("next_cursor", str | None, None)]
    )
    decode = msgspec.json.Decoder(envelope).decode

    def split(content: bytes) -> _Body | None:
        if b"\\" in content:
            return None
        try:
            doc = decode(msgspec.json.format(content, indent=-1))
            raws = [bytes(raw) for raw in getattr(doc, entity)]
            # Each one an object; the UTF-8 checked as the standard library would.
            if not all(raw[:1] == b"{" for raw in raws):
                return None
            texts = b"\n".join(raws).decode("utf-8").split("\n") if raws else []
        except (msgspec.DecodeError, UnicodeDecodeError):
            return None  # not a page, not JSON, not UTF-8: the other paths say which
        body = _Body({entity: [], "next_cursor": getattr(doc, "next_cursor", None)})
        body.texts = texts
        return body

    return split


def _loads_numbers_as_text(content: bytes) -> Any:
    return json.loads(content, parse_float=Number, parse_int=Number, parse_constant=_not_json)


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: valid output must stay valid JSON


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
    return Page(records, cursor or None, getattr(body, "texts", None))


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

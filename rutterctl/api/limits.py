"""Bounds on what a server sends: decoded body size, time, and the shape of its JSON.

A proxy in front of Rutter (or anything answering on its address) can send a gzip body that
expands a thousandfold, trickle one byte a second, or nest JSON 100,000 levels deep. Each of
these ends here as `TooLarge`, `TooSlow` or an unreadable body, never as a MemoryError, a hang
or a RecursionError. The content encodings are undone here too, with a cap on the output of
every step (httpx's own decoders inflate a whole network chunk at once, up to ~1000×).
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

# Far above Rutter's largest page (a page of orders is a few MB at most).
DEFAULT_MAX_BODY = 32 * 1024 * 1024
# Shapes no Rutter document comes near: a status document is ~8 deep, a page of 500 orders
# holds some 25,000 objects and arrays and 50,000 values. Past these, a document would cost
# far more memory than its body (a small dict is ~250 bytes, a float or short string 30-60, so
# a 32 MiB body of `[1.5,1.5,...` would be 8 million floats, 260 MB) or recurse through every
# later step. Values are counted by their commas (an upper bound: commas in text count too).
MAX_DEPTH = 64
MAX_CONTAINERS = 200_000
MAX_VALUES = 1_000_000
# The encodings we can undo with a bound; only these are asked for (Accept-Encoding).
ACCEPT_ENCODING = "gzip, deflate"


class TooLarge(Exception):
    """The decoded body passed the size limit."""


class TooSlow(Exception):
    """The request's total deadline passed while its answer was still arriving."""


class Undecodable(Exception):
    """A content encoding that cannot be undone (truncated, corrupt, or not one we accept)."""


def read_bounded(
    chunks: Iterable[bytes],
    content_encoding: str | None,
    *,
    limit: int,
    expired: Callable[[], bool],
    declared: str | None = None,
) -> bytes:
    """The decoded body from raw network chunks, raising as soon as a bound is passed (before
    reading anything when an unencoded body's Content-Length, `declared`, is already past it)."""
    if not content_encoding and declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge()
    decode = _decoder(content_encoding, limit)
    parts: list[bytes] = []
    size = 0
    for raw in chunks:
        if expired():
            raise TooSlow()
        for piece in decode(raw):
            size += len(piece)
            if size > limit:
                raise TooLarge()
            parts.append(piece)
    for piece in decode(None):
        size += len(piece)
        if size > limit:
            raise TooLarge()
        parts.append(piece)
    return b"".join(parts)


Decode = Callable[[bytes | None], Iterator[bytes]]


def _decoder(header: str | None, limit: int) -> Decode:
    names = [v.strip().lower() for v in (header or "").split(",") if v.strip()]
    names = [n for n in names if n != "identity"]
    if not names:
        return _identity
    # Encodings are listed in the order they were applied: undo them last to first.
    steps = [_inflater(name, limit) for name in reversed(names)]

    def chained(raw: bytes | None) -> Iterator[bytes]:
        pieces: list[bytes | None] = [raw]
        for step in steps:
            produced: list[bytes | None] = []
            for piece in pieces:
                produced.extend(step(piece))
            if raw is None:
                produced.append(None)  # flush the next step as well
            pieces = produced
        yield from (p for p in pieces if p)

    return chained


def _identity(raw: bytes | None) -> Iterator[bytes]:
    if raw:
        yield raw


def _inflater(name: str, limit: int) -> Decode:
    if name in ("gzip", "x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif name == "deflate":
        wbits = zlib.MAX_WBITS  # zlib-wrapped, as RFC 9110 says; raw deflate retried below
    else:
        raise Undecodable(f"its {name} content encoding is not one rutterctl accepts")
    state = {"inflater": zlib.decompressobj(wbits), "first": True}

    def inflate(raw: bytes | None) -> Iterator[bytes]:
        inflater: Any = state["inflater"]
        if raw is None:
            if not inflater.eof:
                raise Undecodable(f"its {name} content encoding could not be decoded (truncated)")
            yield inflater.flush()
            return
        data = raw  # never a tail left over: output past the limit raised already
        try:
            out = inflater.decompress(data, limit + 1)
        except zlib.error:
            if name == "deflate" and state["first"]:
                # Some servers send raw deflate; try once more without the zlib wrapper.
                inflater = state["inflater"] = zlib.decompressobj(-zlib.MAX_WBITS)
                try:
                    out = inflater.decompress(data, limit + 1)
                except zlib.error:
                    raise Undecodable(f"its {name} content encoding could not be decoded") from None
            else:
                raise Undecodable(f"its {name} content encoding could not be decoded") from None
        state["first"] = False
        if inflater.unconsumed_tail or len(out) > limit:
            raise TooLarge()  # more output is waiting than the whole body may hold
        yield out

    return inflate


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST = re.compile(rb"[\[{][\]}]")
_RUN = re.compile(rb"[\[{]{%d}" % (MAX_DEPTH + 1))
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')  # a JSON string, escapes included


def parse_json(
    content: bytes, loads: Callable[[bytes], Any] | None = None
) -> tuple[Any, str | None]:
    """(document, None), or (None, why it cannot be read): not JSON, too deep, too many
    values. The shape is checked on the bytes before parsing, at C speed. `loads` (a parser
    raising ValueError for what is not JSON) lets pages keep their numbers' digits."""
    brackets = content.translate(None, _NOT_BRACKETS)
    if len(brackets) > 2 * MAX_CONTAINERS:
        return None, f"JSON with more than {MAX_CONTAINERS:,} objects and arrays"
    if content.count(b",") >= MAX_VALUES:
        return None, f"JSON with more than {MAX_VALUES:,} values"
    if len(brackets) > MAX_DEPTH and _deeper_than(content, brackets, MAX_DEPTH):
        return None, f"JSON nested more than {MAX_DEPTH} levels deep"
    try:
        return (loads or json.loads)(content), None
    except RecursionError:  # unreachable after the check above; kept as a second line
        return None, f"JSON nested more than {MAX_DEPTH} levels deep"
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, a number past 4300 digits
        return None, "not JSON"


def _deeper_than(content: bytes, brackets: bytes, depth: int) -> bool:
    """Cheap first (the brackets of the whole body, strings included), exact only when that
    says "too deep": brackets inside strings could make a run of openers, so the verdict is
    confirmed on the body with its strings emptied. Legitimate pages never pay for that."""
    if not _nesting_exceeds(brackets, depth):
        return False
    emptied = _STRING.sub(b'""', content).translate(None, _NOT_BRACKETS)
    return _nesting_exceeds(emptied, depth)


def _nesting_exceeds(brackets: bytes, depth: int) -> bool:
    if _RUN.search(brackets):  # the usual bomb, `[[[[...` or `{"a":{"a":...`, in one pass
        return True
    for _ in range(depth):  # each pass removes the innermost pairs: one level
        shorter = _INNERMOST.sub(b"", brackets)
        if len(shorter) == len(brackets):
            return False
        brackets = shorter
    return bool(_INNERMOST.search(brackets))

"""A webhook saved to a file, as `webhooks verify` reads it: the body alone, or the whole HTTP
request (request line, headers, body) as a proxy, `nc -l` or a request log captures it.

The body must come out byte for byte as the sender signed it, so a saved request's framing is
undone exactly: cut at Content-Length (an editor's trailing newline is not the body), or
de-chunked when it was sent with `Transfer-Encoding: chunked`.
"""

from __future__ import annotations

import re

_REQUEST_LINE = re.compile(rb"[A-Z]+ \S+ HTTP/\d(?:\.\d)?\r?\n")
_CHUNK_SIZE = re.compile(rb"([0-9a-fA-F]+)[ \t]*(?:;[^\r\n]*)?\r?\n")
_LINE_END = re.compile(rb"\r?\n")


class InvalidRequest(ValueError):
    """A saved HTTP request whose body framing is broken."""


def split_request(data: bytes) -> tuple[bytes, dict[str, str]]:
    """(body, headers with lower-case names): a saved payload as it is, or a raw request."""
    if not _REQUEST_LINE.match(data):
        return data, {}
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = data.partition(b"\n\n")
    headers = {}
    for line in head.decode("latin-1").splitlines()[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return dechunk(body), headers
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) <= len(body):
        body = body[: int(length)]  # a newline an editor added after the body is not in it
    return body, headers


def dechunk(body: bytes) -> bytes:
    """The payload of a chunked body (RFC 9112 7.1): size lines in hex, each chunk, a 0-size
    last chunk; extensions and trailers are dropped. Lines may end in CRLF or, after an
    editor, LF."""
    out: list[bytes] = []
    at = 0
    while True:
        size_line = _CHUNK_SIZE.match(body, at)
        if size_line is None:
            raise InvalidRequest(f"the chunked body has no chunk size at byte {at}")
        size, at = int(size_line.group(1), 16), size_line.end()
        if size == 0:
            return b"".join(out)
        if at + size > len(body):
            raise InvalidRequest(f"the chunked body ends inside a chunk of {size} bytes")
        out.append(body[at : at + size])
        end = _LINE_END.match(body, at + size)
        if end is None:
            raise InvalidRequest(f"a chunk of {size} bytes is not followed by a line end")
        at = end.end()

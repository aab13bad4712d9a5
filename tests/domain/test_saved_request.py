"""A saved webhook request: body and headers back exactly as they were sent."""

from __future__ import annotations

import pytest
from rutterctl.domain.saved_request import InvalidRequest, dechunk, split_request

BODY = b'{"type":"CONNECTION","code":"INITIAL_UPDATE"}'


def test_a_plain_body_is_the_body() -> None:
    assert split_request(BODY + b"\n") == (BODY + b"\n", {})


def test_a_request_cut_at_content_length_with_lf_only_lines() -> None:
    data = b"POST /h HTTP/1.1\nX-Rutter-Signature: sha256=x\nContent-Length: %d\n\n" % len(BODY)
    body, headers = split_request(data + BODY + b"\n")
    assert body == BODY and headers["x-rutter-signature"] == "sha256=x"


@pytest.mark.parametrize("eol", [b"\r\n", b"\n"])
def test_chunks_are_joined(eol: bytes) -> None:
    framed = b"5" + eol + BODY[:5] + eol + b"A ; name=v" + eol + BODY[5:15] + eol
    framed += f"{len(BODY) - 15:X}".encode() + eol + BODY[15:] + eol + b"0" + eol + eol
    assert dechunk(framed) == BODY
    head = b"POST /h HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
    assert split_request(head + framed)[0] == BODY


@pytest.mark.parametrize(
    ("framed", "why"),
    [
        (b"zz\r\n", "no chunk size at byte 0"),
        (b"10\r\nshort\r\n", "ends inside a chunk of 16 bytes"),
        (b"2\r\nabc\r\n0\r\n\r\n", "not followed by a line end"),
        (b"2\r\nab\r\n", "no chunk size at byte 7"),  # no last chunk
    ],
)
def test_broken_framing_is_said(framed: bytes, why: str) -> None:
    with pytest.raises(InvalidRequest, match=why):
        dechunk(framed)

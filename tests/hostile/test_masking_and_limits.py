"""The pieces the hostile cases rely on: masking by shape, the one sanitiser, bounded reading
and the JSON shape check."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Iterator

import pytest
from rutterctl.api import limits
from rutterctl.render.plain import printable, printable_lines
from rutterctl.secrets import redact, register_credentials

from tests.fakes import invoke


def test_every_encoding_of_the_id_secret_pair_is_masked() -> None:
    register_credentials("masking-client-id", "masking-secret-0123456789")
    pair = b"masking-client-id:masking-secret-0123456789"
    for encoded in (base64.b64encode(pair), base64.urlsafe_b64encode(pair)):
        text = encoded.decode()
        assert text not in redact(f"echoed {text} and {text.rstrip('=')}")
        assert text.rstrip("=") not in redact(f"unpadded {text.rstrip('=')}")


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
        ("header was 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig-nature'", "eyJhbGciOiJIUzI1NiJ9"),
        ("GET /x?access_token=0f0e0d0c-1111-4222-8333-444455556666&a=1", "0f0e0d0c-1111"),
        ('{"access_token": "0f0e0d0c-1111-4222-8333-444455556666"}', "0f0e0d0c-1111"),
        ("basic auth failed: basic%20dXNlcjpwYXNzd29yZA", "dXNlcjpwYXNzd29yZA"),
    ],
)
def test_credentials_are_found_by_their_shape(text: str, hidden: str) -> None:
    shown = redact(text)
    assert hidden not in shown
    assert "****" in shown


@pytest.mark.parametrize(
    "prose",
    [
        "Basic authentication failed for this organisation",
        "the bearer of this message",
        "use basic settings",
    ],
)
def test_prose_about_authentication_is_left_alone(prose: str) -> None:
    assert redact(prose) == prose


def test_the_sanitiser_escapes_c0_c1_del_and_defuses_sequences() -> None:
    hostile = "a\x1b]52;c;cHduZWQ=\x07b\x9b2Jc\x7fd\x00e\x9d0;t\x9c"
    shown = printable(hostile)
    assert shown == "a\\x1b]52;c;cHduZWQ=\\x07b\\x9b2Jc\\x7fd\\x00e\\x9d0;t\\x9c"
    assert shown.isprintable()
    assert printable("Zürich 東京 ok") == "Zürich 東京 ok"
    assert printable_lines("one\x1b[2J\ntwo\r") == "one\\x1b[2J\ntwo\\r"


def _chunks(data: bytes, size: int = 65536) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _never() -> bool:
    return False


def test_a_gzip_bomb_stops_at_the_limit_without_inflating_it() -> None:
    bomb = gzip.compress(bytes(64 * 1024 * 1024))  # 64 MiB of zeros in ~64 KB
    with pytest.raises(limits.TooLarge):
        limits.read_bounded(_chunks(bomb), "gzip", limit=1024 * 1024, expired=_never)


def test_encodings_within_the_limit_are_undone() -> None:
    doc = json.dumps({"orders": list(range(1000))}).encode()
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(doc) + raw.flush()
    for encoding, body in (
        ("gzip", gzip.compress(doc)),
        ("deflate", zlib.compress(doc)),
        ("deflate", raw_deflate),  # some servers send raw deflate
        ("gzip, gzip", gzip.compress(gzip.compress(doc))),
        (None, doc),
        ("identity", doc),
    ):
        assert limits.read_bounded(_chunks(body, 100), encoding, limit=10**6, expired=_never) == doc


@pytest.mark.parametrize(
    ("encoding", "body", "why"),
    [
        ("gzip", gzip.compress(b"{}" * 1000)[:30], "truncated"),
        ("gzip", b"not gzip at all", "could not be decoded"),
        ("br", b"\x0b\x02\x80{}\x03", "br content encoding is not one rutterctl accepts"),
    ],
)
def test_an_encoding_that_cannot_be_undone_is_undecodable(
    encoding: str, body: bytes, why: str
) -> None:
    with pytest.raises(limits.Undecodable, match=why):
        limits.read_bounded(_chunks(body), encoding, limit=10**6, expired=_never)


def test_reading_stops_once_the_deadline_has_passed() -> None:
    calls = iter([False, False, True])
    with pytest.raises(limits.TooSlow):
        limits.read_bounded(
            _chunks(b"x" * 300, 100), None, limit=10**6, expired=lambda: next(calls)
        )


def test_the_json_shape_check() -> None:
    assert limits.parse_json(b"[" * 64 + b"]" * 64) == (_nested(64), None)
    assert limits.parse_json(b"[" * 65 + b"]" * 65)[1] == "JSON nested more than 64 levels deep"
    mixed = b'{"a":' * 40 + b"[" * 30 + b"]" * 30 + b"}" * 40
    assert limits.parse_json(mixed)[1] == "JSON nested more than 64 levels deep"
    brackets_in_text = json.dumps({"title": "[[[[" * 100, "x": [{"y": "}}]]"}]}).encode()
    assert limits.parse_json(brackets_in_text)[1] is None
    assert limits.parse_json(b"1" * 5000)[1] == "not JSON"  # past Python's 4300-digit limit


def _nested(depth: int) -> list[object]:
    doc: list[object] = []
    for _ in range(depth - 1):
        doc = [doc]
    return doc


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("timeout", "1e308"),
        ("request_timeout", "nan"),
        ("max_body", "3TiB"),
        ("rate_limit", "1/1h"),
    ],
)
def test_config_set_range_checks_the_new_values(key: str, value: str) -> None:
    result = invoke(["config", "set", key, value])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")


def test_a_plain_body_is_cut_while_reading_and_a_declared_length_up_front() -> None:
    chunks = _chunks(b"x" * 500, 100)
    with pytest.raises(limits.TooLarge):
        limits.read_bounded(chunks, None, limit=250, expired=_never)
    assert next(chunks) == b"x" * 100  # stopped at the third chunk, not drained

    def unread() -> Iterator[bytes]:
        raise AssertionError("read although Content-Length said too much")
        yield b""

    with pytest.raises(limits.TooLarge):
        limits.read_bounded(unread(), None, limit=250, expired=_never, declared="251")


def test_the_client_refuses_a_header_value_with_control_characters() -> None:
    from rutterctl.api.client import ClientConfig, RutterClient
    from rutterctl.errors import UsageError

    config = ClientConfig("http://127.0.0.1:9/versioned", "2023-03-14\r\nX-Evil: 1", None, None)
    with pytest.raises(UsageError, match="X-Rutter-Version header value"):
        RutterClient(config)

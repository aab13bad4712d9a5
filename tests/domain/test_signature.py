"""The one signature module: Rutter's format, and each known way of getting it wrong explained."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from rutterctl.domain.signature import Kind, reserializations, sign, verify

SECRET = "org-secret-0123456789"
PAYLOAD = {"type": "CONNECTION", "code": "INITIAL_UPDATE", "connection_id": "c-1", "note": "é"}
RAW = json.dumps(PAYLOAD, separators=(",", ":"), ensure_ascii=False).encode()


def test_sign_is_base64_hmac_sha256_of_the_raw_bytes() -> None:
    expected = base64.b64encode(hmac.new(SECRET.encode(), RAW, hashlib.sha256).digest())
    assert sign(RAW, SECRET) == "sha256=" + expected.decode()
    assert verify(RAW, sign(RAW, SECRET), SECRET).valid
    assert verify(RAW, "  " + sign(RAW, SECRET) + " ", SECRET).valid  # header whitespace


@pytest.mark.parametrize("header", [None, "", "   "])
def test_a_missing_header(header: str | None) -> None:
    verdict = verify(RAW, header, SECRET)
    assert verdict.kind is Kind.MISSING and "no X-Rutter-Signature" in verdict.message


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("sha256=not base64!", "not base64 of a 32-byte"),
        ("sha256=" + base64.b64encode(b"short").decode(), "not base64 of a 32-byte"),
        ("md5=abc", "does not start with 'sha256='"),
    ],
)
def test_malformed_headers(header: str, why: str) -> None:
    verdict = verify(RAW, header, SECRET)
    assert verdict.kind is Kind.MALFORMED and why in verdict.message


def test_the_right_digest_without_its_prefix_is_malformed_but_said_to_be_right() -> None:
    bare = sign(RAW, SECRET).removeprefix("sha256=")
    verdict = verify(RAW, bare, SECRET)
    assert verdict.kind is Kind.MALFORMED
    assert "does not start with 'sha256='" in verdict.message
    assert "the digest itself is right" in verdict.message


def test_a_hex_digest_is_recognised() -> None:
    hexed = hmac.new(SECRET.encode(), RAW, hashlib.sha256).hexdigest()
    for header in ("sha256=" + hexed, "sha256=" + hexed.upper(), hexed):
        verdict = verify(RAW, header, SECRET)
        assert verdict.kind is Kind.HEX and "hex digest" in verdict.message
        assert "the digest itself is right" in verdict.message
    wrong = verify(RAW, "sha256=" + "ab" * 32, SECRET)
    assert wrong.kind is Kind.HEX and "does not match" in wrong.message


@pytest.mark.parametrize(
    ("signed", "label"),
    [
        (json.dumps(PAYLOAD).encode(), "json.dumps"),
        (json.dumps(PAYLOAD, sort_keys=True, separators=(",", ":")).encode(), "keys sorted"),
        (json.dumps(PAYLOAD, indent=2, ensure_ascii=False).encode(), "indented"),
    ],
)
def test_a_signature_over_a_reserialised_body(signed: bytes, label: str) -> None:
    verdict = verify(RAW, sign(signed, SECRET), SECRET)
    assert verdict.kind is Kind.RESERIALIZED and not verdict.valid
    assert label in verdict.message and "not the raw bytes" in verdict.message


def test_json_stringify_of_a_body_sent_with_spaces() -> None:
    spaced = json.dumps(PAYLOAD, ensure_ascii=False).encode()
    verdict = verify(spaced, sign(RAW, SECRET), SECRET)
    assert verdict.kind is Kind.RESERIALIZED and "JSON.stringify" in verdict.message


def test_a_file_that_gained_a_trailing_newline() -> None:
    verdict = verify(RAW + b"\n", sign(RAW, SECRET), SECRET)
    assert verdict.kind is Kind.RESERIALIZED and "trailing newline" in verdict.message


def test_another_profiles_secret_is_named_but_never_accepted() -> None:
    header = sign(RAW, "prod-secret-abcdefgh")
    assert verify(RAW, header, SECRET).kind is Kind.MISMATCH  # not asked: not told
    verdict = verify(RAW, header, SECRET, other_secrets={"prod": "prod-secret-abcdefgh"})
    assert verdict.kind is Kind.OTHER_SECRET and not verdict.valid
    assert verdict.secret == "prod" and "--profile prod" in verdict.message


def test_combined_mistakes_name_the_encoding_and_note_the_rest() -> None:
    hexed = hmac.new(b"prod-secret-abcdefgh", RAW, hashlib.sha256).hexdigest()
    verdict = verify(RAW, hexed, SECRET, other_secrets={"prod": "prod-secret-abcdefgh"})
    assert verdict.kind is Kind.HEX
    assert any("profile 'prod'" in note for note in verdict.notes)


def test_a_tampered_body_matches_nothing() -> None:
    tampered = RAW.replace(b"c-1", b"c-2")
    verdict = verify(tampered, sign(RAW, SECRET), SECRET, other_secrets={"prod": "x" * 12})
    assert verdict.kind is Kind.MISMATCH and "changed after signing" in verdict.message


def test_reserializations_of_a_body_that_is_not_json() -> None:
    assert reserializations(b"not json") == []
    assert [label for label, _ in reserializations(b"x\r\n")] == [
        "the body without its trailing newline"
    ]
    assert all(body != RAW for _, body in reserializations(RAW))


def test_huge_and_deeply_nested_bodies_are_not_reserialised() -> None:
    huge = json.dumps({"pad": "x" * 70_000}).encode()
    assert reserializations(huge) == []
    deep = b"[" * 30_000 + b"]" * 30_000  # under the size bound: json.loads would recurse
    assert reserializations(deep) == []
    assert verify(deep, sign(b"other", SECRET), SECRET).kind is Kind.MISMATCH


def test_other_secrets_given_lazily_are_read_only_when_it_fails() -> None:
    asked: list[str] = []

    def others() -> dict[str, str]:
        asked.append("read")
        return {"prod": "prod-secret-abcdefgh"}

    assert verify(RAW, sign(RAW, SECRET), SECRET, other_secrets=others).valid
    assert asked == []
    header = sign(RAW, "prod-secret-abcdefgh")
    assert verify(RAW, header, SECRET, other_secrets=others).kind is Kind.OTHER_SECRET
    assert asked == ["read"]

"""Secrets never show themselves, and everything we print passes through redaction."""

from __future__ import annotations

import threading

import pytest
from rutterctl.secrets import Secret, mask, redact, register


def test_mask_keeps_only_the_last_four_characters_of_long_values() -> None:
    assert mask("abcdefghijkl") == "****ijkl"
    assert mask("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee") == "****eeee"
    assert mask("short-secr") == "****"
    assert mask("") == "****"


def test_secret_never_shows_itself() -> None:
    secret = Secret("s3cr3t-value-0001")
    assert secret.reveal() == "s3cr3t-value-0001"
    assert str(secret) == "****0001"
    assert repr(secret) == "Secret('****0001')"
    assert f"{secret}" == "****0001"
    assert "s3cr3t-value-0001" not in repr([secret, {"k": secret}])


def test_secret_equality_and_hash_follow_the_value() -> None:
    assert Secret("value-one-aaaa") == Secret("value-one-aaaa")
    assert Secret("value-one-aaaa") != Secret("value-two-bbbb")
    assert Secret("value-one-aaaa") != "value-one-aaaa"
    assert len({Secret("value-one-aaaa"), Secret("value-one-aaaa")}) == 1


def test_creating_a_secret_registers_it_for_redaction() -> None:
    Secret("registered-by-construction-9876")
    assert redact("oops: registered-by-construction-9876!") == "oops: ****9876!"


def test_redact_masks_every_occurrence_and_leaves_other_text_alone() -> None:
    register("tok-1111-2222-3333-4444")
    text = "a=tok-1111-2222-3333-4444&b=tok-1111-2222-3333-4444 ok"
    assert redact(text) == "a=****4444&b=****4444 ok"
    assert redact("nothing secret here") == "nothing secret here"


def test_redact_prefers_the_longest_secret() -> None:
    register("overlap-secret")
    register("overlap-secret-extended-9999")
    assert redact("x overlap-secret-extended-9999 y") == "x ****9999 y"
    assert redact("x overlap-secret y") == "x ****cret y"


def test_short_values_are_not_registered() -> None:
    register("abc")
    register("1234567")
    assert redact("abc 1234567 abcdef") == "abc 1234567 abcdef"


def test_registration_is_thread_safe() -> None:
    values = [f"thread-secret-{n:04d}-xyz" for n in range(200)]
    threads = [threading.Thread(target=register, args=(v,)) for v in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    text = redact(" ".join(values))
    assert all(value not in text for value in values)


def test_many_registered_tokens_are_found_by_shape_and_others_left_alone() -> None:
    import uuid

    tokens = [str(uuid.uuid4()) for _ in range(5000)]
    for token in tokens:
        register(token)
    stranger = str(uuid.uuid4())
    line = f"error: {tokens[1234]} and {tokens[-1]} rejected; {stranger} is not ours"
    assert redact(line) == (
        f"error: {mask(tokens[1234])} and {mask(tokens[-1])} rejected; {stranger} is not ours"
    )


def test_the_listing_registers_every_access_token_it_returns() -> None:
    import httpx
    from rutterctl.api.client import ClientConfig, RutterClient
    from rutterctl.api.gateway import HttpGateway

    from tests import builders

    token = "5d5d5d5d-1d1d-4e4e-8f8f-a0a0a0a0c3c3"
    doc = builders.connections_doc(("6a1f0c1e-0000-4000-8000-000000000009", token))
    transport = httpx.MockTransport(lambda _: httpx.Response(200, json=doc))
    config = ClientConfig("http://127.0.0.1:9/versioned", "2023-03-14", "id", Secret("s" * 20))
    HttpGateway(RutterClient(config, transport=transport)).list_connections("any")
    assert redact(f"echoed {token}") == "echoed ****c3c3"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (
            "upstream said: BaSiC dXNlcjpzZWNyZXQtdmFsdWUtMTIzNDU2Nzg=",
            "dXNlcjpzZWNyZXQtdmFsdWUtMTIz",
        ),
        ("proxy log: bEaReR eyJhbGciOiJIUzI1NiJ9.payload.signature123", "eyJhbGciOiJIUzI1NiJ9"),
        ("GET /connections/status?Access_Token=0123456789abcdefghij", "0123456789abcdefghij"),
    ],
)
def test_credentials_are_masked_whatever_their_case(line: str, secret: str) -> None:
    """The patterns ignore case; the cheap check before them must too."""
    shown = redact(line)
    assert secret not in shown and "****" in shown

"""Rutter's webhook signature, computed and checked in one place (the simulator signs with it,
`webhooks verify` and `listen` check with it).

`X-Rutter-Signature: sha256=<base64 HMAC-SHA256 of the raw body, keyed with the client secret>`.

A receiver that gets this wrong usually gets it wrong in a known way: a hex digest (as in much
public sample code), a digest of the body re-serialised (`JSON.stringify(req.body)`, a framework
that parsed the JSON) instead of the raw bytes, or another environment's secret. When the
signature does not match, `verify` tries those known variants, only to explain: a variant that
matches is still invalid. Every comparison is constant-time (`hmac.compare_digest`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

HEADER = "X-Rutter-Signature"
PREFIX = "sha256="
_HEX = re.compile(r"[0-9a-fA-F]{64}")
# Larger bodies are not re-serialised to explain a mismatch: no Rutter event is near this size,
# and it bounds the work one forged request can cause a listener.
MAX_EXPLAINED = 64 * 1024


class Kind(StrEnum):
    VALID = "valid"
    MISSING = "missing"  # no header, or an empty one
    MALFORMED = "malformed"  # not `sha256=` + base64 of a 32-byte digest
    HEX = "hex"  # a hex digest where Rutter sends base64
    RESERIALIZED = "reserialized"  # matches a re-serialised body, not the raw bytes
    OTHER_SECRET = "other-secret"  # matches another profile's secret
    MISMATCH = "mismatch"  # matches nothing we know: a changed body or an unknown secret


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    message: str  # one line for a person
    # What the signature does match, when it matches something other than the expected
    # digest: the re-serialisation and the secret's label.
    body: str | None = None
    secret: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return self.kind is Kind.VALID


def digest(raw_body: bytes, secret: str) -> bytes:
    return hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()


def sign(raw_body: bytes, secret: str) -> str:
    """The header value Rutter sends for `raw_body`."""
    return PREFIX + base64.b64encode(digest(raw_body, secret)).decode()


def reserializations(raw_body: bytes) -> list[tuple[str, bytes]]:
    """The body as common code re-encodes it after parsing (and without a trailing newline,
    as a file saved by an editor gains one)."""
    out = []
    stripped = raw_body.rstrip(b"\r\n")
    if stripped != raw_body:
        out.append(("the body without its trailing newline", stripped))
    if len(raw_body) > MAX_EXPLAINED:
        return out
    try:
        doc: Any = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return out
    ways: list[tuple[str, dict[str, Any]]] = [
        (
            "the body re-serialised compact (as JSON.stringify does)",
            {"separators": (",", ":"), "ensure_ascii": False},
        ),
        (
            "the body re-serialised compact with keys sorted",
            {"separators": (",", ":"), "sort_keys": True},
        ),
        ("the body re-serialised by Python json.dumps (spaces after , and :)", {}),
        ("the body re-serialised by json.dumps with keys sorted", {"sort_keys": True}),
        (
            "the body re-serialised indented (JSON.stringify(body, null, 2))",
            {"indent": 2, "ensure_ascii": False},
        ),
        ("the body re-serialised compact with non-ASCII escaped", {"separators": (",", ":")}),
    ]
    seen = {raw_body, stripped}
    for label, options in ways:
        encoded = json.dumps(doc, **options).encode()
        if encoded not in seen:  # the raw body itself is not a re-serialisation
            seen.add(encoded)
            out.append((label, encoded))
    return out


def _decode(header: str) -> tuple[bytes | None, str | None, list[str]]:
    """(digest bytes, encoding, problems with the form) of a header value."""
    value = header.strip()
    problems = []
    if value[: len(PREFIX)].lower() == PREFIX:
        value = value[len(PREFIX) :]
    else:
        problems.append(f"it does not start with {PREFIX!r}")
    if _HEX.fullmatch(value):
        return bytes.fromhex(value), "hex", problems
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) != hashlib.sha256().digest_size:
        return None, None, [*problems, "the value is not base64 of a 32-byte SHA-256 digest"]
    return decoded, "base64", problems


def verify(
    raw_body: bytes,
    header: str | None,
    secret: str,
    *,
    other_secrets: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
) -> Verdict:
    """Check `header` against `raw_body` keyed with `secret`, and explain a mismatch.

    `other_secrets` (profile name -> its secret) are tried only to explain a mismatch, and a
    callable that gives them (reading them may wait on a keyring) is called only then.
    """
    if header is None or not header.strip():
        return Verdict(Kind.MISSING, f"no {HEADER} header")
    given, encoding, problems = _decode(header)
    if given is None:
        return Verdict(Kind.MALFORMED, f"malformed {HEADER}: " + "; ".join(problems))
    if (
        encoding == "base64"
        and not problems
        and hmac.compare_digest(given, digest(raw_body, secret))
    ):
        return Verdict(Kind.VALID, "valid signature")
    # Invalid: only now is the explanation worth its cost (a parse and a dozen digests).
    others = other_secrets() if callable(other_secrets) else other_secrets
    secrets = [("", secret), *(others or {}).items()]  # "": this profile
    bodies = [("raw body", raw_body), *reserializations(raw_body)]
    match = None
    for secret_label, key in secrets:
        for body_label, body in bodies:
            if match is None and hmac.compare_digest(given, digest(body, key)):
                match = (secret_label, body_label)
    if match is None:
        if encoding == "hex":
            return Verdict(Kind.HEX, _hex_text(matched=False), notes=tuple(problems))
        return Verdict(
            Kind.MISMATCH,
            "the signature matches neither this body nor any known secret: the body was "
            "changed after signing, or it was signed with a secret no profile holds",
            notes=tuple(problems),
        )
    secret_label, body_label = match
    on_raw, ours = body_label == "raw body", secret_label == secrets[0][0]
    if encoding == "hex":
        kind, text = Kind.HEX, _hex_text(matched=True)
    elif not on_raw:
        kind, text = (
            Kind.RESERIALIZED,
            (
                f"the signature matches {body_label}, not the raw bytes received: sign and "
                "verify the bytes exactly as they come, before any JSON parsing"
            ),
        )
    elif not ours:
        kind, text = (
            Kind.OTHER_SECRET,
            (
                f"the signature was made with the secret of profile {secret_label!r}, not this "
                f"profile's: use --profile {secret_label}"
            ),
        )
    else:
        kind = Kind.MALFORMED
        text = f"malformed {HEADER}: " + "; ".join(problems) + " (the digest itself is right)"
    notes = list(problems)
    if kind is not Kind.RESERIALIZED and not on_raw:
        notes.append(f"it matches {body_label}, not the raw bytes")
    if kind is not Kind.OTHER_SECRET and not ours:
        notes.append(f"it was made with the secret of profile {secret_label!r}")
    return Verdict(
        kind,
        text,
        body=None if on_raw else body_label,
        secret=None if ours else secret_label,
        notes=tuple(n for n in notes if kind is not Kind.MALFORMED or n not in problems),
    )


def _hex_text(*, matched: bool) -> str:
    text = "the signature is a hex digest; Rutter sends base64 of the raw HMAC-SHA256 bytes"
    if matched:
        return text + " (as hex, the digest itself is right)"
    return text + ", and it does not match this body even as hex"

"""Secrets (client secrets, access tokens) and the redaction applied to everything we print.

Every secret the process handles is registered here, and every line written to stderr or to
the debug trace passes through `redact`, so a secret echoed back by Rutter in an error message,
or embedded in a URL, is masked even where no code expected it. Besides the registered values,
`redact` finds credentials by their shape: an `Authorization` value (`Basic <base64>`,
`Bearer <token>`) and an `access_token` parameter, whatever the server or a proxy echoed.
"""

from __future__ import annotations

import base64
import re
import threading

_lock = threading.Lock()
# Access tokens are UUIDs, and a fleet command registers thousands: those are found in a text
# by their shape and looked up, so a line costs the same with 10 or 10,000 of them. The few
# other secrets (the client secret, encodings of id:secret) are searched for one by one,
# longest first.
_uuids: set[str] = set()
_others: list[str] = []
_UUID_SHAPE = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}")

# Values this short are not secrets worth masking and would mangle ordinary words if replaced.
_MIN_SECRET_LEN = 8


def mask(value: str) -> str:
    """`****` plus the last four characters, enough to tell two secrets apart."""
    if len(value) < 12:
        return "****"
    return "****" + value[-4:]


# `Basic dXNlcjpwYXNz`, `Bearer eyJ...`: the scheme stays, the credential goes. Base64 and
# token68 alphabets (RFC 7235), so a URL-safe or unpadded encoding is caught too.
# Compiled by `re` when a text first looks like it holds one (0.4 ms with the next one): most
# runs print nothing of the kind.
_AUTHORIZATION = r"(?i)\b(basic|bearer)(\s+|%20|\+)([A-Za-z0-9+/._~=-]{8,})"
# An access token wherever it is named: `access_token=...`, `"access_token": "..."`.
_ACCESS_TOKEN = r"""(?i)(access_token["']?\s*(?:=|:|%3D)\s*["']?)([A-Za-z0-9._~+/-]{8,})"""


def register(value: str) -> None:
    if len(value) < _MIN_SECRET_LEN:
        return
    with _lock:
        if _UUID_SHAPE.fullmatch(value):
            _uuids.add(value)
        elif value not in _others:
            _others.append(value)
            _others.sort(key=len, reverse=True)


def snapshot() -> tuple[set[str], list[str]]:
    """The registered secrets, for `restore` (tests start each case with none)."""
    with _lock:
        return set(_uuids), list(_others)


def restore(state: tuple[set[str], list[str]]) -> None:
    with _lock:
        _uuids.clear()
        _uuids.update(state[0])
        _others[:] = state[1]


def _mask_uuid(match: re.Match[str]) -> str:
    value = match.group(0)
    return mask(value) if value in _uuids else value


def register_credentials(client_id: str, client_secret: str) -> None:
    """The secret, and every encoding of `id:secret` an Authorization header can carry: a
    server that echoes the header (or just its value) must not print the pair decoded-able."""
    register(client_secret)
    pair = f"{client_id}:{client_secret}".encode()
    for encoded in (base64.b64encode(pair), base64.urlsafe_b64encode(pair)):
        text = encoded.decode("ascii")
        register(text)
        register(text.rstrip("="))


def redact(text: str) -> str:
    with _lock:
        others = list(_others)
        tokens = bool(_uuids)
    for value in others:
        if value in text:
            text = text.replace(value, mask(value))
    if tokens and "-" in text:
        text = _UUID_SHAPE.sub(_mask_uuid, text)
    # The patterns ignore case; so must the cheap check that skips them ("BaSiC ...").
    folded = text.lower()
    if "basic" in folded or "bearer" in folded:
        text = re.sub(_AUTHORIZATION, _mask_authorization, text)
    if "access_token" in folded:
        text = re.sub(_ACCESS_TOKEN, lambda m: m.group(1) + _masked(m.group(2)), text)
    return text


def _mask_authorization(match: re.Match[str]) -> str:
    value = match.group(3)
    # "Basic authentication failed" is prose, not a credential: a credential has a digit or
    # a base64 symbol in it, upper and lower case after its first letter (base64), or is too
    # long to be a word.
    word = value[1:].islower() or value[1:].isupper()
    if len(value) < 20 and word and not re.search(r"[0-9+/=]", value):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{_masked(value)}"


def _masked(value: str) -> str:
    # Already masked by the registered values (`****abcd`): leave it as it is.
    return value if value.startswith("****") else mask(value)


class Secret:
    """A string that never shows itself in repr/str; `reveal()` is the one way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register(value)

    def reveal(self) -> str:
        return self._value

    @property
    def masked(self) -> str:
        return mask(self._value)

    def __repr__(self) -> str:
        return f"Secret({self.masked!r})"

    def __str__(self) -> str:
        return self.masked

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

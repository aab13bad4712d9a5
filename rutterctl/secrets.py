"""Secrets (client secrets, access tokens) and the redaction applied to everything we print.

Every secret the process handles is registered here, and every line written to stderr or to
the debug trace passes through `redact`, so a secret echoed back by Rutter in an error message,
or embedded in a URL, is masked even where no code expected it.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_known: set[str] = set()

# Values this short are not secrets worth masking and would mangle ordinary words if replaced.
_MIN_SECRET_LEN = 8


def mask(value: str) -> str:
    """`****` plus the last four characters, enough to tell two secrets apart."""
    if len(value) < 12:
        return "****"
    return "****" + value[-4:]


def register(value: str) -> None:
    if len(value) >= _MIN_SECRET_LEN:
        with _lock:
            _known.add(value)


def redact(text: str) -> str:
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, mask(value))
    return text


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

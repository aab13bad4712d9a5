"""Typed errors shared by every layer; `rutterctl.exits` maps them to exit codes.

This module imports nothing heavy so that any layer (domain included) can raise these.
"""

from __future__ import annotations


class RutterctlError(Exception):
    """An error with a one-line message for the user and an optional hint."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(RutterctlError):
    """The command line or its inputs were wrong (exit 2)."""


class CredentialsMissing(RutterctlError):
    """No client id / secret could be found (exit 4)."""


class SignatureInvalid(RutterctlError):
    """A webhook's signature does not verify (exit 11)."""


class WaitTimeout(RutterctlError):
    """A wait's deadline passed before its condition held (exit 124)."""


class SyncStalled(RutterctlError):
    """A connection's sync stopped making progress for the stall threshold (exit 9)."""


class ApiError(RutterctlError):
    """Rutter answered with an error, or with something we cannot use (exit 3 unless a subclass).

    Classified by the body's `error_code`, never by the HTTP status alone.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        error_type: str | None = None,
        request_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.error_code = error_code
        self.error_type = error_type
        self.request_id = request_id

    def one_line(self) -> str:
        """The message with the error code, HTTP status and request id support will ask for."""
        details = []
        if self.error_code:
            details.append(self.error_code)
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        # Only an answer from Rutter has a request id to give (or to lack); an error found
        # without one (the network failed, nothing matched the listing) has none to name.
        if self.status is not None or self.request_id:
            details.append(f"request id {self.request_id or 'not given'}")
        return f"{self.message} ({', '.join(details)})" if details else self.message


class CredentialsRejected(ApiError):
    """Rutter rejected the credentials or the access token (exit 4)."""


class ConnectionNeedsUpdate(ApiError):
    """The merchant must re-authenticate the connection (exit 5)."""


class ConnectionDisabled(ApiError):
    """The connection is disabled (exit 6)."""


class NotReady(ApiError):
    """The connection's initial sync has not finished: PRODUCT_NOT_READY (exit 8)."""


class Unavailable(ApiError):
    """Rutter could not be reached or kept failing after retries (exit 7)."""


class ConnectionNotFound(ApiError):
    """No connection with this id or access token exists in the organisation (exit 3)."""

"""Classify Rutter's answers into typed errors by `error_code`, falling back on the status."""

from __future__ import annotations

from typing import Any, Literal

from rutterctl import errors
from rutterctl.secrets import redact

# Codes whose meaning does not change with a retry: never retried, whatever the HTTP status.
CONNECTION_CODES = {
    "PRODUCT_NOT_READY",
    "PRODUCT_NOT_ALLOWED",
    "INVALID_CREDENTIALS",
    "CONNECTION_DISABLED",
    "NEEDS_UPDATE",
}

_BY_CODE: dict[str, tuple[type[errors.ApiError], str]] = {
    "PRODUCT_NOT_READY": (
        errors.NotReady,
        "the connection is not ready yet: its initial sync is still running",
    ),
    "NEEDS_UPDATE": (
        errors.ConnectionNeedsUpdate,
        "the connection needs an update: the merchant must re-authenticate",
    ),
    "CONNECTION_DISABLED": (errors.ConnectionDisabled, "the connection is disabled"),
    "INVALID_CREDENTIALS": (
        errors.CredentialsRejected,
        "Rutter rejected the credentials or the access token",
    ),
    "PRODUCT_NOT_ALLOWED": (
        errors.ApiError,
        "this product is not enabled for the connection or organisation",
    ),
}

_HINTS: dict[type[errors.ApiError], str] = {
    errors.CredentialsRejected: "`rutterctl auth status` shows which credentials are used and "
    "where they come from; check them, and that the connection belongs to this organisation "
    "and environment",
    errors.ConnectionNeedsUpdate: "send the merchant the connection's link_url "
    "(`rutterctl status CONNECTION` shows it)",
    errors.ConnectionDisabled: "`rutterctl reasons CONNECTION` explains the disabled reason",
}


def error_fields(body: Any) -> tuple[str | None, str | None, str | None]:
    """(error_type, error_code, error_message) from a Rutter error body, tolerating any shape."""
    if not isinstance(body, dict):
        return None, None, None

    def text(key: str) -> str | None:
        value = body.get(key)
        return value if isinstance(value, str) and value else None

    return text("error_type"), text("error_code"), text("error_message")


def is_definitive(body: Any) -> bool:
    """A connection error code means retrying will not help, even on a 5xx or 429."""
    return error_fields(body)[1] in CONNECTION_CODES


def classify(status: int, body: Any, request_id: str | None) -> errors.ApiError:
    error_type, code, rutter_message = error_fields(body)
    kind: type[errors.ApiError]
    if code in _BY_CODE:
        kind, message = _BY_CODE[code]
    elif status in (401, 403):
        kind, message = errors.CredentialsRejected, "Rutter rejected the credentials"
    elif status == 429 or status == 452 or status >= 500:
        kind, message = errors.Unavailable, _unavailable_message(status)
    elif status in (404, 410):
        kind, message = errors.ApiError, "not found, or not supported for this platform"
    else:
        kind, message = errors.ApiError, f"Rutter answered HTTP {status}"
    if rutter_message:
        message = f"{message}: Rutter says {redact(rutter_message)[:300]!r}"
    return kind(
        message,
        status=status,
        error_code=code,
        error_type=error_type,
        request_id=request_id,
        hint=_HINTS.get(kind),
    )


def _unavailable_message(status: int) -> str:
    if status == 429:
        return "Rutter's rate limit was still exceeded after retries"
    if status == 452:
        return "the platform's own rate limit was still exceeded after retries"
    return "Rutter kept failing after retries"


def no_answer(
    exc: Exception,
    *,
    host: str,
    late: Literal["command", "request"] | None,
    max_body: int,
    request_timeout: float,
    read_timeout: float,
) -> tuple[errors.Unavailable, str]:
    """The error (and the retry's reason) for a request that got no usable answer: a limit
    passed (named, with the setting that raises it), TLS not trusted, or no connection.
    An untrusted certificate is raised at once: the same one comes back on every attempt."""
    import httpx

    from rutterctl.api import limits, tls

    untrusted = tls.is_verification_failure(exc) if isinstance(exc, httpx.ConnectError) else None
    if untrusted is not None:
        raise errors.Unavailable(
            f"the TLS certificate of {host} is not trusted ({untrusted})", hint=tls.TRUST_HINT
        )
    slow = "the server is slow or a proxy is holding the request"
    if isinstance(exc, limits.TooLarge):
        return errors.Unavailable(
            f"Rutter's answer was larger than the {_size(max_body)} limit (max_body)",
            hint="a proxy may be in the way; if the answer is real, raise the limit with "
            "RUTTERCTL_MAX_BODY or `rutterctl config set max_body 64MiB`",
        ), "answer too large"
    if late == "command":
        return errors.Unavailable(
            f"Rutter's answer from {host} had not arrived when the command's deadline passed",
            hint=slow,
        ), "deadline passed"
    if late == "request":
        return errors.Unavailable(
            f"Rutter's answer from {host} took longer than the {request_timeout:g}s request "
            "timeout (request_timeout)",
            hint=f"{slow}; RUTTERCTL_REQUEST_TIMEOUT raises the limit",
        ), "request timeout"
    kind = type(exc).__name__
    if isinstance(exc, httpx.ReadTimeout):
        return errors.Unavailable(
            f"Rutter at {host} sent nothing for {read_timeout:g}s (read timeout)",
            hint=f"{slow}; RUTTERCTL_TIMEOUT raises the limit",
        ), kind
    proxied = isinstance(exc, httpx.ProxyError)
    return errors.Unavailable(
        f"could not reach Rutter at {host}{' through the proxy' if proxied else ''} ({kind})",
        hint="check the network, the proxy settings and the base URL, then try again"
        if proxied
        else "check the network and the base URL, then try again",
    ), kind


def _size(limit: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"

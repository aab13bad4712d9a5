"""The TLS context: the operating system's trust store, plus a private CA when one is set.

Built only for an https:// base URL and once per process (`functools.cache`): loading a trust
store costs tens of milliseconds, which a `status` against the simulator on http://127.0.0.1
never pays. `truststore` verifies with the platform's own store (the macOS keychain, the
Windows certificate store, OpenSSL's paths on Linux), which is where corporate IT installs the
CA of a TLS-inspecting proxy. A private CA is added on top of it:
`RUTTERCTL_CA_BUNDLE` or the profile's `ca_bundle` (a PEM file or an OpenSSL hashed
directory), and the conventional `SSL_CERT_FILE` / `SSL_CERT_DIR`.
"""

from __future__ import annotations

import functools
import ssl
from pathlib import Path

from rutterctl.errors import UsageError

TRUST_HINT = (
    "if a proxy or a private CA signs this certificate, trust its CA: "
    "`rutterctl config set ca_bundle /path/to/ca.pem` or RUTTERCTL_CA_BUNDLE=/path/to/ca.pem "
    "(SSL_CERT_FILE and SSL_CERT_DIR work too)"
)


@functools.cache
def context(
    ca_bundle: str | None = None, cert_file: str | None = None, cert_dir: str | None = None
) -> ssl.SSLContext:
    """A verifying client context: the OS trust store, then each CA location given."""
    import truststore

    ctx: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for label, location in (
        ("ca_bundle", ca_bundle),
        ("SSL_CERT_FILE", cert_file),
        ("SSL_CERT_DIR", cert_dir),
    ):
        if location:
            _load(ctx, label, location)
    return ctx


def _load(ctx: ssl.SSLContext, label: str, location: str) -> None:
    path = Path(location).expanduser()
    try:
        if path.is_dir():
            ctx.load_verify_locations(capath=str(path))
        else:
            ctx.load_verify_locations(cafile=str(path))
    except (OSError, ssl.SSLError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "no PEM CA in it"
        raise UsageError(
            f"{label} {location!r} cannot be used as CA certificates: {reason}",
            hint="give a PEM file (or a directory of hashed PEM files) holding the CA",
        ) from None


def is_verification_failure(exc: BaseException) -> str | None:
    """Why the server's certificate was not trusted, if that is what `exc` (an httpx
    ConnectError) comes down to; None for any other failure."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return current.verify_message or "certificate verify failed"
        if "CERTIFICATE_VERIFY_FAILED" in str(current):
            return "certificate verify failed"
        current = current.__cause__ or current.__context__
    return None

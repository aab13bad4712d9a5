"""Where credentials come from, in one place.

Precedence, everywhere: command-line option > environment (`RUTTER_CLIENT_ID`,
`RUTTER_CLIENT_SECRET`) > the profile's stored credential (OS keyring, else the credentials
file). Environment variables win without touching the store, so the common CI case never reads
a file or waits on a keyring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from rutterctl.errors import UsageError
from rutterctl.secrets import Secret

if TYPE_CHECKING:
    from rutterctl.config.store import CredentialStore

DEFAULT_PROFILE = "default"
ENV_ID, ENV_SECRET = "RUTTER_CLIENT_ID", "RUTTER_CLIENT_SECRET"

# The credential store, or a function making it when it is first needed: with credentials in
# the environment nothing needs one, and importing rutterctl.config.store costs ~1 ms.
StoreSource: TypeAlias = "CredentialStore | Callable[[], CredentialStore] | None"


class Credentials(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """A client id and secret, and where they came from."""

    client_id: str
    client_secret: Secret
    source: str  # "option", "environment", "keyring" or "file": for `auth status` and hints
    location: str | None = None  # the file's path, or the keyring's service and account


def environment_credentials(environ: Mapping[str, str]) -> Credentials | None:
    """RUTTER_CLIENT_ID and RUTTER_CLIENT_SECRET, when both are set."""
    env_id = environ.get(ENV_ID, "").strip()
    env_secret = environ.get(ENV_SECRET, "").strip()
    if env_id and env_secret:
        return Credentials(
            env_id, Secret(env_secret), source="environment", location=f"{ENV_ID}, {ENV_SECRET}"
        )
    return None


def resolve_credentials(
    environ: Mapping[str, str],
    *,
    profile: str = DEFAULT_PROFILE,
    client_id: str | None = None,
    client_secret: Secret | None = None,
    store: StoreSource = None,
    warn: Callable[[str], None] | None = None,
) -> Credentials | None:
    """The credentials to use, or None when there are none (the caller decides if that is fatal).

    `client_id`/`client_secret` are a command's own options; they count only as a pair.
    `store` (or the function making it) defaults to the keyring and file under the config dir
    of `environ`.
    `warn` receives one-line notes (half-set environment, unreadable keyring).
    """
    if client_id and client_secret is not None:
        return Credentials(client_id.strip(), client_secret, source="option")
    from_env = environment_credentials(environ)
    if from_env is not None:
        return from_env
    env_id = environ.get(ENV_ID, "").strip()
    env_secret = environ.get(ENV_SECRET, "").strip()
    if (env_id or env_secret) and warn is not None:
        given, missing = (ENV_ID, ENV_SECRET) if env_id else (ENV_SECRET, ENV_ID)
        warn(f"warning: {given} is set without {missing}: both are needed; ignoring it")
    store = open_store(store, environ)
    stored = store.load(profile)
    if stored is None:
        return None
    if stored.secret is None:
        if warn is not None and stored.problem:
            warn(f"warning: {stored.problem}")
        return None
    if stored.location == "keyring":
        from rutterctl.config.store import SERVICE

        where = f"service {SERVICE}, account {profile}"
    else:
        where = str(store.path)
    return Credentials(stored.client_id, stored.secret, source=stored.location, location=where)


def open_store(store: StoreSource, environ: Mapping[str, str]) -> CredentialStore:
    """The store given, made by the function given, or by default the one of `environ`."""
    if store is None:
        from rutterctl.config.store import CredentialStore

        return CredentialStore.for_environ(environ)
    return store() if callable(store) else store


def check_client_id(value: str) -> str:
    """A client id as typed or piped: trimmed; it goes into Basic auth, so no ':'."""
    value = value.strip()
    if not value or any(c.isspace() or c == ":" for c in value):
        raise UsageError("the client id must be non-empty, without spaces or ':'")
    return value


def check_secret(value: str) -> str:
    """A client secret as typed or piped: one line, trimmed."""
    value = value.strip()
    if not value:
        raise UsageError("no client secret given")
    if any(c.isspace() for c in value):
        raise UsageError("the client secret must be one line without spaces")
    return value

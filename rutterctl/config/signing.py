"""The secrets a webhook signature is checked against: the profile's client secret, and, only
to explain a mismatch, the secrets stored for the other profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rutterctl.errors import CredentialsMissing

if TYPE_CHECKING:
    from rutterctl.config.settings import Settings
    from rutterctl.config.store import CredentialStore


def signing_secret(settings: Settings) -> str:
    """The client secret Rutter signs this profile's webhooks with."""
    if settings.credentials is None:
        raise CredentialsMissing(
            f"no client secret for profile {settings.profile!r} to verify webhook signatures",
            hint="set RUTTER_CLIENT_ID and RUTTER_CLIENT_SECRET, or run `rutterctl auth login`",
        )
    return settings.credentials.client_secret.reveal()


def other_secrets(settings: Settings, store: CredentialStore) -> dict[str, str]:
    """profile name -> stored secret, for every stored secret other than the one in use
    (the profile's own stored one included, when the environment overrides it)."""
    mine = signing_secret(settings)
    found: dict[str, str] = {}
    for name in store.stored_profiles():
        stored = store.load(name)
        if stored is None or stored.secret is None:
            continue
        secret = stored.secret.reveal()
        if secret != mine and secret not in found.values():
            found[name] = secret
    return found

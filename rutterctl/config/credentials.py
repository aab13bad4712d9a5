"""Where credentials come from. The one place to grow stored credentials and profiles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rutterctl.secrets import Secret


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: Secret
    source: str  # where they came from, for `auth status` and error hints


def resolve_credentials(environ: Mapping[str, str]) -> Credentials | None:
    client_id = environ.get("RUTTER_CLIENT_ID", "").strip()
    secret = environ.get("RUTTER_CLIENT_SECRET", "").strip()
    if client_id and secret:
        return Credentials(client_id, Secret(secret), source="environment")
    return None

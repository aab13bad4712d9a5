"""Telling ids and access tokens from other names: both are UUIDs (stdlib only, import-light:
TAB completion of aliases uses it)."""

from __future__ import annotations

import re

# With or without dashes, any case: an alias shaped like one would shadow a real connection,
# and resolution tries such a value as an access token when no listing holds it.
_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
# An alias name (rutterctl.config.aliases): told apart here, so that naming a connection by its
# id or token needs neither the aliases module nor its file.
ALIAS_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


def looks_like_uuid(value: str) -> bool:
    return _UUID.fullmatch(value.strip()) is not None


def is_alias_name(value: str) -> bool:
    """Could `value` name an alias (as opposed to being an id or access token)?"""
    return ALIAS_NAME.fullmatch(value) is not None and not looks_like_uuid(value)

"""Connection aliases: `aliases.toml` in the config dir, NAME -> connection id and access token.

Entries are scoped by the API base URL they were made against, so a sandbox alias never
resolves in production. The file holds access tokens (secrets): written atomically, mode 0600.
Stdlib only (tomllib is imported when a file is read), because TAB completion reads it too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rutterctl.config.files import locked, write_atomic
from rutterctl.config.paths import config_dir
from rutterctl.domain.ids import ALIAS_NAME, looks_like_uuid
from rutterctl.domain.ids import is_alias_name as is_alias_name  # for the CLI's callers
from rutterctl.errors import UsageError

FILE_NAME = "aliases.toml"
FILE_VERSION = 1


@dataclass(frozen=True)
class Alias:
    """A short name for a connection, valid against the base URL it was made for."""

    name: str
    connection_id: str
    access_token: str
    base_url: str


def check_name(name: str) -> str:
    if ALIAS_NAME.fullmatch(name) is None:
        raise UsageError(
            f"invalid alias name {name!r}",
            hint="start with a letter, then letters, digits, '_', '.' or '-'",
        )
    if looks_like_uuid(name):
        raise UsageError(
            f"invalid alias name {name!r}: it looks like a UUID (a connection id or token)",
            hint="choose a name such as acme or acme-prod",
        )
    return name


def aliases_path(environ: Mapping[str, str]) -> Path:
    return config_dir(environ) / FILE_NAME


@dataclass
class AliasFile:
    """`aliases.toml` in the config dir: aliases by base URL, then name."""

    path: Path

    @classmethod
    def at(cls, environ: Mapping[str, str]) -> AliasFile:
        return cls(aliases_path(environ))

    def load(self) -> dict[str, dict[str, Alias]]:
        """base URL -> name -> alias. Missing file: empty. Unusable file: UsageError (exit 2)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise self._corrupt(f"cannot be read ({exc.__class__.__name__})") from None
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise self._corrupt(f"is not valid TOML ({exc})") from None
        except RecursionError:
            raise self._corrupt("is nested too deeply to be read") from None
        except ValueError:  # an integer past Python's 4,300 digits
            raise self._corrupt("holds a number too long to read") from None
        return self._parse(data)

    def _parse(self, data: dict[str, Any]) -> dict[str, dict[str, Alias]]:
        version = data.get("version", FILE_VERSION)
        if version != FILE_VERSION:
            raise self._corrupt(f"has version {version!r}; this rutterctl reads {FILE_VERSION}")
        scopes = data.get("aliases", {})
        if not isinstance(scopes, dict):
            raise self._corrupt("has an 'aliases' key that is not a table")
        found: dict[str, dict[str, Alias]] = {}
        for base_url, entries in scopes.items():
            if not isinstance(entries, dict):
                raise self._corrupt(f"has aliases for {base_url} that are not a table")
            for name, entry in entries.items():
                cid = entry.get("connection_id") if isinstance(entry, dict) else None
                token = entry.get("access_token") if isinstance(entry, dict) else None
                if not (isinstance(cid, str) and isinstance(token, str) and cid and token):
                    raise self._corrupt(
                        f"has an alias {name!r} without a connection_id and an access_token"
                    )
                found.setdefault(base_url, {})[name] = Alias(name, cid, token, base_url)
        return found

    def _corrupt(self, problem: str) -> UsageError:
        return UsageError(
            f"the aliases file {self.path} {problem}",
            hint="fix or remove the file (it was left untouched)",
        )

    def find(self, base_url: str, name: str) -> Alias | None:
        return self.load().get(base_url, {}).get(name)

    def save(self, alias: Alias) -> Alias | None:
        """Add or replace an alias; returns the one it replaced."""
        with locked(self.path):  # parallel `alias set` must not drop each other's alias
            scopes = self.load()
            previous = scopes.get(alias.base_url, {}).get(alias.name)
            scopes.setdefault(alias.base_url, {})[alias.name] = alias
            self._write(scopes)
        return previous

    def remove(self, base_url: str, name: str) -> Alias:
        with locked(self.path):
            scopes = self.load()
            alias = scopes.get(base_url, {}).pop(name, None)
            if alias is None:
                raise UsageError(
                    f"no alias named {name!r} for {base_url}",
                    hint="`rutterctl alias list` shows the aliases of this base URL",
                )
            self._write(scopes)
        return alias

    def _write(self, scopes: dict[str, dict[str, Alias]]) -> None:
        write_atomic(self.path, dumps(scopes), mode=0o600)


def _quote(value: str) -> str:
    # JSON's escapes are TOML's; TOML also wants DEL escaped, which JSON leaves raw.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def dumps(scopes: Mapping[str, Mapping[str, Alias]]) -> str:
    lines = [
        "# rutterctl connection aliases (`rutterctl alias set|list|remove`).",
        "# Holds access tokens, which are secrets: keep this file private (mode 0600).",
        "# Entries are scoped by the API base URL they were made against.",
        f"version = {FILE_VERSION}",
    ]
    for base_url in sorted(scopes):
        for name in sorted(scopes[base_url]):
            alias = scopes[base_url][name]
            lines += [
                "",
                f"[aliases.{_quote(base_url)}.{_quote(name)}]",
                f"connection_id = {_quote(alias.connection_id)}",
                f"access_token = {_quote(alias.access_token)}",
            ]
    return "\n".join(lines) + "\n"


def complete_names(
    environ: Mapping[str, str], incomplete: str, *, profile: str | None = None
) -> list[str]:
    """Alias names for TAB completion: those of the current base URL when it can be told,
    otherwise of every base URL. Never raises: a broken file must not break the shell."""
    try:
        scopes = AliasFile.at(environ).load()
    except Exception:  # noqa: BLE001 - completion stays silent; the command reports errors
        return []
    if not scopes:
        return []
    try:
        from rutterctl.config.settings import load_settings

        # No credentials: a keyring lookup on every TAB would be slow, and the URL is enough.
        settings = load_settings(environ, profile=profile, with_credentials=False)
        chosen = [scopes.get(settings.base_url, {})]
    except Exception:  # noqa: BLE001 - unusable settings: offer every scope rather than none
        chosen = list(scopes.values())
    return sorted({name for scope in chosen for name in scope if name.startswith(incomplete)})

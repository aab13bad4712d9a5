"""Stored credentials: the OS keyring when there is one, else a 0600 file in the config dir.

`credentials.json` is also the index: it names, per profile, the client id and where the secret
lives. The keyring is only ever asked about a profile the index says is in it, so a machine
that never stored a secret there never waits on it. Keyring calls run in a daemon thread with a
short timeout, because on a headless machine the Secret Service can hang on D-Bus; a timeout or
any keyring error means "no keyring". The keyring is skipped when `CI` or
`RUTTERCTL_NO_KEYRING=1` is set. `keyring` is imported only inside those calls.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from rutterctl.config.files import locked, write_atomic
from rutterctl.config.paths import config_dir
from rutterctl.errors import UsageError
from rutterctl.secrets import Secret

SERVICE = "rutterctl"
FILE_NAME = "credentials.json"
DEFAULT_TIMEOUT = 3.0
VERSION = 1
FIX_HINT = "fix or remove the file, then run `rutterctl auth login`"
_T = TypeVar("_T")


class KeyringUnavailable(Exception):
    """No keyring, a failing one, or one that did not answer in time."""


def keyring_skipped(environ: Mapping[str, str]) -> str | None:
    """Why the keyring is not to be used at all, or None."""
    ci = environ.get("CI", "").strip().lower()
    if ci and ci not in ("0", "false", "no"):
        return "CI is set"
    if environ.get("RUTTERCTL_NO_KEYRING", "").strip().lower() in ("1", "true", "yes", "on"):
        return "RUTTERCTL_NO_KEYRING is set"
    return None


@dataclass
class Keyring:
    """The OS keyring behind a timeout. Accounts are profile names under service `rutterctl`."""

    timeout: float = DEFAULT_TIMEOUT

    def get(self, account: str) -> str | None:
        def get(backend: Any) -> str | None:
            found = backend.get_password(SERVICE, account)
            return found if isinstance(found, str) else None

        return self._call(get)

    def set(self, account: str, secret: str) -> None:
        self._call(lambda backend: backend.set_password(SERVICE, account, secret))

    def delete(self, account: str) -> bool:
        def delete(backend: Any) -> bool:
            from keyring.errors import PasswordDeleteError

            try:
                backend.delete_password(SERVICE, account)
            except PasswordDeleteError:
                return False
            return True

        return self._call(delete)

    def _call(self, action: Callable[[Any], _T]) -> _T:
        outcome: list[tuple[bool, Any]] = []

        def run() -> None:
            try:
                import keyring
                from keyring.errors import NoKeyringError

                try:
                    outcome.append((True, action(keyring.get_keyring())))
                except NoKeyringError:
                    outcome.append((False, "no OS keyring is available"))
            except Exception as exc:  # noqa: BLE001 - any keyring failure means "no keyring"
                outcome.append((False, f"the OS keyring failed ({type(exc).__name__})"))

        thread = threading.Thread(target=run, name="rutterctl-keyring", daemon=True)
        thread.start()
        thread.join(self.timeout)
        if not outcome:
            raise KeyringUnavailable(f"the OS keyring did not answer within {self.timeout:g} s")
        ok, value = outcome[0]
        if not ok:
            raise KeyringUnavailable(value)
        result: _T = value
        return result


@dataclass(frozen=True)
class StoredCredential:
    """A profile's stored client id and secret (or why the secret cannot be read)."""

    client_id: str
    secret: Secret | None  # None when it is in a keyring that cannot be read now
    location: str  # "keyring" or "file"
    problem: str | None = None


@dataclass
class CredentialStore:
    """The credentials file (the index) and the keyring it points to."""

    path: Path
    keyring: Keyring | None  # None: skipped (CI, RUTTERCTL_NO_KEYRING)
    skipped_because: str | None = None

    @classmethod
    def for_environ(
        cls, environ: Mapping[str, str], *, timeout: float = DEFAULT_TIMEOUT
    ) -> CredentialStore:
        reason = keyring_skipped(environ)
        keyring = None if reason else Keyring(timeout)
        return cls(config_dir(environ) / FILE_NAME, keyring, reason)

    def stored_profiles(self) -> list[str]:
        """The profiles with a stored credential (reads the file only: a check that it is sound)."""
        return sorted(self._read())

    def load(self, profile: str) -> StoredCredential | None:
        entry = self._read().get(profile)
        if entry is None:
            return None
        client_id = entry["client_id"]
        problem = None
        if entry.get("store") == "keyring":
            try:
                secret = self._keyring().get(profile)
            except KeyringUnavailable as exc:
                problem = f"the secret of profile {profile!r} is in the OS keyring, but {exc}"
            else:
                if secret:
                    return StoredCredential(client_id, Secret(secret), "keyring")
                problem = f"the OS keyring holds no secret for profile {profile!r}"
        if entry.get("client_secret"):
            return StoredCredential(client_id, Secret(entry["client_secret"]), "file")
        return StoredCredential(client_id, None, "keyring", problem)

    def save(self, profile: str, client_id: str, secret: Secret) -> tuple[str, str | None]:
        """Store the credential: ("keyring", None), or ("file", why the keyring was not used)."""
        self._read()  # a corrupt file stops the login before the keyring is touched
        why: str | None
        try:
            self._keyring().set(profile, secret.reveal())
        except KeyringUnavailable as exc:
            entry = {"client_id": client_id, "store": "file", "client_secret": secret.reveal()}
            where, why = "file", str(exc)
        else:
            entry = {"client_id": client_id, "store": "keyring"}
            where, why = "keyring", None
        # Read again under the lock: parallel logins of other profiles must all be kept.
        with locked(self.path):
            entries = self._read()
            entries[profile] = entry
            self._write(entries)
        return where, why

    def delete(self, profile: str) -> tuple[list[str], str | None]:
        """Remove the credential: where it was removed from, and a keyring problem if any.

        Like every read, only a profile recorded in the file makes the keyring be asked (so
        logging out of nothing never waits on a hanging keyring). A recorded profile is also
        removed from the keyring when its secret is in the file: an earlier login may have
        left one there."""
        entries = self._read()
        if profile not in entries:
            return [], None
        removed: list[str] = []
        problem = None
        if self.keyring is not None:
            try:
                if self.keyring.delete(profile):
                    removed.append("keyring")
            except KeyringUnavailable as exc:
                if entries.get(profile, {}).get("store") == "keyring":
                    problem = str(exc)
        elif entries.get(profile, {}).get("store") == "keyring":
            problem = f"the OS keyring was skipped ({self.skipped_because})"
        with locked(self.path):
            entries = self._read()
            if entries.pop(profile, None) is not None:
                removed.append("file")
                self._write(entries)
        return removed, problem

    def _keyring(self) -> Keyring:
        if self.keyring is None:
            raise KeyringUnavailable(f"the OS keyring is skipped ({self.skipped_because})")
        return self.keyring

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise UsageError(f"{self.path}: cannot read: {why}", hint=FIX_HINT) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            # exc.msg names the problem, never the content (which holds secrets).
            raise UsageError(f"{self.path}: line {exc.lineno}: {exc.msg}", hint=FIX_HINT) from None
        except RecursionError:
            raise UsageError(f"{self.path}: nested too deeply to be read", hint=FIX_HINT) from None
        except ValueError:  # an integer past Python's 4,300 digits (never echo: secrets)
            raise UsageError(
                f"{self.path}: holds a number too long to read", hint=FIX_HINT
            ) from None
        return _entries(self.path, data)

    def _write(self, entries: dict[str, dict[str, str]]) -> None:
        if not entries:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return
        document = {"version": VERSION, "profiles": entries}
        write_atomic(self.path, json.dumps(document, indent=2) + "\n", mode=0o600)


def _entries(path: Path, data: Any) -> dict[str, dict[str, str]]:
    """The profiles of a credentials document, checked; UsageError naming the file otherwise."""
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise UsageError(f"{path}: not a version {VERSION} credentials file", hint=FIX_HINT)
    profiles = data.get("profiles")
    if not isinstance(profiles, dict):
        raise UsageError(f"{path}: 'profiles' must be an object", hint=FIX_HINT)
    for name, entry in profiles.items():
        fields = ("client_id", "store", "client_secret")
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("client_id"), str)
            or entry.get("store") not in ("keyring", "file")
            or not all(isinstance(entry.get(f, ""), str) for f in fields)
            or (entry["store"] == "file" and not entry.get("client_secret"))
        ):
            raise UsageError(f"{path}: profile {name!r}: malformed entry", hint=FIX_HINT)
    return profiles

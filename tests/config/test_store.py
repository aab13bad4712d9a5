"""Stored credentials: OS keyring behind a timeout, else a 0600 file; corrupt files reported."""

from __future__ import annotations

import json
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError
from rutterctl.config.store import (
    SERVICE,
    CredentialStore,
    Keyring,
    KeyringUnavailable,
    keyring_skipped,
)
from rutterctl.errors import UsageError
from rutterctl.secrets import Secret

SECRET = "stored-secret-0123456789abcdef"
CLIENT = "stored-client-id-4321"


class MemoryKeyring(KeyringBackend):
    """An in-memory OS keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class HangingKeyring(KeyringBackend):
    """A keyring that does not answer in time, like the Secret Service on a headless box."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(0.5)
        return "too-late-secret-value"

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(0.5)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(0.5)


class ExplodingKeyring(KeyringBackend):
    """A keyring that must not be asked anything."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise AssertionError("the keyring was asked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("the keyring was asked")


_Backend = TypeVar("_Backend", bound=KeyringBackend)


class KeyringSwap:
    """Installs keyring backends for one test; `restore` puts the previous one back."""

    def __init__(self) -> None:
        self.before = keyring.get_keyring()

    def __call__(self, backend: _Backend) -> _Backend:
        keyring.set_keyring(backend)
        return backend

    def restore(self) -> None:
        keyring.set_keyring(self.before)


@pytest.fixture
def use_keyring() -> Iterator[KeyringSwap]:
    swap = KeyringSwap()
    yield swap
    swap.restore()


def store_in(
    directory: Path, *, timeout: float = 1.0, env: dict[str, str] | None = None
) -> CredentialStore:
    return CredentialStore.for_environ(
        {"RUTTERCTL_CONFIG_DIR": str(directory), **(env or {})}, timeout=timeout
    )


def test_saves_to_the_keyring_and_keeps_only_the_index_in_the_file(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    memory = use_keyring(MemoryKeyring())
    store = store_in(tmp_path / "cfg")
    assert store.save("default", CLIENT, Secret(SECRET)) == ("keyring", None)
    assert memory.items == {(SERVICE, "default"): SECRET}
    document = json.loads(store.path.read_text())
    assert document == {
        "version": 1,
        "profiles": {"default": {"client_id": CLIENT, "store": "keyring"}},
    }
    assert SECRET not in store.path.read_text()
    loaded = store.load("default")
    assert loaded is not None
    assert (loaded.client_id, loaded.secret, loaded.location) == (CLIENT, Secret(SECRET), "keyring")


def test_without_a_keyring_the_secret_goes_to_a_0600_file_in_a_0700_dir(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    use_keyring(fail.Keyring())
    store = store_in(tmp_path / "cfg")
    assert store.save("ci", CLIENT, Secret(SECRET)) == ("file", "no OS keyring is available")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    names = sorted(p.name for p in store.path.parent.iterdir())
    assert names == [".credentials.json.lock", "credentials.json"]  # no temp file
    loaded = store.load("ci")
    assert loaded is not None and loaded.location == "file" and loaded.secret == Secret(SECRET)
    assert store.load("default") is None


def test_a_hanging_keyring_times_out_and_the_file_is_used(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    use_keyring(HangingKeyring())
    store = store_in(tmp_path, timeout=0.05)
    started = time.monotonic()
    where, why = store.save("default", CLIENT, Secret(SECRET))
    assert time.monotonic() - started < 0.4
    assert (where, why) == ("file", "the OS keyring did not answer within 0.05 s")


def test_a_secret_in_a_keyring_that_hangs_is_reported_not_waited_for(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    use_keyring(MemoryKeyring())
    store_in(tmp_path).save("default", CLIENT, Secret(SECRET))
    use_keyring(HangingKeyring())
    loaded = store_in(tmp_path, timeout=0.05).load("default")
    assert loaded is not None
    assert loaded.secret is None
    assert loaded.problem == (
        "the secret of profile 'default' is in the OS keyring, but the OS keyring did not "
        "answer within 0.05 s"
    )


def test_a_keyring_that_lost_the_secret_is_reported(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    memory = use_keyring(MemoryKeyring())
    store = store_in(tmp_path)
    store.save("default", CLIENT, Secret(SECRET))
    memory.items.clear()
    loaded = store.load("default")
    assert loaded is not None and loaded.secret is None
    assert loaded.problem == "the OS keyring holds no secret for profile 'default'"


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"CI": "true"}, "CI is set"),
        ({"CI": "1"}, "CI is set"),
        ({"RUTTERCTL_NO_KEYRING": "1"}, "RUTTERCTL_NO_KEYRING is set"),
        ({"CI": "false"}, None),
        ({"RUTTERCTL_NO_KEYRING": "0"}, None),
        ({}, None),
    ],
)
def test_keyring_skipped(env: dict[str, str], reason: str | None) -> None:
    assert keyring_skipped(env) == reason


@pytest.mark.parametrize("env", [{"CI": "true"}, {"RUTTERCTL_NO_KEYRING": "1"}])
def test_a_skipped_keyring_is_never_asked(
    tmp_path: Path, use_keyring: KeyringSwap, env: dict[str, str]
) -> None:
    use_keyring(ExplodingKeyring())
    store = store_in(tmp_path, env=env)
    where, why = store.save("default", CLIENT, Secret(SECRET))
    assert where == "file"
    assert why is not None and "is skipped" in why
    loaded = store.load("default")
    assert loaded is not None and loaded.secret == Secret(SECRET)
    assert store.delete("default") == (["file"], None)


def test_delete_removes_keyring_entry_and_index(tmp_path: Path, use_keyring: KeyringSwap) -> None:
    memory = use_keyring(MemoryKeyring())
    store = store_in(tmp_path)
    store.save("default", CLIENT, Secret(SECRET))
    store.save("prod", CLIENT, Secret(SECRET + "x"))
    assert store.delete("default") == (["keyring", "file"], None)
    assert memory.items == {(SERVICE, "prod"): SECRET + "x"}
    assert store.stored_profiles() == ["prod"]
    assert store.delete("default") == ([], None)
    assert store.delete("prod") == (["keyring", "file"], None)
    assert not store.path.exists()  # nothing left to keep


def test_delete_with_a_hanging_keyring_says_the_secret_may_remain(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    use_keyring(MemoryKeyring())
    store_in(tmp_path).save("default", CLIENT, Secret(SECRET))
    use_keyring(HangingKeyring())
    removed, problem = store_in(tmp_path, timeout=0.05).delete("default")
    assert removed == ["file"]
    assert problem == "the OS keyring did not answer within 0.05 s"


def test_a_login_to_the_keyring_replaces_a_secret_in_the_file(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    use_keyring(fail.Keyring())
    store_in(tmp_path).save("default", CLIENT, Secret(SECRET))
    use_keyring(MemoryKeyring())
    store_in(tmp_path).save("default", CLIENT, Secret(SECRET))
    assert SECRET not in (tmp_path / "credentials.json").read_text()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            '{"version": 1, "profiles": {',
            "line 1: Expecting property name enclosed in double quotes",
        ),
        (
            '{"version": 1,\n "profiles": {"default": {"client_id": "a", "client_secret": '
            f'"{SECRET}"',
            "line 2: Expecting",
        ),
        ('{"version": 2, "profiles": {}}', "not a version 1 credentials file"),
        ("[]", "not a version 1 credentials file"),
        ('{"version": 1, "profiles": []}', "'profiles' must be an object"),
        (
            '{"version": 1, "profiles": {"p": {"client_id": 5, "store": "file"}}}',
            "profile 'p': malformed entry",
        ),
        (
            '{"version": 1, "profiles": {"p": {"client_id": "a", "store": "file"}}}',
            "profile 'p': malformed entry",
        ),
        (
            '{"version": 1, "profiles": {"p": {"client_id": "a", "store": "vault"}}}',
            "profile 'p': malformed entry",
        ),
    ],
)
def test_a_corrupt_file_names_itself_and_is_never_overwritten(
    tmp_path: Path, content: str, problem: str
) -> None:
    store = store_in(tmp_path, env={"RUTTERCTL_NO_KEYRING": "1"})
    store.path.write_text(content)
    before = store.path.read_bytes()
    for attempt in (
        lambda: store.load("default"),
        lambda: store.save("default", CLIENT, Secret("another-secret-value-1")),
        lambda: store.delete("default"),
    ):
        with pytest.raises(UsageError) as caught:
            attempt()
        assert caught.value.message.startswith(f"{store.path}: {problem}")
        assert caught.value.hint == "fix or remove the file, then run `rutterctl auth login`"
        assert SECRET not in caught.value.message
    assert store.path.read_bytes() == before


def test_an_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.path.mkdir(parents=True)  # a directory where the file should be
    with pytest.raises(UsageError, match=r"credentials\.json: cannot read: Is a directory"):
        store.load("default")


def test_an_interrupted_write_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_in(tmp_path, env={"RUTTERCTL_NO_KEYRING": "1"})
    store.save("default", CLIENT, Secret(SECRET))
    before = store.path.read_bytes()

    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", crash)
    with pytest.raises(KeyboardInterrupt):
        store.save("prod", CLIENT, Secret(SECRET))
    assert store.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []


def test_keyring_errors_become_keyring_unavailable(use_keyring: KeyringSwap) -> None:
    class Broken(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise RuntimeError("dbus went away")

    use_keyring(Broken())
    with pytest.raises(KeyringUnavailable, match=r"the OS keyring failed \(RuntimeError\)"):
        Keyring(timeout=1.0).get("default")

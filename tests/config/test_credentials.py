"""resolve_credentials: option > environment > keyring > file, in one place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends import fail
from rutterctl.config.credentials import resolve_credentials
from rutterctl.config.store import CredentialStore
from rutterctl.secrets import Secret

from tests.config.test_store import HangingKeyring, KeyringSwap, MemoryKeyring


@pytest.fixture
def use_keyring() -> Iterator[KeyringSwap]:
    swap = KeyringSwap()
    yield swap
    swap.restore()


ENV_ID, ENV_SECRET = "env-client-id-0001", "env-secret-abcdefghij"
OPT_ID, OPT_SECRET = "opt-client-id-0002", "opt-secret-klmnopqrst"
KR_SECRET, FILE_SECRET = "keyring-secret-uvwxyz01", "file-secret-23456789ab"
STORED_ID = "stored-client-id-0003"
ENV = {"RUTTER_CLIENT_ID": ENV_ID, "RUTTER_CLIENT_SECRET": ENV_SECRET}


def both_stores(directory: Path, memory: MemoryKeyring) -> None:
    """An index that says keyring, with a stale secret in the file too."""
    memory.items[("rutterctl", "default")] = KR_SECRET
    entry = {"client_id": STORED_ID, "store": "keyring", "client_secret": FILE_SECRET}
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "credentials.json").write_text(
        json.dumps({"version": 1, "profiles": {"default": entry}})
    )


def store(directory: Path, timeout: float = 1.0) -> CredentialStore:
    return CredentialStore.for_environ({"RUTTERCTL_CONFIG_DIR": str(directory)}, timeout=timeout)


def test_precedence_option_environment_keyring_file(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    memory = use_keyring(MemoryKeyring())
    both_stores(tmp_path, memory)
    s = store(tmp_path)

    creds = resolve_credentials(ENV, client_id=OPT_ID, client_secret=Secret(OPT_SECRET), store=s)
    assert creds is not None
    assert (creds.client_id, creds.client_secret, creds.source) == (
        OPT_ID,
        Secret(OPT_SECRET),
        "option",
    )

    creds = resolve_credentials(ENV, store=s)
    assert creds is not None
    assert (creds.client_id, creds.client_secret, creds.source, creds.location) == (
        ENV_ID,
        Secret(ENV_SECRET),
        "environment",
        "RUTTER_CLIENT_ID, RUTTER_CLIENT_SECRET",
    )

    creds = resolve_credentials({}, store=s)
    assert creds is not None
    assert (creds.client_id, creds.client_secret, creds.source, creds.location) == (
        STORED_ID,
        Secret(KR_SECRET),
        "keyring",
        "service rutterctl, account default",
    )

    use_keyring(fail.Keyring())
    creds = resolve_credentials({}, store=s)
    assert creds is not None
    assert (creds.client_secret, creds.source, creds.location) == (
        Secret(FILE_SECRET),
        "file",
        str(tmp_path / "credentials.json"),
    )


def test_an_option_counts_only_as_a_pair(tmp_path: Path) -> None:
    creds = resolve_credentials(ENV, client_id=OPT_ID, store=store(tmp_path))
    assert creds is not None and creds.source == "environment"


def test_environment_credentials_never_touch_the_store(tmp_path: Path) -> None:
    (tmp_path / "credentials.json").write_text("{corrupt")
    creds = resolve_credentials(ENV, store=store(tmp_path))
    assert creds is not None and creds.source == "environment"


def test_a_half_set_environment_warns_and_falls_back(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    memory = use_keyring(MemoryKeyring())
    both_stores(tmp_path, memory)
    notes: list[str] = []
    creds = resolve_credentials(
        {"RUTTER_CLIENT_ID": ENV_ID}, store=store(tmp_path), warn=notes.append
    )
    assert creds is not None and creds.source == "keyring"
    assert notes == [
        "warning: RUTTER_CLIENT_ID is set without RUTTER_CLIENT_SECRET: both are needed; "
        "ignoring it"
    ]


def test_a_profile_selects_its_stored_credential(tmp_path: Path, use_keyring: KeyringSwap) -> None:
    memory = use_keyring(MemoryKeyring())
    s = store(tmp_path)
    s.save("prod", STORED_ID, Secret(KR_SECRET))
    assert resolve_credentials({}, store=s) is None
    creds = resolve_credentials({}, profile="prod", store=s)
    assert creds is not None and creds.client_secret == Secret(KR_SECRET)
    assert memory.items == {("rutterctl", "prod"): KR_SECRET}


def test_a_hanging_keyring_is_a_warning_and_no_credentials(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    use_keyring(MemoryKeyring())
    store(tmp_path).save("default", STORED_ID, Secret(KR_SECRET))
    use_keyring(HangingKeyring())
    notes: list[str] = []
    assert resolve_credentials({}, store=store(tmp_path, 0.05), warn=notes.append) is None
    assert notes == [
        "warning: the secret of profile 'default' is in the OS keyring, but the OS keyring did "
        "not answer within 0.05 s"
    ]


def test_the_default_store_is_under_the_config_dir(tmp_path: Path) -> None:
    env = {"RUTTERCTL_CONFIG_DIR": str(tmp_path), "RUTTERCTL_NO_KEYRING": "1"}
    CredentialStore.for_environ(env).save("default", STORED_ID, Secret(FILE_SECRET))
    creds = resolve_credentials(env)
    assert creds is not None and creds.source == "file"
    assert FILE_SECRET not in repr(creds)


@pytest.mark.parametrize("env", [{"CI": "true"}, {"RUTTERCTL_NO_KEYRING": "1"}])
def test_a_skipped_keyring_is_reported(
    tmp_path: Path, use_keyring: KeyringSwap, env: dict[str, str]
) -> None:
    use_keyring(MemoryKeyring())
    store(tmp_path).save("default", STORED_ID, Secret(KR_SECRET))
    notes: list[str] = []
    skipped = CredentialStore.for_environ({"RUTTERCTL_CONFIG_DIR": str(tmp_path), **env})
    assert resolve_credentials(env, store=skipped, warn=notes.append) is None
    assert len(notes) == 1 and "is skipped" in notes[0]


def test_a_store_function_is_called_only_when_the_environment_has_no_credentials(
    tmp_path: Path, use_keyring: KeyringSwap
) -> None:
    """Deps passes a function making the store: with credentials in the environment (the CI
    case) it is never called, so the store module is not even imported."""
    both_stores(tmp_path, use_keyring(MemoryKeyring()))
    made: list[CredentialStore] = []

    def make() -> CredentialStore:
        made.append(store(tmp_path))
        return made[-1]

    creds = resolve_credentials(ENV, store=make)
    assert creds is not None and creds.source == "environment"
    assert made == []

    creds = resolve_credentials({}, store=make)
    assert creds is not None
    assert (creds.client_id, creds.source) == (STORED_ID, "keyring")
    assert len(made) == 1

"""`rutterctl auth login|status|logout`: storage, prompts, the live check, masking."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from tests import builders
from tests.builders import respond
from tests.config.test_store import HangingKeyring, KeyringSwap, MemoryKeyring
from tests.fakes import Result, invoke

CLIENT_ID = "login-client-id-98765"
SECRET = "login-secret-zyxwvutsrq-0123"
NO_KEYRING = {"RUTTERCTL_NO_KEYRING": "1"}
SECRETS = [SECRET, base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()]


@pytest.fixture
def use_keyring() -> Iterator[KeyringSwap]:
    swap = KeyringSwap()
    yield swap
    swap.restore()


def run(
    args: list[str],
    *,
    env: dict[str, str] | None = None,
    input: str | None = None,
    transport: Any = None,
    keyring_timeout: float = 1.0,
) -> Result:
    """The CLI in process, with stdin, no credentials in the environment unless given."""
    result = invoke(
        args,
        env=env if env is not None else NO_KEYRING,
        input=input,
        transport=transport,
        keyring_timeout=keyring_timeout,
    )
    for secret in SECRETS:
        assert secret not in result.stdout
        assert secret not in result.stderr
    return result


def config_dir() -> Path:
    return Path(os.environ["RUTTERCTL_CONFIG_DIR"])


def credentials_file() -> Path:
    return config_dir() / "credentials.json"


def login(profile: str | None = None, env: dict[str, str] | None = None) -> Result:
    args = ["auth", "login", "--client-id", CLIENT_ID, "--secret-stdin"]
    args += ["--profile", profile] if profile else []
    result = run(args, input=SECRET + "\n", env=env)
    assert result.exit_code == 0, result.stderr
    return result


def authorization(request: Any) -> str:
    return base64.b64decode(request.headers["Authorization"].split()[1]).decode()


# -- login -----------------------------------------------------------------------------------


def test_login_from_stdin_without_a_keyring_writes_a_0600_file_and_warns() -> None:
    result = login()
    path = credentials_file()
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "warning: the OS keyring is skipped (RUTTERCTL_NO_KEYRING is set): the client secret "
        f"is stored in the file {path}",
        f"Stored the credential of profile default (client id ****8765) in {path}.",
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_dir().stat().st_mode) == 0o700
    entry = json.loads(path.read_text())["profiles"]["default"]
    assert entry == {"client_id": CLIENT_ID, "store": "file", "client_secret": SECRET}
    assert sorted(p.name for p in config_dir().iterdir()) == [
        ".credentials.json.lock",
        "credentials.json",
    ]


def test_login_to_the_keyring(use_keyring: KeyringSwap) -> None:
    memory = use_keyring(MemoryKeyring())
    result = login(env={})
    assert result.stderr == (
        "Stored the credential of profile default (client id ****8765) in the OS keyring.\n"
    )
    assert memory.items == {("rutterctl", "default"): SECRET}
    assert SECRET not in credentials_file().read_text()


def test_login_with_a_hanging_keyring_falls_back_to_the_file(use_keyring: KeyringSwap) -> None:
    use_keyring(HangingKeyring())
    args = ["auth", "login", "--client-id", CLIENT_ID, "--secret-stdin"]
    result = run(args, input=SECRET, env={}, keyring_timeout=0.05)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "warning: the OS keyring did not answer within 0.05 s: the client secret is stored in "
        "the file "
    )


def test_login_without_any_keyring(use_keyring: KeyringSwap) -> None:
    use_keyring(fail.Keyring())
    result = login(env={})
    assert result.stderr.startswith("warning: no OS keyring is available: the client secret ")


def test_login_prompts_for_what_is_missing_on_stderr() -> None:
    result = run(["auth", "login"], input=f"{CLIENT_ID}\n{SECRET}\n")
    assert result.exit_code == 0, result.stderr
    assert "Client" not in result.stdout  # (CliRunner echoes typed input to stdout, like a tty)
    assert result.stderr.startswith("Client id:")
    assert "Client secret:" in result.stderr  # hidden: the answer is not echoed
    assert json.loads(credentials_file().read_text())["profiles"]["default"]["client_id"] == (
        CLIENT_ID
    )


def test_login_prompts_only_for_the_secret() -> None:
    result = run(["auth", "login", "--client-id", CLIENT_ID], input=f"{SECRET}\n")
    assert result.exit_code == 0, result.stderr
    assert "Client id" not in result.stderr


def test_the_secret_is_never_an_argument() -> None:
    result = run(["auth", "login", "--client-id", CLIENT_ID, "--client-secret", "x"])
    assert result.exit_code == 2
    assert not credentials_file().exists()


@pytest.mark.parametrize(
    ("args", "stdin", "line"),
    [
        (
            ["--secret-stdin"],
            SECRET,
            "error: --secret-stdin needs --client-id: stdin carries only the secret",
        ),
        (["--client-id", CLIENT_ID, "--secret-stdin"], "", "error: no client secret given"),
        (
            ["--client-id", CLIENT_ID, "--secret-stdin"],
            f"{SECRET}\n{SECRET}\n",
            "error: the client secret must be one line without spaces",
        ),
        (
            ["--client-id", "a:b", "--secret-stdin"],
            SECRET,
            "error: the client id must be non-empty, without spaces or ':'",
        ),
        (
            [],
            "",
            "error: login cancelled: no client id entered; pass --client-id, and the secret on "
            "stdin with --secret-stdin",
        ),
        (["--profile", "a b"], "", "error: invalid profile name 'a b'; use letters, digits, "),
    ],
)
def test_bad_login_input_is_one_line_and_exit_2(args: list[str], stdin: str, line: str) -> None:
    result = run(["auth", "login", *args], input=stdin)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith(line), result.stderr
    assert "Traceback" not in result.stderr
    assert not credentials_file().exists()


def test_login_to_a_new_profile_defines_it_in_config_toml() -> None:
    login("ci")
    assert (config_dir() / "config.toml").read_text().endswith("\n[profiles.ci]\n")
    entries = json.loads(credentials_file().read_text())["profiles"]
    assert list(entries) == ["ci"]


def test_login_with_a_corrupt_config_stores_nothing() -> None:
    config_dir().mkdir(parents=True)
    (config_dir() / "config.toml").write_text("[profiles\n")
    result = run(["auth", "login", "--client-id", CLIENT_ID, "--secret-stdin"], input=SECRET)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {config_dir() / 'config.toml'}: line 1: ")
    assert not credentials_file().exists()


def test_login_notes_that_the_environment_wins() -> None:
    env = {**NO_KEYRING, "RUTTER_CLIENT_ID": "other-id-1", "RUTTER_CLIENT_SECRET": "other-s-1234"}
    result = login(env=env)
    assert result.stderr.splitlines()[-1] == (
        "note: RUTTER_CLIENT_ID and RUTTER_CLIENT_SECRET are set and take precedence"
    )


# -- status ----------------------------------------------------------------------------------


def test_status_checks_the_stored_credential_live() -> None:
    login()
    rutter = builders.fake_rutter()
    result = run(["auth", "status"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "profile default · sandbox",
        f"credential: file ({credentials_file()})",
        "client id: ****8765",
        "check: accepted by Rutter (GET /connections, its default listing: 1 connection)",
    ]
    assert rutter.paths() == ["/connections"]
    assert authorization(rutter.requests[0]) == f"{CLIENT_ID}:{SECRET}"


def test_status_from_the_keyring(use_keyring: KeyringSwap) -> None:
    use_keyring(MemoryKeyring())
    login(env={})
    result = run(["auth", "status"], env={}, transport=builders.fake_rutter().transport)
    assert result.exit_code == 0, result.stderr
    assert "credential: keyring (service rutterctl, account default)\n" in result.stdout


def test_status_from_the_environment_wins_over_the_stored_one() -> None:
    login()
    env = {**NO_KEYRING, "RUTTER_CLIENT_ID": "env-client-0042", "RUTTER_CLIENT_SECRET": SECRET}
    rutter = builders.fake_rutter()
    result = run(["auth", "status"], env=env, transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:3] == [
        "credential: environment (RUTTER_CLIENT_ID, RUTTER_CLIENT_SECRET)",
        "client id: ****0042",
    ]
    assert authorization(rutter.requests[0]).startswith("env-client-0042:")


@pytest.mark.parametrize(
    "answer",
    [
        respond(401, builders.error_body("INVALID_CREDENTIALS")),
        respond(400, builders.error_body("INVALID_CREDENTIALS")),
    ],
)
def test_rejected_credentials_exit_4(answer: Any) -> None:
    login()
    rutter = builders.fake_rutter(connections=answer)
    result = run(["--debug", "auth", "status"], transport=rutter.transport)
    assert result.exit_code == 4
    assert result.stdout.splitlines()[-1] == "check: rejected by Rutter"
    assert any(line.startswith("error: ") for line in result.stderr.splitlines())


def test_no_credentials_exit_4_with_a_clear_line() -> None:
    result = run(["auth", "status"], transport=builders.fake_rutter().transport)
    assert result.exit_code == 4
    assert result.stdout == "profile default · sandbox\n"
    assert result.stderr == (
        "error: no credentials for profile default; run `rutterctl auth login` or set "
        "RUTTER_CLIENT_ID and RUTTER_CLIENT_SECRET\n"
    )


def test_a_corrupt_credentials_file_exits_2_and_is_left_alone() -> None:
    config_dir().mkdir(parents=True)
    credentials_file().write_text('{"version": 1, "profiles": {"default": ')
    before = credentials_file().read_bytes()
    for args in (["auth", "status"], ["auth", "logout"], ["status", builders.CONNECTION_ID]):
        result = run(args, transport=builders.fake_rutter().transport)
        assert result.exit_code == 2, args
        assert result.stderr == (
            f"error: {credentials_file()}: line 1: Expecting value; fix or remove the file, "
            "then run `rutterctl auth login`\n"
        )
    assert credentials_file().read_bytes() == before


# -- profiles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--profile", "prod", "auth", "status"], NO_KEYRING),
        (["auth", "status", "--profile", "prod"], NO_KEYRING),
        (["auth", "status"], {**NO_KEYRING, "RUTTERCTL_PROFILE": "prod"}),
    ],
    ids=["global option", "command option", "RUTTERCTL_PROFILE"],
)
def test_a_profile_selects_credential_and_environment(args: list[str], env: dict[str, str]) -> None:
    login("prod")
    assert run(["config", "set", "environment", "production", "--profile", "prod"]).exit_code == 0
    rutter = builders.fake_rutter()
    result = run(args, env=env, transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "profile prod · production"
    assert rutter.requests[0].url.host == "production.rutterapi.com"
    # The default profile has nothing stored.
    assert run(["auth", "status"], transport=rutter.transport).exit_code == 4


def test_a_profile_with_a_custom_url_is_where_commands_go() -> None:
    login("sim")
    url = "http://127.0.0.1:8765/versioned"
    assert run(["config", "set", "environment", url, "--profile", "sim"]).exit_code == 0
    rutter = builders.fake_rutter()
    result = run(["--profile", "sim", "status", builders.CONNECTION_ID], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert {(r.url.host, r.url.port) for r in rutter.requests} == {("127.0.0.1", 8765)}
    assert authorization(rutter.requests[0]) == f"{CLIENT_ID}:{SECRET}"


def test_an_unknown_profile_is_exit_2() -> None:
    result = run(["--profile", "prdo", "auth", "status"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: profile 'prdo' is not defined in ")


# -- logout ----------------------------------------------------------------------------------


def test_logout_removes_keyring_entry_and_file(use_keyring: KeyringSwap) -> None:
    memory = use_keyring(MemoryKeyring())
    login(env={})
    result = run(["auth", "logout"], env={})
    assert result.exit_code == 0
    assert result.stderr == (
        "Removed the credential of profile default from the OS keyring and the file.\n"
    )
    assert memory.items == {}
    assert not credentials_file().exists()
    assert run(["auth", "status"], env={}).exit_code == 4
    again = run(["auth", "logout"], env={})
    assert (again.exit_code, again.stderr) == (0, "No stored credential for profile default.\n")


def test_logout_of_one_profile_keeps_the_others() -> None:
    login()
    login("prod")
    assert run(["auth", "logout", "--profile", "prod"]).exit_code == 0
    assert list(json.loads(credentials_file().read_text())["profiles"]) == ["default"]


# -- start-up --------------------------------------------------------------------------------


def test_help_does_not_import_keyring() -> None:
    probe = (
        "import sys\n"
        "from rutterctl.cli.app import app\n"
        "for args in (['--help'], ['auth', '--help'], ['auth', 'login', '--help'],"
        " ['config', '--help']):\n"
        "    try:\n"
        "        app(args, prog_name='rutterctl')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('KEYRING', 'keyring' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.stdout.splitlines()[-1] == "KEYRING False"
    assert "--secret-stdin" in proc.stdout


def test_a_rejected_stored_credential_says_how_to_store_the_right_one() -> None:
    login()
    rutter = builders.fake_rutter(
        connections=respond(401, builders.error_body("INVALID_CREDENTIALS"))
    )
    result = run(["auth", "status"], transport=rutter.transport)
    assert result.exit_code == 4
    (line,) = result.stderr.splitlines()
    assert line.endswith(
        "; store the right one with `rutterctl auth login --profile default`, and check that "
        "it is a credential for sandbox (https://sandbox.rutterapi.com/versioned)"
    )
    assert "RUTTER_CLIENT_ID" not in line  # the environment played no part


def test_a_rejected_environment_credential_points_at_the_variables() -> None:
    rutter = builders.fake_rutter(
        connections=respond(401, builders.error_body("INVALID_CREDENTIALS"))
    )
    env = {"RUTTER_CLIENT_ID": "env-client-0042", "RUTTER_CLIENT_SECRET": "env-secret-0042"}
    result = run(["auth", "status"], transport=rutter.transport, env=env)
    assert result.exit_code == 4
    assert "; fix or unset RUTTER_CLIENT_ID / RUTTER_CLIENT_SECRET" in result.stderr
    assert "env-secret-0042" not in result.stdout + result.stderr


def test_logout_of_a_profile_with_nothing_stored_never_asks_the_keyring(
    use_keyring: KeyringSwap,
) -> None:
    use_keyring(HangingKeyring())
    result = run(["auth", "logout"], env={}, keyring_timeout=5.0)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "No stored credential for profile default.\n"

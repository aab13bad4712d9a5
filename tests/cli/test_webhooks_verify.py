"""`rutterctl webhooks verify`: the event summary, the verdict, and each failure explained."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from rutterctl.domain.signature import sign

from tests.fakes import CLIENT_SECRET, CREDS, invoke

BODY = json.dumps(
    {
        "type": "CONNECTION",
        "code": "CONNECTION_NEEDS_UPDATE",
        "connection_id": "6a1f0c1e-0000-4000-8000-000000000001",
        "access_token": "tok-0000-1111-2222",
        "update_url": "https://link.example/fix",
    },
    separators=(",", ":"),
).encode()
PROD_SECRET = "prod-secret-9876543210"


def _save(tmp_path: Path, data: bytes, name: str = "hook") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _request(body: bytes, signature: str | None) -> bytes:
    lines = ["POST /webhooks HTTP/1.1", "Host: example", f"Content-Length: {len(body)}"]
    if signature is not None:
        lines.append(f"X-Rutter-Signature: {signature}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body + b"\n"


def _store_prod_profile() -> None:
    path = Path(os.environ["RUTTERCTL_CONFIG_DIR"]) / "credentials.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"client_id": "prod-id", "store": "file", "client_secret": PROD_SECRET}
    path.write_text(json.dumps({"version": 1, "profiles": {"prod": entry}}))


def test_a_valid_saved_payload(tmp_path: Path) -> None:
    result = invoke(
        ["webhooks", "verify", _save(tmp_path, BODY), "--signature", sign(BODY, CLIENT_SECRET)]
    )
    assert result.exit_code == 0, result.stderr
    assert "CONNECTION_NEEDS_UPDATE (CONNECTION)" in result.stdout
    assert "update_url https://link.example/fix" in result.stdout
    assert "valid, checked with the secret of profile default" in result.stdout
    assert CLIENT_SECRET not in result.stdout + result.stderr


def test_a_raw_http_request_with_its_header(tmp_path: Path) -> None:
    # The editor's newline after the body is beyond Content-Length: not part of the body.
    file = _save(tmp_path, _request(BODY, sign(BODY, CLIENT_SECRET)))
    result = invoke(["webhooks", "verify", file])
    assert result.exit_code == 0, result.stdout + result.stderr


def test_stdin_and_an_unknown_code() -> None:
    body = b'{"type":"WIDGET","code":"WIDGET_SPUN","connection_id":"c","extra":1}'
    result = invoke(
        ["webhooks", "verify", "-", "--signature", sign(body, CLIENT_SECRET)], input=body.decode()
    )
    assert result.exit_code == 0
    assert "WIDGET_SPUN (unknown code) (WIDGET)" in result.stdout
    assert "fields: extra" in result.stdout


def test_missing_header_exits_11(tmp_path: Path) -> None:
    result = invoke(["webhooks", "verify", _save(tmp_path, _request(BODY, None))])
    assert result.exit_code == 11
    assert "INVALID (missing)" in result.stdout and "no X-Rutter-Signature" in result.stdout
    assert result.stderr.startswith("error: the webhook signature is invalid (missing)")


def test_malformed_header(tmp_path: Path) -> None:
    result = invoke(["webhooks", "verify", _save(tmp_path, BODY), "--signature", "sha256=%%%"])
    assert result.exit_code == 11
    assert "INVALID (malformed)" in result.stdout and "not base64" in result.stdout


def test_hex_digest_is_explained(tmp_path: Path) -> None:
    hexed = hmac.new(CLIENT_SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    result = invoke(["webhooks", "verify", _save(tmp_path, BODY), "--signature", hexed])
    assert result.exit_code == 11
    assert "INVALID (hex)" in result.stdout
    assert "Rutter sends base64 of the raw HMAC-SHA256 bytes" in result.stdout


def test_reserialised_body_is_explained(tmp_path: Path) -> None:
    mine = sign(json.dumps(json.loads(BODY), sort_keys=True).encode(), CLIENT_SECRET)
    result = invoke(["webhooks", "verify", _save(tmp_path, BODY), "--signature", mine])
    assert result.exit_code == 11
    assert "INVALID (reserialized)" in result.stdout
    assert "keys sorted, not the raw bytes" in result.stdout


def test_another_profiles_secret_is_named(tmp_path: Path) -> None:
    _store_prod_profile()
    result = invoke(
        ["webhooks", "verify", _save(tmp_path, BODY), "--signature", sign(BODY, PROD_SECRET)]
    )
    assert result.exit_code == 11
    assert "INVALID (other-secret)" in result.stdout
    assert "use --profile prod" in result.stdout
    assert PROD_SECRET not in result.stdout + result.stderr


def test_tampered_body(tmp_path: Path) -> None:
    header = sign(BODY, CLIENT_SECRET)
    tampered = BODY.replace(b"fix", b"phish")
    result = invoke(["webhooks", "verify", _save(tmp_path, tampered), "--signature", header])
    assert result.exit_code == 11 and "INVALID (mismatch)" in result.stdout


def test_a_body_that_is_not_json_is_still_verified(tmp_path: Path) -> None:
    body = b"plain text"
    result = invoke(
        ["webhooks", "verify", _save(tmp_path, body), "--signature", sign(body, CLIENT_SECRET)]
    )
    assert result.exit_code == 0
    assert "event:" in result.stdout and "not JSON" in result.stdout


def test_without_a_secret_exit_4(tmp_path: Path) -> None:
    result = invoke(["webhooks", "verify", _save(tmp_path, BODY), "--signature", "x"], env={})
    assert result.exit_code == 4
    assert "no client secret for profile 'default'" in result.stderr


def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(["webhooks", "verify", str(tmp_path / "nope")], env=CREDS)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot read")


def test_a_terminal_on_stdin_is_refused_rather_than_waited_on() -> None:
    master, slave = pty.openpty()
    try:
        result = subprocess.run(
            [str(Path(sys.executable).parent / "rutterctl"), "webhooks", "verify"],
            stdin=slave,
            capture_output=True,
            text=True,
            env={**os.environ, **CREDS},
            timeout=30,
        )
    finally:
        os.close(master)
        os.close(slave)
    assert result.returncode == 2
    assert result.stderr.startswith("error: no FILE given, and stdin is a terminal")


def test_a_saved_chunked_request_is_dechunked(tmp_path: Path) -> None:
    """A capture of a chunked POST: the body is the chunks joined (the bytes Rutter signed),
    not the framing; a broken framing is a usage error, not a verdict."""
    head = (
        "POST /webhooks HTTP/1.1\r\nHost: example\r\nTransfer-Encoding: chunked\r\n"
        f"X-Rutter-Signature: {sign(BODY, CLIENT_SECRET)}\r\n\r\n"
    ).encode()
    chunks = b"20;ext=1\r\n" + BODY[:32] + b"\r\n" + f"{len(BODY) - 32:x}\r\n".encode()
    chunks += BODY[32:] + b"\r\n0\r\nX-Trailer: t\r\n\r\n"
    result = invoke(["webhooks", "verify", _save(tmp_path, head + chunks)])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "valid, checked with the secret of profile default" in result.stdout
    cut = invoke(["webhooks", "verify", _save(tmp_path, head + chunks[:40], "cut")])
    assert cut.exit_code == 2
    assert cut.stderr.startswith("error: cannot read the request in ")
    assert "ends inside a chunk" in cut.stderr

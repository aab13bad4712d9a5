"""The HTTP client: Basic auth, version header, pacing, retries, classification, debug trace."""

from __future__ import annotations

import ipaddress
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from rutterctl import __version__
from rutterctl.api.errors import classify, is_definitive
from rutterctl.api.pacing import Pacer
from rutterctl.api.retry import RetryPolicy, is_retryable_status, parse_retry_after
from rutterctl.errors import ApiError, CredentialsMissing, Unavailable, UsageError
from rutterctl.secrets import Secret, mask, redact

Transport = httpx.BaseTransport
REQUEST_ID_HEADER = "X-Rutter-Request-ID"


@dataclass(frozen=True)
class ClientConfig:
    base_url: str
    api_version: str
    client_id: str | None
    client_secret: Secret | None
    timeout: float = 30.0
    connect_timeout: float = 5.0
    rate_limit: int = 500
    rate_window: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def _ignore(_: str) -> None:
    return None


@dataclass
class Hooks:
    """Side effects, injectable so tests run with a fake clock and see every announcement."""

    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    rng: random.Random = field(default_factory=random.Random)
    on_retry: Callable[[str], None] = _ignore  # one line per retry, for stderr
    trace: Callable[[str], None] | None = None  # the --debug trace, already redacted
    # A `monotonic` instant past which no retry is started (wait-ready's --timeout): the
    # error that would have been retried is raised instead, with its code and request id.
    deadline: float | None = None


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class RutterClient:
    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: Transport | None = None,
        hooks: Hooks | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        parts = urlsplit(config.base_url)
        if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
            raise UsageError(
                f"refusing to send credentials over plain http to {parts.hostname}",
                hint="use an https:// base URL; plain http is only allowed to a loopback address",
            )
        self.config = config
        self.hooks = hooks or Hooks()
        self.pacer = pacer or Pacer(
            config.rate_limit,
            config.rate_window,
            monotonic=self.hooks.monotonic,
            sleep=self.hooks.sleep,
        )
        self._prefix = parts.path.rstrip("/")
        self._http = httpx.Client(
            base_url=config.base_url.rstrip("/"),
            transport=transport,
            timeout=httpx.Timeout(config.timeout, connect=config.connect_timeout),
            headers={
                "X-Rutter-Version": config.api_version,
                "User-Agent": f"rutterctl/{__version__}",
                "Accept": "application/json",
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RutterClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _auth(self) -> httpx.BasicAuth:
        cfg = self.config
        if not cfg.client_id or cfg.client_secret is None:
            raise CredentialsMissing(
                "no Rutter credentials found",
                hint="run `rutterctl auth login` or set RUTTER_CLIENT_ID and RUTTER_CLIENT_SECRET",
            )
        return httpx.BasicAuth(cfg.client_id, cfg.client_secret.reveal())

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET a JSON document, retrying what is worth retrying, raising classified errors."""
        return self.get_reply(path, params).body

    def get_reply(self, path: str, params: Mapping[str, str] | None = None) -> Reply:
        """Like `get`, keeping the status and request id so that a caller that cannot use the
        body (an unexpected shape) can still name the request id in its error."""
        auth = self._auth()
        policy = self.config.retry
        query = {k: v for k, v in (params or {}).items() if v is not None}
        shown = self._shown(path, query)
        self._trace_request(shown)
        waited = 0.0
        attempt = 1
        while True:
            self.pacer.acquire()
            outcome = self._attempt(path, query, auth, shown)
            if not isinstance(outcome, _Retry):
                return outcome
            if attempt >= policy.max_attempts:
                self._trace(f"giving up after {attempt} attempts")
                raise outcome.error
            honoured = outcome.retry_after is not None
            delay = (
                outcome.retry_after
                if outcome.retry_after is not None
                else policy.backoff(attempt, self.hooks.rng)
            )
            if waited + delay > policy.budget:
                self._trace(
                    f"retry budget spent: waiting {delay:.1f}s more exceeds {policy.budget:g}s"
                )
                if honoured and outcome.error.hint is None:
                    # Otherwise "after retries" would be all the user learns, even when Rutter
                    # asked for a wait longer than the budget before any retry was made.
                    outcome.error.hint = (
                        f"Rutter asked to wait {delay:.0f}s before retrying, more than the "
                        f"{policy.budget:g}s retry budget allows; try again later"
                    )
                raise outcome.error
            if self.hooks.deadline is not None and (
                self.hooks.monotonic() + delay > self.hooks.deadline
            ):
                self._trace(f"not retried: waiting {delay:.1f}s would pass the deadline")
                hint = f"the next retry, in {delay:.0f}s, would pass the deadline"
                outcome.error.hint = f"{outcome.error.hint}; {hint}" if outcome.error.hint else hint
                raise outcome.error
            self.hooks.on_retry(
                f"retrying GET {path} in {delay:.1f}s ({outcome.reason}"
                f"{'; Retry-After honoured' if honoured else ''}; "
                f"attempt {attempt + 1} of {policy.max_attempts})"
            )
            self.hooks.sleep(delay)
            waited += delay
            attempt += 1

    def _attempt(
        self, path: str, query: Mapping[str, str], auth: httpx.BasicAuth, shown: str
    ) -> Reply | _Retry:
        """One request: its body, a retryable failure, or a raised definitive error."""
        started = self.hooks.monotonic()
        try:
            with self._http.stream("GET", path, params=query, auth=auth) as response:
                content = _read(response)
        except httpx.TransportError as exc:
            self._trace(f"GET {shown} -> {type(exc).__name__} after {self._ms(started)} ms")
            host = urlsplit(self.config.base_url).hostname
            error = Unavailable(
                f"could not reach Rutter at {host} ({type(exc).__name__})",
                hint="check the network and the base URL, then try again",
            )
            return _Retry(error, type(exc).__name__, None)
        request_id = response.headers.get(REQUEST_ID_HEADER)
        status = response.status_code
        self._trace(
            f"GET {shown} -> {status} in {self._ms(started)} ms (request id {request_id or 'none'})"
        )
        body, readable = _parse(content)
        ok = 200 <= status < 300
        if ok and readable:
            return Reply(body, status, request_id)
        retry_after = parse_retry_after(response.headers.get("Retry-After"), self.hooks.now())
        if ok:  # a 2xx whose body is not JSON: an HTML proxy page, a truncated document
            error = Unavailable(
                f"Rutter answered with a body that is {_unreadable(response, content)}",
                status=status,
                request_id=request_id,
                hint="a proxy or an outage may be in the way; try again shortly",
            )
            return _Retry(error, "unreadable body", retry_after)
        classified = classify(status, body if readable else None, request_id)
        if is_definitive(body):
            if is_retryable_status(status):
                self._trace(f"not retried: {classified.error_code} does not change with a retry")
            raise classified
        if not is_retryable_status(status):
            raise classified
        return _Retry(classified, f"HTTP {status}", retry_after)

    def _shown(self, path: str, query: Mapping[str, str]) -> str:
        shown = f"{self._prefix}{path}"
        if query:
            pairs = [
                f"{k}={mask(v) if k == 'access_token' else v}" for k, v in sorted(query.items())
            ]
            shown += "?" + "&".join(pairs)
        return shown

    def _trace_request(self, shown: str) -> None:
        secret = self.config.client_secret
        self._trace(
            f"request GET {shown} headers: Authorization: Basic ****, "
            f"X-Rutter-Version: {self.config.api_version}"
            + (
                f" (client id {mask(self.config.client_id or '')}, secret {secret})"
                if secret is not None
                else ""
            )
        )

    def _trace(self, line: str) -> None:
        if self.hooks.trace is not None:
            self.hooks.trace(redact(line))

    def _ms(self, started: float) -> int:
        return round((self.hooks.monotonic() - started) * 1000)


@dataclass(frozen=True)
class Reply:
    """A successful answer: the parsed JSON body, the HTTP status and Rutter's request id."""

    body: Any
    status: int
    request_id: str | None


@dataclass(frozen=True)
class _Retry:
    error: ApiError
    reason: str
    retry_after: float | None


def _read(response: httpx.Response) -> bytes | None:
    """The body, or None when its content encoding cannot be undone (a truncated gzip
    stream, say): an unreadable body like any other, not an unexpected error."""
    try:
        return response.read()
    except httpx.DecodingError:
        return None


def _parse(content: bytes | None) -> tuple[Any, bool]:
    if content is None:
        return None, False
    try:
        return json.loads(content), True
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        return None, False


def _unreadable(response: httpx.Response, content: bytes | None) -> str:
    kind = response.headers.get("content-type") or "no content type"
    if content is None:
        encoding = response.headers.get("content-encoding") or "unknown"
        return f"not JSON ({kind}; its {encoding} content encoding could not be decoded)"
    return f"not JSON ({kind}, {len(content)} bytes)"

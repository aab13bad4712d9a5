"""The HTTP client: Basic auth, version header, pacing, retries, classification, debug trace.

Everything a server sends is bounded (`rutterctl.api.limits`): the decoded body size, the
time for the whole request (connect, headers and body), and the shape of its JSON. Passing a
bound is an `Unavailable` error naming the limit, retried like a 5xx.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx

from rutterctl import __version__
from rutterctl.api import limits
from rutterctl.api.errors import classify, is_definitive, no_answer
from rutterctl.api.network import is_loopback
from rutterctl.api.pacing import PacedPastDeadline, Pacer
from rutterctl.api.retry import RetryPolicy, is_retryable_status, parse_retry_after
from rutterctl.errors import (
    ApiError,
    CredentialsMissing,
    CredentialsRejected,
    Unavailable,
    UsageError,
)
from rutterctl.secrets import Secret, mask, redact, register_credentials

Transport = httpx.BaseTransport
REQUEST_ID_HEADER = "X-Rutter-Request-ID"


class ClientConfig(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """Where and how to reach Rutter: base URL, version, credentials, timeouts, limits."""

    base_url: str
    api_version: str
    client_id: str | None
    client_secret: Secret | None
    timeout: float = 30.0  # the read timeout: the longest silence between two reads
    connect_timeout: float = 5.0
    rate_limit: int = 500
    rate_window: float = 10.0
    retry: RetryPolicy = RetryPolicy()
    request_timeout: float = 120.0  # one request in all: connect, headers and body
    max_body: int = limits.DEFAULT_MAX_BODY  # decoded bytes
    ca_bundle: str | None = None  # a private CA (PEM file or hashed directory), for https
    # For the proxy (HTTPS_PROXY, NO_PROXY...) and SSL_CERT_FILE / SSL_CERT_DIR.
    environ: Mapping[str, str] = MappingProxyType({})


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
    # access token Rutter rejected -> the token to retry with once, or None (see get_reply).
    refresh_token: Callable[[str], str | None] | None = None


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
        if not config.api_version.isprintable():  # CR/LF would split the header
            raise UsageError(
                f"the X-Rutter-Version header value {config.api_version!r} holds control "
                "characters",
                hint="set RUTTER_API_VERSION (or the profile's api_version) to a date "
                "like 2023-03-14",
            )
        if config.client_id and config.client_secret is not None:
            register_credentials(config.client_id, config.client_secret.reveal())
        if transport is None:
            from rutterctl.api import network

            transport = network.transport(
                config.base_url, config.environ, ca_bundle=config.ca_bundle
            )
        self.config = config
        self.hooks = hooks or Hooks()
        # access token Rutter rejected -> the one refresh_token named instead (wait-ready,
        # watch and check poll with the token they resolved; each poll would cost a 401).
        self._rotated: dict[str, str] = {}
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
                "Accept-Encoding": limits.ACCEPT_ENCODING,  # what limits.py can undo, bounded
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

    def get_reply(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        loads: Callable[[bytes], Any] | None = None,
    ) -> Reply:
        """Like `get`, keeping the status and request id so that a caller that cannot use the
        body (an unexpected shape) can still name the request id in its error. `loads`: the
        JSON parser for the body (fetch's pages keep numbers as sent), json.loads by default."""
        token = (params or {}).get("access_token")
        if token in self._rotated:  # rejected before: poll with the current one at once
            params = {**(params or {}), "access_token": self._rotated[token]}
        try:
            return self._get_reply(path, params, loads)
        except CredentialsRejected:
            # An access token from a cache can have been invalidated and rotated: the hook
            # looks the connection up once more and names the token to retry with, if any.
            token = (params or {}).get("access_token")
            refresh = self.hooks.refresh_token
            fresh = refresh(token) if token and refresh is not None else None
            if fresh is None or not token:
                raise
            self._rotated[token] = fresh
            return self._get_reply(path, {**(params or {}), "access_token": fresh}, loads)

    def _get_reply(
        self, path: str, params: Mapping[str, str] | None, loads: Callable[[bytes], Any] | None
    ) -> Reply:
        auth = self._auth()
        policy = self.config.retry
        query = {k: v for k, v in (params or {}).items() if v is not None}
        _check_text(query)
        shown = self._shown(path, query)
        self._trace_request(shown)
        waited = 0.0
        attempt = 1
        while True:
            try:
                with self.pacer.request(self.hooks.deadline):  # held until the answer is read
                    outcome = self._attempt(path, query, auth, shown, loads)
            except PacedPastDeadline as late:
                raise _paced_past(late) from None
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
                if outcome.reason != "deadline passed":  # that one says so itself
                    hint = f"the next retry, in {delay:.0f}s, would pass the deadline"
                    old = outcome.error.hint
                    outcome.error.hint = f"{old}; {hint}" if old else hint
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
        self,
        path: str,
        query: Mapping[str, str],
        auth: httpx.BasicAuth,
        shown: str,
        loads: Callable[[bytes], Any] | None = None,
    ) -> Reply | _Retry:
        """One request: its body, a retryable failure, or a raised definitive error."""
        from rutterctl.api import network

        clock = self.hooks.monotonic
        started = clock()
        deadline = started + self.config.request_timeout
        # The command's deadline (wait-ready --timeout) bounds a request started before it; one
        # the command chose to make at or past it (a last poll) has its own timeout only.
        commanded = self.hooks.deadline is not None and started < self.hooks.deadline < deadline
        if commanded:
            assert self.hooks.deadline is not None
            deadline = self.hooks.deadline
        # Real sockets are bounded on the real clock; the hooks' clock may be a test's.
        real_deadline = time.monotonic() + max(0.0, deadline - started)
        network.set_deadline(real_deadline)
        try:
            with self._http.stream("GET", path, params=query, auth=auth) as response:
                # A transport that builds the whole response (httpx.MockTransport) has had
                # httpx decode it already; a network or WSGI one streams it raw.
                whole = response.is_stream_consumed
                content: bytes | None = limits.read_bounded(
                    [response.content] if whole else response.iter_raw(),
                    None if whole else response.headers.get("content-encoding"),
                    limit=self.config.max_body,
                    expired=lambda: clock() >= deadline,
                    declared=None if whole else response.headers.get("content-length"),
                )
        except limits.Undecodable as exc:
            content, undecodable = None, str(exc)
        except (limits.TooLarge, limits.TooSlow, httpx.TransportError) as exc:
            return self._failed(exc, shown, started, real_deadline, commanded)
        else:
            undecodable = ""
        finally:
            network.set_deadline(None)
        request_id = response.headers.get(REQUEST_ID_HEADER)
        status = response.status_code
        self._trace(
            f"GET {shown} -> {status} in {self._ms(started)} ms (request id {request_id or 'none'})"
        )
        why: str | None = undecodable
        body: Any = None
        if content is not None:
            body, why = limits.parse_json(content, loads)
        readable = why is None
        ok = 200 <= status < 300
        if ok and readable:
            return Reply(body, status, request_id)
        retry_after = parse_retry_after(response.headers.get("Retry-After"), self.hooks.now())
        if ok:  # a 2xx whose body is not JSON: an HTML proxy page, a truncated document
            error = Unavailable(
                f"Rutter answered with a body that is {_unreadable(response, content, why)}",
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

    def _failed(
        self, exc: Exception, shown: str, started: float, real_deadline: float, commanded: bool
    ) -> _Retry:
        """A request that got no usable answer: unreachable, too slow or too large."""
        self._trace(f"GET {shown} -> {type(exc).__name__} after {self._ms(started)} ms")
        # A socket timeout is a real-time event: compare with the real clock.
        late = isinstance(exc, limits.TooSlow) or (
            isinstance(exc, httpx.TimeoutException) and time.monotonic() >= real_deadline - 0.05
        )
        cfg = self.config
        error, reason = no_answer(
            exc,
            host=urlsplit(cfg.base_url).hostname or "",
            late="command" if late and commanded else "request" if late else None,
            max_body=cfg.max_body,
            request_timeout=cfg.request_timeout,
            read_timeout=cfg.timeout,
        )
        return _Retry(error, reason, None)

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


# Reply and _Retry are plain records made per request: a NamedTuple class costs ~50 us to
# create at import, a frozen dataclass ~300 us (3.11 compiles each of its six methods).
class Reply(NamedTuple):
    """A successful answer: the parsed JSON body, the HTTP status and Rutter's request id."""

    body: Any
    status: int
    request_id: str | None


class _Retry(NamedTuple):
    """A failed attempt worth another: the error, why, and the server's Retry-After."""

    error: ApiError
    reason: str
    retry_after: float | None


def _paced_past(late: PacedPastDeadline) -> Unavailable:
    """The pace (RUTTERCTL_RATE_LIMIT) leaves no room for this request before the command's
    deadline: said as that, not as a retry, and raised at once rather than waited for."""
    from rutterctl.domain.fleet import DeadlineReached

    return DeadlineReached(
        f"at the pace of {late.limit} request{'s' * (late.limit != 1)} per {late.window:g}s "
        f"the next request could start only in {late.delay:.1f}s, after the --timeout deadline",
        hint="give a longer --timeout, or a faster rate_limit / RUTTERCTL_RATE_LIMIT if the "
        "organisation's limit allows it",
    )


def _unreadable(response: httpx.Response, content: bytes | None, why: str | None) -> str:
    kind = response.headers.get("content-type") or "no content type"
    if content is None:
        return f"not JSON ({kind}; {why})"
    return f"{why or 'not JSON'} ({kind}, {len(content)} bytes)"


def _check_text(query: Mapping[str, str]) -> None:
    """A value from the command line that is not UTF-8 (bytes the shell passed through, kept
    as surrogates by Python) cannot be sent: a usage error, not an unexpected one."""
    for key, value in query.items():
        if value.isascii():
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            shown = "" if key == "access_token" else f" {value!r}"
            raise UsageError(
                f"the {key} value{shown} is not UTF-8 text", hint="pass it as Rutter gave it"
            ) from None

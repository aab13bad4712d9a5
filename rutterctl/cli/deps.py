"""The one dependency object, built in the root callback and injectable in tests.

Like gh's factory and httpie's Environment: streams, TTY flags, the environment, the clock,
sleep and the HTTP transport all come from here, so a test swaps the transport and the clock
and asserts the exact output. Heavy imports happen inside the methods that need them.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from rutterctl.secrets import redact

if TYPE_CHECKING:
    from rutterctl.api.client import RutterClient
    from rutterctl.api.gateway import HttpGateway
    from rutterctl.config.settings import Settings
    from rutterctl.domain.resolve import ResolvedConnection


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    # None means "the process's stream at the time of use", so CliRunner's capture works.
    stdout: TextIO | None = None
    stderr: TextIO | None = None
    stdout_tty: bool | None = None
    stderr_tty: bool | None = None
    transport: Any = None  # an httpx.BaseTransport; Any keeps httpx out of start-up
    now: Callable[[], datetime] = _utcnow
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    debug: bool = False
    _settings: Settings | None = field(default=None, init=False, repr=False)
    _client: RutterClient | None = field(default=None, init=False, repr=False)

    # -- streams -------------------------------------------------------------------------
    @property
    def out(self) -> TextIO:
        return self.stdout if self.stdout is not None else sys.stdout

    @property
    def err(self) -> TextIO:
        return self.stderr if self.stderr is not None else sys.stderr

    @property
    def out_is_tty(self) -> bool:
        return self.stdout_tty if self.stdout_tty is not None else _isatty(self.out)

    @property
    def err_is_tty(self) -> bool:
        return self.stderr_tty if self.stderr_tty is not None else _isatty(self.err)

    @property
    def color(self) -> bool:
        from rutterctl.config.settings import no_color

        return self.out_is_tty and not no_color(self.environ)

    def warn(self, message: str) -> None:
        """One line on stderr, secrets redacted."""
        self.err.write(redact(f"{message}\n"))
        self.err.flush()

    def trace(self, message: str) -> None:
        if self.debug:
            self.warn(f"debug: {message}")

    # -- services ------------------------------------------------------------------------
    def settings(self) -> Settings:
        if self._settings is None:
            from rutterctl.config.settings import load_settings

            self._settings = load_settings(self.environ)
        return self._settings

    def client(self) -> RutterClient:
        if self._client is None:
            from rutterctl.api.client import ClientConfig, Hooks, RutterClient

            s = self.settings()
            creds = s.credentials
            config = ClientConfig(
                base_url=s.base_url,
                api_version=s.api_version,
                client_id=creds.client_id if creds else None,
                client_secret=creds.client_secret if creds else None,
                timeout=s.timeout,
                rate_limit=s.rate_limit,
                rate_window=s.rate_window,
            )
            hooks = Hooks(
                monotonic=self.monotonic,
                sleep=self.sleep,
                now=self.now,
                rng=self.rng,
                on_retry=self.warn,
                trace=self.trace if self.debug else None,
            )
            self._client = RutterClient(config, transport=self.transport, hooks=hooks)
        return self._client

    def gateway(self) -> HttpGateway:
        from rutterctl.api.gateway import HttpGateway

        return HttpGateway(self.client())

    def resolve(self, name: str) -> ResolvedConnection:
        """CONNECTION argument -> id and access token, through the cache."""
        from rutterctl.config.cache import FileConnectionCache
        from rutterctl.domain.resolve import resolve_connection

        s = self.settings()
        client_id = s.credentials.client_id if s.credentials else ""
        cache = FileConnectionCache.in_dir(s.cache_dir, s.base_url, client_id)
        return resolve_connection(name, self.gateway(), cache)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

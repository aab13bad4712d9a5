"""The one dependency object, built in the root callback and injectable in tests.

Like gh's factory and httpie's Environment: streams, TTY flags, the environment, the clock,
sleep and the HTTP transport all come from here, so a test swaps the transport and the clock
and asserts the exact output. Heavy imports happen inside the methods that need them.
"""

from __future__ import annotations

import io
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from rutterctl.errors import UsageError
from rutterctl.secrets import redact

if TYPE_CHECKING:
    from rutterctl.api.client import RutterClient
    from rutterctl.api.gateway import HttpGateway
    from rutterctl.cli.naming import Naming
    from rutterctl.config.settings import Settings
    from rutterctl.config.store import CredentialStore
    from rutterctl.domain.fleet import Fleet
    from rutterctl.domain.resolve import ResolvedConnection


_Output = TypeVar("_Output", bound=StrEnum)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    """What a command needs from outside: streams, environment, clock, sleep, transport."""

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
    profile: str | None = None  # --profile; None: RUTTERCTL_PROFILE, else `default`
    keyring_timeout: float = 3.0  # seconds; headless machines can hang on D-Bus
    deadline: float | None = None  # a `monotonic` instant: the client starts no retry past it
    _settings: Settings | None = field(default=None, init=False, repr=False)
    _profile: Settings | None = field(default=None, init=False, repr=False)
    _client: RutterClient | None = field(default=None, init=False, repr=False)
    _naming: Naming | None = field(default=None, init=False, repr=False)
    # Set once the command's last line is said (hush): a thread still running (a page fetched
    # ahead, a fleet's poll) cannot print a retry note after it.
    _hushed: bool = field(default=False, init=False, repr=False)
    _speaking: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def with_globals(self, *, debug: bool = False, profile: str | None = None) -> Deps:
        """The global options (`--debug`, `--profile NAME`) applied, by the root callback or the
        quick lane; a bad profile name is a UsageError."""
        from rutterctl.config.settings import debug_enabled

        self.debug = self.debug or debug or debug_enabled(self.environ)
        if profile is not None:
            from rutterctl.config.profiles import check_profile_name

            self.profile = check_profile_name(profile)
        return self

    # -- streams -------------------------------------------------------------------------
    @property
    def out(self) -> TextIO:
        """Where data goes; a UsageError when the process was started with stdout closed
        (`>&-`): the data asked for cannot be written anywhere."""
        stream = self._stdout()
        if stream is None:
            raise UsageError(
                "standard output is closed", hint="redirect it to a file, or to /dev/null"
            )
        return stream

    @property
    def err(self) -> TextIO:
        """Where warnings and errors go: nowhere when stderr was closed (`2>&-`), which must
        not make a command that works fail."""
        stream = self.stderr if self.stderr is not None else sys.stderr
        return stream if stream is not None else NOWHERE

    def flush(self) -> None:
        """Flush stdout if there is one (a command may have written nothing to a closed one)."""
        stream = self._stdout()
        if stream is not None:
            stream.flush()

    def _stdout(self) -> TextIO | None:
        """The injected stdout, else the process's at the time of use (None when the process
        was started with it closed)."""
        return self.stdout if self.stdout is not None else sys.stdout

    @property
    def out_is_tty(self) -> bool:
        """Never raises: a closed stdout is no terminal (`fetch --output FILE >&-` works)."""
        if self.stdout_tty is not None:
            return self.stdout_tty
        stream = self._stdout()
        return stream is not None and _isatty(stream)

    @property
    def err_is_tty(self) -> bool:
        return self.stderr_tty if self.stderr_tty is not None else _isatty(self.err)

    @property
    def color(self) -> bool:
        from rutterctl.config.settings import no_color

        return self.out_is_tty and not no_color(self.environ)

    def warn(self, message: str, *, lines: bool = False, last: bool = False) -> None:
        """One line on stderr, secrets redacted and control characters escaped (it may quote
        Rutter, a proxy, a file or the environment): a line break from outside (an error_code
        of "X\nerror: ...") shows as `\n` too. `lines`: a text meant to span lines (a
        --debug traceback). `last`: the command's last line (the error boundary's); nothing
        is printed after it (see hush)."""
        from rutterctl.render.plain import printable, printable_lines

        safe = printable_lines if lines else printable
        line = safe(redact(message)) + "\n"
        with self._speaking:
            if not self._hushed:
                self.err.write(line)
                self.err.flush()
            self._hushed = self._hushed or last

    def hush(self) -> None:
        """The command has said its last line: nothing more goes to stderr (the error boundary
        calls it when the run ends; a line being written is finished first)."""
        with self._speaking:
            self._hushed = True

    def trace(self, message: str) -> None:
        if self.debug:
            self.warn(f"debug: {message}")

    # -- services ------------------------------------------------------------------------
    def settings(self) -> Settings:
        if self._settings is None:
            from rutterctl.config.settings import load_settings

            self._settings = load_settings(
                self.environ,
                profile=self.profile,
                store=self.credential_store,  # made only if the environment has no credentials
                warn=self.warn,
            )
        return self._settings

    def profile_settings(self) -> Settings:
        """The settings without credentials: enough for output formats and headers, and it
        never asks a keyring (which can hang) just to choose how to print."""
        if self._settings is not None:
            return self._settings
        if self._profile is None:
            from rutterctl.config.settings import load_settings

            self._profile = load_settings(
                self.environ, profile=self.profile, with_credentials=False
            )
        return self._profile

    def credential_store(self) -> CredentialStore:
        """Stored credentials: the OS keyring (behind `keyring_timeout`), else a 0600 file."""
        from rutterctl.config.store import CredentialStore

        return CredentialStore.for_environ(self.environ, timeout=self.keyring_timeout)

    def default_output(self, choices: Iterable[str]) -> str | None:
        """The configured default output format (RUTTERCTL_OUTPUT, else the profile's `output`)
        when this command offers it among `choices`; None otherwise."""
        configured = self.profile_settings().output
        if configured is None:
            return None
        if configured in set(choices):
            return configured
        self.trace(f"default output {configured!r} is not offered here; using the command's")
        return None

    def choose_output(self, given: str | None, fallback: _Output) -> _Output:
        """`-o` when given (one of the values of `fallback`'s enum), else the configured
        default if the command offers it, else `fallback`."""
        kind = type(fallback)
        if given is not None:
            return kind(given)
        configured = self.default_output(member.value for member in kind)
        return kind(configured) if configured is not None else fallback

    def context_label(self) -> str:
        """Which profile and environment answer, e.g. `profile prod · production`."""
        return self.profile_settings().label

    def client(self) -> RutterClient:
        if self._client is None:
            from rutterctl.api.client import ClientConfig, Hooks, RutterClient
            from rutterctl.api.pacing import Pacer
            from rutterctl.config.pacing_state import FileSlots

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
                request_timeout=s.request_timeout,
                max_body=s.max_body,
                ca_bundle=s.ca_bundle,
                environ=self.environ,
            )
            hooks = Hooks(
                monotonic=self.monotonic,
                sleep=self.sleep,
                now=self.now,
                rng=self.rng,
                on_retry=self.warn,
                trace=self.trace if self.debug else None,
                deadline=self.deadline,
                refresh_token=self.naming().refresh_token,
            )
            # Pacing shared by every rutterctl process of this organisation on the machine.
            shared = FileSlots.for_organisation(
                s.cache_dir, s.base_url, config.client_id or "", trace=hooks.trace
            )
            pacer = Pacer(
                s.rate_limit,
                s.rate_window,
                monotonic=self.monotonic,
                sleep=self.sleep,
                shared=shared,
            )
            self._client = RutterClient(config, transport=self.transport, hooks=hooks, pacer=pacer)
        return self._client

    def gateway(self) -> HttpGateway:
        from rutterctl.api.gateway import HttpGateway

        return HttpGateway(self.client())

    def fleet(self, *, workers: int | None = None) -> Fleet:
        """The fleet scheduler (rutterctl.domain.fleet) for this run: the injected clock and
        sleep, the organisation's budget from the settings, the command's deadline."""
        from rutterctl.domain.fleet import DEFAULT_WORKERS, Budget, Fleet

        s = self.settings()
        return Fleet(
            monotonic=self.monotonic,
            sleep=self.sleep,
            workers=workers or DEFAULT_WORKERS,
            budget=Budget(s.rate_limit, s.rate_window),
            deadline=self.deadline,
        )

    def naming(self) -> Naming:
        """Resolution of CONNECTION arguments for this run (rutterctl.cli.naming)."""
        if self._naming is None:
            from rutterctl.cli.naming import Naming

            self._naming = Naming(self)
        return self._naming

    def resolve(self, name: str) -> ResolvedConnection:
        """CONNECTION argument -> id and access token: an alias of this base URL, an id, an
        access token or a store domain (the caches first, then Rutter)."""
        return self.naming().resolve(name)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class _Nowhere(io.StringIO):
    """A stream that keeps nothing."""

    def write(self, text: str) -> int:
        return len(text)


# Where stderr's lines go when the process was started without one (`2>&-`).
NOWHERE = _Nowhere()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

"""Hints say the command the user can copy: the connection as they typed it, the profile when
it is not the default, the real link_url.

Errors raised below the CLI carry generic hints ("`rutterctl reasons CONNECTION`"); the
commands that take a CONNECTION run inside `naming(...)`, which puts the real values in, and
the error boundary (cli/app.py) adds `--profile NAME` to every hint's command.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rutterctl.errors import ConnectionNeedsUpdate, RutterctlError

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps
    from rutterctl.domain.resolve import ResolvedConnection

# A command in backquotes that does not name a profile yet (`auth login --profile prod` does).
_COMMAND = re.compile(r"`rutterctl (?![^`]*--profile\b)")


def shown_name(typed: str, resolved: ResolvedConnection) -> str:
    """The connection as hints name it: what the user typed (an alias, an id), except an
    access token, which is a secret: then its connection id."""
    typed = typed.strip()
    return resolved.connection_id if typed == resolved.access_token else typed


def command_prefix(deps: Deps) -> str:
    """How a hint's command starts: `rutterctl`, or `rutterctl --profile prod` when another
    profile than the default is selected, so the command can be pasted as it is."""
    profile = deps.profile_settings().profile
    return "rutterctl" if profile == "default" else f"rutterctl --profile {shlex.quote(profile)}"


def with_profile(text: str, profile: str | None) -> str:
    """`rutterctl X` in a hint as `rutterctl --profile NAME X`, off the default profile."""
    if not profile or profile == "default":
        return text
    return _COMMAND.sub(f"`rutterctl --profile {shlex.quote(profile)} ", text)


def fill(text: str, connection: str) -> str:
    """CONNECTION in a hint's command replaced by the connection as typed (shell-quoted)."""
    return text.replace("CONNECTION", shlex.quote(connection))


@contextmanager
def naming(connection: str, link_url: Callable[[], str | None] | None = None) -> Iterator[None]:
    """Errors raised inside name `connection` in their hints; a needs-update error also gets
    the merchant's link_url, read with `link_url()` (one more request, only then)."""
    try:
        yield
    except ConnectionNeedsUpdate as exc:
        url = _quietly(link_url) if exc.hint and "link_url" in exc.hint else None
        if exc.hint and url:
            exc.hint = exc.hint.replace("the connection's link_url", url)
        exc.hint = fill(exc.hint, connection) if exc.hint else None
        raise
    except RutterctlError as exc:
        exc.hint = fill(exc.hint, connection) if exc.hint else None
        raise


def _quietly(read: Callable[[], str | None] | None) -> str | None:
    """The link_url if it can be read; the original error matters more than a second one."""
    if read is None:
        return None
    try:
        return read()
    except RutterctlError:
        return None


def unknown_code_note(what: str, code: str) -> str | None:
    """A webhook code close to one Rutter documents is likely a typo: the note that says so
    (it is still used as given, since newer codes keep coming); None for a known code or one
    close to none."""
    import difflib

    from rutterctl.domain.webhooks import KNOWN_CODES

    near = difflib.get_close_matches(code, sorted(KNOWN_CODES), n=1)
    if code in KNOWN_CODES or not near:
        return None
    return f"note: {what} {code} is not a code Rutter documents; did you mean {near[0]}?"

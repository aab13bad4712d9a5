"""What the entry point answers without importing the CLI framework.

Importing typer alone costs about 5x a bare interpreter start (bench/startup.py), so the
answers that need none of it are given here: `--version`, the root `--help`, and the bash
completion of the first word (the command names) that the shell asks for on every TAB.
Everything else, and anything unusual (a narrow terminal, another shell, an option), returns
False and goes to typer as before. The outputs are typer's own: the root help is generated
from the app (`root_help.py`, by scripts/gen-reference, checked by scripts/check-generated),
and tests/cli/test_fast.py compares every answer with what typer prints.
"""

from __future__ import annotations

import os
import sys

# Not `typing.TYPE_CHECKING`: importing typing (and the re it imports) would cost --version
# more than all the rest of it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO

# click wraps help to min(terminal columns, 80) - 2; the generated text is that of 80 or more.
HELP_COLUMNS = 80


def answer(argv: list[str], environ: Mapping[str, str], out: TextIO) -> bool:
    """Write the answer to `argv` and return True, or return False to let typer answer."""
    if argv == ["--version"]:
        from rutterctl import __version__

        out.write(f"rutterctl {__version__}\n")
        return True
    if argv in (["--help"], ["-h"]) and "_RUTTERCTL_COMPLETE" not in environ:
        if _columns(environ) < HELP_COLUMNS:
            return False
        from rutterctl.cli.root_help import ROOT_HELP

        out.write(ROOT_HELP)
        return True
    if not argv and environ.get("_RUTTERCTL_COMPLETE") == "complete_bash":
        names = _first_word(environ)
        if names is None:
            return False
        out.write("\n".join(names) + "\n")
        return True
    return False


def _first_word(environ: Mapping[str, str]) -> list[str] | None:
    """The command names completing the first word, or None when it is not the first word
    or not a plain command-name prefix (options and quoting are typer's)."""
    line = environ.get("COMP_WORDS", "")
    if environ.get("COMP_CWORD") != "1" or any(c in line for c in "'\"\\"):
        return None
    # The bash script joins the words with newlines; click splits them like a shell (shlex),
    # which for words without quotes or escapes is a split at whitespace.
    words = line.split()
    incomplete = words[1] if len(words) > 1 else ""
    if incomplete and not (incomplete[0].isalnum() and _plain(incomplete)):
        return None
    from rutterctl.cli.commands import COMMANDS

    return [name for name in COMMANDS if name.startswith(incomplete)]


def _plain(word: str) -> bool:
    return all(c.isalnum() or c in "-_" for c in word) and word.isascii()


def _columns(environ: Mapping[str, str]) -> int:
    """The columns click will wrap to, found as shutil.get_terminal_size does."""
    try:
        columns = int(environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    stream = sys.__stdout__
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80 if stream else 80
    except (AttributeError, ValueError, OSError):
        return 80

"""What the entry point answers without importing the CLI framework.

Importing typer alone costs about 5x a bare interpreter start (bench/startup.py), so the
answers that need none of it are given here: `--version`, the root `--help`, and the
completion of the first word (the command names) that bash, zsh and fish ask for on every
TAB. Everything else, and anything unusual (a narrow terminal, an option, quoting, another
shell), is None and goes to typer as before. The outputs are typer's own: the root help and
the commands' short helps are generated from the app (`root_help.py`, by
scripts/gen-reference, checked by scripts/check-generated), and tests/cli/test_fast.py
compares every answer with what typer prints.
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
COMPLETE = "_RUTTERCTL_COMPLETE"


def answer(argv: list[str], environ: Mapping[str, str], out: TextIO) -> int | None:
    """Write the answer to `argv` and return the exit code, or None to let typer answer."""
    if argv == ["--version"]:
        from rutterctl import __version__

        out.write(f"rutterctl {__version__}\n")
        return 0
    if argv in (["--help"], ["-h"]) and COMPLETE not in environ:
        if _columns(environ) < HELP_COLUMNS:
            return None
        from rutterctl.cli.root_help import ROOT_HELP

        out.write(ROOT_HELP)
        return 0
    if argv or COMPLETE not in environ:
        return None
    shell = environ[COMPLETE]
    incomplete = _bash_word(environ) if shell == "complete_bash" else _args_word(environ)
    if incomplete is None or shell not in ("complete_bash", "complete_zsh", "complete_fish"):
        return None
    from rutterctl.cli.commands import COMMANDS
    from rutterctl.cli.root_help import SHORT_HELPS

    names = [name for name in COMMANDS if name.startswith(incomplete)]
    if shell == "complete_bash":
        out.write("".join(f"{name}\n" for name in names) or "\n")
    elif shell == "complete_zsh":
        rows = "\n".join(f'"{_zsh(name)}":"{_zsh(SHORT_HELPS[name])}"' for name in names)
        out.write(f"_arguments '*: :(({rows}))'\n" if names else "_files\n")
    else:
        action = environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":
            return 0 if names else 1  # arguments to complete (no files), or none
        if action != "get-args":
            return None
        # typer turns each whitespace character of a help into a space: ours have none other.
        rows = "\n".join(f"{name}\t{SHORT_HELPS[name]}" for name in names)
        out.write(f"{rows}\n")
    return 0


def _bash_word(environ: Mapping[str, str]) -> str | None:
    """The first word being completed (bash: COMP_WORDS, COMP_CWORD), or None."""
    line = environ.get("COMP_WORDS", "")
    if environ.get("COMP_CWORD") != "1" or not _plain(line):
        return None
    # The bash script joins the words with newlines; click splits them like a shell (shlex),
    # which for words without quotes or escapes is a split at whitespace.
    words = line.split()
    return _prefix(words[1] if len(words) > 1 else "")


def _args_word(environ: Mapping[str, str]) -> str | None:
    """The first word being completed (zsh, fish: the command line so far), or None."""
    line = environ.get("_TYPER_COMPLETE_ARGS", "")
    if not _plain(line):
        return None
    words = line.split()
    if len(words) == 1:
        return ""
    if len(words) == 2 and not line.endswith(" "):
        return _prefix(words[1])
    return None


def _plain(line: str) -> bool:
    """No quoting or escapes, which only shlex (typer's way) splits right."""
    return not any(c in line for c in "'\"\\")


def _prefix(word: str) -> str | None:
    """A command-name prefix, or None (an option, or anything else, is typer's)."""
    if word and not (word[0].isalnum() and word.isascii()):
        return None
    return word if all(c.isalnum() or c in "-_" for c in word) else None


def _zsh(text: str) -> str:
    """Escaped as typer escapes zsh completions."""
    for old, new in (('"', '""'), ("'", "''"), ("$", "\\$"), ("`", "\\`"), (":", "\\\\:")):
        text = text.replace(old, new)
    return text


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

"""Set up rutterctl on a fresh machine with any Python >= 3.11, in one command.

    python3 scripts/bootstrap.py demo    # install into .venv, then `rutterctl demo`
    python3 scripts/bootstrap.py test    # install with the dev tools, then the whole test suite

Only the standard library is used, so it runs before anything is installed. The virtual
environment is `.venv` in the repository (RUTTERCTL_VENV names another directory: CI points
it at a fresh temporary one). The Python running this script builds it; when `python3` is
older than 3.11, the newest python3.N >= 3.11 on PATH does instead. Extra arguments go to
the command run at the end (`test -x -q` passes `-x -q` to pytest).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMUM = (3, 11)
STEPS = {
    # what to install, then what to run with the environment's own executables
    "demo": (".", ["rutterctl", "demo"]),
    "test": (".[dev]", ["python", "-m", "pytest"]),
}


def _python() -> str:
    """This interpreter if recent enough, else the newest python3.N >= 3.11 on PATH."""
    if sys.version_info >= MINIMUM:
        return sys.executable
    for minor in range(20, MINIMUM[1] - 1, -1):
        found = shutil.which(f"python3.{minor}")
        if found:
            return found
    sys.exit(
        f"error: rutterctl needs Python {MINIMUM[0]}.{MINIMUM[1]} or newer; this is "
        f"{sys.version.split()[0]} and no python3.11+ is on PATH; install one and run again"
    )


def _run(command: list[str]) -> None:
    sys.stderr.write("+ " + " ".join(command) + "\n")
    sys.stderr.flush()
    done = subprocess.run(command, cwd=ROOT, check=False)
    if done.returncode:
        sys.exit(done.returncode)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in STEPS:
        sys.exit(f"usage: python3 scripts/bootstrap.py {{{'|'.join(STEPS)}}} [ARGS...]")
    target, command = STEPS[argv[0]]
    venv = Path(os.environ.get("RUTTERCTL_VENV") or ROOT / ".venv")
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    if not (bin_dir / "python").exists() and not (bin_dir / "python.exe").exists():
        _run([_python(), "-m", "venv", str(venv)])
    python = str(bin_dir / "python")
    _run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target])
    executable = python if command[0] == "python" else str(bin_dir / command[0])
    # Run as the installed program would be, with the environment's bin first on PATH.
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ["VIRTUAL_ENV"] = str(venv)
    _run([executable, *command[1:], *argv[1:]])


if __name__ == "__main__":
    main(sys.argv[1:])

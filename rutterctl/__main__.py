"""Entry point for the `rutterctl` console script and `python -m rutterctl`."""

import os
import sys


def main() -> None:
    # `--version`, the root `--help` and TAB on the first word are answered before Typer is
    # imported: scripts call --version in loops, the shell runs rutterctl on every TAB, and
    # the import of the CLI framework alone costs about 5x a bare interpreter start
    # (see bench/startup.py and the README's performance section).
    if sys.stdout is not None:  # None: started with stdout closed (`>&-`), typer's to handle
        from rutterctl.cli.fast import answer

        code = answer(sys.argv[1:], os.environ, sys.stdout)
        if code:
            raise SystemExit(code)  # fish asking whether there is anything to complete: no
        if code is not None:
            return
    from rutterctl import interrupts

    # SIGTERM (timeout, CI cancellation, docker stop) and SIGHUP end a run like Ctrl-C:
    # pages finished or dropped whole, files closed and valid, exit 128 + the signal.
    interrupts.install()
    try:
        # status, batches, reasons, wait-ready and fetch, when their line is plain, run
        # without typer (rutterctl.cli.quick: ~20 ms of a status run).
        from rutterctl.cli.quick import answer as quick

        code = quick(sys.argv[1:], os.environ)
        if code is not None:
            raise SystemExit(code)
        from rutterctl.cli.app import run

        run()
    except KeyboardInterrupt as exc:  # before the CLI's own boundary (still importing it)
        sys.stderr.write("interrupted\n")
        raise SystemExit(128 + getattr(exc, "signum", 2)) from None


if __name__ == "__main__":
    main()

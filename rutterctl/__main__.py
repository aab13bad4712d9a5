"""Entry point for the `rutterctl` console script and `python -m rutterctl`."""

import sys


def main() -> None:
    # `--version` is answered before Typer is imported: scripts call it in loops and the
    # import of the CLI framework alone costs several times a bare interpreter start
    # (see bench/startup.py and the README's performance section).
    if sys.argv[1:] == ["--version"]:
        from rutterctl import __version__

        sys.stdout.write(f"rutterctl {__version__}\n")
        return
    from rutterctl import interrupts

    # SIGTERM (timeout, CI cancellation, docker stop) and SIGHUP end a run like Ctrl-C:
    # pages finished or dropped whole, files closed and valid, exit 128 + the signal.
    interrupts.install()
    from rutterctl.cli.app import run

    run()


if __name__ == "__main__":
    main()

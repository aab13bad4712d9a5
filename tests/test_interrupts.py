"""Signals as exceptions: SIGTERM/SIGHUP like Ctrl-C, held in `deferred()`; ignored stays so."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from rutterctl import interrupts
from rutterctl.interrupts import Interrupted


@pytest.fixture
def installed() -> Iterator[None]:
    before = {signum: signal.getsignal(signum) for signum in interrupts.NAMES}
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    interrupts.install()
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def test_a_signal_inside_deferred_is_raised_when_the_block_ends(installed: None) -> None:
    done = []
    with pytest.raises(Interrupted) as caught, interrupts.deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        done.append("the block finished")
    assert done == ["the block finished"]
    assert (caught.value.signum, caught.value.name, caught.value.exit_code) == (15, "SIGTERM", 143)
    assert isinstance(caught.value, KeyboardInterrupt)


def test_outside_deferred_a_signal_raises_at_once(installed: None) -> None:
    with pytest.raises(Interrupted) as caught:
        os.kill(os.getpid(), signal.SIGINT)
        signal.pause()  # pragma: no cover - not reached
    assert caught.value.exit_code == 130


def test_an_ignored_signal_stays_ignored(installed: None) -> None:
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN


def test_discard_forgets_a_held_signal(installed: None) -> None:
    with interrupts.deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        interrupts.discard()  # stopping already: a second signal changes nothing

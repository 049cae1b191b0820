"""The background commands' loop: work left runs again at once, SIGTERM ends it cleanly."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator

import pytest

from rongrian.common import loop
from rongrian.common.loop import run_every


@pytest.fixture(autouse=True)
def _keep_signal_handlers() -> Iterator[None]:
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_once_without_every(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loop, "close_old_connections", lambda: None)
    calls: list[float] = []
    run_every(0, lambda: calls.append(time.monotonic()) is None)
    assert len(calls) == 1


def test_work_left_runs_at_once_and_sigterm_ends_the_loop_after_the_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = {"now": 0.0}
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock["now"] += seconds

    monkeypatch.setattr(time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(time, "sleep", sleep)
    closed: list[float] = []  # old database connections are closed before each wait
    monkeypatch.setattr(loop, "close_old_connections", lambda: closed.append(clock["now"]))
    calls: list[tuple[float, int]] = []

    def step() -> bool:
        calls.append((clock["now"], len(slept)))
        if len(calls) == 4:
            signal.raise_signal(signal.SIGTERM)  # as `kill` or make run's Ctrl-C would
        return len(calls) <= 2  # a backlog for the first two steps

    run_every(2, step)
    # The backlog went on without sleeping; then each step waited its 2 s, in short
    # naps so that a signal is heard; the signal ended the loop after its step.
    assert [at for at, _naps in calls] == [0.0, 0.0, 0.0, 2.0]
    assert slept == [0.5, 0.5, 0.5, 0.5] and closed == [0.0]

"""The `--every SECONDS` loop of the background commands (sla_sweep, register_complaints)."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections


def run_every(every: float, step: Callable[[], bool]) -> None:
    """Run `step` once, or with `every` > 0 every `every` seconds until SIGTERM or Ctrl-C,
    which end the loop between steps. A step that returns True (work left) runs again at
    once."""
    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    if every:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    while True:
        started = time.monotonic()
        more = step()
        if not every or stopping:
            return
        if more:
            continue
        close_old_connections()
        deadline = started + every
        while not stopping and time.monotonic() < deadline:
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
        if stopping:
            return

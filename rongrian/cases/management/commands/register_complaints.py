from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from rongrian.cases.pending import BATCH, register_pending


class Command(BaseCommand):
    help = (
        "Register the complaints accepted from the public form as cases (their words, "
        "clocks, first event and receipt message). Safe to run in several processes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep running, looking every SECONDS (stops cleanly on SIGTERM / Ctrl-C).",
        )

    def handle(self, *args: Any, every: float = 0, **options: Any) -> None:
        if every < 0:
            self.stderr.write("--every must be a positive number of seconds.")
            raise SystemExit(2)
        self.stopping = False
        if every:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        while True:
            started = time.monotonic()
            done = register_pending()
            if done or not every:
                self.stdout.write(
                    f"register_complaints: {done} registered ({time.monotonic() - started:.2f} s)"
                )
            if not every or self.stopping:
                return
            if done == BATCH:
                continue  # a backlog: the next batch at once
            close_old_connections()
            deadline = started + every
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
            if self.stopping:
                return

    def _stop(self, signum: int, frame: Any) -> None:
        self.stopping = True

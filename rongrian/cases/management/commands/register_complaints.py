from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rongrian.cases import search
from rongrian.cases.pending import BATCH, register_pending
from rongrian.common.loop import run_every


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
        if every:
            search.warm_up()  # the Thai dictionary now, not with the first complaint

        def step() -> bool:
            started = time.monotonic()
            done = register_pending()
            if done or not every:
                elapsed = time.monotonic() - started
                self.stdout.write(f"register_complaints: {done} registered ({elapsed:.2f} s)")
            return done == BATCH  # a backlog: the next batch at once

        run_every(every, step)

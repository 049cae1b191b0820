from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rongrian.common.loop import run_every
from rongrian.sla.sweep import sweep


class Command(BaseCommand):
    help = (
        "Escalate every overdue stage once per level, close resolved cases whose "
        "confirmation window passed, and re-queue undelivered notifications. "
        "Safe to run in several processes at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, sweeping every SECONDS (stops cleanly on SIGTERM / Ctrl-C).",
        )

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        if every < 0:
            self.stderr.write("--every must be a positive number of seconds.")
            raise SystemExit(2)

        def step() -> bool:
            started = time.monotonic()
            result = sweep()
            self.stdout.write(f"sla_sweep: {result} ({time.monotonic() - started:.2f} s)")
            return False

        run_every(every, step)

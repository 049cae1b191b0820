from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rongrian.cases.generate import DEFAULT_TEXTS, MAX_ORGS, GenerateReport, generate
from rongrian.cases.lifecycle import OPEN
from rongrian.sla.calendar import BANGKOK


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date like 2026-09-30.") from exc


class Command(BaseCommand):
    help = (
        "Generate N realistic cases with full timelines and stage clocks, in bulk "
        "(COPY on PostgreSQL). Adds the demo organisation and generated ones (GENA, GENB, …) "
        "when missing; receipt numbers continue the existing counters."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("n", type=int, help="How many cases to create.")
        parser.add_argument(
            "--orgs",
            type=int,
            default=3,
            metavar="K",
            help=f"Organisations to spread them over: the demo plus K-1 generated (1–{MAX_ORGS}).",
        )
        parser.add_argument("--seed", type=int, default=0, help="Same seed, same cases.")
        parser.add_argument(
            "--batch", type=int, default=10_000, metavar="B", help="Cases per transaction."
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=2,
            metavar="J",
            help="Processes generating and writing at once (PostgreSQL; SQLite uses one).",
        )
        parser.add_argument(
            "--texts",
            type=Path,
            default=DEFAULT_TEXTS,
            metavar="PATH",
            help="Traffy Fondue CSV (gzip) to draw descriptions from; read in place, never "
            "copied. Missing: our own template sentences.",
        )
        parser.add_argument(
            "--text-rows",
            type=int,
            default=50_000,
            metavar="R",
            help="Read at most R rows of --texts.",
        )
        parser.add_argument(
            "--until",
            type=_date,
            metavar="YYYY-MM-DD",
            help="Last day of the period (default today); nothing happens after it.",
        )
        parser.add_argument(
            "--since",
            type=_date,
            metavar="YYYY-MM-DD",
            help="First day (default 1 October of the fiscal year before --until's).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        n, batch, jobs = options["n"], options["batch"], options["jobs"]
        if n < 0 or batch < 1 or jobs < 1:
            raise CommandError("N must be 0 or more, --batch and --jobs at least 1.")
        now = dt.datetime.now(BANGKOK)
        until = now
        if options["until"]:
            end_of_day = dt.datetime.combine(options["until"], dt.time(23, 59, 59), tzinfo=BANGKOK)
            until = min(end_of_day, now)
        texts: Path = options["texts"]
        if not texts.is_file():
            self.stdout.write(f"{texts} not found: descriptions from the template bank.")
        try:
            report = generate(
                n,
                orgs=options["orgs"],
                seed=options["seed"],
                batch=batch,
                jobs=jobs,
                texts=texts,
                until=until,
                since=options["since"],
                text_rows=options["text_rows"],
                progress=self._progress(n),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self._summary(report)

    def _progress(self, n: int) -> Any:
        def show(report: GenerateReport) -> None:
            self.stdout.write(
                f"  {report.cases:>10,} / {n:,} cases  {report.rows:>12,} rows  "
                f"{report.rows_per_second:>9,.0f} rows/s"
            )
            self.stdout.flush()  # seen as it goes, also when written to a file

        return show

    def _summary(self, report: GenerateReport) -> None:
        total = report.cases or 1
        self.stdout.write("Status:")
        for status, count in report.statuses.most_common():
            mark = " (open)" if status in OPEN else ""
            self.stdout.write(f"  {status:<13} {count:>10,}  {100 * count / total:5.1f} %{mark}")
        self.stdout.write("Channel:")
        for channel, count in report.channels.most_common():
            self.stdout.write(f"  {channel:<13} {count:>10,}  {100 * count / total:5.1f} %")
        self.stdout.write(
            f"Reopened at least once: {report.reopened:,} ({100 * report.reopened / total:.1f} %); "
            f"overdue now: {report.overdue:,} ({100 * report.overdue / total:.1f} %)"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {report.cases:,} cases, {report.events:,} timeline events and "
                f"{report.clocks:,} stage clocks ({report.rows:,} rows) in "
                f"{report.seconds:,.1f} s: {report.rows_per_second:,.0f} rows/s, "
                f"{report.cases / report.seconds if report.seconds else 0:,.0f} cases/s."
            )
        )

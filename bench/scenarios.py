"""Benchmark scenarios, each run in its own process against one database.

    python -m bench.scenarios SCENARIO   (DATABASE_URL selects the database)

prints one JSON object per measured row on stdout. The orchestrator (bench/run.py)
collects them into the table. Scenarios measure the real code paths: the calendar
the clocks use, the sweep the scheduler runs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongrian.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

SCENARIOS: dict[str, Callable[[], list[dict[str, Any]]]] = {}


def scenario(fn: Callable[[], list[dict[str, Any]]]) -> Callable[[], list[dict[str, Any]]]:
    SCENARIOS[fn.__name__] = fn
    return fn


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(name: str, **figures: Any) -> dict[str, Any]:
    return {"scenario": name, "database": connection.vendor, **figures}


def rate(fn: Callable[[int], Any], *, seconds: float = 2.0) -> tuple[float, float, float]:
    """Calls per second over about `seconds`, with p50/p99 per call in microseconds."""
    samples: list[float] = []
    i = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - t0)
        i += 1
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(samples, n=100)
    return i / elapsed, q[49] * 1e6, q[98] * 1e6


@scenario
def calendar() -> list[dict[str, Any]]:
    from rongrian.org.demo import load_demo
    from rongrian.sla.calendar import calendar_for

    org, _ = load_demo()
    cal = calendar_for(org)
    start = dt.date(2026, 1, 1)
    days = [start + dt.timedelta(days=i % 730) for i in range(1000)]
    cal.add_business_days(start, 5000)  # build the years once, as a long-running process has
    rows = []
    for n in (1, 7, 250):
        per_s, p50, p99 = rate(lambda i, n=n: cal.add_business_days(days[i % 1000], n))
        rows.append(
            row(f"add {n} business days", throughput=per_s, unit="calls/s", p50_us=p50, p99_us=p99)
        )
    moment = timezone.now()
    per_s, p50, p99 = rate(lambda i: cal.add_working_minutes(moment + dt.timedelta(minutes=i), 5))
    rows.append(
        row("add 5 working minutes", throughput=per_s, unit="calls/s", p50_us=p50, p99_us=p99)
    )
    rows[-1]["peak_rss_mb"] = peak_rss_mb()
    return rows


@scenario
def sweep() -> list[dict[str, Any]]:
    """The SLA sweep over the generated data set: the first pass escalates the backlog, the
    steady pass is what the scheduler does every minute, and the overdue query alone."""
    from rongrian.cases.models import Case
    from rongrian.sla.models import StageClock
    from rongrian.sla.sweep import overdue
    from rongrian.sla.sweep import sweep as run_sweep

    cases = Case.objects.count()
    now = timezone.now()
    rows = []
    t0 = time.perf_counter()
    found = StageClock.objects.filter(overdue(now)).count()
    rows.append(
        row("overdue stages query", cases=cases, seconds=time.perf_counter() - t0, found=found)
    )
    t0 = time.perf_counter()
    first = run_sweep(now=now)
    rows.append(
        row(
            "sweep, first pass (backlog)",
            cases=cases,
            seconds=time.perf_counter() - t0,
            escalations=first.level1 + first.level2,
            auto_closed=first.auto_closed,
        )
    )
    timings = []
    for minute in range(1, 6):
        t0 = time.perf_counter()
        result = run_sweep(now=now + dt.timedelta(minutes=minute))
        timings.append(time.perf_counter() - t0)
    rows.append(
        row(
            "sweep, steady state (per minute)",
            cases=cases,
            seconds=statistics.median(timings),
            p99_seconds=max(timings),
            escalations=result.level1 + result.level2,
        )
    )
    rows[-1]["peak_rss_mb"] = peak_rss_mb()
    return rows


def main() -> None:
    name = sys.argv[1]
    for item in SCENARIOS[name]():
        print(json.dumps(item, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()

"""`make bench`: build (or reuse) a data set per database, run every scenario, print a table.

Environment:
  BENCH_CASES      cases in the data set (default 1,000,000; BENCH_QUICK=1 means 100,000)
  BENCH_DBS        comma-separated: postgresql,sqlite (default both)
  BENCH_PG_URL     server for the PostgreSQL run (default postgres://postgres@127.0.0.1:5432/)
  BENCH_SCENARIOS  comma-separated subset of scenario names (default all)

Data sets are kept between runs (PostgreSQL database rongrian_bench_<N>, SQLite file
bench/data/bench-<N>.sqlite3) so a second run measures without regenerating.
Results go to bench/results/latest.json and a dated copy.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import web

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SCENARIOS = ["calendar", "sweep"]
# HTTP scenarios run on PostgreSQL (the production database) and, for the two
# citizen-facing ones, on SQLite too (the embedded default).
SQLITE_HTTP = {
    "public complaint submission",
    "public complaint submission, url-encoded",
    "tracking lookup (QR link)",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def database_urls(cases: int) -> dict[str, str]:
    wanted = os.environ.get("BENCH_DBS", "postgresql,sqlite").split(",")
    urls = {}
    if "postgresql" in wanted:
        base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")
        urls["postgresql"] = base.rstrip("/") + f"/rongrian_bench_{cases}"
    if "sqlite" in wanted:
        (ROOT / "bench" / "data").mkdir(parents=True, exist_ok=True)
        urls["sqlite"] = f"sqlite:///{ROOT / 'bench' / 'data' / f'bench-{cases}.sqlite3'}"
    return urls


def ensure_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'create database "{name}"')


def manage(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def case_count(url: str) -> int:
    out = manage(
        url, "shell", "-c", "from rongrian.cases.models import Case; print(Case.objects.count())"
    )
    return int(out.strip().splitlines()[-1])


def prepare(vendor: str, url: str, cases: int) -> dict[str, Any]:
    if vendor == "postgresql":
        ensure_pg_database(url)
    manage(url, "migrate", "--noinput", "-v0")
    have = case_count(url)
    info: dict[str, Any] = {"cases": cases}
    if have < cases:
        log(f"{vendor}: generating {cases - have:,} cases (have {have:,})")
        started = time.perf_counter()
        # A new seed per top-up, so a second top-up adds new cases rather than copies.
        manage(url, "generate_cases", str(cases - have), "--seed", str(have + 1))
        info["generate_seconds"] = round(time.perf_counter() - started, 1)
        log(f"{vendor}: generated in {info['generate_seconds']} s")
    else:
        log(f"{vendor}: reusing {have:,} cases")
    return info


def vacuum(vendor: str, url: str) -> None:
    """What autovacuum does on a running server (it is off on some machines, this one's
    PostgreSQL included): dead rows of the sweep's updates cleared, visibility maps set
    for index-only scans, statistics fresh. Runs after loading and after the sweep."""
    started = time.perf_counter()
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
    else:
        manage(
            url,
            "shell",
            "-c",
            "from django.db import connection; connection.cursor().execute('ANALYZE')",
        )
    log(f"{vendor}: vacuumed and analysed in {time.perf_counter() - started:.0f} s")


def run_scenario(url: str, name: str) -> list[dict[str, Any]]:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
    done = subprocess.run(
        [PY, "-m", "bench.scenarios", name], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        log(f"scenario {name} failed:\n{done.stderr[-2000:]}")
        return [{"scenario": name, "error": done.stderr.strip().splitlines()[-1:]}]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def add_ratios(rows: list[dict[str, Any]]) -> None:
    """Each HTTP figure as a share of the same database's floors, so runs on different
    machines compare: vs the bare Django INSERT view and vs pgbench."""
    for vendor in {r.get("database") for r in rows}:
        floor = next(
            (
                r
                for r in rows
                if r.get("database") == vendor and r["scenario"].startswith("floor: bare")
            ),
            None,
        )
        pg = next((r for r in rows if r["scenario"].startswith("floor: pgbench")), None)
        for r in rows:
            if (
                r.get("database") != vendor
                or r.get("unit") != "req/s"
                or r["scenario"].startswith(("floor: bare", "floor: pgbench"))
            ):
                continue
            if floor and floor.get("throughput"):
                r["vs_framework_floor"] = r.get("throughput", 0) / floor["throughput"]
            if pg and pg.get("throughput"):
                r["vs_pgbench"] = r.get("throughput", 0) / pg["throughput"]


def floor_summary(rows: list[dict[str, Any]]) -> str:
    lines = []
    for r in rows:
        if r["scenario"] == "public complaint submission" and "vs_framework_floor" in r:
            share = f"{r['vs_framework_floor']:.0%} of the framework floor"
            if "vs_pgbench" in r:
                share += f", {r['vs_pgbench']:.0%} of pgbench's insert rate"
            lines.append(f"{r['database']}: public submissions = {share}")
        if (
            r["scenario"] == "public complaint submission, registrar running"
            and "vs_framework_floor" in r
        ):
            lines.append(
                f"{r['database']}: with the registrar running, submissions = "
                f"{r['vs_framework_floor']:.0%} of the framework floor; "
                f"{fmt(r.get('registered'), 0)} registered during the run, "
                f"{fmt(r.get('waiting_at_end'), 0)} waiting at its end"
            )
        if r["scenario"].startswith("floor: the app's middleware") and "vs_framework_floor" in r:
            lines.append(
                f"{r['database']}: the app's middleware alone leaves "
                f"{r['vs_framework_floor']:.0%} of the framework floor"
            )
    return "\n".join(lines)


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(rows: list[dict[str, Any]]) -> str:
    header = [
        "scenario",
        "db",
        "cases",
        "throughput",
        "p50",
        "p99",
        "time (s)",
        "peak RSS MB",
        "notes",
    ]
    lines = [header]
    for r in rows:
        if "error" in r:
            lines.append(
                [
                    r["scenario"],
                    r.get("database", ""),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"ERROR {r['error']}",
                ]
            )
            continue
        throughput = (
            f"{fmt(r.get('throughput'), 0)} {r.get('unit', '')}".strip()
            if "throughput" in r
            else "—"
        )
        p50 = (
            f"{fmt(r['p50_us'], 1)} µs"
            if "p50_us" in r
            else (f"{fmt(r['p50_ms'], 1)} ms" if "p50_ms" in r else "—")
        )
        p99 = (
            f"{fmt(r['p99_us'], 1)} µs"
            if "p99_us" in r
            else (
                f"{fmt(r['p99_ms'], 1)} ms"
                if "p99_ms" in r
                else (f"{fmt(r['p99_seconds'], 3)} s" if "p99_seconds" in r else "—")
            )
        )
        counted = ("found", "escalations", "auto_closed", "registered", "waiting_at_end")
        notes = ", ".join(f"{k}={fmt(v)}" for k, v in r.items() if k in counted)
        if "cpu_ms" in r:
            cpu = "CPU ms/req " + " ".join(f"{k} {v:.2f}" for k, v in r["cpu_ms"].items())
            notes = f"{cpu}, {notes}" if notes else cpu
        lines.append(
            [
                r["scenario"],
                r.get("database", ""),
                fmt(r.get("cases")),
                throughput,
                p50,
                p99,
                fmt(r.get("seconds"), 3),
                fmt(r.get("peak_rss_mb"), 0),
                notes,
            ]
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append(" | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)))
        if n == 0:
            out.append("-+-".join("-" * w for w in widths))
    return "\n".join(out)


def ensure_wrk() -> bool:
    """wrk drives the HTTP scenarios; install the Debian package when missing and root."""
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0:
        log("installing wrk (Debian package)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True)
    if not shutil.which("wrk"):
        log("wrk is not available: HTTP scenarios skipped")
        return False
    return True


def main() -> None:
    quick = os.environ.get("BENCH_QUICK") == "1"
    cases = int(os.environ.get("BENCH_CASES") or (100_000 if quick else 1_000_000))
    chosen = os.environ.get("BENCH_SCENARIOS")
    # BENCH_SCENARIOS=none runs only the HTTP scenarios.
    scenarios = [s for s in chosen.split(",") if s != "none"] if chosen else SCENARIOS
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    datasets = {}
    for vendor, url in database_urls(cases).items():
        datasets[vendor] = prepare(vendor, url, cases)
        vacuum(vendor, url)
        for name in scenarios:
            log(f"{vendor}: {name}")
            rows.extend(run_scenario(url, name))
        if os.environ.get("BENCH_HTTP", "1") == "1" and ensure_wrk():
            vacuum(vendor, url)
            rows.extend(web.floors(url, vendor))
            rows.extend(
                web.app_scenarios(
                    url, vendor, cases, None if vendor == "postgresql" else SQLITE_HTTP
                )
            )
    add_ratios(rows)
    print(table(rows))
    print(floor_summary(rows))
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "cases": cases,
        "datasets": datasets,
        "seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out_dir / f"bench-{stamp}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    log(f"done in {result['seconds']} s; results in bench/results/latest.json")


if __name__ == "__main__":
    main()

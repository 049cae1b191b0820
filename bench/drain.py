"""Register every accepted complaint still waiting (cases.pending), as the registrar loop
does, and print one JSON row: how many, how fast, and the CPU per complaint of this
process and of its PostgreSQL backend.

    DATABASE_URL=... .venv/bin/python -m bench.drain
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongrian.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from rongrian.cases.pending import register_pending  # noqa: E402


def backend_ticks() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def main() -> None:
    backend = backend_ticks()
    wall, cpu = time.perf_counter(), time.process_time()
    done = 0
    while registered := register_pending():
        done += registered
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    row: dict[str, object] = {"registered": done, "seconds": round(wall, 2)}
    if done:
        row["throughput"] = round(done / wall, 1)
        row["cpu_ms"] = {"registrar": round(cpu / done * 1e3, 2)}
        after = backend_ticks()
        if backend is not None and after is not None:
            db = (after - backend) / os.sysconf("SC_CLK_TCK") / done * 1e3
            row["cpu_ms"]["db"] = round(db, 2)
    print(json.dumps(row))


if __name__ == "__main__":
    main()

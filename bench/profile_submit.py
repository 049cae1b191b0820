"""CPU per public submission, in one process: the WSGI handler called in a loop with the
bench's form body, against an existing database (`make bench` leaves one per size).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rongrian_bench_1000000 \\
        .venv/bin/python -m bench.profile_submit [N] [--multipart] [--parts] [--profile]

Prints the application's CPU and wall time per request and, on PostgreSQL, the CPU its
backend spent. `--multipart` posts the form as a browser does (multipart/form-data);
`--parts` adds the processor time spent inside the main parts of a submission;
`--profile` adds a cProfile of the run (processor time, so waiting for the database does
not count), sorted by own time. The loop runs without gunicorn, wrk or other clients, so
it shows what one submission costs, not what eight at a time on two cores cost (about 1.5
times as much). The submissions go to the BENCH organisation (`python -m
bench.prepare_http` creates it).
"""

from __future__ import annotations

import cProfile
import importlib
import io
import os
import pstats
import sys
import time
import urllib.parse
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongrian.settings")
os.environ.setdefault("RONGRIAN_SUBMIT_LIMIT", str(10**9))

import django

django.setup()

from django.urls import get_resolver  # noqa: E402

from rongrian.catalog.models import Category  # noqa: E402
from rongrian.wsgi import application  # noqa: E402

from .drain import backend_ticks  # noqa: E402
from .web import browser_form  # noqa: E402

CSRF = "a" * 32
WARM_UP = 50


def _environ(category: int, run: str, n: int, multipart: bool = False) -> dict[str, Any]:
    fields = {
        "category": str(category),
        "description": f"ไฟถนนหน้าบ้านดับมาสามวันแล้ว ซอยที่ {n} มืดมาก อันตรายสำหรับคนเดินเท้า",
        "address": "ถนนบุญวาทย์",
        "latitude": "18.290100",
        "longitude": "99.491200",
        "idempotency_key": f"profile-{run}-{n}",
    }
    if multipart:
        text, content_type = browser_form(fields)
        body = text.encode()
    else:
        body = urllib.parse.urlencode(fields).encode()
        content_type = "application/x-www-form-urlencoded"
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/complaint/BENCH/",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": content_type,
        "HTTP_COOKIE": f"csrftoken={CSRF}",
        "HTTP_X_CSRFTOKEN": CSRF,
        "HTTP_ACCEPT_LANGUAGE": "th",
        "REMOTE_ADDR": f"10.0.{n % 250}.{n % 200}",
    }


# The parts `--parts` times: (module, name in it, what it is). Nested parts count in their
# own line and in the enclosing one.
PARTS = [
    ("rongrian.intake.views", "complaint", "the view (all below)"),
    ("rongrian.intake.quick", "clean", "  checking it (intake.quick)"),
    ("rongrian.intake.views", "ComplaintForm", "  the form, if quick left it: building"),
    ("rongrian.intake.forms", "ComplaintForm.is_valid", "  the form: validating"),
    ("rongrian.intake.services", "accept", "  accepting it (all below)"),
    ("rongrian.cases.receipts", "accept", "    the numbering statement"),
    ("rongrian.intake.views", "redirect", "  the redirect to the receipt"),
    ("rongrian.cases.pending", "register_pending", "registering (not in the request)"),
    ("rongrian.cases.models", "Case.full_clean", "  model validation"),
    ("rongrian.cases.search", "index_text", "  word segmentation"),
    ("rongrian.sla.clocks", "new_case_clocks", "  the clocks' deadlines"),
    ("rongrian.cases.receipts", "insert_numbered", "  writing the case, event, clocks"),
]


def _time_parts() -> dict[str, float]:
    """Wrap each of PARTS so that the processor time spent inside it adds up."""
    spent = dict.fromkeys((label for *_, label in PARTS), 0.0)
    for module_name, name, label in PARTS:
        owner: Any = importlib.import_module(module_name)
        *path, attribute = name.split(".")
        for step in path:
            owner = getattr(owner, step)
        original = getattr(owner, attribute)

        def timed(*args: Any, _f: Any = original, _label: str = label, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return _f(*args, **kwargs)
            finally:
                spent[_label] += time.process_time() - started

        setattr(owner, attribute, timed)
        if attribute == "complaint":  # the URL patterns hold the view itself
            _replace_callback(get_resolver().url_patterns, original, timed)
    return spent


def _replace_callback(patterns: list[Any], view: Any, replacement: Any) -> None:
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _replace_callback(pattern.url_patterns, view, replacement)
        elif pattern.callback is view:
            pattern.callback = replacement


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 2000
    category = Category.objects.get(organisation__code="BENCH").pk
    run = str(time.time())
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses.append(status)

    multipart = "--multipart" in sys.argv

    def submit(n: int) -> None:
        b"".join(application(_environ(category, run, n, multipart), start_response))

    for n in range(WARM_UP):
        submit(n)
    if not statuses[-1].startswith("302"):
        raise SystemExit(f"the form did not take the complaint: {statuses[-1]}")
    profile = cProfile.Profile(time.process_time) if "--profile" in sys.argv else None
    spent = _time_parts() if "--parts" in sys.argv else None
    backend = backend_ticks()
    wall, cpu = time.perf_counter(), time.process_time()
    if profile:
        profile.enable()
    for n in range(WARM_UP, WARM_UP + count):
        submit(n)
    if profile:
        profile.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{count} submissions: app CPU {cpu / count * 1e3:.3f} ms, wall {wall / count * 1e3:.3f} ms"
    )
    after = backend_ticks()
    if backend is not None and after is not None:
        ms = (after - backend) / os.sysconf("SC_CLK_TCK") / count * 1e3
        print(f"PostgreSQL backend CPU {ms:.3f} ms per submission")
    if spent is not None:
        for label, seconds in spent.items():
            print(f"{label:32} {seconds / count * 1e3:.3f} ms")
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    main()

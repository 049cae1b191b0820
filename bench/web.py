"""HTTP scenarios: the app under gunicorn (4 workers), loaded by wrk from another process.

Each scenario runs for a bounded time (BENCH_SECONDS, default 15) at 8 connections and
reports requests/s, p50 and p99 latency, and the peak RSS of a gunicorn worker. Staff
pages run a second time with one connection: the page's own render time, without
waiting behind seven other requests for the two cores. Two
floors are measured in the same run: PostgreSQL's own single-row insert rate (pgbench,
8 clients) and a bare Django view that does one INSERT under the same gunicorn settings.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
LUA = ROOT / "bench" / "lua"
PORT, FLOOR_PORT = 8765, 8766
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))


def seconds() -> int:
    return int(os.environ.get("BENCH_SECONDS", "15"))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def server_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RONGRIAN_SUBMIT_LIMIT": str(10**9),
        "RONGRIAN_TRACK_FAIL_LIMIT": str(10**9),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "rongrian.settings",
    }


def start(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            GUNICORN,
            app,
            "--workers",
            "4",
            "--preload",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "-",
            "--access-logformat",
            "x",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
            return process
        except urllib.error.HTTPError:
            return process  # it answers
        except OSError:
            time.sleep(0.3)
    process.kill()
    error = process.stderr.read().decode()[-2000:] if process.stderr else ""
    raise RuntimeError(f"gunicorn did not start: {error}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def worker_peak_rss_mb(master: int) -> float:
    peak = 0
    for status in Path("/proc").glob("*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{master}\n" not in text:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", text)
        if match:
            peak = max(peak, int(match.group(1)))
    return peak / 1024


def cpu_ticks(master: int, registrar: int | None = None) -> dict[int, tuple[str, int]]:
    """Per process, CPU time (clock ticks) used so far: the app's workers, PostgreSQL and
    the registrar (cases.pending) when one runs."""
    ticks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, fields = text.split("(", 1)[1].rsplit(")", 1)
        fields = fields.split()
        used = int(fields[11]) + int(fields[12])  # utime + stime
        if int(fields[1]) == master:
            ticks[int(stat.parent.name)] = ("app", used)
        elif registrar is not None and int(stat.parent.name) == registrar:
            ticks[registrar] = ("registrar", used)
        elif name == "postgres":
            ticks[int(stat.parent.name)] = ("db", used)
    return ticks


def cpu_used(
    before: dict[int, tuple[str, int]], after: dict[int, tuple[str, int]]
) -> dict[str, int]:
    """Ticks used between two snapshots by the processes alive at the second (PostgreSQL's
    short-lived parallel workers that ended in between are not counted: a lower bound)."""
    used = {"app": 0, "db": 0}
    for pid, (part, ticks) in after.items():
        used[part] = used.get(part, 0) + ticks - before.get(pid, (part, 0))[1]
    return used


def waiting(url: str) -> tuple[int, int]:
    """Accepted complaints of the bench's organisation: (not yet registered, registered)."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE case_id IS NULL), count(case_id) "
            "FROM cases_submission s JOIN org_organisation o ON o.id = s.organisation_id "
            "WHERE o.code = 'BENCH'"
        ).fetchone()
    return row[0], row[1]


def drain(url: str, vendor: str, cases: int) -> dict[str, Any]:
    """The registrar over the backlog the submission rows left: complaints registered per
    second by one process, with its CPU and its PostgreSQL backend's per complaint."""
    done = subprocess.run(
        [PY, "-m", "bench.drain"], cwd=ROOT, env=server_env(url), capture_output=True, text=True
    )
    name = "registering accepted complaints (registrar, one process)"
    if done.returncode != 0:
        return {"scenario": name, "database": vendor, "error": done.stderr[-500:]}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["unit"] = "cases/s"
    return {"scenario": name, "database": vendor, "cases": cases, **figures}


def start_registrar(url: str) -> subprocess.Popen[bytes]:
    """`make run`'s registrar loop (register_complaints --every 0.5)."""
    return subprocess.Popen(
        [PY, "manage.py", "register_complaints", "--every", "0.5"],
        cwd=ROOT,
        env=server_env(url),
        stdout=subprocess.DEVNULL,
    )


def wrk(
    url: str,
    *,
    script: str | None = None,
    env: dict[str, str] | None = None,
    connections: int = CONNECTIONS,
    duration: int | None = None,
) -> dict[str, Any]:
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration or seconds()}s"]
    command += ["--latency", "--timeout", "5s"]
    if script:
        command += ["-s", str(LUA / script)]
    elif env and env.get("BENCH_COOKIE"):
        command += ["-H", f"Cookie: {env['BENCH_COOKIE']}"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    out = done.stdout
    figures: dict[str, Any] = {}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", out):
        figures["throughput"] = float(match.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if match := re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out):
            value = float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
            figures[key] = value
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        figures["errors"] = int(match.group(1))
    if match := re.search(r"(\d+) requests in", out):
        figures["requests"] = int(match.group(1))
    if "throughput" not in figures:
        figures["error"] = (done.stderr or out)[-500:]
    figures["unit"] = "req/s"
    return figures


def preflight(target: str, options: dict[str, Any]) -> str:
    """'' if one request of the scenario gets the page it means to measure (200, or the
    redirect to a receipt for a submission); else what it got instead. A signed-out
    request answered by a redirect to the sign-in page would otherwise be timed."""
    env = options.get("env", {})
    url = target
    if options.get("script") == "paths.lua":
        url = target + Path(env["BENCH_PATHS"]).read_text().splitlines()[0]
    request = urllib.request.Request(url)
    if env.get("BENCH_COOKIE"):
        request.add_header("Cookie", env["BENCH_COOKIE"])
    if options.get("script") == "post.lua":
        key = "preflight-" + secrets.token_hex(8)
        body = env["BENCH_BODY"].replace("__N__", "0")
        body = (
            body.replace("__KEY__", key) if "__KEY__" in body else f"{body}&idempotency_key={key}"
        )
        request.data = body.encode()
        request.add_header(
            "Content-Type", env.get("BENCH_CONTENT_TYPE", "application/x-www-form-urlencoded")
        )
        request.add_header("X-CSRFToken", env.get("BENCH_CSRF", ""))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            status, location = response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        status, location = exc.code, exc.headers.get("Location", "")
    if status == 200 and options.get("script") != "post.lua":
        return ""
    # A submission lands on its receipt, a QR link on the case's page (a refused code
    # would land on the lookup form, "/track/?receipt_no=…").
    if status == 302 and re.search(r"/(receipt|track)/[A-Z]+-\d", location):
        return ""
    return f"preflight got HTTP {status} {location}".strip()


def prepare(url: str) -> dict[str, Any]:
    done = subprocess.run(
        [PY, "-m", "bench.prepare_http"],
        cwd=ROOT,
        env=server_env(url),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def browser_form(fields: dict[str, str]) -> tuple[str, str]:
    """The body a browser sends for the complaint form (multipart/form-data, as its
    enctype says, with the empty photo input every form without a photo carries), and its
    Content-Type."""
    boundary = "----WebKitFormBoundary" + "rongrianBench0001"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts), f"multipart/form-data; boundary={boundary}"


def _paths_file(paths: list[str]) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths) + "\n")
    return handle.name


STAFF_PAGES = {
    "screening queue (intake home)",
    "supervisor home (screening, overdue, escalated)",
    "unit head home (acknowledge, assign, overdue)",
    "case page",
    "case list with filters",
    "case list, page 2 (keyset)",
    "case list, soonest deadline first",
    "search by receipt number or phone",
    "Thai search",
}


def app_scenarios(url: str, vendor: str, cases: int, only: set[str] | None) -> list[dict[str, Any]]:
    info = prepare(url)
    env = server_env(url)
    server = start("rongrian.wsgi:application", PORT, env)
    base = f"http://127.0.0.1:{PORT}"
    rows: list[dict[str, Any]] = []
    csrf = secrets.token_hex(16)
    fields = {
        "category": str(info["category"]),
        # A text of its own per request (post.lua numbers __N__): each is cut into
        # words afresh, as real complaints are.
        "description": "ไฟถนนหน้าบ้านดับมาสามวันแล้ว ซอยที่ __N__ มืดมาก อันตรายสำหรับคนเดินเท้า",
        "address": "ถนนบุญวาทย์",
        "latitude": "18.290100",
        "longitude": "99.491200",
    }
    form = urllib.parse.urlencode(fields)
    multipart, content_type = browser_form({**fields, "idempotency_key": "__KEY__"})
    staff = lambda who: {"BENCH_COOKIE": f"sessionid={info[who]}"}  # noqa: E731
    plans: list[tuple[str, str, dict[str, Any]]] = [
        (
            "public complaint submission",
            f"{base}/complaint/{info['submit_to']}/",
            {
                "script": "post.lua",
                "env": {
                    "BENCH_BODY": multipart,
                    "BENCH_CONTENT_TYPE": content_type,
                    "BENCH_COOKIE": f"csrftoken={csrf}",
                    "BENCH_CSRF": csrf,
                },
            },
        ),
        (
            "public complaint submission, url-encoded",
            f"{base}/complaint/{info['submit_to']}/",
            {
                "script": "post.lua",
                "env": {
                    "BENCH_BODY": form,
                    "BENCH_COOKIE": f"csrftoken={csrf}",
                    "BENCH_CSRF": csrf,
                },
            },
        ),
        (
            "public complaint submission, registrar running",
            f"{base}/complaint/{info['submit_to']}/",
            {
                "script": "post.lua",
                "registrar": True,
                "env": {
                    "BENCH_BODY": multipart,
                    "BENCH_CONTENT_TYPE": content_type,
                    "BENCH_COOKIE": f"csrftoken={csrf}",
                    "BENCH_CSRF": csrf,
                },
            },
        ),
        (
            "tracking lookup (QR link)",
            base,
            {
                "script": "paths.lua",
                "env": {"BENCH_PATHS": _paths_file([f"/t/{r}/{c}/" for r, c in info["sample"]])},
            },
        ),
        (
            "tracking page",
            base,
            {
                "script": "paths.lua",
                "env": {
                    "BENCH_PATHS": _paths_file([f"/track/{r}/" for r in info["granted"]]),
                    "BENCH_COOKIE": info["citizen"],
                },
            },
        ),
        ("screening queue (intake home)", f"{base}/work/", {"env": staff("intake")}),
        (
            "supervisor home (screening, overdue, escalated)",
            f"{base}/work/",
            {"env": staff("supervisor")},
        ),
        (
            "unit head home (acknowledge, assign, overdue)",
            f"{base}/work/",
            {"env": staff("head_elec")},
        ),
        (
            "case page",
            base,
            {
                "script": "paths.lua",
                "env": {
                    "BENCH_PATHS": _paths_file(
                        [f"/work/case/{r}/" for r, _ in info["sample"][:500]]
                    ),
                    **staff("supervisor"),
                },
            },
        ),
        (
            "case list with filters",
            f"{base}/work/cases/?status=in_progress&category={info['category']}",
            {"env": staff("supervisor")},
        ),
        (
            "case list, page 2 (keyset)",
            f"{base}/work/cases/?status=closed&order=oldest",
            {"env": staff("supervisor")},
        ),
        (
            "case list, soonest deadline first",
            f"{base}/work/cases/?order=due",
            {"env": staff("supervisor")},
        ),
        (
            "search by receipt number or phone",
            base,
            {
                "script": "paths.lua",
                "env": {
                    "BENCH_PATHS": _paths_file(
                        [f"/work/cases/?q={r}" for r, _ in info["sample"][:200]]
                        + [f"/work/cases/?q={p}" for p in info["phones"]]
                    ),
                    **staff("supervisor"),
                },
            },
        ),
        (
            "Thai search",
            base,
            {
                "script": "paths.lua",
                "env": {
                    "BENCH_PATHS": _paths_file(
                        [
                            f"/work/cases/?q={urllib.parse.quote(q)}"
                            for q in ("ไฟดับ", "ท่อระบายน้ำ", "ขยะ", "ถนนชำรุด", "น้ำท่วม", "สุนัข")
                        ]
                    ),
                    **staff("supervisor"),
                },
            },
        ),
    ]
    try:
        chosen = [n for n in os.environ.get("BENCH_HTTP_ONLY", "").split("|") if n]
        for name, target, options in plans:
            if (only and name not in only) or (chosen and name not in chosen):
                continue
            log(f"{vendor}: {name}")
            problem = preflight(target, options)
            if problem:
                rows.append({"scenario": name, "database": vendor, "error": problem})
                log(f"{vendor}: {name}: {problem}")
                continue
            registrar = None
            if options.get("registrar"):
                # What the submission rows before left waiting is registered first, so
                # the registrar starts even with the form.
                rows.append(drain(url, vendor, cases))
                registrar = start_registrar(url)
            # 2 s unmeasured first: the workers' caches and PostgreSQL's buffers warm up.
            wrk(target, script=options.get("script"), env=options.get("env"), duration=2)
            keep = registrar.pid if registrar else None
            before, load_before = cpu_ticks(server.pid, keep), os.times()
            queue_before = waiting(url) if registrar and vendor == "postgresql" else None
            figures = wrk(target, script=options.get("script"), env=options.get("env"))
            after, load_after = cpu_ticks(server.pid, keep), os.times()
            if queue_before is not None:
                queue_after = waiting(url)
                # Registered during the measured run, and left waiting at its end.
                figures["registered"] = queue_after[1] - queue_before[1]
                figures["waiting_at_end"] = queue_after[0]
            if registrar is not None:
                stop(registrar)
            if figures.get("requests"):
                # Where each request's CPU went: app workers, PostgreSQL, and wrk itself.
                per_request = 1000 / figures["requests"]
                tick = 1 / os.sysconf("SC_CLK_TCK")
                figures["cpu_ms"] = {
                    part: round(used * tick * per_request, 2)
                    for part, used in cpu_used(before, after).items()
                }
                load = (load_after.children_user + load_after.children_system) - (
                    load_before.children_user + load_before.children_system
                )
                figures["cpu_ms"]["load"] = round(load * per_request, 2)
            rows.append(
                {
                    "scenario": name,
                    "database": vendor,
                    "cases": cases,
                    **figures,
                    "peak_rss_mb": worker_peak_rss_mb(server.pid),
                }
            )
            if name in STAFF_PAGES:
                # The page's own render time: one person at a time, no queueing behind
                # the other connections' requests.
                log(f"{vendor}: {name}, one user")
                single = wrk(
                    target,
                    script=options.get("script"),
                    env=options.get("env"),
                    connections=1,
                )
                rows.append(
                    {"scenario": f"{name}, one user", "database": vendor, "cases": cases, **single}
                )
    finally:
        stop(server)
    return rows


def floors(url: str, vendor: str) -> list[dict[str, Any]]:
    """The bare floor (no middleware) and the same view behind the app's middleware."""
    rows = []
    env = {**server_env(url), "DJANGO_SETTINGS_MODULE": ""}
    subprocess.run(
        [PY, "-c", "import bench.floor.app as a; a.create_table()"], cwd=ROOT, env=env, check=True
    )
    csrf = secrets.token_hex(16)
    for name, app, app_env, post_env in (
        ("floor: bare Django view, one INSERT", "bench.floor.app:application", env, {}),
        (
            "floor: the app's middleware, same view",
            "rongrian.wsgi:application",
            {**server_env(url), "DJANGO_SETTINGS_MODULE": "bench.floor.middleware_settings"},
            {"BENCH_COOKIE": f"csrftoken={csrf}", "BENCH_CSRF": csrf},
        ),
    ):
        if "middleware" in name and vendor != "postgresql":
            # On SQLite the app opens a connection per request (its settings): the row
            # would measure connecting, not the middleware.
            continue
        server = start(app, FLOOR_PORT, app_env)
        try:
            log(f"{vendor}: {name}")
            floor_url = f"http://127.0.0.1:{FLOOR_PORT}/insert"
            post = {"BENCH_BODY": "note=x", **post_env}
            wrk(floor_url, script="post.lua", env=post, duration=2)
            figures = wrk(floor_url, script="post.lua", env=post)
            if figures.get("errors"):
                figures["error"] = f"{figures['errors']} requests refused"
            rows.append(
                {
                    "scenario": name,
                    "database": vendor,
                    **figures,
                    "peak_rss_mb": worker_peak_rss_mb(server.pid),
                }
            )
        finally:
            stop(server)
    if vendor == "postgresql":
        rows.append(pgbench(url))
    return rows


def pgbench(url: str) -> dict[str, Any]:
    parsed = urllib.parse.urlparse(url)
    env = {
        **os.environ,
        "PGHOST": parsed.hostname or "127.0.0.1",
        "PGPORT": str(parsed.port or 5432),
        "PGUSER": parsed.username or "postgres",
        "PGDATABASE": parsed.path.lstrip("/"),
    }
    subprocess.run(
        [
            "psql",
            "-q",
            "-c",
            "CREATE TABLE IF NOT EXISTS bench_pg (id bigserial primary key, note text)",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("INSERT INTO bench_pg (note) VALUES ('x');\n")
    log("postgresql: pgbench floor")
    done = subprocess.run(
        ["pgbench", "-n", "-c", "8", "-j", "2", "-T", str(seconds()), "-f", script.name],
        env=env,
        capture_output=True,
        text=True,
    )
    tps = re.search(r"tps = ([\d.]+)", done.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", done.stdout)
    return {
        "scenario": "floor: pgbench single-row INSERT, 8 clients",
        "database": "postgresql",
        "throughput": float(tps.group(1)) if tps else None,
        "unit": "tx/s",
        "avg_ms": float(latency.group(1)) if latency else None,
    }

"""Generated cases for demos, load tests and reports: `manage.py generate_cases N`.

Each case is walked through the lifecycle table (`TRANSITIONS`) step by step, with
times drawn from how the work really goes (screening in minutes on working time,
the unit acknowledging within a day or so, fixes mostly inside the category's target),
and cut off at `until`: recent cases are still open, old ones mostly closed. Its stage
clocks are computed as `sla.clocks.on_event` would have computed them, with the same
pure `deadline()`, calendar and policy. Nothing goes through save(): rows are built in
memory and written in batches, by COPY on PostgreSQL and executemany elsewhere, one
transaction per batch. Receipt numbers continue each organisation's counters, so real
intake after a run carries on without a gap.

Cases are generated per organisation and fiscal year, a stream each with its own random
numbers: nothing joins two streams, so on PostgreSQL several processes share them out.
The output depends on the seed, `until`, `since`, the batch size (merges pick a
duplicate's original within its batch) and what the database held before, not on the
number of processes; tracking codes are the model's own random ones.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import queue
import random
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, models, transaction
from django.db import connections as db_connections

from rongrian.cases.search import index_text
from rongrian.catalog.choices import DayCount
from rongrian.catalog.models import Category
from rongrian.common.thaidate import fiscal_year, fiscal_year_be
from rongrian.org.choices import Role
from rongrian.org.demo import CATEGORIES, DESCRIPTIONS, UNITS, load_demo
from rongrian.org.models import Contractor, ExternalAgency, Organisation, Staff, Unit, User
from rongrian.sla.calendar import BANGKOK, BusinessCalendar, calendar_for
from rongrian.sla.choices import Outcome, ScreeningRule, Stage
from rongrian.sla.clocks import deadline
from rongrian.sla.models import SlaPolicy, StageClock

from . import generate_texts as words
from .choices import Action, Channel, Status
from .lifecycle import CITIZEN, SYSTEM, TRANSITIONS, Transition
from .models import Case, CaseEvent, ReceiptCounter
from .receipts import format_receipt

DEFAULT_TEXTS = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "traffy-bangkok-2022.csv.gz"
)
MAX_ORGS = 27  # the demo plus GENA … GENZ

# Plain strings: psycopg would write an enum member's name, not its value.
A = {a.name: a.value for a in Action}
S = {s.name: s.value for s in Status}
G = {g.name: g.value for g in Stage}
MET, MISSED, CANCELLED = Outcome.MET.value, Outcome.MISSED.value, Outcome.CANCELLED.value
UNIT_STAGES = (G["ACKNOWLEDGE"], G["ASSIGN"], G["FIRST_PROGRESS"], G["PERIODIC"])
TERMINAL = (S["REJECTED"], S["MERGED"])
TABLE: dict[tuple[str, str], Transition] = {
    (t.action.value, t.source.value): t for t in TRANSITIONS
}

# Seed 000: web 20.38 %, hotline 39.80 %, the rest at the counter and newer channels.
CHANNELS = [
    (Channel.PHONE.value, 40),
    (Channel.WEB.value, 20),
    (Channel.WALK_IN.value, 17),
    (Channel.LINE.value, 15),
    (Channel.EMAIL.value, 4),
    (Channel.API.value, 4),
]
# Who types the complaint in: staff for the phone, the counter and e-mail.
RECORDED_BY_STAFF = {Channel.PHONE.value, Channel.WALK_IN.value, Channel.EMAIL.value}
# Zipf-like: street lights, roads and rubbish make most of a city's complaints.
CATEGORY_WEIGHTS = {
    "STREETLIGHT": 20, "ROAD": 15, "GARBAGE": 12, "DRAINBLOCK": 8, "TREETRIM": 7, "NOISE": 6,
    "VENDOR": 5, "FLOOD": 4.5, "STRAY": 4, "LIGHTNEW": 3.5, "TREEFALL": 3, "MOSQUITO": 2.5,
    "DRAINNEW": 2, "BUILDING": 2, "DEADANIMAL": 1.5, "BLINKER": 1.2, "WATER": 1,
}  # fmt: skip
RAINY_MONTHS = range(6, 11)
RAINY_BOOST = {"FLOOD": 2.5, "DRAINBLOCK": 1.4, "DRAINNEW": 1.6, "TREEFALL": 2.0, "MOSQUITO": 2.0}
NO_CATEGORY = 0.03  # filed online without choosing one
# Lampang's on-time shares per target class (seed 000), overall 92 %.
ON_TIME = {1: 0.945, 2: 0.954, 3: 0.968, 7: 0.889}
P_STUCK = 0.015  # work that stalls for good at one stage: old, overdue, still open
LOCATION_SHARE = {"web": 0.75, "line": 0.8, "api": 0.95, "phone": 0.2, "walk_in": 0.3}
CENTRES = [
    (18.2888, 99.4909), (16.4419, 102.8360), (7.0086, 100.4747), (14.9799, 102.0978),
    (19.9105, 99.8406), (16.8211, 100.2659), (17.4138, 102.7870), (9.1382, 99.3215),
    (15.2287, 104.8564),
]  # fmt: skip
THAI_LETTERS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝ"
GENERATED_AGENCIES = [
    ("การประปาส่วนภูมิภาค สาขาในพื้นที่", "Provincial Waterworks Authority, local branch", "1662"),
    ("การไฟฟ้าส่วนภูมิภาค สาขาในพื้นที่", "Provincial Electricity Authority, local branch", "1129"),
    ("แขวงทางหลวงในพื้นที่", "Department of Highways, district office", "1586"),
    ("สถานีตำรวจภูธรในพื้นที่", "Local police station", "191"),
]
MINUTE, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)
# How long a unit takes, in working minutes: (share, from, to) bands.
ACK = ((0.6, 2, 120), (0.3, 120, 900), (0.1, 900, 3000))
ACK_QUICK = ((0.75, 2, 60), (0.2, 60, 300), (0.05, 300, 1500))
ASSIGN = ((0.65, 1, 5), (0.25, 5, 60), (0.1, 60, 1440))
ASSIGN_QUICK = ((0.8, 1, 5), (0.17, 5, 60), (0.03, 60, 600))


# ---------------------------------------------------------------------------
# Entry point


@dataclass
class GenerateReport:
    cases: int = 0
    events: int = 0
    clocks: int = 0
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    reopened: int = 0
    overdue: int = 0

    @property
    def rows(self) -> int:
        return self.cases + self.events + self.clocks

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def add(self, other: GenerateReport) -> None:
        self.cases += other.cases
        self.events += other.events
        self.clocks += other.clocks
        self.statuses.update(other.statuses)
        self.channels.update(other.channels)
        self.reopened += other.reopened
        self.overdue += other.overdue


def generate(
    n: int,
    *,
    orgs: int = 3,
    seed: int = 0,
    batch: int = 10_000,
    jobs: int = 2,
    texts: Path | None = DEFAULT_TEXTS,
    until: dt.datetime | None = None,
    since: dt.date | None = None,
    text_rows: int = 50_000,
    progress: Callable[[GenerateReport], None] | None = None,
) -> GenerateReport:
    """Create `n` cases with timelines and clocks over `orgs` organisations (the demo first).

    `until` (default now) ends the period; `since` (default 1 October of the fiscal
    year before the one holding `until`) starts it, so two fiscal years are covered.
    On PostgreSQL, outside a transaction, `jobs` processes generate and write at once."""
    if not 1 <= orgs <= MAX_ORGS:
        raise ValueError(f"orgs must be between 1 and {MAX_ORGS}")
    clock_started = time.monotonic()
    until = (until or dt.datetime.now(BANGKOK)).astimezone(BANGKOK).replace(microsecond=0)
    since = since or dt.date(fiscal_year(until.date()) - 2, 10, 1)
    if since > until.date():
        raise ValueError("since must come before until")
    kits = [_Kit.load(org, i) for i, org in enumerate(ensure_organisations(orgs))]
    source = words.TextSource.from_file(
        texts, max_rows=text_rows, max_chars=settings.RONGRIAN_DESCRIPTION_MAX_CHARS
    )
    streams = _streams(_receipt_keys(random.Random(seed), n, kits, since, until))
    work = _Work(kits, until, source, seed, batch)
    report = GenerateReport()

    def tally(part: GenerateReport) -> None:
        report.add(part)
        report.seconds = time.monotonic() - clock_started
        if progress:
            progress(report)

    jobs = min(jobs, len(streams))
    if jobs > 1 and _can_fork():
        _in_processes(work, streams, jobs, tally)
    else:
        for key in sorted(streams):
            work.run(key, streams[key], tally)
    _Writer().finish()
    report.seconds = time.monotonic() - clock_started
    return report


def _streams(keys: list[int]) -> dict[tuple[int, int], list[int]]:
    """The cases of each organisation and fiscal year, in order of receipt. Nothing joins two
    streams (numbers, counters and merges are per organisation and year), so each is
    generated with its own random numbers, by whichever process."""
    streams: dict[tuple[int, int], list[int]] = defaultdict(list)
    for key in keys:
        day = dt.datetime.fromtimestamp(key >> 10, BANGKOK).date()
        streams[((key >> 4) & 63, fiscal_year_be(day))].append(key)
    return streams


@dataclass
class _Work:
    kits: list[_Kit]
    until: dt.datetime
    texts: words.TextSource
    seed: int
    batch: int

    def run(
        self, key: tuple[int, int], keys: list[int], tally: Callable[[GenerateReport], None]
    ) -> None:
        kit = self.kits[key[0]]
        rng = random.Random(f"{self.seed}/{kit.org.code}/{key[1]}")
        builder = _Builder(rng, self.until, self.texts)
        writer = _Writer()
        channels = [c for c, _ in CHANNELS]
        for start in range(0, len(keys), self.batch):
            cases = []
            for k in keys[start : start + self.batch]:
                at = dt.datetime.fromtimestamp(k >> 10, BANGKOK)
                cases.append(builder.build(kit, at, channels[k & 15]))
            builder.recent.clear()  # a duplicate's original is looked for in its own batch
            writer.write(cases)
            part = GenerateReport()
            _count(part, cases, self.until)
            tally(part)


def _can_fork() -> bool:
    # Inside the caller's transaction other connections would not see its rows; SQLite
    # takes one writer at a time anyway.
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _in_processes(
    work: _Work,
    streams: dict[tuple[int, int], list[int]],
    jobs: int,
    tally: Callable[[GenerateReport], None],
) -> None:
    """Run the streams in `jobs` forked processes, each with its own connection."""
    shares: list[list[tuple[int, int]]] = [[] for _ in range(jobs)]
    loads = [0] * jobs
    for key in sorted(streams, key=lambda k: (-len(streams[k]), k)):  # longest first
        i = loads.index(min(loads))
        shares[i].append(key)
        loads[i] += len(streams[key])
    context = multiprocessing.get_context("fork")
    messages: Any = context.Queue()
    db_connections.close_all()  # a child must open its own, not share our socket
    children = [
        context.Process(target=_child, args=(work, [(k, streams[k]) for k in share], messages))
        for share in shares
    ]
    for child in children:
        child.start()
    running, failure = len(children), ""
    try:
        while running and not failure:
            try:
                kind, payload = messages.get(timeout=1.0)
            except queue.Empty:
                dead = [c.exitcode for c in children if c.exitcode not in (None, 0)]
                failure = f"a generating process exited with code {dead[0]}" if dead else ""
                continue
            if kind == "tally":
                tally(payload)
            elif kind == "done":
                running -= 1
            else:
                failure = payload
    finally:
        for child in children:
            if failure:
                child.terminate()
            child.join()
    if failure:
        raise RuntimeError(f"generate_cases failed in a worker process:\n{failure}")


def _child(work: _Work, streams: list[tuple[tuple[int, int], list[int]]], messages: Any) -> None:
    try:
        for key, keys in streams:
            work.run(key, keys, lambda part: messages.put(("tally", part)))
        messages.put(("done", None))
    except BaseException:
        messages.put(("error", traceback.format_exc()))
    finally:
        connection.close()


def _count(report: GenerateReport, cases: list[_Case], until: dt.datetime) -> None:
    for c in cases:
        report.cases += 1
        report.events += len(c.events)
        report.clocks += len(c.clocks)
        report.statuses[c.status] += 1
        report.channels[c.channel] += 1
        report.reopened += c.reopen_count > 0
        report.overdue += any(k.is_overdue(until) for k in c.clocks)


# ---------------------------------------------------------------------------
# Organisations, their people and calendars


def ensure_organisations(count: int) -> list[Organisation]:
    """The demo organisation and `count - 1` generated ones (GENA, GENB, …), each with a
    head for every unit that owns a category, officers, intake and a supervisor."""
    orgs = [load_demo()[0]]
    for i in range(count - 1):
        orgs.append(_generated_org(i))
    for org in orgs:
        _ensure_staff(org)
    return orgs


def _generated_org(i: int) -> Organisation:
    code = "GEN" + chr(ord("A") + i)
    existing = Organisation.objects.filter(code=code).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        org = Organisation.objects.create(
            code=code,
            name=f"เทศบาลตัวอย่าง {THAI_LETTERS[i]} (ข้อมูลสังเคราะห์)",
            name_en=f"Generated municipality {chr(ord('A') + i)}",
            hotline="1132",
            email=f"complaints@{code.lower()}.example",
        )
        units: dict[str, Unit] = {}
        for ucode, parent, th, en, my in UNITS:
            units[ucode] = Unit.objects.create(
                organisation=org, code=ucode, parent=units.get(parent or ""),
                name=th, name_en=en, name_my=my,
            )  # fmt: skip
        for order, (ccode, unit, days, count, th, en, my, desc) in enumerate(CATEGORIES, 1):
            desc_en, desc_my = DESCRIPTIONS.get(ccode, ("", ""))
            Category.objects.create(
                organisation=org, code=ccode, default_unit=units[unit], target_days=days,
                day_count=count, name=th, name_en=en, name_my=my, description=desc,
                description_en=desc_en, description_my=desc_my, sort_order=order,
            )  # fmt: skip
        for th, en, hotline in GENERATED_AGENCIES:
            ExternalAgency.objects.create(organisation=org, name=th, name_en=en, hotline=hotline)
        # Variety in the rules: one Bangkok-style screening day, one without 15th/30th reports.
        if i == 1:
            SlaPolicy.objects.create(organisation=org, screening_rule=ScreeningRule.BUSINESS_DAY)
        elif i == 2:
            SlaPolicy.objects.create(organisation=org, periodic_reports=False)
        firm = Contractor.objects.create(organisation=org, name=f"หจก. ไฟฟ้าบริการ {code}")
        _person(org, Role.CONTRACTOR, units["ENG-ELEC"], "contractor1", contractor=firm)
    return org


def _ensure_staff(org: Organisation) -> None:
    units = {u.pk: u for u in Unit.objects.filter(organisation=org, is_active=True)}
    working = sorted(
        {uid for uid in Category.objects.active().filter(organisation=org).values_list(
            "default_unit_id", flat=True) if uid in units}
    )  # fmt: skip
    staff = list(Staff.objects.active().filter(organisation=org).values_list("role", "unit_id"))
    roles = Counter(role for role, _ in staff)
    centre = next((u for u in units.values() if u.code == "CENTRE"), None)
    if not roles[Role.INTAKE]:
        for k in (1, 2):
            _person(org, Role.INTAKE, centre, f"intake{k}")
    if not roles[Role.SUPERVISOR]:
        _person(org, Role.SUPERVISOR, centre, "supervisor1")
    for uid in working:
        unit = units[uid]
        if (Role.UNIT_HEAD, uid) not in staff:
            _person(org, Role.UNIT_HEAD, unit, "head")
        if (Role.OFFICER, uid) not in staff and (Role.CONTRACTOR, uid) not in staff:
            for k in (1, 2):
                _person(org, Role.OFFICER, unit, f"officer{k}")


def _person(
    org: Organisation,
    role: Role,
    unit: Unit | None,
    name: str,
    contractor: Contractor | None = None,
) -> Staff:
    prefix = f"{org.code}.{unit.code}" if unit else org.code
    username = f"gen.{prefix}.{name}".lower()
    rng = random.Random(username)
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": rng.choice(words.FIRST_NAMES),
            "last_name": rng.choice(words.LAST_NAMES),
            "email": f"{username}@{org.code.lower()}.example",
            "password": make_password(None),
            "language": "th",
        },
    )
    staff, _ = Staff.objects.get_or_create(
        user=user, organisation=org, defaults={"role": role, "unit": unit, "contractor": contractor}
    )
    return staff


class _Person(NamedTuple):
    pk: int
    user_id: int
    role: str
    unit_id: int | None
    name: str


class _Kit:
    """One organisation as the generator needs it, read once."""

    def __init__(self, org: Organisation, index: int) -> None:
        self.org, self.index = org, index
        self.cal: BusinessCalendar = calendar_for(org.pk)
        self.policy = SlaPolicy.for_organisation(org.pk)
        self.units = {u.pk: u for u in Unit.objects.filter(organisation=org, is_active=True)}
        self.categories = list(Category.objects.active().filter(organisation=org))
        self.working_units = sorted(
            {c.default_unit_id for c in self.categories if c.default_unit_id in self.units}
        )
        weights = [CATEGORY_WEIGHTS.get(c.code, 1.0) for c in self.categories]
        rainy = [RAINY_BOOST.get(c.code, 1.0) * CATEGORY_WEIGHTS.get(c.code, 1.0)
                 for c in self.categories]  # fmt: skip
        self.cum_dry, self.cum_rainy = _cumulative(weights), _cumulative(rainy)
        self.heads: dict[int, list[_Person]] = defaultdict(list)
        self.workers: dict[int, list[_Person]] = defaultdict(list)
        self.intake: list[_Person] = []
        self.supervisors: list[_Person] = []
        for s in Staff.objects.active().filter(organisation=org).select_related("user"):
            p = _Person(s.pk, s.user_id, s.role, s.unit_id, s.display_name)
            if s.role == Role.UNIT_HEAD:
                self.heads[s.unit_id].append(p)
            elif s.role in (Role.OFFICER, Role.CONTRACTOR):
                self.workers[s.unit_id].append(p)
            elif s.role == Role.INTAKE:
                self.intake.append(p)
            elif s.role == Role.SUPERVISOR:
                self.supervisors.append(p)
        self.agencies = list(ExternalAgency.objects.filter(organisation=org, is_active=True))
        self.centre = CENTRES[index % len(CENTRES)]

    @classmethod
    def load(cls, org: Organisation, index: int) -> _Kit:
        kit = cls(org, index)
        if not (kit.categories and kit.intake and kit.supervisors):
            raise ValueError(f"{org.code} needs categories, intake staff and a supervisor")
        return kit


def _cumulative(weights: Iterable[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


# ---------------------------------------------------------------------------
# When complaints arrive


# Half-hour slots 0..47 of a Bangkok day.
def _profile(kind: str) -> list[float]:
    out = []
    for slot in range(48):
        h = slot / 2
        office = 8.5 <= h < 16.5
        if kind == "counter":
            w = (0.6 if 12 <= h < 13 else 1.3 if 9 <= h < 11.5 else 1.0) if office else 0.0
        elif kind == "hotline":
            w = 1.0 if office else 0.25 if 16.5 <= h < 21 else 0.1 if 6 <= h < 8.5 else 0.02
        else:
            w = (1.0 if office else 0.4 if 6 <= h < 8.5 else 1.1 if 19 <= h < 23
                 else 0.8 if 16.5 <= h < 19 else 0.3 if h >= 23 else 0.06)  # fmt: skip
        out.append(w)
    return _cumulative(out)


def _receipt_keys(
    rng: random.Random, n: int, kits: list[_Kit], since: dt.date, until: dt.datetime
) -> list[int]:
    """n receipt times in order, each packed with its organisation and channel:
    seconds << 10 | organisation << 4 | channel."""
    cal = kits[0].cal
    days = [since + dt.timedelta(d) for d in range((until.date() - since).days + 1)]
    base = []
    for i, day in enumerate(days):
        w = 0.8 + 0.4 * i / max(1, len(days) - 1)  # use grows over the period
        w *= {0: 1.15, 4: 0.9}.get(day.weekday(), 1.0) * (1.15 if day.month in RAINY_MONTHS else 1)
        base.append((w, cal.is_business_day(day)))
    per_channel = {
        "walk_in": ([w if b else 0.0 for w, b in base], _profile("counter")),
        "phone": ([w if b else w * 0.35 for w, b in base], _profile("hotline")),
        "online": ([w if b else w * 0.6 for w, b in base], _profile("online")),
    }
    if not any(per_channel["walk_in"][0]):  # no business day at all: the counter is shut
        per_channel["walk_in"] = per_channel["phone"]
    cum = {k: (_cumulative(d), slots) for k, (d, slots) in per_channel.items()}
    channel_cum = _cumulative(w for _, w in CHANNELS)
    org_cum = _cumulative(max(0.3, 1.0 - 0.2 * i) for i in range(len(kits)))
    limit = int(until.timestamp())
    keys: list[int] = []
    attempts = 0
    while len(keys) < n:
        attempts += 1
        if attempts > 20 * n + 1000:  # nearly every draw falls after `until`
            raise ValueError("The period is too short for these cases; start it earlier.")
        ch = rng.choices(range(len(CHANNELS)), cum_weights=channel_cum)[0]
        name = CHANNELS[ch][0]
        day_cum, slot_cum = cum[name if name in ("walk_in", "phone") else "online"]
        day = days[rng.choices(range(len(days)), cum_weights=day_cum)[0]]
        slot = rng.choices(range(48), cum_weights=slot_cum)[0]
        at = int(dt.datetime(day.year, day.month, day.day, tzinfo=BANGKOK).timestamp())
        at += slot * 1800 + rng.randrange(1800)
        if at > limit:
            continue
        org = rng.choices(range(len(kits)), cum_weights=org_cum)[0]
        keys.append(at << 10 | org << 4 | ch)
    keys.sort()
    return keys


# ---------------------------------------------------------------------------
# One case: the walk through the lifecycle, and its clocks


class _Event:
    __slots__ = ("action", "actor", "at", "data", "from_status", "note", "public", "reason", "to")

    def __init__(self, action: str, from_status: str, to: str, actor: _Person | str,
                 at: dt.datetime, reason: str, note: str, public: bool,
                 data: dict[str, Any]) -> None:  # fmt: skip
        self.action, self.from_status, self.to, self.actor, self.at = (
            action, from_status, to, actor, at,
        )  # fmt: skip
        self.reason, self.note, self.public, self.data = reason, note, public, data


class _Clock:
    __slots__ = ("business", "due", "finished", "outcome", "paused", "paused_minutes", "stage",
                 "started", "unit_id")  # fmt: skip

    def __init__(self, stage: str, unit_id: int | None, business: bool, started: dt.datetime,
                 due: dt.datetime) -> None:  # fmt: skip
        self.stage, self.unit_id, self.business, self.started, self.due = (
            stage, unit_id, business, started, due,
        )  # fmt: skip
        self.finished: dt.datetime | None = None
        self.outcome = ""
        self.paused: dt.datetime | None = None
        self.paused_minutes = 0

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.finished is None and self.paused is None and self.due < now


class _Case:
    """A case being generated: the fields cases.services would have written, its events
    and its clocks."""

    def __init__(self, kit: _Kit, channel: str, received_at: dt.datetime) -> None:
        self.kit, self.channel, self.received_at = kit, channel, received_at
        self.category: Category | None = None
        self.right_unit: int = 0
        self.status = ""
        self.held_from = ""
        self.unit_id: int | None = None
        self.assignee: _Person | None = None
        self.referred_to: int | None = None
        self.merged_into: _Case | None = None
        self.resolution = ""
        self.reopen_count = 0
        self.forwarded_at: dt.datetime | None = None
        self.acknowledged_at: dt.datetime | None = None
        self.assigned_at: dt.datetime | None = None
        self.resolved_at: dt.datetime | None = None
        self.closed_at: dt.datetime | None = None
        self.events: list[_Event] = []
        self.clocks: list[_Clock] = []
        self.fields: dict[str, Any] = {}  # intake details: description, complainant, place
        self.plan: dt.datetime | None = None  # when the current work will be resolved
        self.next_progress: dt.datetime | None = None
        self.hold_planned = False
        self.stuck = ""
        self.quick = False  # a target of 3 days or less: the unit drops what it is doing
        self.urgent = False  # counted in calendar days: a duty crew works evenings and weekends
        self.id = 0
        self.receipt_no = ""
        self.fiscal_year = self.receipt_seq = 0

    @property
    def last_at(self) -> dt.datetime:
        return self.events[-1].at

    def running(self, stage: str) -> _Clock | None:
        return next((k for k in self.clocks if k.stage == stage and k.finished is None), None)

    def status_at(self, at: dt.datetime) -> str | None:
        for e in reversed(self.events):
            if e.at <= at:
                return e.to
        return None


class _Cutoff(Exception):
    """The next step would happen after `until` (or never): the case stays where it is."""


class _Builder:
    def __init__(self, rng: random.Random, until: dt.datetime, texts: words.TextSource) -> None:
        self.rng, self.until, self.texts = rng, until, texts
        self.recent: dict[int, list[_Case]] = defaultdict(list)  # merge candidates per org

    # --- intake -------------------------------------------------------------------------

    def build(self, kit: _Kit, received_at: dt.datetime, channel: str) -> _Case:
        rng = self.rng
        c = _Case(kit, channel, received_at)
        month = received_at.month
        cum = kit.cum_rainy if month in RAINY_MONTHS else kit.cum_dry
        category = rng.choices(kit.categories, cum_weights=cum)[0]
        online = channel not in RECORDED_BY_STAFF
        if online and rng.random() < NO_CATEGORY:
            c.right_unit = rng.choice(kit.working_units)
        else:
            c.category = category
            c.quick = category.target_days <= 3
            c.urgent = category.day_count == DayCount.CALENDAR
            unit = category.default_unit_id
            c.right_unit = unit if unit in kit.units else rng.choice(kit.working_units)
        self._intake_details(c, category.code if c.category else None)
        receiver = rng.choice(kit.intake) if channel in RECORDED_BY_STAFF else CITIZEN
        c.status = S["RECEIVED"]
        c.events.append(
            _Event(A["RECEIVE"], "", S["RECEIVED"], receiver, received_at, "", "", True,
                   {"channel": channel})
        )  # fmt: skip
        self._on_event(c, A["RECEIVE"], CITIZEN, received_at)
        if rng.random() < P_STUCK:
            c.stuck = rng.choice(("acknowledge", "assign", "work", "work"))
        with suppress(_Cutoff):
            self._walk(c)
        self.recent[kit.index].append(c)
        return c

    def _intake_details(self, c: _Case, code: str | None) -> None:
        rng, channel = self.rng, c.channel
        f = c.fields
        f["description"] = self.texts.description(rng, code)
        anonymous = rng.random() < (0.15 if channel in RECORDED_BY_STAFF else 0.4)
        f["complainant_name"] = "" if anonymous else words.person(rng)
        wants_phone = channel in ("phone", "walk_in") or rng.random() < 0.3
        f["complainant_phone"] = (
            rng.choice(("08", "09", "06")) + "%08d" % rng.randrange(10**8)
            if not anonymous and wants_phone
            else ""
        )
        f["complainant_email"] = (
            "user%d@example.com" % rng.randrange(10**6)
            if channel == "email" or (not anonymous and rng.random() < 0.08)
            else ""
        )
        f["complainant_line_id"] = "U%032x" % rng.getrandbits(128) if channel == "line" else ""
        # Never by SMS: a random 08 number is likely someone's real phone, and the sweep's
        # auto-close would text them. E-mail goes to example.com, LINE ids match nobody.
        contact = [ch for ch, key in (("email", "complainant_email"),
                                      ("line", "complainant_line_id")) if f[key]]  # fmt: skip
        f["wants_updates"] = bool(contact) and rng.random() < 0.45
        f["update_channel"] = rng.choice(contact) if f["wants_updates"] else ""
        r = rng.random()
        f["language"] = "th" if r < 0.97 else "en" if r < 0.99 else "my"
        f["address"] = words.address(rng) if rng.random() < 0.5 else ""
        if rng.random() < LOCATION_SHARE.get(channel, 0.1):
            lat, lon = c.kit.centre
            f["latitude"] = Decimal("%.6f" % (lat + rng.gauss(0, 0.02)))
            f["longitude"] = Decimal("%.6f" % (lon + rng.gauss(0, 0.02)))
        else:
            f["latitude"] = f["longitude"] = None

    # --- the walk -----------------------------------------------------------------------

    def _walk(self, c: _Case) -> None:
        steps = {
            S["RECEIVED"]: self._screen,
            S["RETURNED"]: self._screen,
            S["FORWARDED"]: self._unit_receives,
            S["REOPENED"]: self._unit_receives,
            S["ACKNOWLEDGED"]: self._assign,
            S["ASSIGNED"]: self._work,
            S["IN_PROGRESS"]: self._work,
            S["ON_HOLD"]: self._resume,
            S["RESOLVED"]: self._after_fix,
            S["REFERRED"]: self._referral_answered,
            S["CLOSED"]: self._maybe_reopen_closed,
        }
        while c.status not in TERMINAL and len(c.events) < 60:
            step = steps[c.status]
            if step(c) is False:
                return

    def _centre(self, c: _Case) -> _Person:
        kit = c.kit
        return self.rng.choice(kit.supervisors if self.rng.random() < 0.1 else kit.intake)

    def _head(self, c: _Case) -> _Person:
        return self.rng.choice(c.kit.heads[c.unit_id or 0])

    def _wm(self, c: _Case, at: dt.datetime, minutes: float) -> dt.datetime:
        """`minutes` of working time after `at` on the organisation's calendar."""
        return c.kit.cal.add_working_minutes(at, int(minutes)).replace(microsecond=0)

    def _soon(self, c: _Case, minutes: float) -> dt.datetime:
        """The next step `minutes` of work after the last: working time, except that urgent
        work outside office hours is mostly taken by whoever is on duty."""
        if c.urgent and self.rng.random() < 0.8:
            return (c.last_at + MINUTE * minutes).replace(microsecond=0)
        return self._wm(c, c.last_at, minutes)

    def _delay(self, bands: tuple[tuple[float, float, float], ...]) -> float:
        """Minutes from (share, low, high) bands; the last band takes the rest."""
        r = self.rng.random()
        for share, low, high in bands:
            if r < share:
                return self.rng.uniform(low, high)
            r -= share
        return self.rng.uniform(bands[-1][1], bands[-1][2])

    def _screen(self, c: _Case) -> None:
        rng = self.rng
        by = self._centre(c)
        at = self._soon(c, self._delay(((0.72, 1, 5), (0.2, 5, 30), (0.08, 30, 600))))
        at = max(at, c.last_at + MINUTE)
        r = rng.random()
        first = c.status == S["RECEIVED"]
        if r < (0.03 if first else 0.05):
            self._step(c, A["REJECT"], by, at, reason=rng.choice(words.REJECT_REASONS))
        elif r < (0.06 if first else 0.2) and c.kit.agencies:
            agency = rng.choice(c.kit.agencies)
            urgent = rng.random() < 0.4
            data = {"agency": agency.pk, "agency_name": agency.name, "hotline": agency.hotline,
                    "urgent": urgent}  # fmt: skip
            self._step(c, A["REFER"], by, at, data=data, changes={"referred_to": agency.pk})
        elif first and r < 0.07 and (into := self._merge_target(c, at)) is not None:
            self._step(c, A["MERGE"], by, at, data={"into": into}, changes={"merged_into": into})
            into.events.append(
                _Event(A["NOTE"], into.status_at(at) or "", into.status_at(at) or "", by, at, "",
                       "", False, {"merged_from": c})
            )  # fmt: skip
            into.events.sort(key=lambda e: e.at)
        else:
            wrong = [u for u in c.kit.working_units if u != c.right_unit and c.kit.heads[u]]
            unit_id = c.right_unit
            if first and wrong and rng.random() < 0.03:
                unit_id = rng.choice(wrong)
            unit = c.kit.units[unit_id]
            self._step(
                c, A["FORWARD"], by, at, data={"unit": unit.pk, "unit_name": unit.name},
                changes={"unit_id": unit_id, "assignee": None}, stamp=("forwarded_at",),
            )  # fmt: skip

    def _merge_target(self, c: _Case, at: dt.datetime) -> _Case | None:
        """An earlier open case of the same organisation, the same category if possible."""
        candidates = [
            t
            for t in self.recent[c.kit.index][-50:]
            if t.received_at < c.received_at
            and at - t.received_at < 3 * DAY
            and t.status_at(at) not in (*TERMINAL, None)
            and all(e.at != at for e in t.events)
        ]
        same = [t for t in candidates if t.category == c.category]
        return (same or candidates or [None])[-1]

    def _unit_receives(self, c: _Case) -> None:
        if c.stuck == "acknowledge" and not c.reopen_count:
            raise _Cutoff
        rng = self.rng
        head = self._head(c)
        bands = ACK_QUICK if c.quick else ACK
        at = self._soon(c, self._delay(bands))
        c.plan = c.next_progress = None
        if c.unit_id != c.right_unit and rng.random() < 0.7:
            self._return(c, head, at)
        else:
            self._step(c, A["ACKNOWLEDGE"], head, at, stamp=("acknowledged_at",))

    def _return(self, c: _Case, head: _Person, at: dt.datetime) -> None:
        self._step(
            c, A["RETURN"], head, at, reason=self.rng.choice(words.RETURN_REASONS),
            data={"from_unit": c.unit_id}, changes={"unit_id": None, "assignee": None},
        )  # fmt: skip

    def _assign(self, c: _Case) -> None:
        rng = self.rng
        head = self._head(c)
        if c.unit_id != c.right_unit:
            self._return(c, head, self._wm(c, c.last_at, rng.uniform(5, 600)))
            return
        if rng.random() < 0.01:
            self._hold(c, head, self._wm(c, c.last_at, rng.uniform(5, 300)))
            return
        if c.stuck == "assign" and not c.reopen_count:
            raise _Cutoff
        at = self._soon(c, self._delay(ASSIGN_QUICK if c.quick else ASSIGN))
        previous = c.assignee
        workers = c.kit.workers[c.unit_id or 0] or c.kit.heads[c.unit_id or 0]
        worker = previous if previous and rng.random() < 0.7 else rng.choice(workers)
        self._give(c, worker, head, at)

    def _give(self, c: _Case, worker: _Person, head: _Person, at: dt.datetime) -> None:
        data = {"assignee": worker.pk, "assignee_name": worker.name}
        self._step(
            c, A["ASSIGN"], head, at, data=data, changes={"assignee": worker},
            stamp=("assigned_at",),
        )  # fmt: skip

    def _work(self, c: _Case) -> None:
        rng = self.rng
        worker = c.assignee
        assert worker is not None
        if c.plan is None:
            self._plan(c)
        assert c.plan is not None and c.next_progress is not None
        if c.hold_planned:
            c.hold_planned = False
            at = self._wm(c, c.last_at, rng.uniform(10, 900))
            if at < c.plan:
                self._hold(c, worker, at)
                return
        if c.status == S["ASSIGNED"]:
            r = rng.random()
            if r < 0.02 and len(c.kit.workers[c.unit_id or 0]) > 1:
                others = [w for w in c.kit.workers[c.unit_id or 0] if w != worker]
                self._give(c, rng.choice(others), self._head(c), self._wm(c, c.last_at, 30))
                return
            if r < 0.9 and c.plan - c.last_at > HOUR:
                at = min(self._wm(c, c.last_at, rng.uniform(5, 480)), c.plan - 30 * MINUTE)
                self._step(c, A["START"], worker, at)
                return
        if c.next_progress < c.plan:
            if c.stuck == "work" and c.reopen_count == 0 and rng.random() < 0.3:
                raise _Cutoff  # nobody reports on it any more
            note = rng.choice(words.PROGRESS_NOTES)
            self._step(c, A["PROGRESS"], worker, c.next_progress, note=note)
            c.next_progress = (c.last_at + DAY * rng.uniform(5, 16)).replace(microsecond=0)
            return
        result = rng.choice(words.RESULTS[words.GROUP_OF.get(self._code(c), "general")])
        self._step(
            c, A["RESOLVE"], worker, c.plan, reason=result, changes={"resolution": result},
            stamp=("resolved_at",),
        )  # fmt: skip

    @staticmethod
    def _code(c: _Case) -> str:
        return c.category.code if c.category else ""

    def _plan(self, c: _Case) -> None:
        """When the work will be done, on time or late by the category's target class,
        and when the first progress report comes."""
        rng, now = self.rng, c.last_at
        resolve = c.running(G["RESOLVE"])
        due = resolve.due if resolve else now + 7 * DAY
        days = c.category.target_days if c.category else 7
        if c.stuck == "work" and not c.reopen_count:
            plan = self.until + 3650 * DAY
        elif rng.random() < ON_TIME.get(days, 0.9) and due - now > 20 * MINUTE:
            plan = now + (due - now) * rng.uniform(0.15, 0.97)
        else:
            plan = max(due, now) + HOUR * rng.expovariate(1 / (20 * days))
            if rng.random() < 0.05:
                plan += DAY * rng.uniform(20, 120)
        c.plan = plan.replace(microsecond=0)
        first = c.running(G["FIRST_PROGRESS"]) or c.running(G["PERIODIC"])
        if first is not None:
            c.next_progress = first.started + (first.due - first.started) * rng.uniform(0.2, 1.3)
        else:
            c.next_progress = now + DAY * rng.uniform(3, 10)
        c.next_progress = max(c.next_progress, now + MINUTE).replace(microsecond=0)
        c.hold_planned = rng.random() < 0.04

    def _hold(self, c: _Case, by: _Person, at: dt.datetime) -> None:
        self._step(c, A["HOLD"], by, at, reason=self.rng.choice(words.HOLD_REASONS))

    def _resume(self, c: _Case) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            raise _Cutoff  # the complainant never answered
        held = c.last_at
        at = (held + DAY * rng.uniform(0.5, 10)).replace(microsecond=0)
        if c.held_from == S["ACKNOWLEDGED"] or c.assignee is None:
            by = self._head(c)
        else:
            by = c.assignee if rng.random() < 0.9 else rng.choice(c.kit.supervisors)
        self._step(c, A["RESUME"], by, at, note="ได้รับข้อมูลจากผู้ร้องแล้ว")
        if c.plan is not None and c.next_progress is not None:
            c.plan += at - held
            c.next_progress += at - held

    def _after_fix(self, c: _Case) -> None:
        rng = self.rng
        confirm = c.running(G["CONFIRM"])
        assert confirm is not None
        window = confirm.due - c.last_at
        r = rng.random()
        if r < 0.05 and c.reopen_count < 3:
            at = (c.last_at + window * rng.uniform(0.02, 0.95)).replace(microsecond=0)
            self._reopen(c, CITIZEN, at, rng.choice(words.DISPUTE_REASONS))
        elif r < 0.37:
            at = (c.last_at + window * rng.uniform(0.01, 0.98)).replace(microsecond=0)
            self._step(c, A["CLOSE"], CITIZEN, at, stamp=("closed_at",))
        elif r < 0.52 and (at := self._wm(c, c.last_at, rng.uniform(10, 1500))) < confirm.due:
            note = rng.choice(words.CENTRE_CLOSE_NOTES)
            self._step(c, A["CLOSE"], self._centre(c), at, note=note, stamp=("closed_at",))
        else:
            # The sweep closes it a few minutes after the window ends.
            at = (confirm.due + MINUTE * rng.uniform(1, 10)).replace(microsecond=0)
            self._step(c, A["CLOSE"], SYSTEM, at, stamp=("closed_at",))

    def _reopen(self, c: _Case, by: _Person | str, at: dt.datetime, reason: str) -> None:
        self._step(
            c, A["REOPEN"], by, at, reason=reason, data={"previous_result": c.resolution},
            changes={"reopen_count": c.reopen_count + 1, "resolved_at": None, "closed_at": None},
        )  # fmt: skip

    def _maybe_reopen_closed(self, c: _Case) -> bool:
        rng = self.rng
        if c.unit_id is None or c.reopen_count >= 2 or rng.random() >= 0.025:
            return False
        at = self._wm(c, c.last_at + DAY * rng.uniform(1, 30), rng.uniform(0, 400))
        reason = rng.choice(words.SUPERVISOR_REOPEN_REASONS)
        self._reopen(c, rng.choice(c.kit.supervisors), at, reason)
        return True

    def _referral_answered(self, c: _Case) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            raise _Cutoff  # the agency never answered: still followed
        at = self._wm(c, c.last_at + DAY * rng.uniform(0.5, 45), rng.uniform(0, 400))
        reason = rng.choice(words.REFERRAL_CLOSE_REASONS)
        self._step(c, A["CLOSE"], self._centre(c), at, reason=reason, stamp=("closed_at",))

    # --- one step: the table, the event, the clocks ------------------------------------

    def _step(
        self,
        c: _Case,
        action: str,
        by: _Person | str,
        at: dt.datetime,
        *,
        reason: str = "",
        note: str = "",
        data: dict[str, Any] | None = None,
        changes: dict[str, Any] | None = None,
        stamp: tuple[str, ...] = (),
    ) -> None:
        """Take `action` as the lifecycle table allows, or stop the case at `until`.

        `changes` are the fields the matching service writes, `stamp` the ones it sets
        to the time of the step; status and held_from follow the table."""
        at = max(at, c.last_at + MINUTE)
        if at > self.until:
            raise _Cutoff
        role = by if isinstance(by, str) else by.role
        row = TABLE.get((action, c.status))
        if row is None or role not in row.roles:
            raise AssertionError(f"generator broke the lifecycle: {action} {c.status} {role}")
        for name, value in (changes or {}).items():
            setattr(c, name, value)
        for name in stamp:
            setattr(c, name, at)
        target = row.target.value if row.target is not None else c.held_from
        if target == S["ON_HOLD"]:
            c.held_from = c.status
        elif c.status == S["ON_HOLD"]:
            c.held_from = ""
        c.events.append(
            _Event(action, c.status, target, by, at, reason, note, True, data or {})
        )  # fmt: skip
        c.status = target
        self._on_event(c, action, role, at)

    # --- the clocks, as sla.clocks.on_event keeps them ------------------------------------

    def _on_event(self, c: _Case, action: str, role: str, at: dt.datetime) -> None:
        if action == A["RECEIVE"]:
            self._begin(c, G["SCREENING"], at, None)
            self._begin(c, G["RESOLVE"], at, None)
        elif action == A["FORWARD"]:
            _finish(c, (G["SCREENING"],), at)
            self._begin(c, G["ACKNOWLEDGE"], at, c.unit_id)
            for k in _running(c, (G["RESOLVE"],)):
                k.unit_id = c.unit_id
        elif action in (A["REFER"], A["REJECT"], A["MERGE"]):
            _finish(c, (G["SCREENING"],), at)
            _cancel(c, (G["RESOLVE"],), at)
        elif action == A["ACKNOWLEDGE"]:
            _finish(c, (G["ACKNOWLEDGE"],), at)
            self._begin(c, G["ASSIGN"], at, c.unit_id)
            if not any(k.stage == G["FIRST_PROGRESS"] and k.outcome != CANCELLED for k in c.clocks):
                self._begin(c, G["FIRST_PROGRESS"], at, c.unit_id)
            if c.kit.policy.periodic_reports:
                self._begin(c, G["PERIODIC"], at, c.unit_id)
        elif action == A["ASSIGN"]:
            _finish(c, (G["ASSIGN"],), at)
        elif action == A["RETURN"]:
            _cancel(c, UNIT_STAGES, at)
            for k in _running(c, (G["RESOLVE"],)):
                k.unit_id = None
            self._begin(c, G["SCREENING"], at, None)
        elif action == A["PROGRESS"]:
            _finish(c, (G["FIRST_PROGRESS"],), at)
            if _finish(c, (G["PERIODIC"],), at) and c.kit.policy.periodic_reports:
                self._begin(c, G["PERIODIC"], at, c.unit_id)
        elif action == A["HOLD"]:
            for k in c.clocks:
                if k.finished is None and k.paused is None:
                    k.paused = at
        elif action == A["RESUME"]:
            self._resume_clocks(c, at)
        elif action == A["RESOLVE"]:
            stages = (G["RESOLVE"], G["FIRST_PROGRESS"], G["PERIODIC"], G["ASSIGN"])
            _finish(c, stages, at)
            self._begin(c, G["CONFIRM"], at, None)
        elif action == A["CLOSE"]:
            if role == SYSTEM:
                _cancel(c, (G["CONFIRM"],), at)
            else:
                _finish(c, (G["CONFIRM"],), at)
            _cancel(c, tuple(G.values()), at)
        elif action == A["REOPEN"]:
            _cancel(c, (G["CONFIRM"],), at)
            self._begin(c, G["ACKNOWLEDGE"], at, c.unit_id)
            self._begin(c, G["RESOLVE"], at, c.unit_id)

    def _begin(self, c: _Case, stage: str, at: dt.datetime, unit_id: int | None) -> None:
        kit = c.kit
        category = c.category if stage == G["RESOLVE"] else None
        due, business = deadline(
            Stage(stage), at, cal=kit.cal, policy=kit.policy, category=category
        )
        _cancel(c, (stage,), at)
        c.clocks.append(_Clock(stage, unit_id, business, at, due))

    def _resume_clocks(self, c: _Case, at: dt.datetime) -> None:
        cal = c.kit.cal
        for k in c.clocks:
            if k.finished is not None or k.paused is None:
                continue
            if k.business:
                minutes = cal.working_minutes_between(k.paused, at)
                k.due = cal.add_working_minutes(k.due, minutes) if minutes else k.due
            else:
                shift = at - k.paused
                minutes = int(shift.total_seconds() // 60)
                k.due = k.due + shift
            k.paused = None
            k.paused_minutes += minutes


def _running(c: _Case, stages: tuple[str, ...]) -> list[_Clock]:
    return [k for k in c.clocks if k.finished is None and k.stage in stages]


def _finish(c: _Case, stages: tuple[str, ...], at: dt.datetime) -> int:
    found = _running(c, stages)
    for k in found:
        k.finished, k.outcome, k.paused = at, MET if k.due >= at else MISSED, None
    return len(found)


def _cancel(c: _Case, stages: tuple[str, ...], at: dt.datetime) -> None:
    for k in _running(c, stages):
        k.finished, k.outcome, k.paused = at, CANCELLED, None


# ---------------------------------------------------------------------------
# Writing


CASE_FIELDS = [
    "id", "organisation_id", "receipt_no", "fiscal_year", "receipt_seq", "channel",
    "category_id", "description", "complainant_name", "complainant_phone", "complainant_email",
    "complainant_line_id", "wants_updates", "update_channel", "language", "address",
    "latitude", "longitude", "status", "held_from", "unit_id", "assignee_id", "referred_to_id",
    "merged_into_id", "resolution", "reopen_count", "version", "received_at", "forwarded_at",
    "acknowledged_at", "assigned_at", "resolved_at", "closed_at", "updated_at", "search_text",
]  # fmt: skip
EVENT_FIELDS = [
    "case_id", "seq", "action", "from_status", "to_status", "actor_id", "actor_role",
    "actor_unit_id", "at", "reason", "note", "is_public", "data",
]  # fmt: skip
CLOCK_FIELDS = [
    "case_id", "organisation_id", "stage", "unit_id", "business_time", "started_at", "due_at",
    "finished_at", "outcome", "paused_at", "paused_minutes",
]  # fmt: skip


class _Table:
    """Columns to write for a model: ours, then any other field at its default (a callable
    default, such as the case's tracking code, is called for every row)."""

    def __init__(self, model: type[models.Model], names: list[str], adapt: bool) -> None:
        self.model, self.names = model, names
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [by_attname[n] for n in names]
        self.defaults: list[Callable[[], Any]] = []
        for f in model._meta.concrete_fields:
            if f.attname in names or f.primary_key:
                continue
            if f.get_default() is None and not f.null:
                raise ValueError(f"generate_cases cannot fill {model.__name__}.{f.name}")
            self.fields.append(f)
            value = f.get_default()
            self.defaults.append(f.get_default if callable(f.default) else lambda v=value: v)
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.table = connection.ops.quote_name(model._meta.db_table)
        # Values Python's drivers cannot take as they are, per backend.
        self.adapters: list[tuple[int, Callable[[Any], Any]]] = []
        for i, f in enumerate(self.fields):
            if isinstance(f, models.JSONField):
                self.adapters.append((i, _json))
            elif adapt and isinstance(f, models.DateTimeField):
                self.adapters.append((i, _datetime_adapter()))
            elif adapt and isinstance(f, models.DecimalField):
                self.adapters.append((i, lambda v, f=f: f.get_db_prep_save(v, connection)))

    def prepare(self, rows: list[list[Any]]) -> list[list[Any]]:
        extra, adapters = self.defaults, self.adapters
        called = any(callable(f.default) for f in self.fields[len(self.names) :])
        fixed = [] if called else [default() for default in extra]
        for row in rows:
            row.extend((default() for default in extra) if called else fixed)
            for i, fn in adapters:
                row[i] = fn(row[i])
        return rows


def _datetime_adapter() -> Callable[[Any], Any]:
    if connection.vendor == "sqlite" and connection.timezone_name == "UTC":
        # What Django stores (naive UTC, str()), without its per-value checks.
        def utc_text(value: dt.datetime | None) -> str | None:
            if value is None:
                return None
            return str(value.astimezone(dt.UTC).replace(tzinfo=None))

        return utc_text
    return connection.ops.adapt_datetimefield_value


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Writer:
    def __init__(self) -> None:
        self.copy = connection.vendor == "postgresql"
        adapt = not self.copy
        self.cases = _Table(Case, CASE_FIELDS, adapt)
        self.events = _Table(CaseEvent, EVENT_FIELDS, adapt)
        self.clocks = _Table(StageClock, CLOCK_FIELDS, adapt)
        self.skip_key_checks: bool | None = None  # decided at the first batch

    def write(self, cases: list[_Case]) -> None:
        own = not connection.in_atomic_block
        with transaction.atomic():
            if self.copy:
                self._tune(own)
            self._number(cases)
            for c, pk in zip(cases, self._reserve_ids(len(cases)), strict=True):
                c.id = pk
            case_rows, event_rows, clock_rows = [], [], []
            for c in cases:
                case_rows.append(_case_row(c))
                event_rows.extend(_event_rows(c))
                clock_rows.extend(_clock_rows(c))
            self._insert(self.cases, case_rows)
            self._insert(self.events, event_rows)
            self._insert(self.clocks, clock_rows)

    def _tune(self, own: bool) -> None:
        """Settings for this batch's transaction on PostgreSQL.

        The foreign-key checks at commit cost the server about a third of its work: each
        event and clock locks its case row. Every key written points at a row this run
        read, or wrote in the same transaction, so where allowed (a superuser, as for
        pg_restore --disable-triggers) the batch skips them, but only in a transaction
        of its own and only while the tables carry no triggers but the key checks,
        which would be skipped too. Tests run inside a transaction and keep the checks.
        """
        with connection.cursor() as cursor:
            # A lost batch after a crash is generated again; no need to wait for the disk.
            cursor.execute("SET LOCAL synchronous_commit = off")
            if not own or self.skip_key_checks is False:
                return
            if self.skip_key_checks is None:
                cursor.execute(
                    "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
                    " AND tgrelid = ANY(%s::regclass[])",
                    [[t.model._meta.db_table for t in (self.cases, self.events, self.clocks)]],
                )
                self.skip_key_checks = cursor.fetchone()[0] == 0
                if not self.skip_key_checks:
                    return
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError:
                self.skip_key_checks = False

    def finish(self) -> None:
        if self.copy:
            with connection.cursor() as cursor:
                for t in (self.cases, self.events, self.clocks):
                    cursor.execute(f"ANALYZE {t.table}")

    def _number(self, cases: list[_Case]) -> None:
        """Continue each (organisation, fiscal year) counter, holding its row until commit
        so real intake in the meantime queues behind us instead of taking our numbers."""
        groups: dict[tuple[int, int], list[_Case]] = defaultdict(list)
        for c in cases:
            c.fiscal_year = fiscal_year_be(c.received_at.date())
            groups[(c.kit.org.pk, c.fiscal_year)].append(c)
        ReceiptCounter.objects.bulk_create(
            [ReceiptCounter(organisation_id=o, fiscal_year=y) for o, y in groups],
            ignore_conflicts=True,
        )
        counters = {
            (r.organisation_id, r.fiscal_year): r
            for r in ReceiptCounter.objects.select_for_update().filter(
                organisation_id__in={o for o, _ in groups}, fiscal_year__in={y for _, y in groups}
            )
        }
        for key, members in groups.items():
            counter = counters[key]
            for i, c in enumerate(members, counter.last_value + 1):
                c.receipt_seq = i
                c.receipt_no = format_receipt(c.kit.org.code, c.fiscal_year, i)
            ReceiptCounter.objects.filter(pk=counter.pk).update(
                last_value=counter.last_value + len(members)
            )

    def _reserve_ids(self, count: int) -> list[int]:
        with connection.cursor() as cursor:
            if self.copy:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Case._meta.db_table, count],
                )
                return [r[0] for r in cursor.fetchall()]
            # Elsewhere the batch's transaction holds the write lock (SQLite IMMEDIATE).
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.cases.table}")
            top = cursor.fetchone()[0]
            return list(range(top + 1, top + 1 + count))

    def _insert(self, table: _Table, rows: list[list[Any]]) -> None:
        if not rows:
            return
        rows = table.prepare(rows)
        with connection.cursor() as cursor:
            if self.copy:
                sql = f"COPY {table.table} ({table.columns}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(table.fields))
                sql = f"INSERT INTO {table.table} ({table.columns}) VALUES ({marks})"
                for start in range(0, len(rows), 5000):
                    cursor.executemany(sql, rows[start : start + 5000])


def _case_row(c: _Case) -> list[Any]:
    f = c.fields
    return [
        c.id, c.kit.org.pk, c.receipt_no, c.fiscal_year, c.receipt_seq, c.channel,
        c.category.pk if c.category else None, f["description"], f["complainant_name"],
        f["complainant_phone"], f["complainant_email"], f["complainant_line_id"],
        f["wants_updates"], f["update_channel"], f["language"], f["address"], f["latitude"],
        f["longitude"], c.status, c.held_from, c.unit_id,
        c.assignee.pk if c.assignee else None, c.referred_to,
        c.merged_into.id if c.merged_into else None, c.resolution, c.reopen_count,
        len(c.events), c.received_at, c.forwarded_at, c.acknowledged_at, c.assigned_at,
        c.resolved_at, c.closed_at, c.last_at,
        index_text(f["description"], f["address"], c.category.name if c.category else ""),
    ]  # fmt: skip


def _event_rows(c: _Case) -> Iterable[list[Any]]:
    for seq, e in enumerate(c.events, 1):
        data = e.data
        if "into" in data or "merged_from" in data:  # the other case's number, known now
            data = {k: v.receipt_no if isinstance(v, _Case) else v for k, v in data.items()}
        actor = e.actor
        if isinstance(actor, str):
            user_id, role, unit_id = None, actor, None
        else:
            user_id, role, unit_id = actor.user_id, actor.role, actor.unit_id
        yield [c.id, seq, e.action, e.from_status, e.to, user_id, role, unit_id, e.at, e.reason,
               e.note, e.public, data]  # fmt: skip


def _clock_rows(c: _Case) -> Iterable[list[Any]]:
    for k in c.clocks:
        yield [c.id, c.kit.org.pk, k.stage, k.unit_id, k.business, k.started, k.due, k.finished,
               k.outcome, k.paused, k.paused_minutes]  # fmt: skip

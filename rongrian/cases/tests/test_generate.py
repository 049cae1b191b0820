"""generate_cases: many realistic cases whose timelines, clocks and numbers obey the rules."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import itertools
from collections import Counter, defaultdict
from collections.abc import Collection
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from rongrian.cases import generate as generate_module
from rongrian.cases.choices import Action, Status
from rongrian.cases.generate import DEFAULT_TEXTS, GenerateReport, generate
from rongrian.cases.lifecycle import OPEN, WITH_UNIT, replay
from rongrian.cases.models import Case, CaseEvent, ReceiptCounter
from rongrian.cases.receipts import format_receipt
from rongrian.cases.services import create_case
from rongrian.common.thaidate import fiscal_year_be, local_date
from rongrian.org.demo import load_demo
from rongrian.sla import clocks as sla_clocks
from rongrian.sla.calendar import calendar_for
from rongrian.sla.choices import Outcome, Stage
from rongrian.sla.models import SlaPolicy, StageClock

BKK = ZoneInfo("Asia/Bangkok")
UNTIL = dt.datetime(2026, 11, 20, 18, 0, tzinfo=BKK)
NOWHERE = Path("/nonexistent/traffy.csv.gz")


def run(n: int, seed: int = 7, **kwargs: Any) -> GenerateReport:
    kwargs.setdefault("texts", NOWHERE)
    return generate(n, seed=seed, until=UNTIL, batch=kwargs.pop("batch", 120), **kwargs)


def timelines() -> dict[int, list[CaseEvent]]:
    by_case: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.order_by("case_id", "seq"):
        by_case[event.case_id].append(event)
    return by_case


@pytest.fixture
def generated(demo: Any) -> GenerateReport:
    # Dense enough for duplicates to meet their originals; still two fiscal years.
    return run(300, since=dt.date(2026, 7, 1))


def test_it_walks_every_case_through_the_lifecycle_table(generated: GenerateReport) -> None:
    cases = {c.pk: c for c in Case.objects.select_related("category", "unit")}
    events = timelines()
    assert len(cases) == generated.cases == 300
    # The tracking code is the model's own random default, different for every case.
    assert len({c.tracking_code for c in cases.values()}) == 300
    assert sum(len(e) for e in events.values()) == generated.events
    for pk, case in cases.items():
        timeline = events[pk]
        assert [e.seq for e in timeline] == list(range(1, len(timeline) + 1))
        assert all(a.at < b.at for a, b in itertools.pairwise(timeline)), case
        first, steps = timeline[0], timeline[1:]
        assert (first.action, first.from_status, first.to_status) == ("receive", "", "received")
        assert first.at == case.received_at
        # A merge writes a note on the case merged into; notes change no status.
        notes = [e for e in steps if e.action == Action.NOTE]
        assert all(e.from_status == e.to_status and "merged_from" in e.data for e in notes)
        moves = [e for e in steps if e.action != Action.NOTE]
        replay([(e.action, e.actor_role, e.from_status, e.to_status) for e in moves])
        assert case.status == timeline[-1].to_status
        assert case.version == len(timeline)
        assert case.updated_at == timeline[-1].at
        assert case.reopen_count == sum(e.action == Action.REOPEN for e in moves)
        assert case.fiscal_year == fiscal_year_be(local_date(case.received_at))
        case.full_clean(exclude=["receipt_no", "fiscal_year", "receipt_seq"])
        _check_fields(case, moves)


def _check_fields(case: Case, moves: list[CaseEvent]) -> None:
    status = case.status
    assert (case.unit_id is not None) == (status in WITH_UNIT or _worked(case, status)), case
    if status in (Status.ASSIGNED, Status.IN_PROGRESS):
        assert case.assignee_id is not None and case.assigned_at is not None
        assert case.assignee.unit_id == case.unit_id
    assert bool(case.held_from) == (status == Status.ON_HOLD)
    assert (case.merged_into_id is not None) == (status == Status.MERGED)
    if status == Status.MERGED:
        assert case.merged_into.organisation_id == case.organisation_id
    if any(e.action == Action.REFER for e in moves):
        assert case.referred_to.organisation_id == case.organisation_id
    assert (case.resolved_at is not None) == (
        status == Status.RESOLVED or (status == Status.CLOSED and case.referred_to_id is None)
    )
    assert (case.closed_at is not None) == (status == Status.CLOSED)
    assert (case.forwarded_at is not None) == any(e.action == Action.FORWARD for e in moves)
    if status in OPEN | {Status.RESOLVED}:
        assert case.closed_at is None
    if case.complainant_phone:
        assert len(case.complainant_phone) == 10 and case.complainant_phone[0] == "0"
    # Invented phone numbers may be real ones: nobody is texted about a generated case.
    assert case.update_channel in ("", "email", "line")
    assert case.wants_updates == bool(case.update_channel)
    assert case.complainant_email == "" or case.complainant_email.endswith("@example.com")
    if case.latitude is not None:
        assert 5 < case.latitude < 21 and 97 < case.longitude < 106  # Thailand


def _worked(case: Case, status: str) -> bool:
    """Resolved and closed cases keep the unit that did the work."""
    return status == Status.RESOLVED or (status == Status.CLOSED and case.referred_to_id is None)


def test_receipt_numbers_are_gapless_per_organisation_and_fiscal_year(generated: Any) -> None:
    seqs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for case in Case.objects.select_related("organisation").order_by("received_at"):
        seqs[(case.organisation_id, case.fiscal_year)].append(case.receipt_seq)
        code = case.organisation.code
        assert case.receipt_no == format_receipt(code, case.fiscal_year, case.receipt_seq)
    assert {year for _, year in seqs} == {2569, 2570}
    assert len({org for org, _ in seqs}) == 3
    for (org, year), numbers in seqs.items():
        # In order of receipt, without a gap, and the counter knows the last one.
        assert numbers == list(range(1, len(numbers) + 1))
        counter = ReceiptCounter.objects.get(organisation_id=org, fiscal_year=year)
        assert counter.last_value == len(numbers)


def test_clocks_are_what_the_real_clock_rules_make_of_the_events(generated: Any) -> None:
    """Replay timelines through sla.clocks.on_event and compare the clocks: every case
    that took a rarer path (hold, return, reopen, referral, merge) and a fifth of the rest."""

    def snapshot(case_id: int) -> list[tuple[Any, ...]]:
        return sorted(
            StageClock.objects.filter(case_id=case_id).values_list(
                "stage", "unit_id", "business_time", "started_at", "due_at", "finished_at",
                "outcome", "paused_at", "paused_minutes",
            )
        )  # fmt: skip

    events = timelines()
    rare = {Action.HOLD, Action.RETURN, Action.REOPEN, Action.REFER, Action.MERGE, Action.NOTE}
    sample = [pk for pk, t in events.items() if pk % 5 == 0 or rare & {e.action for e in t}]
    assert {e.action for pk in sample for e in events[pk]} == set(Action.values)
    for case in Case.objects.select_related("category").filter(pk__in=sample):
        made = snapshot(case.pk)
        StageClock.objects.filter(case=case).delete()
        case.unit_id = None
        for event in events[case.pk]:
            if event.action == Action.FORWARD:
                case.unit_id = event.data["unit"]
            elif event.action == Action.RETURN:
                case.unit_id = None
            sla_clocks.on_event(case, event)
        assert made == snapshot(case.pk), case.receipt_no


def test_clocks_tell_what_is_due_and_what_was_late(generated: Any) -> None:
    clocks = list(StageClock.objects.select_related("case", "case__category"))
    assert {k.stage for k in clocks} == set(Stage.values)
    for k in clocks:
        if k.finished_at is None:
            assert k.outcome == ""
            assert k.case.status in OPEN | {Status.RESOLVED}
        elif k.outcome != Outcome.CANCELLED:
            assert (k.outcome == Outcome.MET) == (k.finished_at <= k.due_at)
        else:
            assert k.outcome == Outcome.CANCELLED
    outcomes = Counter(k.outcome for k in clocks if k.stage == Stage.RESOLVE)
    assert outcomes[Outcome.MET] > 3 * outcomes[Outcome.MISSED] > 0
    running = [k for k in clocks if k.finished_at is None and k.paused_at is None]
    assert any(k.due_at < UNTIL for k in running), "some open work is overdue"
    assert any(k.due_at > UNTIL for k in running), "some open work is not due yet"
    # A case waiting for its unit's acknowledgement is due by the same rule as real intake.
    waiting = Case.objects.filter(status=Status.FORWARDED)
    assert waiting.exists()
    for case in waiting:
        forwarded = case.events.filter(action=Action.FORWARD).latest("seq")
        clock = StageClock.objects.get(case=case, stage=Stage.ACKNOWLEDGE, finished_at=None)
        due, _ = sla_clocks.deadline(
            Stage.ACKNOWLEDGE,
            forwarded.at,
            cal=calendar_for(case.organisation_id),
            policy=SlaPolicy.for_organisation(case.organisation_id),
        )
        assert clock.due_at == due and clock.unit_id == case.unit_id


def test_the_mix_of_channels_and_outcomes_looks_like_a_city(demo: Any) -> None:
    report = run(2000, seed=3, batch=1000)
    n = Case.objects.count()
    assert n == 2000

    def share(**filters: Any) -> float:
        return Case.objects.filter(**filters).count() / n

    assert 0.30 <= share(channel="phone") <= 0.50
    assert 0.12 <= share(channel="web") <= 0.28
    assert 0.65 <= share(status=Status.CLOSED) <= 0.97
    assert 0.01 <= share(status=Status.REJECTED) <= 0.06
    assert 0.003 <= share(status=Status.MERGED) <= 0.03
    assert 0.03 <= share(reopen_count__gt=0) <= 0.12
    assert 0.015 <= share(events__action=Action.REFER) <= 0.06
    assert 0.01 <= share(status__in=OPEN) <= 0.2
    open_statuses = set(Case.objects.filter(status__in=OPEN).values_list("status", flat=True))
    assert {Status.FORWARDED, Status.ACKNOWLEDGED, Status.IN_PROGRESS} <= open_statuses
    # Resolved on time about as often as in Lampang (seed 000: 92 % overall).
    resolved = Counter(
        StageClock.objects.filter(stage=Stage.RESOLVE, outcome__in=["met", "missed"])
        .values_list("outcome", flat=True)
    )  # fmt: skip
    assert 0.85 <= resolved["met"] / (resolved["met"] + resolved["missed"]) <= 0.97
    # Skewed categories: street lights, roads and rubbish lead.
    top = [
        row["category__code"]
        for row in Case.objects.values("category__code").annotate(n=Count("id")).order_by("-n")
    ][:3]
    assert set(top) == {"STREETLIGHT", "ROAD", "GARBAGE"}
    # Most complaints come on weekdays in office hours.
    received = [timezone.localtime(c.received_at) for c in Case.objects.all()]
    assert sum(at.weekday() < 5 for at in received) > 0.75 * n
    assert sum(8 <= at.hour < 17 for at in received) > 0.5 * n
    assert report.statuses[Status.CLOSED] == Case.objects.filter(status=Status.CLOSED).count()


def test_real_intake_continues_the_numbers(make_case: Any, demo: Any) -> None:
    before = make_case(received_at=dt.datetime(2026, 10, 2, 9, 0, tzinfo=BKK))
    assert before.receipt_no == "LPG-2570-000001"
    run(300)
    after = create_case(
        organisation=demo.org,
        channel="web",
        description="ไฟถนนดับ",
        received_at=UNTIL + dt.timedelta(hours=1),
    )
    numbers = sorted(
        Case.objects.filter(organisation=demo.org, fiscal_year=2570).values_list(
            "receipt_seq", flat=True
        )
    )
    assert numbers == list(range(1, len(numbers) + 1))
    assert after.receipt_seq == numbers[-1] > 2
    assert Case.objects.values("receipt_no").distinct().count() == Case.objects.count()


class _Rollback(Exception):
    pass


def _fingerprint() -> list[tuple[Any, ...]]:
    events = timelines()
    return [
        (
            c.receipt_no, c.status, c.channel, c.category_id and c.category.code, c.description,
            c.received_at, c.complainant_phone,
            [(e.action, e.actor_role, e.at) for e in events[c.pk]],
        )
        for c in Case.objects.select_related("category").order_by("receipt_no")
    ]  # fmt: skip


def test_the_same_seed_gives_the_same_cases(demo: Any) -> None:
    runs = []
    for seed in (11, 11, 12):
        with pytest.raises(_Rollback), transaction.atomic():
            run(150, seed=seed)
            runs.append(_fingerprint())
            raise _Rollback
        assert not Case.objects.exists()
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def _content(exclude: Collection[int] = ()) -> list[tuple[Any, ...]]:
    """What was generated, without the numbers that depend on what was there before."""
    events = timelines()
    return sorted(
        (
            c.organisation.code, c.fiscal_year, c.received_at, c.status, c.channel,
            c.description, c.reopen_count, [(e.action, e.actor_role, e.at) for e in events[c.pk]],
        )
        for c in Case.objects.select_related("organisation").exclude(pk__in=exclude)
    )  # fmt: skip


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="worker processes are used on PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_worker_processes_write_what_one_process_would(monkeypatch: Any) -> None:
    load_demo()
    forks: list[int] = []
    in_processes = generate_module._in_processes
    monkeypatch.setattr(
        generate_module,
        "_in_processes",
        lambda work, streams, jobs, tally: (
            forks.append(jobs) or in_processes(work, streams, jobs, tally)
        ),
    )
    report = run(400, seed=21, jobs=2)  # committed by two forked processes
    assert forks == [2]
    assert report.cases == Case.objects.count() == 400
    assert report.events == CaseEvent.objects.count()
    assert report.clocks == StageClock.objects.count()
    parallel = _content()
    for (org, year), n in Counter(Case.objects.values_list("organisation", "fiscal_year")).items():
        seqs = Case.objects.filter(organisation=org, fiscal_year=year).values_list(
            "receipt_seq", flat=True
        )
        assert sorted(seqs) == list(range(1, n + 1))
        assert ReceiptCounter.objects.get(organisation=org, fiscal_year=year).last_value == n
    before = set(Case.objects.values_list("pk", flat=True))
    with pytest.raises(_Rollback), transaction.atomic():
        run(400, seed=21, jobs=2)  # inside a transaction: one process, this connection
        assert forks == [2]
        assert _content(exclude=before) == parallel
        raise _Rollback


def _traffy_comments(rows: int) -> set[str]:
    with gzip.open(DEFAULT_TEXTS, "rt", encoding="utf-8", newline="") as handle:
        return {row["comment"].strip() for row in itertools.islice(csv.DictReader(handle), rows)}


@pytest.mark.skipif(
    not DEFAULT_TEXTS.is_file(),
    reason=f"the Traffy Fondue sample is not at {DEFAULT_TEXTS} (see ../shared/data/README.md)",
)
def test_descriptions_come_from_real_complaints_when_the_file_is_there(demo: Any) -> None:
    run(200, texts=DEFAULT_TEXTS, text_rows=5000)
    real = _traffy_comments(5000)
    descriptions = list(Case.objects.values_list("description", flat=True))
    assert sum(d in real for d in descriptions) > len(descriptions) // 3
    lights = Case.objects.filter(category__code="STREETLIGHT").values_list("description", flat=True)
    assert any(d in real for d in lights)


def test_without_the_file_descriptions_come_from_our_own_sentences(generated: Any) -> None:
    descriptions = list(Case.objects.values_list("description", flat=True))
    assert all(descriptions)
    assert len(set(descriptions)) > 0.9 * len(descriptions)
    lights = Case.objects.filter(category__code="STREETLIGHT").values_list("description", flat=True)
    assert all("ไฟ" in d for d in lights)


def test_the_command_reports_statuses_and_speed(demo: Any) -> None:
    out = StringIO()
    call_command(
        "generate_cases", "60", "--seed", "2", "--until", "2026-11-20", "--orgs", "2",
        "--texts", str(NOWHERE), "--batch", "25", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "Created 60 cases" in text and "rows/s" in text
    assert "closed" in text and "phone" in text
    assert Case.objects.count() == 60
    assert set(Case.objects.values_list("organisation__code", flat=True)) == {"LPG", "GENA"}
    latest = Case.objects.aggregate(m=Max("received_at"))["m"]
    assert local_date(latest) <= dt.date(2026, 11, 20)


def test_generated_cases_are_found_by_thai_search(generated: Any) -> None:
    from rongrian.cases.search import index_text, matching, words

    case = Case.objects.exclude(description="").order_by("pk").first()
    assert case is not None
    assert case.search_text == index_text(
        case.description, case.address, case.category.name if case.category else ""
    )
    word = next(w for w in words(case.description) if len(w) >= 2)
    assert case.pk in set(matching(Case.objects.all(), word).values_list("pk", flat=True))

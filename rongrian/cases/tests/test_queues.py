"""The supervisor's, executive's and unit head's overdue and escalated queues: counts that
stay inside the organisation and the unit, also past the cases a queue shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from rongrian.cases import queues
from rongrian.cases import services as s
from rongrian.cases.services import create_case
from rongrian.sla.sweep import sweep


def _counts(staff: Any) -> dict[str, int]:
    return {q.key: q.count for q in queues.queues_for(staff)}


def test_overdue_and_escalated_counts_past_one_screenful(
    demo: Any, make_case: Any, other_org: Any
) -> None:
    week_ago = timezone.now() - dt.timedelta(days=7)
    late = [make_case(received_at=week_ago) for _ in range(queues.QUEUE_SIZE + 2)]
    make_case()  # on time
    for _ in range(3):  # late too, but another organisation's
        create_case(
            organisation=other_org, channel="web", description="ถนนพัง", received_at=week_ago
        )
    forwarded = s.forward(late[0], to_unit=demo.unit("ENG-ELEC"), by=demo.intake)

    supervisor = _counts(demo.supervisor)
    assert supervisor["overdue"] == queues.QUEUE_SIZE + 2
    assert supervisor["escalated"] == 0
    assert _counts(demo.executive)["overdue"] == queues.QUEUE_SIZE + 2
    # The unit head counts only the unit's own late work: the forwarded case, whose
    # resolution clock has run since it was received a week ago.
    assert _counts(demo.head_elec)["overdue"] == 1
    assert _counts(demo.head_road)["overdue"] == 0
    assert forwarded.unit == demo.unit("ENG-ELEC")

    sweep()
    supervisor = _counts(demo.supervisor)
    assert supervisor["escalated"] == queues.QUEUE_SIZE + 2
    shown = next(q for q in queues.queues_for(demo.supervisor) if q.key == "escalated")
    assert len(shown.cases) == queues.QUEUE_SIZE
    assert all(c.organisation_id == demo.org.pk for c in shown.cases)


def test_late_work_comes_longest_overdue_first_with_a_link_to_all_of_it(
    demo: Any, make_case: Any
) -> None:
    now = timezone.now()
    ages = [3, 20, 9] + [2] * queues.QUEUE_SIZE  # days since each complaint came in
    cases = [make_case(received_at=now - dt.timedelta(days=d)) for d in ages]
    overdue = next(q for q in queues.queues_for(demo.supervisor) if q.key == "overdue")
    assert [c.pk for c in overdue.cases[:3]] == [cases[1].pk, cases[2].pk, cases[0].pk]
    assert overdue.count == len(cases) > len(overdue.cases)

    client = Client()
    assert client.login(username="supervisor", password="rongrian-demo")
    html = client.get("/work/").content.decode()
    assert f"แสดง {queues.QUEUE_SIZE} รายการแรกจากทั้งหมด {len(cases)} รายการ" in html
    assert 'href="/work/cases/?overdue=1&amp;order=oldest"' in html
    assert "ดูทั้งหมดในรายการเรื่อง" in html

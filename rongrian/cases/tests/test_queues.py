"""The supervisor's, executive's and unit head's overdue and escalated queues: counts that
stay inside the organisation and the unit, also past the 50 cases a queue shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

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

"""Two people acting on one case at once: exactly one wins, the other is told to reload."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from rongrian.cases import services as s
from rongrian.cases.choices import Status
from rongrian.cases.exceptions import CaseError, StaleCase
from rongrian.cases.models import Case


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real parallel writers need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_simultaneous_actions_win() -> None:
    from rongrian.conftest import Cast
    from rongrian.org.demo import load_demo

    org, _ = load_demo()
    cast = Cast(org)
    for _round in range(5):
        case = s.create_case(organisation=org, channel="phone", description="ไฟดับ")
        case = s.forward(case, to_unit=cast.unit("ENG-ELEC"), by=cast.intake)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def act(
            kind: str,
            case_id: int = case.pk,
            barrier: threading.Barrier = barrier,
            outcomes: list[str] = outcomes,
        ) -> None:
            try:
                mine = Case.objects.get(pk=case_id)  # both read the same version
                barrier.wait()
                if kind == "ack":
                    s.acknowledge(mine, by=cast.head_elec)
                else:
                    s.return_to_screening(mine, reason="ไม่ใช่งานเรา", by=cast.head_elec)
                outcomes.append(kind)
            except StaleCase:
                outcomes.append("stale")
            except CaseError as exc:
                outcomes.append(f"error: {exc}")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=act, args=(k,)) for k in ("ack", "return")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert sorted(outcomes) in (["ack", "stale"], ["return", "stale"]), outcomes
        final = Case.objects.get(pk=case.pk)
        winner = next(o for o in outcomes if o != "stale")
        assert final.status == (Status.ACKNOWLEDGED if winner == "ack" else Status.RETURNED)
        assert final.events.count() == 3  # receive, forward, and the one winner

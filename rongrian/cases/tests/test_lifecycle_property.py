"""Random walks through the services never leave the lifecycle table's paths."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongrian.cases.choices import Action
from rongrian.cases.exceptions import CaseError
from rongrian.cases.lifecycle import replay
from rongrian.cases.models import Case
from rongrian.org.choices import Role

from .test_lifecycle import run

ROLES = [Role.INTAKE, Role.SUPERVISOR, Role.UNIT_HEAD, Role.OFFICER, "citizen", "system"]
MOVES = st.lists(
    st.tuples(st.sampled_from([a for a in Action if a not in (Action.RECEIVE, Action.NOTE)]),
              st.sampled_from(ROLES)),
    max_size=12,
)  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=MOVES)
def test_every_accepted_move_follows_the_table(moves: list[Any], demo: Any, make_case: Any) -> None:
    case = make_case()
    for action, role in moves:
        before = Case.objects.get(pk=case.pk)
        try:
            case = run(action, case, role, demo)
        except CaseError:
            after = Case.objects.get(pk=case.pk)
            assert (after.status, after.version) == (before.status, before.version)
            case = after
    steps = [
        (e.action, e.actor_role, e.from_status, e.to_status)
        for e in case.events.order_by("seq")
        if e.action not in (Action.RECEIVE, Action.NOTE)
    ]
    replay(steps)  # raises if any recorded step breaks the table
    assert case.reopen_count == sum(1 for st_ in steps if st_[0] == Action.REOPEN)

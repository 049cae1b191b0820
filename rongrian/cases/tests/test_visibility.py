from __future__ import annotations

from typing import Any

from rongrian.cases.choices import Status
from rongrian.cases.models import Case

from .drive import drive


def test_staff_see_only_their_organisation_and_unit(
    demo: Any, other_org: Any, make_case: Any
) -> None:
    from rongrian.cases.services import create_case

    elec = drive(make_case(), Status.ASSIGNED, demo)
    screening = make_case()
    foreign = create_case(organisation=other_org, channel="web", description="ถนนพัง")

    def visible(username: str) -> set[int]:
        return set(Case.objects.visible_to(getattr(demo, username)).values_list("pk", flat=True))

    assert visible("supervisor") == {elec.pk, screening.pk}
    assert visible("head_elec") == {elec.pk}
    assert visible("officer_elec") == {elec.pk}
    assert visible("head_road") == set()
    assert visible("contractor_elec") == set()  # nothing assigned to the contractor
    assert foreign.pk not in visible("executive")

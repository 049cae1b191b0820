from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from rongrian.catalog.models import Category
from rongrian.org.choices import Role
from rongrian.org.demo import load_demo
from rongrian.org.models import Staff, Unit, User


def test_the_demo_has_17_categories_over_the_1_2_3_7_day_targets(demo: Any) -> None:
    targets = Counter(
        Category.objects.filter(organisation=demo.org).values_list("target_days", flat=True)
    )
    assert sum(targets.values()) == 17
    assert set(targets) == {1, 2, 3, 7}
    assert all(c.default_unit_id for c in Category.objects.filter(organisation=demo.org))


def test_the_demo_has_someone_in_every_role_and_loads_once(demo: Any) -> None:
    roles = set(Staff.objects.filter(organisation=demo.org).values_list("role", flat=True))
    assert roles == set(Role.values)
    assert load_demo() == (demo.org, False)
    assert User.objects.filter(username="intake").count() == 1
    assert demo.org.agencies.filter(hotline="1662").exists()


def test_a_unit_cannot_hang_under_another_organisation(demo: Any, other_org: Any) -> None:
    unit = Unit(organisation=demo.org, code="X", name="x", parent=other_org.units.get())
    with pytest.raises(ValidationError, match="another organisation"):
        unit.full_clean()


def test_a_unit_cannot_be_its_own_ancestor(demo: Any) -> None:
    eng = demo.unit("ENG")
    eng.parent = demo.unit("ENG-ELEC")
    with pytest.raises(ValidationError, match="under itself"):
        eng.full_clean()


def test_unit_roles_need_a_unit_and_contractors_a_firm(demo: Any) -> None:
    user = User.objects.create_user("new")
    with pytest.raises(ValidationError) as info:
        Staff(user=user, organisation=demo.org, role=Role.CONTRACTOR).full_clean()
    assert set(info.value.message_dict) == {"unit", "contractor"}


def test_the_unit_tree_covers_sections(demo: Any) -> None:
    ids = Unit.objects.subtree_ids(demo.unit("ENG"))
    assert ids == {demo.unit(c).pk for c in ["ENG", "ENG-ELEC", "ENG-ROAD", "ENG-PARK"]}
    assert demo.unit("ENG").contains(demo.unit("ENG-ROAD"))
    assert not demo.unit("ENG-ROAD").contains(demo.unit("ENG"))

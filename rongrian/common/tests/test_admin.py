"""The administration pages: usable in Thai, scoped to the administrator's organisation."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rongrian.cases.models import CaseEvent


def login(client: Client, username: str) -> None:
    assert client.login(username=username, password="rongrian-demo")


def test_the_demo_administrator_manages_categories_in_thai(client: Client, demo: Any) -> None:
    login(client, "admin")
    response = client.get("/admin/catalog/category/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ไฟฟ้าสาธารณะดับหรือชำรุด" in html
    assert "ประเภทเรื่องร้องเรียน" in html  # the model's Thai name


def test_an_administrator_sees_only_their_organisation(
    client: Client, demo: Any, other_org: Any
) -> None:
    login(client, "admin")
    html = client.get("/admin/catalog/category/").content.decode()
    assert "ถนนชำรุด" not in html  # the other organisation's category
    foreign = other_org.categories.get()
    assert client.get(f"/admin/catalog/category/{foreign.pk}/change/").status_code in (302, 404)
    html = client.get("/admin/org/unit/").content.decode()
    assert "กองช่าง" in html and "เทศบาลอื่น" not in html


def test_an_administrator_can_change_a_target(client: Client, demo: Any) -> None:
    login(client, "admin")
    category = demo.category("ROAD")
    url = f"/admin/catalog/category/{category.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        organisation=demo.org.pk, default_unit=category.default_unit_id, target_days=5,
        day_count="business", code="ROAD", name=category.name, sort_order=1, is_active="on",
    )  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    category.refresh_from_db()
    assert category.target_days == 5

    data["target_days"] = 0
    response = client.post(url, data)
    assert response.status_code == 200
    assert "target_days" in response.context["adminform"].form.errors


def test_cases_and_timelines_are_read_only_in_admin(
    client: Client, demo: Any, make_case: Any
) -> None:
    case = make_case()
    login(client, "admin")
    assert client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    assert client.get("/admin/cases/case/add/").status_code == 403
    event = case.events.get()
    response = client.post(f"/admin/cases/caseevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_unit_staff_cannot_enter_the_administration(client: Client, demo: Any) -> None:
    login(client, "officer_elec")
    response = client.get("/admin/catalog/category/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

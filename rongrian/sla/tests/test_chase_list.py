from __future__ import annotations

from typing import Any

import time_machine
from django.test import Client

from rongrian.cases import services as s

from .test_clocks import at, bkk


def login(client: Client, username: str) -> None:
    assert client.login(username=username, password="rongrian-demo")


def test_the_supervisor_sees_overdue_work_by_unit(
    client: Client, demo: Any, make_case: Any
) -> None:
    with at(bkk(2026, 11, 23, 9, 0)):
        waiting = make_case()
        forwarded = s.forward(make_case(), to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    login(client, "supervisor")
    with time_machine.travel(bkk(2026, 11, 25, 10, 0), tick=False):
        response = client.get("/sla/chase/")
    assert response.status_code == 200
    html = response.content.decode()
    assert waiting.receipt_no in html and forwarded.receipt_no in html
    assert "งานไฟฟ้าสาธารณะ" in html  # grouped under the unit to call
    assert "การรับทราบของหน่วยงาน" in html  # the stage it waits for, in Thai
    assert "25 พ.ย. 2569" in html  # Buddhist Era date


def test_a_unit_head_sees_only_their_unit(client: Client, demo: Any, make_case: Any) -> None:
    with at(bkk(2026, 11, 23, 9, 0)):
        elec = s.forward(make_case(), to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
        road = s.forward(make_case(), to_unit=demo.unit("ENG-ROAD"), by=demo.intake)
    login(client, "head_road")
    with time_machine.travel(bkk(2026, 11, 25, 10, 0), tick=False):
        html = client.get("/sla/chase/").content.decode()
    assert road.receipt_no in html and elec.receipt_no not in html


def test_officers_and_strangers_are_kept_out(client: Client, demo: Any) -> None:
    assert client.get("/sla/chase/").status_code == 302  # to the sign-in page
    login(client, "officer_elec")
    assert client.get("/sla/chase/").status_code == 403


def test_staff_sign_in_in_thai(client: Client, demo: Any) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert "เข้าสู่ระบบสำหรับเจ้าหน้าที่" in html
    response = client.post(
        "/accounts/login/", {"username": "supervisor", "password": "rongrian-demo"}, follow=True
    )
    assert "/sla/chase/" in response.content.decode()

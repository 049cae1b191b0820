from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from rongrian.common.thaidate import format_date


def test_it_serves_a_thai_front_page_with_the_demo_organisation(client: Client, demo: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="th">' in html
    assert "เทศบาลนครลำปาง (ตัวอย่าง)" in html
    assert "ศูนย์รับเรื่องร้องเรียนร้องทุกข์" in html
    assert "1132" in html


@pytest.mark.parametrize(("lang", "name"), [("en", "Lampang City Municipality"), ("my", "လမ်ပန်")])
def test_it_switches_language(client: Client, demo: Any, lang: str, name: str) -> None:
    response = client.post("/i18n/setlang/", {"language": lang, "next": "/"}, follow=True)
    assert f'<html lang="{lang}">' in response.content.decode()
    assert name in response.content.decode()


def test_it_shows_buddhist_era_dates_to_thai_readers() -> None:
    moment = dt.datetime(2026, 11, 22, 2, 5, tzinfo=dt.UTC)
    with translation.override("th"):
        assert format_date(moment) == "22 พ.ย. 2569 09:05"
        assert format_date(dt.date(2027, 2, 1), long=True) == "1 กุมภาพันธ์ 2570"
    with translation.override("en"):
        assert format_date(moment.astimezone(ZoneInfo("Asia/Bangkok"))) == "22 Nov 2026 09:05"

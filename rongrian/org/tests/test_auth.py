from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client

from rongrian.org.models import TOTPDevice, User


@pytest.fixture(autouse=True)
def _fresh_counters() -> Any:
    cache.clear()
    yield
    cache.clear()


def sign_in(client: Client, username: str, password: str = "rongrian-demo") -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_name_out(demo: Any) -> None:
    client = Client()
    for _ in range(5):
        assert sign_in(client, "intake", "wrong").status_code == 200
    response = sign_in(client, "intake")  # the right password, too late
    assert response.status_code == 200
    assert (
        "Too many failed sign-ins" in response.content.decode()
        or "หลายครั้งเกินไป" in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_a_good_sign_in_clears_the_count(demo: Any) -> None:
    client = Client()
    for _ in range(4):
        sign_in(client, "intake", "wrong")
    assert sign_in(client, "intake").status_code == 302
    assert client.session["_auth_user_id"]


def test_the_admin_login_goes_through_the_same_door(demo: Any) -> None:
    response = Client().get("/admin/login/?next=/admin/catalog/")
    assert (
        response.status_code == 302
        and response["Location"] == "/accounts/login/?next=/admin/catalog/"
    )


def test_a_supervisor_enrols_and_then_needs_a_code(demo: Any) -> None:
    client = Client()
    sign_in(client, "supervisor")
    page = client.get("/accounts/otp/setup/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user__username="supervisor")
    code = pyotp.TOTP(device.secret).now()
    client.post("/accounts/otp/setup/", {"code": code})
    device.refresh_from_db()
    assert device.confirmed_at is not None

    fresh = Client()
    response = sign_in(fresh, "supervisor")
    assert response["Location"] == "/accounts/otp/"
    assert "_auth_user_id" not in fresh.session
    assert fresh.post("/accounts/otp/", {"code": "000000"}).status_code == 200
    assert "_auth_user_id" not in fresh.session
    # The code used to enrol cannot be replayed; the next one works.
    TOTPDevice.objects.filter(pk=device.pk).update(last_used_step=int(time.time() // 30) - 1)
    response = fresh.post("/accounts/otp/", {"code": pyotp.TOTP(device.secret).now()})
    assert response.status_code == 302 and fresh.session["_auth_user_id"]


def test_officers_do_not_get_authenticator_codes(demo: Any) -> None:
    client = Client()
    sign_in(client, "officer_elec")
    assert client.get("/accounts/otp/setup/").status_code == 302
    assert not TOTPDevice.objects.exists()


def test_the_language_is_remembered_per_person(demo: Any) -> None:
    client = Client()
    sign_in(client, "officer_elec")
    client.post("/i18n/setlang/", {"language": "my", "next": "/work/"})
    assert User.objects.get(username="officer_elec").language == "my"
    other = Client()
    response = sign_in(other, "officer_elec")
    assert response.cookies["django_language"].value == "my"
    assert '<html lang="my">' in other.get("/work/").content.decode()

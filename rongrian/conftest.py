"""Shared fixtures: the demo organisation's cast plus an outsider organisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from rongrian.catalog.models import Category
from rongrian.org.choices import Role
from rongrian.org.demo import load_demo
from rongrian.org.models import Organisation, Staff, Unit, User

pytest_plugins = ["rongrian.browser_fixtures"]


def pytest_report_header(config: pytest.Config) -> str:
    db = settings.DATABASES["default"]
    where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db['HOST']}:{db['PORT']}"
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({where})"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is slow on purpose; tests that exercise hashing itself opt back in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Rate limits count in the cache: one test's posts must not throttle the next's.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_calendars() -> Any:
    # Rolled-back tests reuse organisation ids; a cached calendar must not leak across.
    from rongrian.common.memo import ShortLived
    from rongrian.sla.calendar import clear_cache

    clear_cache()
    ShortLived.forget_all()
    yield
    clear_cache()
    ShortLived.forget_all()


class Cast:
    """The demo organisation's people, looked up by username."""

    def __init__(self, org: Organisation) -> None:
        self.org = org
        self._staff = {
            s.user.username: s
            for s in Staff.objects.filter(organisation=org).select_related("user", "unit")
        }

    def __getattr__(self, name: str) -> Staff:
        try:
            return self._staff[name]
        except KeyError:
            raise AttributeError(name) from None

    def unit(self, code: str) -> Unit:
        return Unit.objects.get(organisation=self.org, code=code)

    def category(self, code: str) -> Category:
        return Category.objects.get(organisation=self.org, code=code)


@pytest.fixture
def demo(db: Any) -> Cast:
    org, _ = load_demo()
    return Cast(org)


@pytest.fixture
def other_org(db: Any) -> Organisation:
    """A second organisation whose rows must never mix with the demo's."""
    org = Organisation.objects.create(code="OTH", name="เทศบาลอื่น")
    unit = Unit.objects.create(organisation=org, code="U1", name="กองช่าง")
    Category.objects.create(
        organisation=org, code="ROAD", name="ถนนชำรุด", target_days=7, default_unit=unit
    )
    user = User.objects.create_user("outsider", password="x")
    Staff.objects.create(user=user, organisation=org, role=Role.SUPERVISOR)
    return org


@pytest.fixture
def make_case(demo: Cast) -> Callable[..., Any]:
    from rongrian.cases.services import create_case

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("organisation", demo.org)
        kwargs.setdefault("channel", "web")
        kwargs.setdefault("description", "ไฟถนนหน้าบ้านดับมาสามวันแล้ว")
        kwargs.setdefault("category", demo.category("STREETLIGHT"))
        return create_case(**kwargs)

    return make

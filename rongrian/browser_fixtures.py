"""Browser fixtures (a pytest plugin): the system Chromium driven by Playwright, phone pages
that cannot reach the internet, and screenshots for people to look at.

Playwright's own browser download is never used: municipal CI machines are often offline,
and `scripts/install-browser` installs Chromium and the Thai and Burmese fonts from Debian.
Without Chromium the browser tests skip on a developer's machine and fail in CI.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "th-TH",
    "timezone_id": "Asia/Bangkok",
}
DESK = {
    "viewport": {"width": 1366, "height": 900},
    "locale": "th-TH",
    "timezone_id": "Asia/Bangkok",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Playwright's sync API leaves an event loop running in the main thread while the
    # browser is open; browser tests run last so no other test shares the session with it.
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; browser tests are mandatory in CI (run scripts/install-browser)")
    pytest.skip(f"{reason}; run scripts/install-browser to enable the browser tests")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    # Playwright's event loop makes Django refuse ORM calls from this thread, yet the
    # tests' own calls stay synchronous: they never run inside that loop.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def outside_requests() -> list[str]:
    """Every request a page tried to send beyond this machine (each one was aborted)."""
    return []


def _opener(
    browser: Browser, options: dict[str, Any], outside_requests: list[str]
) -> Iterator[Callable[[], Page]]:
    """Opens pages each in a context of its own (its own cookies: another person's
    device) that cannot reach beyond this machine."""
    contexts = []

    def keep_local(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside_requests.append(url)
            route.abort()

    def open_() -> Page:
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.route("**/*", keep_local)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def open_phone(browser: Browser, outside_requests: list[str]) -> Iterator[Callable[[], Page]]:
    """Opens a page on a new phone: its own cookies, as if another person's phone."""
    yield from _opener(browser, PHONE, outside_requests)


@pytest.fixture
def open_desk(browser: Browser, outside_requests: list[str]) -> Iterator[Callable[[], Page]]:
    """Opens a page on another office computer: its own cookies, so its own sign-in."""
    yield from _opener(browser, DESK, outside_requests)


@pytest.fixture
def site(live_server: Any, settings: Any, tmp_path: Path, demo: Any) -> str:
    """The live server with the demo municipality, links to itself, and no map tiles
    (the map is a blank grid, so nothing is fetched from the internet)."""
    from django.core.cache import cache

    settings.RONGRIAN_PUBLIC_URL = live_server.url
    settings.RONGRIAN_MAP_TILES = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # rate limits of earlier tests
    return str(live_server.url)


def photo(tmp_path: Path, name: str, sky: tuple[int, int, int]) -> Path:
    """A real JPEG as a phone camera makes it: a lamp post against the sky."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((390, 150, 410, 560), fill=(70, 70, 70))
    draw.ellipse((360, 110, 440, 170), fill=(250, 220, 90))
    draw.rectangle((0, 540, 800, 600), fill=(60, 60, 60))
    path = tmp_path / name
    image.save(path, format="JPEG", quality=85)
    return path


@pytest.fixture
def phone_page(open_phone: Callable[[], Page]) -> Page:
    return open_phone()


def screenshot(page: Page, name: str, **options: Any) -> Path:
    """Saves the whole page under test-output/screenshots/<name>.png for a person to check."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    options.setdefault("full_page", True)
    page.screenshot(path=str(path), **options)
    return path

"""Browser fixtures: one Chromium for the whole run, a fresh context per page, the live server.

Playwright drives Debian's Chromium (/usr/bin/chromium); it never downloads a browser. The
pages come from pytest-django's `live_server` (started by the test run, static files served
from the finders) with the demo content loaded.
"""

import os
from pathlib import Path

import pytest

from tests.browser.pages import PAGE_KINDS

CHROMIUM = Path(os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in this thread, so Django's ORM would refuse
    # to run here (SynchronousOnlyOperation). Nothing in these tests is async: allow it, only
    # while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def portal_url(live_server, demo_procedure):
    """The live server's address, with the demo clinic and procedure in its database."""
    return live_server.url


@pytest.fixture
def open_page(chromium, portal_url):
    """open_page("procedure" | "list", "en" | "ar", viewport=...) -> an opened page object."""
    contexts = []

    def open_(kind, language, viewport=DESKTOP, permissions=()):
        context = chromium.new_context(viewport=viewport, locale=language)
        if permissions:
            context.grant_permissions(list(permissions), origin=portal_url)
        contexts.append(context)
        page_object = PAGE_KINDS[kind](context.new_page(), portal_url, language)
        return page_object.open()

    yield open_
    for context in contexts:
        context.close()

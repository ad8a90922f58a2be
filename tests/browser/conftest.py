"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, storage) for every test. Never
`playwright install`: the browser is the system's, installed by `make test`.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the main thread, where the tests also use the
# ORM; Django would otherwise refuse those queries as "called from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Long enough for a slow CI machine, short enough that a missing element fails the test quickly.
TIMEOUT_MS = 15_000


def missing(reason: str):
    """In CI a missing component fails the run; on a developer's machine it skips, saying why."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: a missing component is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not found; install Debian's chromium (apt-get install chromium) or run `make test`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed; run `pip install -e '.[test]'` or `make test`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh context whose relative URLs go to the live server, in a Japanese browser."""
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def partner_categories(transactional_db):
    """The live-server tests empty every table after each test, the rows a data migration loaded
    included; put the national report's categories back, as a fresh database has them."""
    from tests.factories import restore_partner_categories

    restore_partner_categories()


def pass_second_step(page, user):
    """After the password of a person who needs a second factor (a 管理者): type the code of the test TOTP
    device (tests.factories.totp_device, made here when missing), as the person would from their app."""
    from tests.factories import totp_code, totp_device

    page.get_by_label("確認コード").fill(totp_code(totp_device(user)))
    page.get_by_role("button", name="確認する", exact=True).click()


def log_in_administrator(page, username: str):
    """Log in a 管理者 from the log-in page: the password, then the code of their authenticator app (a 管理者
    always needs one; the test device is made when missing)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from tests.factories import PASSWORD, totp_device

    user = get_user_model().objects.get(username=username)
    totp_device(user)
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    pass_second_step(page, user)

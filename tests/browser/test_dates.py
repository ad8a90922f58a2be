"""The date field in a real browser: typing R6.4.5 shows the date it is understood as before the save,
and picking a day from the calendar writes it into the box (issue 9)."""

import os

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.factories import PASSWORD, make_org, make_staff  # noqa: E402
from tsunagu.cases.models import Case  # noqa: E402
from tsunagu.orgs.models import OrgKind, Role  # noqa: E402

pytestmark = pytest.mark.browser


def test_a_typed_date_is_shown_as_understood_and_the_calendar_fills_the_box(page: Page, live_server):
    prefecture = make_org(OrgKind.PREFECTURE, make_org(OrgKind.NATIONAL, code="000000"), name="つなぐ県")
    make_staff(make_org(OrgKind.CENTER, prefecture), Role.COORDINATOR, username="sato")
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill("sato")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.goto(reverse("case_add"))
    opened = page.get_by_label("受付日")
    opened.fill("R6.4.5")
    expect(page.locator("#id_opened_on_understood")).to_have_text("2024年4月5日（令和6年4月5日）と読み取りました")
    opened.fill("R3.2.30")
    expect(page.locator("#id_opened_on_understood")).to_have_text(
        "「R3.2.30」は日付として正しくありません（2月30日は存在しません）"
    )
    page.locator('input.date-picker[data-date-for="id_opened_on"]').fill("2024-04-06")
    expect(opened).to_have_value("2024-04-06")
    expect(page.locator("#id_opened_on_understood")).to_have_text("2024年4月6日（令和6年4月6日）と読み取りました")
    opened.fill("令和6年4月5日")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(f"{live_server.url}/cases/*/")
    assert Case.objects.get().opened_on.isoformat() == "2024-04-05"

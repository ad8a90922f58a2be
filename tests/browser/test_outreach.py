"""A coordinator on a phone records a training event and a supporter's visit; the lists fit 360 px,
axe-core finds nothing serious, and the supporter page shows this year's activities against last year's."""

import os
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_statistics import axe_problems, phone  # noqa: E402,F401 - the phone fixture
from tests.cases.factories import actor_for  # noqa: E402
from tests.factories import PASSWORD, make_staff  # noqa: E402
from tsunagu.core import wareki  # noqa: E402
from tsunagu.orgs.models import Role  # noqa: E402
from tsunagu.outreach import actions  # noqa: E402
from tsunagu.outreach.models import Event, SupporterActivity  # noqa: E402

pytestmark = pytest.mark.browser


def test_coordinator_records_an_event_and_an_activity_on_a_phone(phone: Page, live_server, network):  # noqa: F811
    page = phone
    centre = network["own_center"]
    coordinator = actor_for(make_staff(centre, Role.COORDINATOR, username="outreach-staff"))
    today = timezone.localdate()
    supporter = actions.create_supporter(
        actor=coordinator, organisation=centre, name="青木 由美", status="registered", status_from=today
    )
    last_year = wareki.fiscal_year_range(wareki.fiscal_year(today) - 1)[0]
    actions.record_activity(
        actor=coordinator, organisation=centre, supporter=supporter, date=last_year, kind="consultation"
    )

    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill("outreach-staff")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()

    page.goto(reverse("outreach_event_add"))
    page.get_by_label("日付").first.fill("R3.6.10")
    page.get_by_label("種別").select_option(label="研修")
    page.get_by_label("名称").fill("ひきこもり支援者研修")
    page.get_by_label("参加人数").fill("89")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("participants")).to_have_text("89人")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    problems = {"研修・啓発": axe_problems(page)}
    assert Event.objects.get().date == date(2021, 6, 10)

    page.goto(reverse("supporter_activity_add"))
    page.get_by_label("サポーター").select_option(label=str(supporter))
    page.get_by_label("日付").first.fill(today.isoformat())
    page.get_by_label("種別").select_option(label="訪問支援")
    page.get_by_label("時間（分）").fill("90")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("activity-count")).to_have_text("1件")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    problems["活動"] = axe_problems(page)

    page.goto(reverse("supporter_list"))
    expect(page.get_by_test_id("this-year")).to_have_text("1件")
    expect(page.get_by_test_id("supporters")).to_contain_text("青木 由美")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    problems["サポーター"] = axe_problems(page)
    assert problems == {"研修・啓発": [], "活動": [], "サポーター": []}
    assert SupporterActivity.objects.filter(kind="home_visit", minutes=90).count() == 1

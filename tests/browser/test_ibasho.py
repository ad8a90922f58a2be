"""A coordinator on a phone records who came to a 居場所 session: a case of the centre, then a nickname;
the case's first attendance is marked 初回 and counts as connected (本人) in the report of its fiscal year.
The pages fit 360 px and axe-core finds nothing serious."""

import os
from datetime import date, time

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_statistics import axe_problems, phone  # noqa: E402,F401 - the phone fixture
from tests.cases.factories import actor_for, make_case  # noqa: E402
from tests.factories import PASSWORD, make_staff  # noqa: E402
from tsunagu.ibasho import actions  # noqa: E402
from tsunagu.orgs.models import Role  # noqa: E402
from tsunagu.stats.report import Period, build_report  # noqa: E402

pytestmark = pytest.mark.browser


def test_coordinator_records_attendance_on_a_phone(phone: Page, live_server, network):  # noqa: F811
    page = phone
    centre = network["own_center"]
    coordinator = actor_for(make_staff(centre, Role.COORDINATOR, username="ibasho-staff"))
    case = make_case(coordinator, opened_on=date(2021, 4, 1))
    salon = actions.create_ibasho(
        actor=coordinator, organisation=centre, name="まったりサロン", kind="physical", place="公民館 和室"
    )
    event = actions.create_event(actor=coordinator, ibasho=salon, date=date(2021, 6, 9), start_time=time(14))

    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill("ibasho-staff")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.goto(reverse("ibasho_detail", args=[salon.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    problems = {"居場所": axe_problems(page)}
    page.get_by_role("link", name="0人 2021-06-09の参加").click()
    expect(page.get_by_test_id("attendance-total")).to_have_text("0人")

    page.get_by_label("ケース番号").fill(case.number.replace("-", "－"))  # full-width, as phones type it
    page.get_by_role("button", name="参加を記録").click()
    expect(page.get_by_test_id("attendance-total")).to_have_text("1人")
    attendee = page.get_by_test_id("attendee").filter(has_text=case.number)
    expect(attendee).to_contain_text("初回")
    expect(attendee).to_contain_text("本人")

    page.get_by_label("ニックネーム").fill("たぬき")
    page.get_by_label("ケース番号").fill("9999-9999")
    page.get_by_role("button", name="参加を記録").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text(
        "「ケース番号」9999-9999 のケースはこの組織にありません。"
    )
    expect(page.get_by_label("ニックネーム")).to_have_value("たぬき")  # what was typed stays
    page.get_by_label("ケース番号").fill("")
    page.get_by_role("button", name="参加を記録").click()
    expect(page.get_by_test_id("attendance-total")).to_have_text("2人")
    expect(page.get_by_test_id("attendees")).to_contain_text("たぬき")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    problems["開催"] = axe_problems(page)
    assert problems == {"居場所": [], "開催": []}

    fy2021 = Period(date(2021, 4, 1), date(2022, 3, 31))
    assert build_report(centre, fy2021)["connected"] == {"total": 1, "本人": 1, "家族": 0}
    assert event.attendances.count() == 2

"""A coordinator's day on a phone (390 px) and at a desk (1366 px), issue 14: from the home page to
today's visit, recording it (which closes the appointment), adding the mother with her phone, and the
case list as cards on the phone with no horizontal scrolling. axe-core finds nothing serious or
critical on the home, case list and case pages."""

import os
from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import TIMEOUT_MS  # noqa: E402
from tests.browser.test_statistics import axe_problems  # noqa: E402
from tests.cases.factories import actor_for, make_case  # noqa: E402
from tests.factories import PASSWORD, make_org, make_staff  # noqa: E402
from tsunagu.cases import actions  # noqa: E402
from tsunagu.cases.models import Appointment, AppointmentStatus, Contact  # noqa: E402
from tsunagu.orgs.models import OrgKind, Role  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(params=[390, 1366], ids=["phone", "desk"])
def screen(request, browser, live_server):
    width = request.param
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", bypass_csp=True, viewport={"width": width, "height": 800}
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page(), width
    context.close()


@pytest.fixture
def day():
    nation = make_org(OrgKind.NATIONAL, code="000000", name="国")
    prefecture = make_org(OrgKind.PREFECTURE, nation, name="つなぐ県")
    centre = make_org(OrgKind.CENTER, prefecture, name="つなぐ県ひきこもり地域支援センター")
    sato = make_staff(centre, Role.COORDINATOR, username="sato")
    worker = actor_for(sato)
    case = make_case(worker, number="2026-0022", name="山田 太郎", opened_on=date(2026, 4, 3))
    for n in range(3):
        make_case(worker, number=f"2026-00{30 + n}", name=f"とても長い名前の相談者さん{n}", opened_on=date(2026, 4, 5))
    appointment = actions.schedule_appointment(
        actor=worker, case=case, date=timezone.localdate(), time=time(10, 0), channel="home_visit", place="自宅"
    )
    return {"case": case, "appointment": appointment}


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_a_coordinator_records_todays_visit_and_adds_the_mother(screen, live_server, day):
    page, width = screen
    case = day["case"]
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill("sato")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_test_id("acting-org")).to_be_visible()
    problems = {}

    # The home page says what is on today.
    page.goto(reverse("home"))
    today = page.get_by_test_id("today-appointment")
    expect(today).to_have_count(1)
    expect(today).to_contain_text("2026-0022")
    expect(today).to_contain_text("10:00")
    expect(today).to_contain_text("自宅")
    assert no_horizontal_scroll(page)
    problems["home"] = axe_problems(page)

    # Recording it: the form opens with the visit's date, time and method.
    today.get_by_role("link", name="この予定の記録をする").click()
    expect(page.get_by_test_id("recording-appointment")).to_be_visible()
    expect(page.get_by_label("方法")).to_have_value("home_visit")
    expect(page.get_by_label("時刻")).to_have_value("10:00")
    page.locator("#id_consulter").select_option(label="家族")
    page.get_by_label("相談者（続柄）").select_option(label="母")
    page.get_by_label("内容").fill("自宅を訪問。母と話した。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("case-title")).to_contain_text("2026-0022")
    message = page.locator(".messages")
    expect(message).to_contain_text("訪問を記録しました")
    expect(message).to_be_in_viewport()
    appointment = Appointment.objects.get(pk=day["appointment"].pk)
    contact = Contact.objects.get(case=case)
    assert (appointment.status, appointment.contact_id) == (AppointmentStatus.DONE, contact.pk)
    assert (contact.consulter, contact.consulter_relation, contact.time) == ("family", "母", time(10, 0))
    expect(page.get_by_test_id("appointment")).to_have_count(0)

    # On a phone the facts come before the timeline.
    facts_y = page.get_by_test_id("case-facts").bounding_box()["y"]
    timeline_y = page.locator("#timeline").bounding_box()["y"]
    if width < 600:
        assert facts_y < timeline_y

    # The mother, with her phone.
    page.get_by_role("link", name="家族・関係者を追加・編集").click()
    page.get_by_label("1人目の続柄").select_option("母")
    page.get_by_label("1人目の氏名").fill("山田 花子")
    page.get_by_label("1人目の年齢").fill("74")
    page.get_by_label("1人目の電話").fill("090-1234-5678")
    page.get_by_label("1人目の連絡してよい").check()
    page.get_by_role("button", name="保存").click()
    member = page.get_by_test_id("member")
    expect(member).to_contain_text("母 山田 花子")
    expect(member).to_contain_text("090-1234-5678")
    expect(member).to_contain_text("連絡してよい")
    assert list(case.household.values_list("relationship", "phone", "may_contact")) == [("母", "090-1234-5678", True)]
    assert no_horizontal_scroll(page)
    problems["case"] = axe_problems(page)

    # The case list: cards on the phone, a table at the desk; no horizontal scrolling either way.
    page.goto(reverse("case_list"))
    expect(page.get_by_test_id("case-row")).to_have_count(4)
    header_visible = page.locator("table.cases thead").evaluate("e => e.getBoundingClientRect().height > 1")
    assert header_visible == (width >= 1100)
    assert no_horizontal_scroll(page)
    problems["list"] = axe_problems(page)

    # The search box straight to a case by its serial.
    page.goto(reverse("home"))
    page.get_by_test_id("find-case").fill("0022")
    page.get_by_role("button", name="開く").click()
    expect(page.get_by_test_id("case-title")).to_contain_text("2026-0022")

    assert problems == {"home": [], "case": [], "list": []}

"""就労体験 on a phone: a coordinator records a week of worked days with the keyboard; a 管理者 approves
the month's payment list, which then refuses a change, settles it, and a late correction appears on the
next month's list as an adjustment; a budget overrun is refused with its amount."""

import os
from datetime import date, timedelta

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import log_in_administrator  # noqa: E402
from tests.browser.test_statistics import axe_problems, phone  # noqa: E402,F401 - the phone fixture
from tests.cases.factories import actor_for, make_case  # noqa: E402
from tests.factories import PASSWORD, make_staff  # noqa: E402
from tsunagu.core import wareki  # noqa: E402
from tsunagu.orgs.models import Role  # noqa: E402
from tsunagu.work import actions  # noqa: E402
from tsunagu.work.models import PaymentList  # noqa: E402

pytestmark = pytest.mark.browser
MONDAY = date(2025, 10, 6)


def _label(on: date) -> str:
    return wareki.format_date(on) + "（" + "月火水木金土日"[on.weekday()] + "）"


def _log_in(page: Page, username: str):
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()


def _save_week(page: Page, placement, hours: dict):
    page.goto(reverse("work_placement_week", args=[placement.pk]) + f"?start={MONDAY:%Y-%m-%d}")
    for on, value in hours.items():
        page.get_by_label(_label(on)).fill(value)
    page.get_by_role("button", name="この週を保存").click()


def test_a_week_on_a_phone_then_approval_settlement_a_late_correction_and_the_budget(phone: Page, network):  # noqa: F811
    page = phone
    centre = network["own_center"]
    coordinator = actor_for(make_staff(centre, Role.COORDINATOR, username="work-staff"))
    admin = actor_for(make_staff(centre, Role.ADMIN, username="work-admin"))
    host = actions.create_host(actor=coordinator, organisation=centre, name="みどり農園", kind="farm")
    for payee, value in (("participant", 500), ("host", 4500)):
        actions.add_rate(
            actor=admin,
            organisation=centre,
            program="experience",
            payee=payee,
            unit="day",
            value=value,
            applies_from=date(2025, 4, 1),
        )
    case = make_case(coordinator, opened_on=date(2025, 4, 1))
    placement = actions.create_placement(
        actor=coordinator, organisation=centre, case=case, host=host, program="experience", start=MONDAY
    )

    # The coordinator, on the farm: five days typed with the keyboard alone.
    _log_in(page, "work-staff")
    page.goto(reverse("work_placement_detail", args=[placement.pk]))
    page.get_by_role("link", name="1週間の就労実績を入力").click()
    page.get_by_label(_label(MONDAY)).focus()
    for n in range(5):
        page.keyboard.type("6" if n != 2 else "5.5")
        page.keyboard.press("Tab")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    problems = {"週": axe_problems(page)}
    page.keyboard.press("Enter")
    expect(page.get_by_text("1週間の就労実績を保存しました。")).to_be_visible()
    expect(page.get_by_label(_label(MONDAY + timedelta(days=2)))).to_have_value("5.50")
    assert placement.days.count() == 5
    page.locator("header").get_by_role("button", name="ログアウト").click()

    # The 管理者 makes October's list for the host and approves it.
    log_in_administrator(page, "work-admin")
    page.goto(reverse("work_payment_list_add"))
    page.locator("#id_month").fill("R7.10.1")
    page.get_by_label("支払先").select_option(label="事業者")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("total")).to_have_text("22500（23千円）")
    problems["支払一覧"] = axe_problems(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="承認する").click()
    expect(page.get_by_text("支払一覧を承認しました。")).to_be_visible()
    october = PaymentList.objects.get(month=date(2025, 10, 1), payee="host")

    # An approved month refuses a change; what was typed stays on the page.
    _save_week(page, placement, {MONDAY + timedelta(days=5): "4"})
    expect(page.get_by_role("alert").first).to_contain_text("令和7年10月の支払一覧（事業者）は承認済みです。")
    expect(page.get_by_label(_label(MONDAY + timedelta(days=5)))).to_have_value("4")
    assert placement.days.count() == 5

    page.goto(reverse("work_payment_list", args=[october.pk]))
    page.get_by_role("button", name="確定する").click()
    expect(page.get_by_text("支払一覧を確定しました。")).to_be_visible()

    # Settled: the late Saturday is accepted and paid on November's list as an adjustment.
    _save_week(page, placement, {MONDAY + timedelta(days=5): "4"})
    expect(page.get_by_text("1週間の就労実績を保存しました。")).to_be_visible()
    page.goto(reverse("work_payment_list_add"))
    page.locator("#id_month").fill("R7.11.1")
    page.get_by_label("支払先").select_option(label="事業者")
    page.get_by_role("button", name="保存").click()
    adjustment = page.get_by_test_id("adjustment")
    expect(adjustment).to_contain_text("2025-10")
    expect(adjustment).to_contain_text("（調整）")
    expect(adjustment).to_contain_text("4500")
    page.goto(reverse("work_payment_list", args=[october.pk]))
    expect(page.get_by_test_id("total")).to_have_text("22500（23千円）")  # the settled list never changed

    # A budget of 35,000円 for FY2025: 6 days so far = 30,000円; one day more would be 5,000円, 0 over;
    # two more 5,000円 over.
    page.goto(reverse("work_budget_set"))
    page.get_by_label("種別").select_option(label="就労体験")
    page.get_by_label("年度").select_option(value="2025")
    page.get_by_label("予算額（円）").fill("35000")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("予算を保存しました。")).to_be_visible()
    page.goto(reverse("work_placement_week", args=[placement.pk]) + f"?start={MONDAY + timedelta(days=7):%Y-%m-%d}")
    page.get_by_label(_label(MONDAY + timedelta(days=7))).fill("6")
    page.get_by_label(_label(MONDAY + timedelta(days=8))).fill("6")
    page.get_by_role("button", name="この週を保存").click()
    expect(page.get_by_role("alert").first).to_contain_text("この記録で予算を5,000円超えます。")
    assert placement.days.count() == 6
    assert problems == {"週": [], "支払一覧": []}

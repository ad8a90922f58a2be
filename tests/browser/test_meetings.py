"""A coordinator on a 390 px phone records a liaison council with 28 attending bodies and their head counts,
with the keyboard: 14 picked from the tree through the search (type a part of the name, ArrowDown, Enter,
the head count, Enter) and 14 outside bodies typed; the report then counts 28機関40人."""

import os
import time
from datetime import date

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import TIMEOUT_MS  # noqa: E402
from tests.factories import PASSWORD, make_org, make_staff  # noqa: E402
from tsunagu.meetings.models import Meeting  # noqa: E402
from tsunagu.orgs.models import OrgKind, Role  # noqa: E402
from tsunagu.stats.report import Period, build_report  # noqa: E402

pytestmark = pytest.mark.browser

TREE_BODIES = [
    "アオバ市福祉課",
    "カエデ町保健福祉課",
    "サクラ市社会福祉協議会",
    "タチバナ町健康課",
    "ナデシコ保健所",
    "ハマナス精神保健福祉センター",
    "マツバ地域包括支援センター",
    "ヤマブキ児童相談所",
    "ワカバ若者サポートステーション",
    "キキョウ町教育委員会",
    "シオン市生活支援課",
    "ツバキ発達障害者支援センター",
    "ノギク市子ども家庭課",
    "ヒイラギハローワーク",
]


@pytest.fixture
def phone390(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", bypass_csp=True, viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_coordinator_records_a_council_of_28_bodies_on_a_phone(phone390: Page, live_server, network):
    page = phone390
    pref = network["own"]
    for name in TREE_BODIES:
        make_org(OrgKind.PARTNER, pref, name=name, category="その他")
    make_staff(network["own_center"], Role.COORDINATOR, username="kaigi-staff")

    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill("kaigi-staff")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.goto(reverse("meeting_add"))
    page.get_by_label("日付 必須").fill("R2.7.15")
    page.get_by_label("種別 必須").select_option(label="連絡協議会・ネットワーク会議")
    page.get_by_label("名称 必須").fill("中部地区ひきこもり支援連絡協議会")
    page.get_by_label("地域・ブロック").fill("中部")
    page.get_by_label("ハイブリッド").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("中部地区ひきこもり支援連絡協議会")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    search, total = page.get_by_role("searchbox", name="参加機関"), page.get_by_test_id("attendance-total")
    started = time.monotonic()
    people = 0
    for i, name in enumerate(TREE_BODIES):
        count = 2 if i < 12 else 1  # 12 bodies of 2 and 16 of 1: 40 people
        search.click()
        search.press_sequentially(name[:3])  # a few letters find it
        option = page.locator(".body-option", has_text=name)
        expect(option).to_be_visible()
        search.press("ArrowDown")
        expect(page.locator(".body-option").first).to_be_focused()
        while not option.evaluate("el => el === document.activeElement"):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(page.get_by_label("人数 必須")).to_be_focused()
        page.keyboard.type(str(count))
        page.keyboard.press("Enter")
        people += count
        expect(total).to_have_text(f"{i + 1}機関 {people}人")
        expect(search).to_be_focused()  # ready for the next body
    for i in range(14):
        search.fill(f"外部団体{i + 1}")
        page.get_by_label("人数 必須").fill("1")
        page.keyboard.press("Enter")
        people += 1
        expect(total).to_have_text(f"{15 + i}機関 {people}人")
        # The fresh form focuses its search box once htmx has settled it; typing before that would put
        # the next head count into the search box, as a person typing that fast would see.
        expect(search).to_be_focused()
    seconds = time.monotonic() - started
    assert people == 40
    expect(total).to_have_text("28機関 40人")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    print(f"\n28 attending bodies recorded in {seconds:.1f} s of browser time")

    meeting = Meeting.objects.get()
    assert meeting.attendances.filter(body__isnull=False).count() == 14
    fy2020 = Period(date(2020, 4, 1), date(2021, 3, 31))
    held = build_report(pref, fy2020)["meetings"]["held"]
    assert [(m["region"], m["agencies"], m["people"]) for m in held] == [("中部", 28, 40)]

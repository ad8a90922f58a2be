"""The public pages at phone width (375×812): a mother finds her city's window through the finder and
sends a web consultation; a 相談員 of the city turns it into a case. The resident's path runs with
JavaScript switched off, since the public pages must not need it. Oversized input, a filled honeypot
and a burst of submissions are refused and store nothing. Every public page passes axe-core with no
serious or critical violation and does not scroll sideways."""

import os
import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
# In CI a missing Playwright is a collection error, never a skip.
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import TIMEOUT_MS  # noqa: E402
from tests.factories import PASSWORD, make_org, make_staff, make_user  # noqa: E402
from tsunagu.cases.models import Case, Contact  # noqa: E402
from tsunagu.ibasho.models import Ibasho, IbashoEvent  # noqa: E402
from tsunagu.orgs.models import OrgKind, Role  # noqa: E402
from tsunagu.orgs.rules import Actor  # noqa: E402
from tsunagu.public import actions  # noqa: E402
from tsunagu.public.models import Submission, WebConsultation  # noqa: E402

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
REFERENCE = re.compile(r"^W-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")
MESSAGE = "30歳の息子が、3年ほど自分の部屋からほとんど出てきません。どこに相談したらよいかわかりません。"


@pytest.fixture(autouse=True)
def empty_cache():
    """The live server runs in this process: rendered pages of an earlier test must not be served."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def region():
    system = Actor.system("tests")
    nation = make_org(OrgKind.NATIONAL, code="000000", name="国")
    prefecture = make_org(OrgKind.PREFECTURE, nation, name="つなぐ県")
    city = make_org(OrgKind.MUNICIPALITY, prefecture, name="みどり市")
    make_org(OrgKind.MUNICIPALITY, prefecture, name="あおば町")
    centre = make_org(OrgKind.CENTER, prefecture, name="つなぐ県ひきこもり地域支援センター")
    actions.save_window(
        actor=system,
        organisation=city,
        name="みどり市 ひきこもり相談窓口",
        phone="099-000-0101",
        hours="平日 8時30分〜17時15分",
        ways=["phone", "office", "home_visit"],
        topics=["talk"],
    )
    actions.save_window(
        actor=system,
        organisation=centre,
        name="ひきこもり相談ダイヤル",
        phone="099-000-0001",
        ways=["phone", "email", "web"],
        topics=["talk", "place", "work", "family"],
    )
    make_staff(city, Role.COORDINATOR, user=make_user("midori-soudan", email="soudan@example.jp"))
    salon = Ibasho.objects.create(
        organisation=centre,
        name="まったりサロン",
        kind="physical",
        municipality=city,
        place="みどり市民会館",
        is_public=True,
    )
    IbashoEvent.objects.create(
        ibasho=salon,
        organisation=centre,
        date=timezone.localdate() + timedelta(days=3),
        start_time=time(14),
        end_time=time(16),
        how_to_join="申し込み不要",
        is_public=True,
    )
    return {"prefecture": prefecture, "city": city, "centre": centre}


def _context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport=PHONE, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def resident(browser, live_server):
    """A phone browser with JavaScript off: every public page must work like this."""
    context = _context(browser, live_server, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser, live_server):
    """A phone browser with JavaScript on, for what only a script can do (axe, a robot filling a hidden
    field). bypass_csp lets the test inject axe; the pages themselves never run a script."""
    context = _context(browser, live_server, bypass_csp=True)
    yield context.new_page()
    context.close()


def consult_form(page: Page, *, message: str = MESSAGE):
    page.get_by_role("radio", name="家族", exact=True).check()
    page.get_by_role("radio", name="30代").check()
    page.get_by_role("radio", name="メールで返事がほしい").check()
    page.get_by_label("メールアドレス").fill("mother@example.jp")
    page.get_by_label("相談したいこと").fill(message)


def test_a_mother_finds_her_citys_window_sends_a_consultation_and_a_coordinator_makes_it_a_case(
    resident: Page, browser, live_server, region
):
    page = resident
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.get_by_role("link", name=re.compile("^質問に答えて探す 4つの質問")).click()

    page.get_by_role("radio", name="家族のこと").check()
    page.get_by_role("radio", name="30代").check()
    page.get_by_label("お住まいの市区町村").select_option(label="みどり市")
    page.get_by_role("radio", name="話を聞いてほしい").check()
    page.get_by_role("button", name="相談先を見る").click()

    expect(page).to_have_url(re.compile(r"/public/finder/\d+/result/\?who=family&age=30s&municipality=\d+&want=talk$"))
    municipal = page.get_by_test_id("municipal-window")
    expect(municipal.get_by_role("heading")).to_have_text("みどり市 ひきこもり相談窓口")
    expect(municipal.get_by_role("link", name="099-000-0101")).to_have_attribute("href", "tel:0990000101")
    expect(page.get_by_role("heading", name="ひきこもり相談ダイヤル")).to_be_visible()
    expect(page.get_by_text("まったりサロン")).to_be_visible()

    page.get_by_role("link", name="Webで相談する").click()
    expect(page.get_by_label("お住まいの市区町村")).to_have_value(region["city"].code)
    consult_form(page)
    page.get_by_role("button", name="この内容で送る").click()

    expect(page.get_by_role("heading", name="相談を受け付けました")).to_be_visible()
    reference = page.get_by_test_id("reference").inner_text()
    assert REFERENCE.match(reference)
    expect(page.locator("main")).not_to_contain_text("息子")
    expect(page.locator("main")).not_to_contain_text("mother@example.jp")

    # The city's 相談員, on her own phone.
    staff_context = _context(browser, live_server)
    staff = staff_context.new_page()
    staff.goto(reverse("login"))
    staff.get_by_label("ユーザー名").fill("midori-soudan")
    staff.get_by_label("パスワード").fill(PASSWORD)
    staff.get_by_role("button", name="ログイン", exact=True).click()
    staff.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="Web相談の受付").click()
    staff.get_by_role("link", name=reference).click()
    expect(staff.get_by_test_id("consultation-message")).to_contain_text("3年ほど自分の部屋から")
    staff.get_by_role("button", name="ケースにする").click()

    case = Case.objects.get()
    expect(staff).to_have_url(live_server.url + reverse("case_detail", kwargs={"pk": case.pk}))
    expect(staff.get_by_text(f"Web相談 {reference} からケース {case.number} を作りました。")).to_be_visible()
    consultation = WebConsultation.objects.get()
    assert (consultation.reference, consultation.status, consultation.case) == (reference, "converted", case)
    assert (case.organisation, case.first_consulter, case.age_band, case.municipality) == (
        region["city"],
        "family",
        "30s",
        region["city"],
    )
    contact = Contact.objects.get(case=case)
    assert (contact.channel, contact.consulter, contact.notes) == ("web", "family", MESSAGE)
    staff_context.close()


def test_oversized_input_is_refused_and_nothing_is_stored(resident: Page, region):
    page = resident
    page.goto(reverse("public_consult", kwargs={"region": region["prefecture"].code}))
    consult_form(page, message="あ" * 4001)
    page.get_by_role("button", name="この内容で送る").click()
    # The error summary at the top and the message beside the field are both alerts.
    expect(
        page.get_by_role("alert").filter(has_text="「相談したいこと」は4000文字までです（いまは4001文字です）。")
    ).to_have_count(2)
    expect(page.get_by_label("相談したいこと")).to_have_value("あ" * 4001)

    consult_form(page, message="x" * 70_000)
    page.get_by_role("button", name="この内容で送る").click()
    expect(
        page.get_by_role("alert").filter(has_text="送られた内容が大きすぎるため、受け付けできませんでした。").first
    ).to_be_visible()
    assert not WebConsultation.objects.exists() and not Submission.objects.exists()


def test_a_robot_filling_the_honeypot_is_refused_and_nothing_is_stored(phone: Page, region):
    page = phone
    page.goto(reverse("public_consult", kwargs={"region": region["prefecture"].code}))
    expect(page.locator("input[name=website]")).to_be_hidden()
    consult_form(page)
    page.locator("input[name=website]").evaluate("input => { input.value = 'https://spam.example/' }")
    page.get_by_role("button", name="この内容で送る").click()
    expect(
        page.get_by_role("alert")
        .filter(has_text="送信できませんでした。「ホームページ」の欄は空のままにしてください。")
        .first
    ).to_be_visible()
    assert not WebConsultation.objects.exists() and not Submission.objects.exists()


def test_a_burst_of_submissions_is_refused_after_the_third(resident: Page, region):
    page = resident
    url = reverse("public_consult", kwargs={"region": region["prefecture"].code})
    for _ in range(3):
        page.goto(url)
        consult_form(page)
        page.get_by_role("button", name="この内容で送る").click()
        expect(page.get_by_role("heading", name="相談を受け付けました")).to_be_visible()
    page.goto(url)
    consult_form(page)
    page.get_by_role("button", name="この内容で送る").click()
    expect(
        page.get_by_role("alert").filter(has_text="短い時間に何度も送信されたため、受け付けできませんでした。").first
    ).to_be_visible()
    expect(page.get_by_label("相談したいこと")).to_have_value(MESSAGE)
    assert WebConsultation.objects.count() == 3


def _axe_problems(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_every_public_page_passes_axe_and_fits_the_phone(phone: Page, region):
    page = phone
    code = region["prefecture"].code
    finder_result = (
        reverse("public_finder_result", kwargs={"region": code})
        + f"?who=family&age=30s&municipality={region['city'].code}&want=place"
    )
    pages = {
        "top": reverse("public_top"),
        "windows": reverse("public_windows"),
        "region": reverse("public_region", kwargs={"region": code}),
        "window": reverse("public_window", kwargs={"code": region["city"].code}),
        "finder": reverse("public_finder", kwargs={"region": code}),
        "finder result": finder_result,
        "finder with errors": reverse("public_finder_result", kwargs={"region": code}) + "?who=family",
        "consultation form": reverse("public_consult", kwargs={"region": code}),
        "ibasho": reverse("public_ibasho"),
    }
    problems = {}
    for name, url in pages.items():
        page.goto(url)
        problems[name] = _axe_problems(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{name} scrolls sideways"
    # The consultation form with its mistakes shown, and the thanks page.
    page.goto(pages["consultation form"])
    page.get_by_role("button", name="この内容で送る").click()
    expect(page.get_by_text("「相談したいこと」を書いてください。", exact=True)).to_be_visible()
    problems["consultation form with errors"] = _axe_problems(page)
    consult_form(page)
    page.get_by_role("button", name="この内容で送る").click()
    expect(page.get_by_role("heading", name="相談を受け付けました")).to_be_visible()
    problems["thanks"] = _axe_problems(page)
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_skip_link_and_the_finder_work_from_the_keyboard(resident: Page, region):
    page = resident
    page.goto(reverse("public_finder", kwargs={"region": region["prefecture"].code}))
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()
    page.keyboard.press("Enter")
    # Arrow keys move within a radio group and choose; Tab goes on to the next question.
    page.locator("#id_who_0").focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="家族のこと")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#id_age_0")).to_be_checked()
    page.locator("#id_want_0").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="合いそうな相談先")).to_be_visible()


def test_a_resident_reads_the_windows_in_english_and_back_without_javascript(resident: Page, region):
    page = resident
    windows = reverse("public_windows")
    page.goto(windows)
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(re.escape(windows) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation").get_by_role("link", name="Web相談")).to_have_count(0)
    page.get_by_role("link", name="日本語").click()
    expect(page).to_have_url(re.compile(re.escape(windows) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("navigation").get_by_role("link", name="相談窓口")).to_be_visible()

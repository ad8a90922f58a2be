"""A 統計担当 of a prefecture opens the report for 令和3年度, reads the tables and charts, and downloads
the XLSX and the PDF; the PDF carries Japanese text (extracted with pdftotext)."""

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from openpyxl import load_workbook  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import TIMEOUT_MS  # noqa: E402
from tests.factories import PASSWORD, make_staff  # noqa: E402
from tests.stats import data  # noqa: E402
from tsunagu.audit.models import AuditEntry  # noqa: E402
from tsunagu.orgs.models import Role  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("exact_small_cells")]


def test_statistician_reads_and_downloads_the_fiscal_year_report(page: Page, live_server, network):
    data.build(network)
    prefecture = network["own"]
    statistician = make_staff(prefecture, Role.STATISTICIAN, username="tokei")

    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill("tokei")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="統計").click()

    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("stats_report"))))
    page.get_by_label("組織", exact=True).select_option(prefecture.code)
    page.get_by_role("radio", name="年度").check()
    page.get_by_label("対象年度").select_option(label="2021年度（令和3年度）")
    page.get_by_role("button", name="集計する").click()

    expect(page.get_by_test_id("report-heading")).to_have_text(f"{prefecture.name} 2021年度（令和3年度）")
    headline = page.get_by_test_id("headline")
    expect(headline).to_contain_text("延べ相談件数5")
    expect(headline).to_contain_text("実人数3")
    channels = page.get_by_test_id("table-by_channel")
    expect(channels.get_by_role("row", name="電話")).to_have_text(re.compile(r"電話\s*2\s*40\.0"))
    expect(page.get_by_test_id("table-by_age_band").get_by_role("row", name="20代")).to_have_text(
        re.compile(r"20代\s*2\s*40\.0")
    )
    expect(page.get_by_test_id("table-referrals").get_by_role("row", name="精神保健福祉センター")).to_have_text(
        re.compile(r"精神保健福祉センター\s*1\s*33\.3\s*1")
    )
    expect(page.get_by_test_id("table-connected").get_by_role("row", name="計")).to_have_text(re.compile(r"計\s*2"))
    for chart in ("相談方法別の件数", "本人の年代別の件数", "つなぎ先区分別の件数"):
        expect(page.get_by_role("img", name=chart)).to_be_visible()
    expect(page.get_by_text("家族など本人以外からの相談も本人の年代に数えます", exact=False)).to_be_visible()

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel（XLSX）でダウンロード").click()
    xlsx = xlsx_download.value
    assert xlsx.suggested_filename == f"tsunagu-stats-{prefecture.code}-20210401-20220331.xlsx"
    book = load_workbook(io.BytesIO(xlsx.path().read_bytes()))  # the saved file has no .xlsx extension
    assert book["相談方法別の件数"]["A5"].value == "電話"
    assert book["相談方法別の件数"]["B5"].value == 2
    assert book["相談件数"]["A1"].value == f"{prefecture.name}（{prefecture.code}）統計 2021年度（令和3年度）"

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDFでダウンロード").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename.endswith(".pdf")
    text = subprocess.run(["pdftotext", "-layout", pdf.path(), "-"], capture_output=True, check=True).stdout.decode()
    assert f"{prefecture.name}（{prefecture.code}）統計 2021年度（令和3年度）" in text
    assert "令和3年4月1日〜令和4年3月31日" in text
    assert "相談方法別の件数" in text and "精神保健福祉センター" in text

    exports = list(
        AuditEntry.objects.filter(user=statistician.user, action="stats.export")
        .order_by("id")
        .values_list("object_label", flat=True)
    )
    assert exports == [
        f"XLSX {prefecture.code} 2021-04-01〜2022-03-31",
        f"PDF {prefecture.code} 2021-04-01〜2022-03-31",
    ]


AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def phone(browser, live_server):
    """A phone-width browser; bypass_csp only lets the test inject axe-core, the pages run no script."""
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", bypass_csp=True, viewport={"width": 360, "height": 780}
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def axe_problems(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_report_and_trends_fit_a_phone_and_pass_axe(phone: Page, live_server, network):
    page = phone
    data.build(network)
    # The centre's own figures: exact, with their charts (another organisation's small cells are ranges).
    make_staff(network["own_center"], Role.STATISTICIAN, username="tokei2")
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill("tokei2")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()

    problems = {}
    page.goto(reverse("stats_report") + "?fy=2021")
    problems["report"] = axe_problems(page)
    # Nothing spills sideways at phone width; wide tables scroll inside their own wrappers.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("radio", name="日付で指定").check()
    page.get_by_label("開始日").fill("R3.13.1")
    page.get_by_label("終了日").fill("令和3年9月30日")
    page.get_by_role("button", name="集計する").click()
    expect(page.get_by_role("alert")).to_have_text("「R3.13.1」は日付として正しくありません（13月は存在しません）")
    expect(page.get_by_label("開始日")).to_have_value("R3.13.1")
    expect(page.get_by_label("終了日")).to_have_value("令和3年9月30日")
    expect(page.get_by_test_id("report-heading")).to_have_count(0)
    problems["report with an error"] = axe_problems(page)

    page.get_by_role("link", name="年度ごとの推移").click()
    expect(page.get_by_test_id("trends-heading")).to_contain_text("令和2年度〜令和3年度")
    expect(page.get_by_test_id("table-main").get_by_role("row", name="延べ相談件数")).to_have_text(
        re.compile(r"延べ相談件数\s*1\s*5")
    )
    expect(page.get_by_role("img", name="相談件数の推移")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The referral table (two columns a year) shows as cards: it fits without scrolling inside its wrapper.
    referrals = page.get_by_test_id("table-referrals")
    assert referrals.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    expect(referrals.locator("tbody tr").first.locator("td").first).to_have_attribute("data-label", "R2 件数")
    problems["trends"] = axe_problems(page)
    assert problems == {"report": [], "report with an error": [], "trends": []}


def test_statistician_finds_an_organisation_by_typing_part_of_its_name(phone: Page, live_server, network):
    """A subtree too large for a select: type part of a name, pick from what fits, read its report; then
    one click to a municipality below, at phone width and passing axe."""
    from tests.factories import make_org
    from tsunagu.orgs.models import OrgKind

    page = phone
    data.build(network)
    for _ in range(55):
        make_org(OrgKind.MUNICIPALITY, network["own"])
    yokosuka = make_org(OrgKind.MUNICIPALITY, network["own"], name="横須賀市")
    make_staff(network["own"], Role.STATISTICIAN, username="tokei3")
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill("tokei3")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()

    page.goto(reverse("stats_report") + "?fy=2021")
    field = page.get_by_role("textbox", name="組織")
    field.fill("横須")
    results = page.get_by_test_id("org-results")
    expect(results.get_by_role("link")).to_have_count(1)
    problems = {"typed": axe_problems(page)}
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    results.get_by_role("link", name="横須賀市").click()
    expect(page.get_by_test_id("report-heading")).to_have_text("横須賀市 2021年度（令和3年度）")
    expect(page.get_by_test_id("org-crumbs")).to_have_text(re.compile(rf"{network['own'].name}\s*›?\s*横須賀市"))
    expect(page.get_by_role("textbox", name="組織")).to_have_value(yokosuka.code)

    page.get_by_test_id("org-crumbs").get_by_role("link", name=network["own"].name).click()
    page.get_by_text("この下の組織").click()
    page.get_by_test_id("org-children").get_by_role("link", name=network["own_center"].name).click()
    expect(page.get_by_test_id("report-heading")).to_have_text(f"{network['own_center'].name} 2021年度（令和3年度）")
    expect(page.get_by_test_id("headline")).to_contain_text("延べ相談件数5")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    problems["chosen"] = axe_problems(page)
    assert problems == {"typed": [], "chosen": []}

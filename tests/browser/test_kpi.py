"""The KPI path through real pages: an administrator defines the liaison-council indicator, enters its
plan and result for 令和3年度 and reads 100.0% 順調 with its chart; a 統計担当 downloads the published
figures as CSV."""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import log_in_administrator as log_in  # noqa: E402
from tests.factories import SYSTEM, make_staff  # noqa: E402
from tests.kpi.factories import entered, make_indicator, target  # noqa: E402
from tsunagu.kpi import actions  # noqa: E402
from tsunagu.kpi.models import JudgementLevel  # noqa: E402
from tsunagu.orgs.models import Role  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def default_levels(transactional_db):
    """Live-server tests empty every table after each test; put back the default levels the data
    migration loads into a fresh database."""
    import importlib

    seed = importlib.import_module("tsunagu.kpi.migrations.0002_default_levels")
    for label, bound in seed.DEFAULTS:
        JudgementLevel.objects.get_or_create(organisation=None, label=label, defaults={"min_ratio": bound})


def test_administrator_records_the_liaison_council_and_reads_its_judgement(page: Page, live_server, network):
    make_staff(network["own"], Role.ADMIN, username="kanri")
    log_in(page, "kanri")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="KPI").click()
    page.get_by_role("link", name="指標を追加").click()
    page.get_by_label("指標名").fill("連絡協議会の開催回数")
    page.get_by_label("単位").fill("回")
    page.get_by_label("実績値の取り方").select_option(label="手入力（調査結果・他で集計した数）")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("連絡協議会の開催回数")

    page.get_by_role("link", name="計画値を入力").click()
    page.get_by_label("年度").select_option(label="2021年度（令和3年度）")
    page.get_by_label("計画値").fill("４")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text("令和3年度の計画値を保存しました。")
    page.get_by_role("link", name="実績値を入力").click()
    page.get_by_label("年度").select_option(label="2021年度（令和3年度）")
    page.get_by_label("実績値", exact=True).fill("4")
    page.get_by_role("button", name="保存").click()

    page.goto(reverse("kpi_overview") + "?fy=2021")
    expect(page.get_by_test_id("kpi-heading")).to_have_text("令和3年度（2021年度）の達成状況")
    row = page.get_by_test_id("kpi-table").get_by_role("row", name=re.compile("連絡協議会の開催回数"))
    expect(row).to_have_text(re.compile(r"連絡協議会の開催回数\s*（回）\s*4\s*4\s*100\.0%\s*順調"))
    expect(page.get_by_role("img", name="連絡協議会の開催回数の年度ごとの推移（数値は横の表）")).to_be_visible()


def test_statistician_downloads_published_figures(page: Page, live_server, network):
    make_staff(network["own"], Role.STATISTICIAN, username="tokei")
    log_in(page, "tokei")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="KPI").click()
    page.get_by_role("link", name=re.compile("公表用の集計")).click()
    page.get_by_role("combobox", name="年度 必須").select_option(label="2021年度（令和3年度）")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_test_id("published-heading")).to_have_text(f"{network['own'].name} 2021年度（令和3年度）")
    with page.expect_download() as download:
        page.get_by_test_id("download-csv").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert content.splitlines()[2] == "期間,2021年度（令和3年度） 2021-04-01〜2022-03-31"
    assert "電話,0,0,0,0,0" in content


AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _axe_problems(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_kpi_pages_pass_axe_and_fit_a_phone(browser, live_server, network):
    """At 360px, with axe injected (bypass_csp: the pages themselves run no script)."""
    make_staff(network["own"], Role.ADMIN, username="kanri")
    council = make_indicator(network["own"], "連絡協議会の開催回数", unit="回")
    target(council, 2021, 4)
    entered(council, 2021, 4)
    windows = make_indicator(network["own"], "市町村のひきこもり相談窓口設置数（増加分）", unit="市町村")
    actions.save_plan(
        actor=SYSTEM,
        indicator=windows,
        first_year=2020,
        baseline=Decimal(13),
        increments=[Decimal(5), Decimal(10), Decimal(5)],
    )
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", bypass_csp=True, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    log_in(page, "kanri")
    pages = {
        "overview": reverse("kpi_overview") + "?fy=2021",
        "indicator": reverse("kpi_indicator", kwargs={"pk": windows.pk}) + "?fy=2021",
        "target form": reverse("kpi_target", kwargs={"pk": council.pk}),
        "plan form": reverse("kpi_plan", kwargs={"pk": windows.pk}),
        "levels": reverse("kpi_levels"),
        "add indicator": reverse("kpi_indicator_add"),
        "published": reverse("stats_published") + "?fy=2021",
    }
    problems = {}
    for name, url in pages.items():
        page.goto(url)
        problems[name] = _axe_problems(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{name} scrolls sideways"
    page.goto(pages["target form"])
    page.get_by_label("計画値").fill("abc")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("計画値は数で入力してください（例: 20、65.3）。")).to_be_visible()
    problems["target form with an error"] = _axe_problems(page)
    context.close()
    assert {name: found for name, found in problems.items() if found} == {}

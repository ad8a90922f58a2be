"""A prefecture officer (管理者 of the prefecture) plans the year's councils per municipality on the pages, reads
held against planned from the meetings the prefecture recorded, and reads the council count as a KPI counted
from the same records: 4 held against a plan of 4 is 100.0% 順調."""

import os
import re
from datetime import date

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import log_in_administrator  # noqa: E402
from tests.cases.factories import actor_for  # noqa: E402
from tests.factories import make_org, make_staff  # noqa: E402
from tests.meetings.factories import make_meeting  # noqa: E402
from tsunagu.kpi.models import JudgementLevel  # noqa: E402
from tsunagu.meetings.models import MeetingKind, MeetingStatus  # noqa: E402
from tsunagu.orgs.models import OrgKind, Role  # noqa: E402

pytestmark = pytest.mark.browser

COUNCIL = MeetingKind.COUNCIL


@pytest.fixture(autouse=True)
def default_levels(transactional_db):
    """Live-server tests empty every table after each test; put back the default levels the data
    migration loads into a fresh database."""
    import importlib

    seed = importlib.import_module("tsunagu.kpi.migrations.0002_default_levels")
    for label, bound in seed.DEFAULTS:
        JudgementLevel.objects.get_or_create(organisation=None, label=label, defaults={"min_ratio": bound})


def test_prefecture_officer_plans_councils_per_municipality_and_reads_the_council_kpi(page: Page, live_server, network):
    pref = network["own"]
    ino = make_org(OrgKind.MUNICIPALITY, pref, name="いの町")
    susaki = make_org(OrgKind.MUNICIPALITY, pref, name="須崎市")
    make_staff(pref, Role.ADMIN, username="ken-tanto")
    recorder = actor_for(make_staff(pref, Role.COORDINATOR))
    # FY2021 (令和3年度): いの町 twice, 須崎市 once, a regional council once — 4 held; one called off and one
    # of the next fiscal year are not counted.
    make_meeting(recorder, date=date(2021, 5, 10), kind=COUNCIL, name="いの町連絡会", municipality=ino)
    make_meeting(recorder, date=date(2021, 11, 2), kind=COUNCIL, name="いの町連絡会", municipality=ino)
    make_meeting(recorder, date=date(2021, 7, 7), kind=COUNCIL, name="須崎市連絡会", municipality=susaki)
    make_meeting(recorder, date=date(2022, 2, 14), kind=COUNCIL, name="高幡ブロック会議", region="高幡")
    make_meeting(
        recorder,
        date=date(2021, 9, 2),
        kind=COUNCIL,
        municipality=susaki,
        status=MeetingStatus.CANCELLED,
        cancel_reason="台風",
    )
    make_meeting(recorder, date=date(2022, 4, 8), kind=COUNCIL, municipality=ino)

    log_in_administrator(page, "ken-tanto")
    for counterpart, typed, planned in [(ino, "", "2"), (susaki, "", "2"), (None, "高幡", "1")]:
        page.goto(reverse("meeting_plans") + "?fy=2021")
        page.get_by_role("link", name="計画を登録").click()
        page.get_by_label("年度").select_option(label="2021年度（令和3年度）")
        page.get_by_label("種別").select_option(label="連絡協議会・ネットワーク会議")
        if counterpart:
            page.get_by_label("相手先（tsunaguの組織）").select_option(label=str(counterpart))
        else:
            page.get_by_label("相手先の名称").fill(typed)
        page.get_by_label("予定回数").fill(planned)
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("status")).to_contain_text("計画を登録しました。")

    expect(page.get_by_role("heading", level=1)).to_contain_text("令和3年度")
    plans = page.get_by_test_id("plans")
    expect(plans.get_by_role("row", name=re.compile("いの町"))).to_have_text(
        re.compile(r"^いの町\s*連絡協議会・ネットワーク会議\s*2\s*2\s*いの町（２／２回）")
    )
    expect(plans.get_by_role("row", name=re.compile("須崎市"))).to_have_text(
        re.compile(r"^須崎市\s*連絡協議会・ネットワーク会議\s*1\s*2\s")
    )
    expect(plans.get_by_role("row", name=re.compile("高幡"))).to_have_text(
        re.compile(r"^高幡\s*連絡協議会・ネットワーク会議\s*1\s*1\s")
    )
    expect(page.get_by_test_id("plan-summary")).to_have_text("いの町（２／２回）・須崎市（１／２回）・高幡（１／１回）")

    # The same records make the KPI: 連絡協議会開催回数 counted, against a plan of 4.
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="KPI").click()
    page.get_by_role("link", name="指標を追加").click()
    page.get_by_label("指標名").fill("連絡協議会の開催回数")
    page.get_by_label("単位").fill("回")
    page.get_by_label("実績値の取り方").select_option(label="記録から計算: 連絡協議会開催回数")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("連絡協議会の開催回数")
    page.get_by_role("link", name="計画値を入力").click()
    page.get_by_label("年度").select_option(label="2021年度（令和3年度）")
    page.get_by_label("計画値").fill("4")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text("令和3年度の計画値を保存しました。")

    page.goto(reverse("kpi_overview") + "?fy=2021")
    row = page.get_by_test_id("kpi-table").get_by_role("row", name=re.compile("連絡協議会の開催回数"))
    expect(row).to_have_text(re.compile(r"連絡協議会の開催回数\s*（回）\s*4\s*4\s*100\.0%\s*順調"))

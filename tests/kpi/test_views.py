"""The KPI pages as their users see them."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import ReferralStatus, ReferralTarget
from tsunagu.core.wareki import current_fiscal_year, fiscal_year_label
from tsunagu.kpi import actions
from tsunagu.kpi.models import EnteredValue, Indicator, JudgementLevel, Plan, Target
from tsunagu.orgs.models import Role

from ..cases.factories import actor_for, make_case
from ..conftest import act_as
from ..factories import SYSTEM, make_staff
from .factories import entered, make_indicator, target


@pytest.fixture
def admin(client, network):
    membership = make_staff(network["own"], Role.ADMIN, username="pref-admin")
    act_as(client, membership)
    return membership


@pytest.fixture
def council(network):
    indicator = make_indicator(network["own"], "連絡協議会の開催回数", unit="回")
    target(indicator, 2021, 4)
    entered(indicator, 2021, 4)
    return indicator


def body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_statistician_sees_target_actual_ratio_and_judgement(client, network, council):
    act_as(client, make_staff(network["own"], Role.STATISTICIAN))
    page = body(client.get(reverse("kpi_overview"), {"fy": 2021}))
    assert "令和3年度（2021年度）の達成状況" in page
    row = re.search(r"連絡協議会の開催回数</a>.*?</tr>", page, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in cells] == ["4", "4", "100.0%", "順調"]
    assert "<svg" in page and 'role="img"' in page
    assert " style=" not in page and "<script>" not in page
    assert "順調 100.0%以上" in page
    assert reverse("kpi_indicator_add") not in page  # managing KPIs is for administrators


def test_the_english_heading_names_the_year_once(client, network, council):
    from django.conf import settings

    act_as(client, make_staff(network["own"], Role.STATISTICIAN))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = body(client.get(reverse("kpi_overview"), {"fy": 2021}))
    assert "Achievement for FY2021 (Reiwa 3)</h2>" in page


def test_year_defaults_to_the_current_fiscal_year_and_bad_years_fall_back(client, network, admin):
    page = body(client.get(reverse("kpi_overview"), {"fy": "R3"}))
    assert f"{fiscal_year_label(current_fiscal_year())}（{current_fiscal_year()}年度）の達成状況" in page


def test_a_prefecture_reads_a_centres_kpis(client, network):
    centre_indicator = make_indicator(network["own_center"], "センターの訪問件数", unit="件", source="visits")
    act_as(client, make_staff(network["own"], Role.STATISTICIAN))
    page = body(client.get(reverse("kpi_org", kwargs={"code": network["own_center"].code})))
    assert "センターの訪問件数" in page
    assert body(client.get(reverse("kpi_indicator", kwargs={"pk": centre_indicator.pk})))
    act_as(client, make_staff(network["own"], Role.ADMIN))
    # Reading is allowed from above; changing is for the centre's own administrators.
    assert client.get(reverse("kpi_indicator_edit", kwargs={"pk": centre_indicator.pk})).status_code == 404


def test_adding_an_indicator_keeps_input_on_error(client, network, admin, council):
    url = reverse("kpi_indicator_add")
    page = body(client.post(url, {"name": "連絡協議会の開催回数", "unit": "回", "source": "manual", "order": "x"}))
    assert "表示順は0以上の整数で入力してください。" in page
    assert 'value="連絡協議会の開催回数"' in page and 'value="x"' in page
    page = body(client.post(url, {"name": "連絡協議会の開催回数", "unit": "", "source": "manual", "order": "1"}))
    assert "指標名「連絡協議会の開催回数」はこの組織ですでに使われています。" in page
    assert "単位を入力してください（例: 件、人、%、回）。" in page
    response = client.post(url, {"name": "新規相談件数", "unit": "", "source": "new_cases", "order": "2"})
    indicator = Indicator.objects.get(name="新規相談件数")
    assert indicator.unit == "件"  # a computed indicator left without a unit takes its figure's
    assert response["Location"] == reverse("kpi_indicator", kwargs={"pk": indicator.pk})
    assert (indicator.organisation, indicator.source) == (network["own"], "new_cases")
    entry = AuditEntry.objects.get(action="kpi.indicator.create", object_id=str(indicator.pk))
    assert entry.user == admin.user and entry.changes["name"] == [None, "新規相談件数"]


def test_editing_an_indicator(client, network, admin, council):
    url = reverse("kpi_indicator_edit", kwargs={"pk": council.pk})
    response = client.post(
        url,
        {
            "name": "連絡協議会の開催回数（全体会）",
            "unit": "回",
            "source": "manual",
            "order": "0",
            "is_active": "on",
            "monitoring": "on",
            "version": council.version,
        },
    )
    page = body(response)
    assert "計画値が登録されているため、モニタリング指標にはできません。先に計画値を削除してください。" in page
    response = client.post(
        url,
        {
            "name": "連絡協議会の開催回数（全体会）",
            "unit": "回",
            "source": "manual",
            "order": "0",
            "is_active": "on",
            "version": council.version,
        },
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.name == "連絡協議会の開催回数（全体会）"
    assert AuditEntry.objects.get(action="kpi.indicator.update").changes == {
        "name": ["連絡協議会の開催回数", "連絡協議会の開催回数（全体会）"]
    }


def test_target_form(client, network, admin, council):
    url = reverse("kpi_target", kwargs={"pk": council.pk})
    page = body(client.get(url, {"fy": 2021}))
    assert 'value="4.0"' in page or 'value="4"' in page
    page = body(client.post(url, {"fiscal_year": "2022", "value": "四"}))
    assert "計画値は数で入力してください（例: 20、65.3）。" in page and 'value="四"' in page
    page = body(client.post(url, {"fiscal_year": "2022", "value": "4.25"}))
    assert "計画値の小数点以下は1桁までです。" in page
    assert client.post(url, {"fiscal_year": "2022", "value": "５"}).status_code == 302  # full-width digits
    assert Target.objects.get(indicator=council, fiscal_year=2022).value == Decimal(5)
    assert client.post(url, {"fiscal_year": "2022", "value": ""}).status_code == 302  # blank removes it
    assert not Target.objects.filter(indicator=council, fiscal_year=2022).exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="kpi.target")
        .order_by("id")
        .values_list("action", "object_label", "changes")
    ) == [
        ("kpi.target.set", "連絡協議会の開催回数 2021", {"value": [None, "4"]}),
        ("kpi.target.set", "連絡協議会の開催回数 2022", {"value": [None, "5"]}),
        ("kpi.target.clear", "連絡協議会の開催回数 2022", {"value": ["5.0", None]}),
    ]


def test_entered_value_form(client, network, admin):
    survey = make_indicator(network["own"], "住民の理解が深まったと感じる人の割合", unit="%")
    url = reverse("kpi_actual", kwargs={"pk": survey.pk})
    assert client.post(url, {"fiscal_year": "2021", "value": "６５．３％", "note": "県民意識調査"}).status_code == 302
    value = EnteredValue.objects.get(indicator=survey, fiscal_year=2021)
    assert (value.value, value.note) == (Decimal("65.3"), "県民意識調査")
    assert AuditEntry.objects.filter(action="kpi.actual.set", user=admin.user).count() == 1
    computed = make_indicator(network["own"], "延べ相談件数", unit="件", source="contacts")
    page = body(client.get(reverse("kpi_actual", kwargs={"pk": computed.pk})))
    assert (
        "この指標の実績値は記録から計算されるため、手入力できません。" in page
        and '<form method="post" class' not in page
    )


def test_plan_form(client, network, admin):
    windows = make_indicator(network["own"], "市町村のひきこもり相談窓口設置数", unit="市町村")
    url = reverse("kpi_plan", kwargs={"pk": windows.pk})
    data = {
        "first_year": "2024",
        "baseline": "13",
        "baseline_label": "事業開始前（現時点）",
        "adds_to_baseline": "on",
        "increment_1": "5",
        "increment_3": "5",
    }
    page = body(client.post(url, data))
    assert "2年目の増加分を入力してください（年は続けて入力します）。" in page and 'value="13"' in page
    assert client.post(url, {**data, "increment_2": "10"}).status_code == 302
    plan = Plan.objects.get(indicator=windows)
    assert (plan.first_year, plan.last_year, plan.baseline) == (2024, 2026, Decimal(13))
    page = body(client.get(reverse("kpi_overview"), {"fy": 2025}))
    assert re.search(r'data-testid="plan-total">20<', page) and re.search(r'data-testid="plan-end-level">33<', page)
    page = body(client.get(url, {"plan": plan.pk}))
    assert 'name="increment_2"' in page and 'value="10.0"' in page
    delete = {"delete": "1", "version": str(plan.version)}
    assert client.post(f"{url}?plan={plan.pk}", delete).status_code == 302
    assert not Plan.objects.exists() and not Target.objects.filter(indicator=windows).exists()


def test_levels_form(client, network, admin, council):
    url = reverse("kpi_levels")
    form = {
        "levels-TOTAL_FORMS": "3",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "10",
        "levels-0-label": "達成",
        "levels-0-min_ratio": "100",
        "levels-1-label": "未達",
        "levels-1-min_ratio": "1",
        "levels-2-label": "",
        "levels-2-min_ratio": "",
    }
    page = body(client.post(url, form))
    assert "どの達成割合にも区分が付くよう、下限0%の区分を1つ入れてください。" in page and 'value="未達"' in page
    assert client.post(url, {**form, "levels-1-min_ratio": "0"}).status_code == 302
    assert list(JudgementLevel.objects.filter(organisation=network["own"]).values_list("label", "min_ratio")) == [
        ("達成", Decimal(100)),
        ("未達", Decimal(0)),
    ]
    assert AuditEntry.objects.filter(action="kpi.levels.set", user=admin.user).count() == 1
    page = body(client.get(reverse("kpi_overview"), {"fy": 2021}))
    assert '<span class="judgement-0">達成</span>' in page
    assert client.post(url, {"reset": "1"}).status_code == 302
    assert not JudgementLevel.objects.filter(organisation=network["own"]).exists()


def test_overview_queries_do_not_grow_with_indicators(client, network, admin):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            body(client.get(reverse("kpi_overview"), {"fy": 2021}))
        return len(captured)

    first = make_indicator(network["own"], "延べ相談件数", unit="件", source="contacts")
    target(first, 2021, 100)
    queries()  # the first request of a session also touches the session and login bookkeeping
    one = queries()
    for name, source in [("実人数", "persons"), ("新規相談件数", "new_cases"), ("協議会", "manual")]:
        target(make_indicator(network["own"], name, unit="件", source=source), 2021, 10)
    assert queries() == one


def test_a_half_filled_level_row_names_the_missing_field(client, network, admin):
    form = {
        "levels-TOTAL_FORMS": "2",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "10",
        "levels-0-label": "順調",
        "levels-0-min_ratio": "",
        "levels-1-label": "",
        "levels-1-min_ratio": "0",
    }
    page = body(client.post(reverse("kpi_levels"), form))
    assert "達成割合の下限を入力してください。" in page and "進捗状況の名前を入力してください。" in page
    assert not JudgementLevel.objects.filter(organisation=network["own"]).exists()


def test_the_page_in_english_counts_the_same(client, network, admin):
    """The report sections key some figures by Japanese labels; the KPIs read them in Japanese whatever
    the language of the page."""
    worker = actor_for(make_staff(network["own_center"], Role.COORDINATOR))
    case = make_case(worker, opened_on=date(2021, 4, 1))
    case_actions.refer(
        actor=worker,
        case=case,
        date=date(2021, 6, 1),
        target=ReferralTarget.FAMILY,
        to_ibasho=True,
        partner_name="居場所ひなた",
        status=ReferralStatus.DECIDED,
    )
    connected = make_indicator(network["own"], "家族のつながり", unit="件", source="connected_family")
    target(connected, 2021, 2)
    client.cookies["django_language"] = "en"
    page = body(client.get(reverse("kpi_overview"), {"fy": 2021}))
    assert '<html lang="en">' in page
    row = re.search(r"家族のつながり</a>.*?</tr>", page, re.S).group(0)
    # One person's connection, counted over the prefecture's subtree: a range (issue 13; a zero would stay 0).
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)][:3] == [
        "2",
        "1〜9",
        "—",
    ]


def test_plan_page_ignores_a_malformed_plan_id(client, network, admin, council):
    page = body(client.get(reverse("kpi_plan", kwargs={"pk": council.pk}), {"plan": "x"}))
    assert 'name="increment_1"' in page and "この計画を削除" not in page


def test_a_plan_in_the_query_string_must_be_one_of_the_indicators_plans(client, network, admin, council):
    """?plan= names the plan to change or delete: another organisation's plan, or another indicator's, is
    not found and the look-up is logged, and posting to it changes nothing."""
    others = make_indicator(network["other"], "他県の指標")
    other_plan = actions.save_plan(
        actor=SYSTEM, indicator=others, first_year=2021, baseline=Decimal(7), increments=[Decimal(1)]
    )
    sibling = make_indicator(network["own"], "もう一つの指標")
    sibling_plan = actions.save_plan(
        actor=SYSTEM, indicator=sibling, first_year=2021, baseline=Decimal(8), increments=[Decimal(2)]
    )
    url = reverse("kpi_plan", kwargs={"pk": council.pk})
    for plan in (other_plan, sibling_plan):
        assert client.get(url, {"plan": plan.pk}).status_code == 404
        assert client.post(f"{url}?plan={plan.pk}", {"delete": "1"}).status_code == 404
    assert set(Plan.objects.values_list("pk", flat=True)) == {other_plan.pk, sibling_plan.pk}
    denied = AuditEntry.objects.filter(action="access.denied").order_by("id")
    assert [(e.username, e.object_label) for e in denied] == [
        ("pref-admin", f"kpi_plan:{other_plan.pk}"),
        ("pref-admin", f"kpi_plan:{other_plan.pk}"),
        ("pref-admin", f"kpi_plan:{sibling_plan.pk}"),
        ("pref-admin", f"kpi_plan:{sibling_plan.pk}"),
    ]


def test_deleting_a_plan_someone_changed_since_is_refused(client, network, admin):
    """The delete button carries the version the page was opened at: a plan changed meanwhile (or a
    delete without a version) is kept, with the other person's values shown."""
    windows = make_indicator(network["own"], "市町村のひきこもり相談窓口設置数", unit="市町村")
    plan = actions.save_plan(
        actor=SYSTEM, indicator=windows, first_year=2024, baseline=Decimal(13), increments=[Decimal(5)]
    )
    assert plan.version == 1
    url = reverse("kpi_plan", kwargs={"pk": windows.pk})
    page = body(client.get(url, {"plan": plan.pk}))
    assert page.count(f'name="version" value="{plan.version}"') == 2  # the edit form and the delete button
    actions.save_plan(
        actor=SYSTEM,
        indicator=windows,
        plan=plan,
        first_year=2024,
        baseline=Decimal(20),
        increments=[Decimal(5)],
        version=1,
    )
    refused = client.post(f"{url}?plan={plan.pk}", {"delete": "1", "version": "1"})
    assert refused.status_code == 200
    assert "他の人が保存しました" in body(refused) and 'data-testid="stale-values"' in body(refused)
    missing = client.post(f"{url}?plan={plan.pk}", {"delete": "1"})
    assert missing.status_code == 200 and "開いたときの記録の版がありません" in body(missing)
    assert Plan.objects.filter(pk=plan.pk).exists() and Target.objects.filter(indicator=windows).count() == 1
    assert not AuditEntry.objects.filter(action="kpi.plan.delete").exists()
    plan.refresh_from_db()
    assert client.post(f"{url}?plan={plan.pk}", {"delete": "1", "version": str(plan.version)}).status_code == 302
    assert not Plan.objects.exists() and not Target.objects.filter(indicator=windows).exists()

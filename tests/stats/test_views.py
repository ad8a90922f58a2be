"""The statistics pages: exact figures for a hand-built year, the period form, who may see which
organisation, the audit trail of downloads, and a fixed number of queries per page."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions
from tsunagu.cases.models import Channel, Consulter
from tsunagu.orgs.models import Role

from ..cases.factories import make_case
from ..conftest import act_as
from ..factories import make_staff
from . import data
from .html_tables import page_tables

FY2021 = {"period": "fy", "fy": "2021"}


pytestmark = pytest.mark.usefixtures("exact_small_cells")  # see tests/conftest.py


@pytest.fixture
def year(network):
    return data.build(network)


@pytest.fixture
def statistician(client, network):
    """A 統計担当 of the own prefecture, logged in."""
    return act_as(client, make_staff(network["own"], Role.STATISTICIAN))


def get_report(client, **params):
    return client.get(reverse("stats_report"), params)


def test_report_shows_the_hand_computed_figures(statistician, network, year):
    response = get_report(statistician, org=network["own"].code, **FY2021)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{network['own'].name} 2021年度（令和3年度）" in html
    tables = page_tables(html)
    assert tables["contacts"] == [["項目", "件数"], ["延べ相談件数", "5"], ["実人数", "3"], ["新規相談件数", "2"]]
    assert tables["by_channel"] == [
        ["方法", "件数", "割合（%）"],
        ["電話", "2", "40.0"],
        ["メール", "0", "0.0"],
        ["来所", "1", "20.0"],
        ["訪問", "1", "20.0"],
        ["同行", "1", "20.0"],
        ["Web", "0", "0.0"],
        ["SNS", "0", "0.0"],
        ["オンライン", "0", "0.0"],
        ["計", "5", "100.0"],
    ]
    assert tables["by_consulter"][1:] == [
        ["本人", "2", "40.0"],
        ["家族", "2", "40.0"],
        ["関係機関", "1", "20.0"],
        ["その他", "0", "0.0"],
        ["計", "5", "100.0"],
    ]
    assert tables["by_age_band"][1:] == [
        ["10代以下", "0", "0.0"],
        ["20代", "2", "40.0"],
        ["30代", "1", "20.0"],
        ["40代", "1", "20.0"],
        ["50代", "0", "0.0"],
        ["60代以上", "0", "0.0"],
        ["不明", "1", "20.0"],
        ["計", "5", "100.0"],
    ]
    cross = {row[0]: row[1:] for row in tables["channel_by_consulter"]}
    assert cross["方法"] == ["本人", "家族", "関係機関", "その他", "計"]
    assert cross["電話"] == ["0", "2", "0", "0", "2"]
    assert cross["同行"] == ["0", "0", "1", "0", "1"]
    assert cross["計"] == ["2", "2", "1", "0", "5"]
    assert tables["outreach"][1:] == [["訪問件数", "1"], ["同行件数", "1"], ["うちピアサポーターが加わった件数", "1"]]
    referrals = {row[0]: row[1:] for row in tables["referrals"]}
    assert referrals["つなぎ先区分"] == ["件数", "割合（%）", "うち支援決定"]
    assert referrals["精神保健福祉センター"] == ["1", "33.3", "1"]
    assert referrals["ハローワーク"] == ["1", "33.3", "0"]
    assert referrals["居場所"] == ["1", "33.3", "1"]
    assert referrals["医療機関"] == ["0", "0.0", "0"]
    assert referrals["計"] == ["3", "100.0", "2"]
    assert tables["referral_targets"][1:] == [["本人", "2"], ["家族", "1"], ["計", "3"]]
    assert tables["connected"][1:] == [["本人", "1"], ["家族", "1"], ["計", "2"]]


def test_report_has_svg_charts_with_titles_and_the_age_band_rule(statistician, network, year):
    html = get_report(statistician, org=network["own"].code, **FY2021).content.decode()
    for key, title in [
        ("by_channel", "相談方法別の件数"),
        ("by_age_band", "本人の年代別の件数"),
        ("referrals", "つなぎ先区分別の件数"),
    ]:
        assert f'aria-labelledby="chart-{key}-title chart-{key}-desc"' in html
        assert f'<title id="chart-{key}-title">{title}</title>' in html
    assert '<desc id="chart-by_channel-desc">電話 2件、メール 0件、来所 1件、訪問 1件、同行 1件' in html
    assert "家族など本人以外からの相談も本人の年代に数えます" in html
    assert "<script" not in html.split("</head>")[1]  # the charts need no JavaScript


def test_half_year_and_wareki_dates(statistician, network, year):
    first_half = page_tables(
        get_report(statistician, org=network["own"].code, period="half", fy="2021", half="1").content.decode()
    )
    assert first_half["contacts"][1:] == [["延べ相談件数", "3"], ["実人数", "1"], ["新規相談件数", "1"]]
    response = get_report(statistician, org=network["own"].code, period="range", start="R3.10.1", end="令和4年3月31日")
    html = response.content.decode()
    assert "2021年10月1日（令和3年10月1日）〜2022年3月31日（令和4年3月31日）" in html
    assert page_tables(html)["contacts"][1:] == [["延べ相談件数", "2"], ["実人数", "2"], ["新規相談件数", "1"]]


def test_bare_url_is_this_fiscal_years_report_for_the_acting_organisation(statistician, network, year):
    response = statistician.get(reverse("stats_report"))
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["org"] == network["own"].code
    assert response.context["report"]["from"].endswith("-04-01")


@pytest.mark.parametrize(
    "params,field,message",
    [
        (
            {"start": "2021/13/1", "end": "2021/12/31"},
            "start",
            "「2021/13/1」は日付として正しくありません（13月は存在しません）",
        ),
        (
            {"start": "R3.4.1", "end": "平成32年1月1日"},
            "end",
            "平成32年は存在しません（平成は31年4月30日まで）",
        ),
        ({"start": "きのう", "end": "2021/12/31"}, "start", "日付の形式が読み取れません"),
        ({"start": "", "end": "2021/12/31"}, "start", "日付で指定するときは開始日を入力してください。"),
        ({"start": "2021/12/31", "end": "2021/4/1"}, "end", "終了日は開始日と同じか、それより後の日付にしてください。"),
    ],
)
def test_period_errors_are_japanese_on_the_field_and_keep_what_was_typed(statistician, network, params, field, message):
    response = get_report(statistician, org=network["own"].code, period="range", **params)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(error.startswith(message) for error in form.errors[field])
    html = response.content.decode()
    assert "report" not in response.context
    for name, typed in params.items():
        if typed:
            assert f'name="{name}" value="{typed}"' in html


def test_download_with_a_bad_period_goes_back_to_the_form(statistician, network):
    response = statistician.get(reverse("stats_export_xlsx"), {"period": "range", "start": "2021/13/1", "end": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("stats_report") + "?")
    assert "start=2021%2F13%2F1" in response["Location"]
    assert not AuditEntry.objects.filter(action="stats.export").exists()


def test_prefecture_statistician_sees_a_centre_below_but_nothing_outside(statistician, network, year):
    centre = page_tables(get_report(statistician, org=network["own_center"].code, **FY2021).content.decode())
    assert centre["contacts"][1] == ["延べ相談件数", "5"]
    city = page_tables(get_report(statistician, org=network["own_city"].code, **FY2021).content.decode())
    assert city["contacts"][1] == ["延べ相談件数", "0"]
    for url in ("stats_report", "stats_trends", "stats_export_xlsx", "stats_export_pdf"):
        for code in (network["other"].code, network["other_center"].code, network["nation"].code, "NOPE"):
            assert statistician.get(reverse(url), {"org": code, **FY2021}).status_code == 404
    denied = AuditEntry.objects.filter(action="access.denied", allowed=False)
    assert denied.count() == 16
    assert not AuditEntry.objects.filter(action="stats.export").exists()


OTHERS_MONTH = "他の組織の集計は1か月以上の期間で指定してください（短い期間の数字は個人を特定するおそれがあるため）。"


def test_a_day_of_another_organisation_is_refused_and_a_month_is_shown(statistician, network, year):
    """Issue 13: the prefecture's 統計担当 asked for the centre on 2021-06-30, the day of one person's home
    visit with a peer supporter, and read it. A month from that day (to 7/29) is the shortest period now."""
    for org, end in [("own_center", "2021/6/30"), ("own_center", "2021/7/28"), ("own", "2021/6/30")]:
        response = get_report(statistician, org=network[org].code, period="range", start="2021/6/30", end=end)
        assert response.status_code == 200 and "report" not in response.context
        assert response.context["form"].errors["end"] == [OTHERS_MONTH]
        assert f'name="end" value="{end}"' in response.content.decode()
    response = get_report(statistician, org=network["own_center"].code, period="range", start="R3.6.30", end="R3.7.29")
    assert page_tables(response.content.decode())["contacts"][1] == ["延べ相談件数", "2"]
    # The centre's own staff read their own day.
    client = act_as(Client(), make_staff(network["own_center"], Role.STATISTICIAN))
    response = get_report(client, period="range", start="2021/6/30", end="2021/6/30")
    assert page_tables(response.content.decode())["contacts"][1] == ["延べ相談件数", "1"]


def test_a_centre_cannot_read_its_prefecture(client, network, year):
    act_as(client, make_staff(network["own_center"], Role.STATISTICIAN))
    assert get_report(client, org=network["own"].code, **FY2021).status_code == 404
    assert page_tables(get_report(client, **FY2021).content.decode())["contacts"][1] == ["延べ相談件数", "5"]


def test_organisation_choices_are_the_acting_subtree(statistician, network, year):
    html = get_report(statistician, **FY2021).content.decode()
    assert f'<option value="{network["own_center"].code}">' in html
    assert network["other"].name not in html and network["other_center"].name not in html


def test_page_shows_no_personal_data(statistician, network, year):
    html = get_report(statistician, org=network["own"].code, **FY2021).content.decode()
    assert data.PERSONAL_NAME not in html
    for case in year["cases"]:
        assert case.number not in html
    assert not AuditEntry.objects.filter(action="case.view").exists()


def test_roles_without_statistics_are_refused(client, network):
    act_as(client, make_staff(network["own"], Role.PEER))
    assert client.get(reverse("stats_report")).status_code == 403
    assert client.get(reverse("stats_export_pdf")).status_code == 403


def test_downloads_are_in_the_audit_trail_without_personal_data(statistician, network, year):
    response = statistician.get(reverse("stats_export_xlsx"), {"org": network["own_center"].code, **FY2021})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="tsunagu-stats-{network["own_center"].code}-20210401-20220331.xlsx"'
    )
    entry = AuditEntry.objects.get(action="stats.export")
    assert (entry.organisation, entry.object_type, entry.object_id, entry.allowed) == (
        network["own"],
        "orgs.organisation",
        str(network["own_center"].pk),
        True,
    )
    assert entry.object_label == f"XLSX {network['own_center'].code} 2021-04-01〜2022-03-31"
    assert entry.changes == {}


def _add_year_of_cases(network, worker, n):
    for i in range(n):
        case = make_case(worker)
        actions.log_contact(
            actor=worker, case=case, date=date(2021, 5, 1 + i), channel=Channel.PHONE, consulter=Consulter.PERSON
        )


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["stats_report", "stats_trends"])
def test_pages_make_a_fixed_number_of_queries(statistician, network, year, url):
    params = {"org": network["own"].code, **FY2021}
    statistician.get(reverse(url), params)  # the first request of a session also refreshes the session
    few = _queries(statistician, reverse(url), params)
    _add_year_of_cases(network, year["worker"], 3)
    assert _queries(statistician, reverse(url), params) == few


def test_a_period_typed_in_wareki_is_the_same_period(statistician, network):
    response = get_report(statistician, org=network["own"].code, period="range", start="R6.4.5", end="令和6年9月30日")
    assert response.status_code == 200
    form = response.context["form"]
    assert (form.cleaned_data["start_date"], form.cleaned_data["end_date"]) == (date(2024, 4, 5), date(2024, 9, 30))

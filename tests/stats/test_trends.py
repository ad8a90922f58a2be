"""Trends: the figures per fiscal year, from a few grouped queries, equal to one report per year."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.cases import actions
from tsunagu.cases.models import Channel, Consulter, ReferralStatus, ReferralTarget
from tsunagu.core.wareki import fiscal_year_range
from tsunagu.orgs.models import Role
from tsunagu.stats.report import Period, build_report
from tsunagu.stats.trends import build_trends, data_years, default_years, trend_tables

from ..cases.factories import make_case
from ..conftest import act_as
from ..factories import make_staff
from . import data
from .html_tables import page_tables


def fiscal_year(fy: int) -> Period:
    return Period(*fiscal_year_range(fy))


@pytest.fixture
def years(network):
    """The hand-built year, plus work on the fiscal-year boundaries of 2019 to 2023."""
    built = data.build(network)
    worker = built["worker"]
    for on, channel in [
        (date(2019, 4, 1), Channel.ONLINE),
        (date(2020, 3, 31), Channel.SNS),
        (date(2020, 4, 1), Channel.WEB),
        (date(2023, 3, 31), Channel.HOME_VISIT),
    ]:
        case = make_case(worker, opened_on=on)
        actions.log_contact(
            actor=worker,
            case=case,
            date=on,
            channel=channel,
            consulter=Consulter.OTHER,
            with_peer=channel == Channel.HOME_VISIT,
        )
        actions.refer(
            actor=worker,
            case=case,
            date=on,
            target=ReferralTarget.FAMILY,
            partner=built["hello"],
            status=ReferralStatus.DECIDED,
        )
    # A case seen in two fiscal years counts as a person in each, and as new only in the first.
    a = built["cases"][0]
    actions.log_contact(actor=worker, case=a, date=date(2022, 4, 1), channel=Channel.PHONE, consulter=Consulter.PERSON)
    return built


def test_trends_equal_one_report_per_fiscal_year(network, years):
    for org in (network["own"], network["own_center"], network["own_city"], network["other"]):
        trends = build_trends(org, [2019, 2020, 2021, 2022, 2023])
        assert list(trends) == [2019, 2020, 2021, 2022, 2023]
        for fy, report in trends.items():
            assert report == build_report(org, fiscal_year(fy)), (org.code, fy)


def test_trends_figures_on_the_boundaries(network, years):
    trends = build_trends(network["own"], [2019, 2020, 2021, 2022])
    assert [trends[y]["contacts"]["total"] for y in (2019, 2020, 2021, 2022)] == [2, 2, 5, 2]
    # B's first contact is on 2021-03-31: new in fiscal 2020, not in 2021.
    assert [trends[y]["contacts"]["new_cases"] for y in (2019, 2020, 2021, 2022)] == [2, 2, 2, 1]
    assert trends[2022]["contacts"]["persons"] == 2
    assert trends[2019]["contacts"]["by_channel"]["オンライン"] == 1
    assert trends[2019]["contacts"]["by_channel"]["SNS"] == 1
    assert trends[2021]["referrals"]["by_category"]["精神保健福祉センター"] == {"count": 1, "rate": 33.3, "decided": 1}
    assert trends[2022]["referrals"]["by_category"]["精神保健福祉センター"] == {"count": 1, "rate": 50.0, "decided": 0}
    assert trends[2019]["connected"] == {"total": 2, "本人": 0, "家族": 2}


def test_trends_take_the_same_number_of_queries_for_three_years_or_ten(network, years):
    counts = []
    for span in ([2019, 2020, 2021], list(range(2014, 2024))):
        with CaptureQueriesContext(connection) as queries:
            build_trends(network["own"], span)
        counts.append(len(queries))
    # One grouped rollup query per consultation section, and one for the partner categories; two for the
    # meetings (meetings with their bodies and people summed, plans; a third reads the bodies of a planned kind
    # when there are plans); one grouped query each for events and materials, two for supporters (activities,
    # status history), two for 居場所 (sessions, attendances), one for the network, two for employment
    # (registrations, the registered cases' contacts): 17 whatever the years. work_experience is built once a year
    # (its worked days per placement, their placements, the days per rate start, its ended placements).
    per_year = 4
    assert counts == [17 + 3 * per_year, 17 + 10 * per_year]


def test_default_years_are_the_last_five_with_data(network, years):
    assert data_years(network["own"]) == (2019, 2022)  # the last contact is on 2023-03-31, fiscal 2022
    assert default_years(data_years(network["own"])) == [2019, 2020, 2021, 2022]
    assert default_years((2010, 2022)) == [2018, 2019, 2020, 2021, 2022]
    assert data_years(network["own_city"]) is None


def test_referral_table_is_like_the_national_table(network, years):
    tables = {table.key: table for table in trend_tables(build_trends(network["own"], [2020, 2021, 2022]))}
    referrals = tables["referrals"]
    assert [c.label for c in referrals.columns] == [
        "つなぎ先区分",
        "R2 件数",
        "R2 率（%）",
        "R3 件数",
        "R3 率（%）",
        "R4 件数",
        "R4 率（%）",
    ]
    assert referrals.columns[1].full == "2020年度（令和2年度）"
    rows = {row[0]: row[1:] for row in referrals.rows}
    assert rows["精神保健福祉センター"] == [0, 0.0, 1, 33.3, 1, 50.0]
    assert rows["ハローワーク"] == [1, 100.0, 1, 33.3, 1, 50.0]
    assert rows["居場所"] == [0, 0.0, 1, 33.3, 0, 0.0]
    assert referrals.total == ["総計", 1, 100.0, 3, 100.0, 2, 100.0]
    main = {row[0]: row[1:] for row in tables["main"].rows}
    assert main["延べ相談件数"] == [2, 5, 2]
    assert main["専門機関での支援が決定した件数"] == [1, 2, 1]
    assert main["居場所等の支援につながった件数（計）"] == [1, 2, 1]


def test_trends_page_in_wareki_with_charts(client, network, years):
    """The centre's own trends, exact (another organisation's show small cells as ranges:
    test_trends_smallcells.py)."""
    act_as(client, make_staff(network["own_center"], Role.STATISTICIAN))
    response = client.get(reverse("stats_trends"), {"org": network["own_center"].code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "令和元年度〜令和4年度（2019〜2022年度）" in html
    tables = page_tables(html)
    assert tables["main"][0] == ["指標", "R元", "R2", "R3", "R4"]
    assert tables["main"][1] == ["延べ相談件数", "2", "2", "5", "2"]
    assert '<abbr title="2019年度（令和元年度）">R元</abbr>' in html
    for chart in ("chart-trend-contacts", "chart-trend-channels", "chart-trend-referrals"):
        assert f'<title id="{chart}-title">' in html
    response = client.get(reverse("stats_trends"), {"org": network["own_center"].code, "to": "2021", "years": "3"})
    assert page_tables(response.content.decode())["main"][0] == ["指標", "R元", "R2", "R3"]

"""Issue 13 on the trends page: another organisation's trends show the small cells of each fiscal year as
ranges, as its report does (stats/smallcells.py); the organisation's own staff see the exact figures.

The world, worked out by hand: in the own prefecture's municipality, fiscal 2021 (June 2021), one person
(born 1995-01-01, 20代) has three phone calls from the family, a home visit with a peer supporter (本人) and
a referral (本人) to a 精神保健福祉センター, decided; ten more people (40代) each send one e-mail (本人).
Fiscal 2020 has nothing. k = 10.

FY2021 for the prefecture's 統計担当: 延べ 14, 実人数 11 and 新規 11 are exact (eleven persons); 電話 3 and
訪問 1 (one person) are 「1〜9」, メール 10 (ten persons) stays exact, since two channels are ranged; 家族 3
(one person) is the only ranged consulter, so 本人 11 is ranged with it: 「10〜19」; 20代 4 is the only
ranged age band, so 40代 10 is 「10〜19」; つなぎ 1, 支援決定 1, つながった 本人 1 and 計 1 are 「1〜9」.
The channel chart and the referral chart would plot a ranged count: not drawn. FY2020's zeros stay 0.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.orgs.models import Role
from tsunagu.stats.smallcells import shown_trends

from ..cases.factories import actor_for
from ..conftest import act_as
from ..factories import make_staff
from . import data
from .html_tables import page_tables

R = "1〜9"
NOTE = "10人未満の人についての数字は範囲で示しています（個人を特定しないため）。"


@pytest.fixture
def city(network):
    city = network["own_city"]
    worker = actor_for(make_staff(city, Role.COORDINATOR))
    data.one_person(network, worker)
    data.ten_forties(worker)
    return city


def _page(membership, city) -> str:
    client = act_as(Client(), membership)
    response = client.get(reverse("stats_trends"), {"org": city.code, "to": "2021", "years": "2"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_prefecture_sees_each_years_small_cells_as_ranges(network, city):
    html = _page(make_staff(network["own"], Role.STATISTICIAN), city)
    tables = page_tables(html)
    assert tables["main"][1:] == [
        ["延べ相談件数", "0", "14"],
        ["実人数", "0", "11"],
        ["新規相談件数", "0", "11"],
        ["訪問件数", "0", R],
        ["同行件数", "0", "0"],
        ["つなぎ件数", "0", R],
        ["専門機関での支援が決定した件数", "0", R],
        ["居場所等の支援につながった件数（本人）", "0", R],
        ["居場所等の支援につながった件数（家族）", "0", "0"],
        ["居場所等の支援につながった件数（計）", "0", R],
    ]
    assert tables["by_channel"][1:] == [
        ["電話", "0", R],
        ["メール", "0", "10"],
        ["来所", "0", "0"],
        ["訪問", "0", R],
        ["同行", "0", "0"],
        ["Web", "0", "0"],
        ["SNS", "0", "0"],
        ["オンライン", "0", "0"],
        ["計", "0", "14"],
    ]
    assert tables["by_consulter"][1:] == [
        ["本人", "0", "10〜19"],
        ["家族", "0", R],
        ["関係機関", "0", "0"],
        ["その他", "0", "0"],
        ["計", "0", "14"],
    ]
    bands = {row[0]: row[1:] for row in tables["by_age_band"][1:]}
    assert bands.pop("20代") == ["0", R] and bands.pop("40代") == ["0", "10〜19"] and bands.pop("計") == ["0", "14"]
    assert {tuple(cells) for cells in bands.values()} == {("0", "0")}
    referrals = {row[0]: row[1:] for row in tables["referrals"][1:]}
    assert referrals["精神保健福祉センター"] == ["0", "0.0", R, ""]  # a rate would give the count back
    assert referrals["ハローワーク"] == ["0", "0.0", "0", "0.0"]
    assert referrals["総計"] == ["0", "0.0", R, "100.0"]
    assert tables["ibasho_trend"][1:] == [["居場所数", "0", "0"], ["開催回数", "0", "0"], ["参加延べ人数", "0", "0"]]
    assert NOTE in html
    assert 'id="chart-trend-contacts-title"' in html  # 延べ, 実人数 and 新規 are exact
    assert 'id="chart-trend-channels-title"' not in html and 'id="chart-trend-referrals-title"' not in html


def test_the_municipalitys_own_staff_see_its_exact_trends(city):
    html = _page(make_staff(city, Role.STATISTICIAN), city)
    tables = page_tables(html)
    main = {row[0]: row[1:] for row in tables["main"][1:]}
    assert main["延べ相談件数"] == ["0", "14"] and main["訪問件数"] == ["0", "1"] and main["つなぎ件数"] == ["0", "1"]
    channels = {row[0]: row[1:] for row in tables["by_channel"][1:]}
    assert channels["電話"] == ["0", "3"] and channels["訪問"] == ["0", "1"]
    assert {row[0]: row[1:] for row in tables["referrals"][1:]}["精神保健福祉センター"] == ["0", "0.0", "1", "100.0"]
    assert NOTE not in html
    assert 'id="chart-trend-channels-title"' in html


def test_shown_trends_range_the_prefectures_own_subtree(network, city):
    """The prefecture's own trends count the municipality's records: ranged as its report is."""
    own = network["own"]
    trends = shown_trends(own, own, [2020, 2021])
    assert trends[2020]["contacts"]["total"] == 0 and "ranged" not in trends[2020]
    assert trends[2021]["ranged"] == 10
    assert trends[2021]["contacts"]["by_channel"]["電話"] == R and trends[2021]["contacts"]["total"] == 14
    assert shown_trends(city, city, [2021])[2021]["contacts"]["by_channel"]["電話"] == 3

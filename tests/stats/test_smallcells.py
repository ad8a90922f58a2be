"""Issue 13: small cells of another organisation's report are shown as ranges (stats/smallcells.py), on
the page, in the XLSX and through the API; the organisation's own staff see their exact figures.

The world, worked out by hand: in the own prefecture's municipality, in June 2021, one person (born
1995-01-01, so 20代) has three phone calls from the family (6/1, 6/8, 6/15), a home visit with a peer
supporter (6/20) and a referral (本人) to a 精神保健福祉センター, decided (6/25). Every non-zero cell
describes that one person, fewer than k = 10: each is 「1〜9」 (延べ 4, 電話 3, 家族 3, 20代 4, 訪問 1,
本人 1, ピア 1, つなぎ 1, 支援決定 1, つながった 本人 1, 実人数 1, 新規 1), every zero stays 0.

For the complementary rule ten more people, 40代, each come once by e-mail (メール/本人) that month:
延べ 14 and 実人数 11 are exact; 20代 (4 contacts, one person) is the only ranged age band, so the
smallest other non-zero band, 40代 (10 contacts, ten persons), is ranged too: 「10〜19」.
"""

import io
import json
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.cases import actions
from tsunagu.cases.models import Channel, Consulter, ReferralStatus, ReferralTarget
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.stats.report import Period, build_report
from tsunagu.stats.smallcells import range_text, shown_report

from ..api.tokens import bearer, make_token
from ..cases.factories import actor_for, make_case
from ..conftest import act_as
from ..factories import make_org, make_staff
from . import data
from .html_tables import page_tables

JUNE = {"period": "range", "start": "2021/6/1", "end": "2021/6/30"}
R = "1〜9"
CASE_TABLES = [
    "contacts",
    "by_channel",
    "by_consulter",
    "by_age_band",
    "channel_by_consulter",
    "outreach",
    "referrals",
    "referral_targets",
    "connected",
]  # the tables of case-based cells; the sections' tables (municipalities, meetings) count no persons
NOTE = "10人未満の人についての数字は範囲で示しています（個人を特定しないため）。"


@pytest.fixture
def city(network):
    return network["own_city"]


@pytest.fixture
def worker(city):
    return actor_for(make_staff(city, Role.COORDINATOR))


@pytest.fixture
def person(network, city, worker):
    return data.one_person(network, worker)


@pytest.fixture
def ten_more(person, worker):
    data.ten_forties(worker)


def _client(membership) -> Client:
    return act_as(Client(), membership)


@pytest.fixture
def statistician(network):
    """The prefecture's 統計担当: the municipality's report counts another organisation's records."""
    return _client(make_staff(network["own"], Role.STATISTICIAN))


@pytest.fixture
def own_staff(city):
    return _client(make_staff(city, Role.STATISTICIAN))


def _page(client, city):
    response = client.get(reverse("stats_report"), {"org": city.code, **JUNE})
    assert response.status_code == 200
    return response.content.decode()


def test_range_text_is_a_bucket_k_wide():
    assert [range_text(v, 10) for v in (1, 3, 9, 10, 19, 25)] == ["1〜9", "1〜9", "1〜9", "10〜19", "10〜19", "20〜29"]
    assert range_text(4, 5) == "1〜4" and range_text(7, 5) == "5〜9"


def test_the_prefecture_sees_ranges_for_the_one_person(statistician, city, person):
    html = _page(statistician, city)
    tables = page_tables(html)
    assert tables["contacts"][1:] == [["延べ相談件数", R], ["実人数", R], ["新規相談件数", R]]
    assert tables["by_channel"][1:] == [
        ["電話", R, ""],
        ["メール", "0", "0.0"],
        ["来所", "0", "0.0"],
        ["訪問", R, ""],
        ["同行", "0", "0.0"],
        ["Web", "0", "0.0"],
        ["SNS", "0", "0.0"],
        ["オンライン", "0", "0.0"],
        ["計", R, "100.0"],
    ]
    assert tables["by_consulter"][1:] == [
        ["本人", R, ""],
        ["家族", R, ""],
        ["関係機関", "0", "0.0"],
        ["その他", "0", "0.0"],
        ["計", R, "100.0"],
    ]
    band = {row[0]: row[1] for row in tables["by_age_band"][1:]}
    assert band.pop("20代") == R and band.pop("計") == R and set(band.values()) == {"0"}
    cross = {row[0]: row[1:] for row in tables["channel_by_consulter"][1:]}
    assert cross["電話"] == ["0", R, "0", "0", R] and cross["訪問"] == [R, "0", "0", "0", R]
    assert cross["メール"] == ["0", "0", "0", "0", "0"] and cross["計"] == [R, R, "0", "0", R]
    assert tables["outreach"][1:] == [["訪問件数", R], ["同行件数", "0"], ["うちピアサポーターが加わった件数", R]]
    referrals = {row[0]: row[1:] for row in tables["referrals"][1:]}
    assert referrals["精神保健福祉センター"] == [R, "", R] and referrals["計"] == [R, "100.0", R]
    assert referrals["ハローワーク"] == ["0", "0.0", "0"] and referrals["居場所"] == ["0", "0.0", "0"]
    assert tables["referral_targets"][1:] == [["本人", R], ["家族", "0"], ["計", R]]
    assert tables["connected"][1:] == [["本人", R], ["家族", "0"], ["計", R]]
    for key in CASE_TABLES:
        for row in tables[key][1:]:
            assert not {"1", "3", "4"} & set(row[1:]), (key, row)
    assert NOTE in html
    assert 'id="chart-by_channel"' not in html  # a bar would show the exact count


def test_the_municipalitys_own_staff_see_exact_figures(own_staff, city, person):
    html = _page(own_staff, city)
    tables = page_tables(html)
    assert tables["contacts"][1:] == [["延べ相談件数", "4"], ["実人数", "1"], ["新規相談件数", "1"]]
    assert tables["by_channel"][1] == ["電話", "3", "75.0"] and tables["by_channel"][4] == ["訪問", "1", "25.0"]
    assert tables["outreach"][1:] == [["訪問件数", "1"], ["同行件数", "0"], ["うちピアサポーターが加わった件数", "1"]]
    assert tables["connected"][-1] == ["計", "1"]
    assert NOTE not in html


def test_the_complementary_cell_is_ranged_too(statistician, city, ten_more):
    tables = page_tables(_page(statistician, city))
    assert tables["contacts"][1:] == [["延べ相談件数", "14"], ["実人数", "11"], ["新規相談件数", "11"]]
    band = {row[0]: row[1:] for row in tables["by_age_band"][1:]}
    assert band["20代"] == [R, ""] and band["40代"] == ["10〜19", ""] and band["計"] == ["14", "100.0"]
    assert band["30代"] == ["0", "0.0"]
    # メール: 10 contacts of ten persons, and 訪問 is ranged besides 電話: no complement needed.
    channel = {row[0]: row[1] for row in tables["by_channel"][1:]}
    assert channel == {
        "電話": R,
        "メール": "10",
        "来所": "0",
        "訪問": R,
        "同行": "0",
        "Web": "0",
        "SNS": "0",
        "オンライン": "0",
        "計": "14",
    }
    # 家族 (one person) is the only ranged consulter: 本人 (11 contacts, 11 persons) is ranged with it.
    consulter = {row[0]: row[1] for row in tables["by_consulter"][1:]}
    assert consulter["家族"] == R and consulter["本人"] == "10〜19" and consulter["計"] == "14"


def test_the_xlsx_has_the_same_ranges(statistician, city, person):
    response = statistician.get(reverse("stats_export_xlsx"), {"org": city.code, **JUNE})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    values = [
        [cell for cell in row if cell is not None]
        for sheet in book.worksheets[: len(CASE_TABLES)]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert ["延べ相談件数", R] in values and ["実人数", R] in values
    assert ["電話", R] in values and ["メール", 0, 0.0] in values
    assert ["うちピアサポーターが加わった件数", R] in values
    assert [NOTE] in values
    numbers = {cell for row in values for cell in row if isinstance(cell, int | float)}
    assert numbers <= {0, 100.0}


def test_the_xlsx_of_the_own_staff_is_exact(own_staff, city, person):
    response = own_staff.get(reverse("stats_export_xlsx"), {"org": city.code, **JUNE})
    book = load_workbook(io.BytesIO(response.content))
    values = [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    assert any(row[:2] == ["延べ相談件数", 4] for row in values)
    assert [NOTE] not in values


def _api(membership, city):
    raw = make_token(membership)
    url = reverse("api_report") + f"?org={city.code}&from=2021-06-01&to=2021-06-30"
    response = Client().get(url, REMOTE_ADDR="192.0.2.8", **bearer(raw))
    assert response.status_code == 200
    return response.json()


def test_the_api_gives_ranges_as_strings(network, city, person):
    report = _api(make_staff(network["own"], Role.STATISTICIAN), city)
    contacts, referrals = report["contacts"], report["referrals"]
    assert report["ranged"] == 10
    assert (contacts["total"], contacts["persons"], contacts["new_cases"]) == (R, R, R)
    assert contacts["by_channel"]["電話"] == R and contacts["by_channel"]["メール"] == 0
    assert contacts["channel_by_consulter"]["電話"]["家族"] == R
    assert contacts["outreach"] == {"visits": R, "accompaniment": 0, "with_peer": R}
    assert referrals["by_category"]["精神保健福祉センター"] == {"count": R, "rate": None, "decided": R}
    assert referrals["total"] == R and referrals["decided"] == R and referrals["by_target"]["本人"] == R
    assert report["connected"] == {"total": R, "本人": R, "家族": 0}
    assert not {1, 3, 4} & set(json.loads(json.dumps(contacts["by_channel"])).values())


def test_the_api_of_the_own_staff_is_exact(city, person):
    report = _api(make_staff(city, Role.STATISTICIAN), city)
    assert "ranged" not in report
    assert (report["contacts"]["total"], report["contacts"]["by_channel"]["電話"]) == (4, 3)
    assert report["referrals"]["by_category"]["精神保健福祉センター"] == {"count": 1, "rate": 100.0, "decided": 1}


def test_tsunagu_report_and_build_report_stay_exact(network, city, person):
    """The function behind the page, for the prefecture itself (it has bodies below it), ranges; the
    command line's build_report does not."""
    from tsunagu.stats.report import build_report

    period = Period(date(2021, 6, 1), date(2021, 6, 30))
    assert build_report(network["own"], period)["contacts"]["total"] == 4
    assert shown_report(network["own"], network["own"], period)["contacts"]["total"] == R
    assert shown_report(city, city, period)["contacts"]["total"] == 4


def test_the_pdf_has_the_ranges_and_the_note(statistician, city, person):
    from .test_exporters import pdf_text

    response = statistician.get(reverse("stats_export_pdf"), {"org": city.code, **JUNE})
    text = pdf_text(response.content)
    assert "1〜9" in text
    assert "10人未満の人についての数字は範囲で示しています" in "".join(text.split())


def test_a_cohorts_cells_count_the_cohorts_persons(statistician, city, ten_more):
    """Restricted to 20代 only the one person is counted: 延べ 4 is a range although the whole month's
    records have eleven persons; 40代 are the ten, each of them exact."""
    twenties = page_tables(
        statistician.get(reverse("stats_report"), {"org": city.code, **JUNE, "cohort": "20代"}).content.decode()
    )
    assert twenties["contacts"][1:] == [["延べ相談件数", R], ["実人数", R], ["新規相談件数", R]]
    assert {row[0]: row[1] for row in twenties["by_consulter"][1:]}["本人"] == R
    forties = page_tables(
        statistician.get(reverse("stats_report"), {"org": city.code, **JUNE, "cohort": "40代"}).content.decode()
    )
    assert forties["contacts"][1:] == [["延べ相談件数", "10"], ["実人数", "10"], ["新規相談件数", "10"]]
    assert {row[0]: row[1] for row in forties["by_channel"][1:]}["メール"] == "10"


def test_the_connected_total_counts_each_person_once(network, city, worker):
    """Five people connected in June both as 本人 and as 家族: 本人 5, 家族 5 and 計 10, but 計 describes
    five persons, so it is 「10〜19」 as well."""
    partner = make_org(OrgKind.PARTNER, network["own"], category="精神保健福祉センター", name="県精神保健福祉センター")
    for n in range(5):
        case = make_case(worker, number=f"C-{n:03d}", opened_on=date(2021, 6, 1))
        for target in (ReferralTarget.PERSON, ReferralTarget.FAMILY):
            actions.refer(
                actor=worker,
                case=case,
                date=date(2021, 6, 10),
                target=target,
                partner=partner,
                status=ReferralStatus.DECIDED,
            )
    period = Period(date(2021, 6, 1), date(2021, 6, 30))
    assert shown_report(network["own"], city, period)["connected"] == {"total": "10〜19", "本人": R, "家族": R}
    assert shown_report(city, city, period)["connected"] == {"total": 10, "本人": 5, "家族": 5}


def test_a_large_subtree_counts_persons_only_up_to_k_and_ranges_the_same(
    network, city, worker, person, ten_more, monkeypatch
):
    """Above CAPPED_ABOVE contacts the persons behind a cell are counted cell by cell, stopping at k. With
    the threshold at 0 the report of this world must come out the same as with the exact GROUP BY counts.
    Added to the world: the one person's 12 more phone calls (電話 15 contacts, still one person: ranged
    although 15 ≥ k) and 11 referrals of that person to a 居場所 (11 referrals, one person: ranged)."""
    from tsunagu.stats import smallcells

    for day in range(12):
        actions.log_contact(
            actor=worker, case=person, date=date(2021, 6, 3 + day), channel=Channel.PHONE, consulter=Consulter.PERSON
        )
    for _ in range(11):
        actions.refer(
            actor=worker,
            case=person,
            date=date(2021, 6, 26),
            target=ReferralTarget.PERSON,
            to_ibasho=True,
            partner_name="家族会",
            status=ReferralStatus.DECIDED,
        )
    period = Period(date(2021, 6, 1), date(2021, 6, 30))
    exact = shown_report(network["own"], city, period)
    monkeypatch.setattr(smallcells, "CAPPED_ABOVE", 0)
    capped = shown_report(network["own"], city, period)
    assert capped == exact
    assert exact["contacts"]["by_channel"]["電話"] == "10〜19"  # 15 calls of one person
    assert exact["contacts"]["by_channel"]["メール"] == 10  # ten persons
    assert exact["referrals"]["by_category"]["居場所"]["count"] == "10〜19"
    values, _ = smallcells.cells(build_report(city, period))
    persons = smallcells.capped_persons(city, period, values, 10)
    assert persons[("by_channel", "電話")] == 1 and persons[("by_channel", "メール")] == 10
    assert persons[("contacts", "total")] == 10  # 11 persons, counted no further than k
    assert ("by_channel", "訪問") not in persons  # one record: fewer than k, ranged without a query

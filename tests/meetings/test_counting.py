"""The report's `meetings` section by DOMAIN.md's counting rules, with hand-computed values and the
seed figures (Okinawa FY2020 councils, Kochi FY2020 case conferences, Kochi's half-year plans)."""

from datetime import date
from decimal import Decimal

import pytest

from tsunagu.kpi.indicators import computed_value
from tsunagu.kpi.queries import kpi_page
from tsunagu.meetings.models import MeetingKind, MeetingStatus
from tsunagu.meetings.queries import progress_text
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.stats.exporters import report_tables
from tsunagu.stats.report import Period, build_report, counted_report

from ..cases.factories import actor_for
from ..factories import make_org, make_staff
from ..kpi.factories import make_indicator, target
from .factories import attend, make_meeting, make_plan

FY2020 = Period(date(2020, 4, 1), date(2021, 3, 31))
R3_FIRST_HALF = Period(date(2021, 4, 1), date(2021, 9, 30))
COUNCIL, CASE_CONFERENCE, AGENCY = MeetingKind.COUNCIL, MeetingKind.CASE_CONFERENCE, MeetingKind.AGENCY_SUPPORT


@pytest.fixture
def worker(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


def _okinawa(worker):
    """Okinawa's FY2020 liaison councils by region (DOMAIN.md)."""
    for day, region, bodies, people in [
        (date(2020, 7, 15), "中部", 28, 40),
        (date(2020, 10, 20), "南部", 21, 31),
        (date(2020, 12, 10), "北部", 8, 12),
        (date(2021, 1, 22), "八重山", 9, 33),
    ]:
        meeting = make_meeting(worker, date=day, kind=COUNCIL, name=f"{region}地区連絡協議会", region=region)
        attend(worker, meeting, bodies, people, prefix=region)
    make_meeting(
        worker,
        date=date(2021, 2, 5),
        kind=COUNCIL,
        name="宮古地区連絡協議会",
        region="宮古",
        status=MeetingStatus.CANCELLED,
        cancel_reason="緊急事態宣言の発出のため中止",
    )


def test_okinawa_fy2020_councils(network, worker):
    _okinawa(worker)
    section = build_report(network["own"], FY2020)["meetings"]
    assert section["by_kind"]["連絡協議会・ネットワーク会議"] == {
        "held": 4,
        "planned": 0,
        "cancelled": 1,
        "municipalities": 0,
        "agency_attendances": 28 + 21 + 8 + 9,
        "people": 40 + 31 + 12 + 33,
    }
    assert [(m["date"], m["region"], m["agencies"], m["people"]) for m in section["held"]] == [
        ("2020-07-15", "中部", 28, 40),
        ("2020-10-20", "南部", 21, 31),
        ("2020-12-10", "北部", 8, 12),
        ("2021-01-22", "八重山", 9, 33),
    ]
    assert section["cancelled"] == [
        {"date": "2021-02-05", "kind": "連絡協議会・ネットワーク会議", "name": "宮古地区連絡協議会", "region": "宮古"}
    ]
    # Every kind is present, in DOMAIN.md's order, with 0 where nothing was held.
    assert list(section["by_kind"]) == [
        "個別ケース検討会",
        "事例検討会",
        "連絡協議会・ネットワーク会議",
        "関係機関支援",
        "担当者会議",
        "その他",
    ]
    assert section["by_kind"]["事例検討会"] == dict.fromkeys(
        ["held", "planned", "cancelled", "municipalities", "agency_attendances", "people"], 0
    )
    # The report counted from the records says the same; the other prefecture sees none of it.
    assert counted_report(network["own"], FY2020)["meetings"] == section
    assert build_report(network["other"], FY2020)["meetings"]["by_kind"]["連絡協議会・ネットワーク会議"]["held"] == 0


def test_council_kpi_with_a_plan_of_four_and_four_held_is_100_percent_on_track(network, worker):
    _okinawa(worker)
    assert computed_value("councils_held", network["own"], 2020) == 4
    council = make_indicator(network["own"], "連絡協議会開催回数", unit="回", source="councils_held")
    target(council, 2020, 4)
    current = kpi_page(network["own"], 2020).rows[0].current
    assert (current.target, current.actual, current.ratio, current.judgement) == (
        Decimal("4"),
        Decimal("4"),
        100.0,
        (0, "順調"),
    )
    assert current.ratio_text == "100.0%"


def test_kochi_fy2020_case_conferences_in_ten_municipalities_21_times(network, worker):
    """10市町村・21回: the municipality each conference concerned, not the bodies that attended."""
    towns = [make_org(OrgKind.MUNICIPALITY, network["own"], name=f"町{i}") for i in range(11)]
    for i in range(21):
        meeting = make_meeting(
            worker,
            date=date(2020, 5 + i % 7, 1 + i),
            kind=CASE_CONFERENCE,
            name="個別ケース検討会",
            municipality=towns[i % 10],
        )
    # An attending municipality is not a municipality the conference concerned.
    from tsunagu.meetings import actions

    actions.record_attendance(actor=worker, meeting=meeting, body=towns[10], people=2)
    # A conference still planned, and one called off, count apart and name no municipality.
    make_meeting(
        worker, date=date(2021, 3, 1), kind=CASE_CONFERENCE, status=MeetingStatus.PLANNED, municipality=towns[10]
    )
    make_meeting(
        worker,
        date=date(2021, 3, 2),
        kind=CASE_CONFERENCE,
        status=MeetingStatus.CANCELLED,
        cancel_reason="本人の体調",
        municipality=towns[10],
    )
    # A conference of the next fiscal year counts there.
    make_meeting(worker, date=date(2021, 4, 1), kind=CASE_CONFERENCE, municipality=towns[10])
    section = build_report(network["own"], FY2020)["meetings"]
    assert section["by_kind"]["個別ケース検討会"] == {
        "held": 21,
        "planned": 1,
        "cancelled": 1,
        "municipalities": 10,
        "agency_attendances": 1,
        "people": 2,
    }
    assert computed_value("case_conference_municipalities", network["own"], 2020) == 10
    assert computed_value("case_conferences_held", network["own"], 2020) == 21
    assert computed_value("case_conference_municipalities", network["own"], 2021) == 1


def _kochi_plans(network, worker):
    pref = network["own"]
    ino = make_org(OrgKind.MUNICIPALITY, pref, name="いの町")
    susaki = make_org(OrgKind.MUNICIPALITY, pref, name="須崎市")
    nakatosa = make_org(OrgKind.MUNICIPALITY, pref, name="中土佐町")
    shimanto = make_org(OrgKind.MUNICIPALITY, pref, name="四万十町")
    make_plan(worker, 2021, AGENCY, ino, 5)
    make_plan(worker, 2021, AGENCY, susaki, 5)
    make_plan(worker, 2021, AGENCY, nakatosa, 2)
    make_plan(worker, 2021, AGENCY, "四万十町", 2)  # typed: matches the municipality by its name
    make_plan(worker, 2021, AGENCY, "幡多福祉保健所管内", 2)  # a typed area: matches a region
    # Counted: the municipality concerned (いの町 twice, 須崎市), an attending body (中土佐町), a
    # municipality named like a typed counterpart (四万十町).
    make_meeting(worker, date=date(2021, 5, 10), kind=AGENCY, name="ケース会議", municipality=ino)
    make_meeting(worker, date=date(2021, 7, 12), kind=AGENCY, name="勉強会", municipality=ino)
    make_meeting(worker, date=date(2021, 6, 3), kind=AGENCY, name="業務検討会", municipality=susaki)
    visit = make_meeting(worker, date=date(2021, 8, 20), kind=AGENCY, name="ケース会議", region="高幡")
    from tsunagu.meetings import actions

    actions.record_attendance(actor=worker, meeting=visit, body=nakatosa, people=3)
    make_meeting(worker, date=date(2021, 9, 30), kind=AGENCY, name="ケース会議", municipality=shimanto)
    # Not counted: another kind, a planned and a cancelled meeting, a date after the half year (and
    # the previous fiscal year), another organisation's meeting.
    make_meeting(worker, date=date(2021, 5, 11), kind=CASE_CONFERENCE, municipality=ino)
    make_meeting(worker, date=date(2021, 9, 1), kind=AGENCY, municipality=ino, status=MeetingStatus.PLANNED)
    make_meeting(
        worker,
        date=date(2021, 9, 2),
        kind=AGENCY,
        municipality=susaki,
        status=MeetingStatus.CANCELLED,
        cancel_reason="台風",
    )
    make_meeting(worker, date=date(2021, 10, 5), kind=AGENCY, region="幡多福祉保健所管内")
    make_meeting(worker, date=date(2021, 3, 5), kind=AGENCY, region="幡多福祉保健所管内")
    centre2 = actor_for(make_staff(make_org(OrgKind.CENTER, pref), Role.COORDINATOR))
    make_meeting(centre2, date=date(2021, 6, 1), kind=AGENCY, municipality=ino)


def test_kochi_half_year_plans_held_against_planned(network, worker):
    _kochi_plans(network, worker)
    section = build_report(network["own"], R3_FIRST_HALF)["meetings"]
    assert [(p["counterpart"], p["held"], p["planned"]) for p in section["plans"]] == [
        ("いの町", 2, 5),
        ("須崎市", 1, 5),
        ("中土佐町", 1, 2),
        ("四万十町", 1, 2),
        ("幡多福祉保健所管内", 0, 2),
    ]
    assert "・".join(progress_text(p) for p in section["plans"]) == (
        "いの町（２／５回）・須崎市（１／５回）・中土佐町（１／２回）・四万十町（１／２回）・幡多福祉保健所管内（０／２回）"
    )
    # The whole fiscal year counts the October meeting in 幡多.
    year = build_report(network["own"], Period(date(2021, 4, 1), date(2022, 3, 31)))["meetings"]
    assert {p["counterpart"]: p["held"] for p in year["plans"]}["幡多福祉保健所管内"] == 1
    # A plan is listed in the report of the subtree above its organisation, not elsewhere.
    assert build_report(network["other"], R3_FIRST_HALF)["meetings"]["plans"] == []


def test_the_section_tables_print_the_plans_as_the_seed_does(network, worker):
    _kochi_plans(network, worker)
    tables = {table.key: table for table in report_tables(build_report(network["own"], R3_FIRST_HALF))}
    assert [row[-1] for row in tables["meeting_plans"].rows][0] == "いの町（２／５回）"
    by_kind = {row[0]: row[1:] for row in tables["meetings_by_kind"].rows}
    # Held in the prefecture's subtree: 5 by the centre and 1 by the second centre; 市区町村 いの町, 須崎市,
    # 四万十町; one attending body (中土佐町, 3 people).
    assert by_kind["関係機関支援"] == [6, 1, 1, 3, 1, 3]


def test_the_trend_counts_councils_per_fiscal_year_from_the_records(network, worker):
    """Okinawa's 開催回数: H28 2, H29 3, H30 3, R元 3, R2 4."""
    from tsunagu.stats.trends import build_trends, trend_tables

    for fy, held in [(2016, 2), (2017, 3), (2018, 3), (2019, 3)]:
        for i in range(held):
            make_meeting(worker, date=date(fy, 7 + i, 10), kind=COUNCIL, name="連絡協議会", region=f"地区{i}")
    _okinawa(worker)
    years = [2016, 2017, 2018, 2019, 2020]
    tables = {t.key: t for t in trend_tables(build_trends(network["own"], years))}
    councils = next(row for row in tables["meetings_trend"].rows if row[0] == "連絡協議会・ネットワーク会議")
    assert councils[1:] == [2, 3, 3, 3, 4]
    assert [computed_value("councils_held", network["own"], fy) for fy in years] == [2, 3, 3, 3, 4]

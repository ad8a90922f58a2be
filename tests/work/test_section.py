"""The report's work_experience section, counted by hand: Kochi's 就労体験 of the half year R3.4–9
(4名: 30代2, 40代2; 農家・工場; 5日～1ヶ月; 就職・求職活動・支援の継続)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.cases.factories import actor_for, make_case
from tests.factories import make_staff
from tsunagu.core.figures import FIGURES
from tsunagu.orgs.models import Role
from tsunagu.stats.exporters import report_tables
from tsunagu.stats.report import Period, build_report, counted_report
from tsunagu.work import actions

from .conftest import place, rate

HALF_YEAR = Period(date(2021, 4, 1), date(2021, 9, 30))


def _days(first: date, n: int) -> dict:
    return {first + timedelta(days=i): Decimal(6) for i in range(n)}


def _record(actor, placement, first, n):
    for offset in range(0, n, 7):  # a week at a time, as the coordinator does
        week = {d: h for d, h in _days(first, n).items() if offset <= (d - first).days < offset + 7}
        actions.record_days(actor=actor, placement=placement, days=week)


@pytest.fixture
def kochi(network, coordinator, admin, farm):
    factory = actions.create_host(
        actor=coordinator, organisation=coordinator.organisation, name="高知製作所", kind="factory"
    )
    rate(admin, "experience", "participant", "day", 500)
    rate(admin, "experience", "host", "day", 4500)
    # Turns 40 in July: counted 30代, the band on the first worked day in the period.
    turning = make_case(coordinator, birth_date=date(1981, 7, 1), opened_on=date(2021, 4, 1))
    people = [
        (make_case(coordinator, birth_date=date(1988, 1, 1), opened_on=date(2021, 4, 1)), farm, 5, "employed"),
        (turning, factory, 30, "seeking"),
        (make_case(coordinator, birth_date=date(1975, 5, 5), opened_on=date(2021, 4, 1)), farm, 10, "continuing"),
        (make_case(coordinator, birth_date=date(1978, 9, 9), opened_on=date(2021, 4, 1)), factory, 12, ""),
    ]
    for case, host, n, outcome in people:
        placement = place(coordinator, host, start=date(2021, 5, 10), case=case)
        _record(coordinator, placement, date(2021, 6, 1), n)
        if outcome:
            actions.update_placement(actor=coordinator, placement=placement, end=date(2021, 7, 31), outcome=outcome)
        else:  # still going: a day in October is outside the half year
            actions.record_days(actor=coordinator, placement=placement, days={date(2021, 10, 4): Decimal(6)})
    # Another prefecture's placement never counts.
    outsider = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    host = actions.create_host(actor=outsider, organisation=outsider.organisation, name="他県農園", kind="farm")
    actions.record_days(actor=outsider, placement=place(outsider, host), days=_days(date(2021, 6, 1), 3))
    return network["own"]


EXPECTED = {
    "placements": 4,
    "persons": 4,
    "by_age_band": {"10代以下": 0, "20代": 0, "30代": 2, "40代": 2, "50代": 0, "60代以上": 0, "不明": 0},
    "by_program": {"就労体験": 4, "就労訓練": 0, "職場体験": 0, "社会体験": 0},
    "by_outcome": {"就職": 1, "求職活動": 1, "支援の継続": 1, "中断": 0},
    "ended": 3,
    "days": {"min": 5, "max": 30},
    "hosts": 2,
    # 57 days: 57 × 500 and 57 × 4,500
    "allowances": {"利用者": 28500, "事業者": 256500},
}


def test_kochis_half_year_of_work_experience(kochi):
    assert build_report(kochi, HALF_YEAR)["work_experience"] == EXPECTED
    assert counted_report(kochi, HALF_YEAR)["work_experience"] == EXPECTED


def test_the_section_is_a_kpi_source(kochi):
    assert FIGURES["work_employed"].value(HALF_YEAR, kochi) == 1
    assert FIGURES["work_persons"].value(HALF_YEAR, kochi) == 4
    assert FIGURES["work_workplace"].value(HALF_YEAR, kochi) == 0


def test_the_section_has_its_tables_with_every_label(kochi):
    tables = {t.key: t for t in report_tables(build_report(kochi, HALF_YEAR))}
    assert [row[:2] for row in tables["work_by_outcome"].rows] == [
        ["就職", 1],
        ["求職活動", 1],
        ["支援の継続", 1],
        ["中断", 0],
    ]
    assert tables["work_experience"].rows[-2:] == [["手当（利用者、円）", 28500], ["手当（事業者、円）", 256500]]


def test_an_empty_period_has_every_label_at_zero(network):
    section = build_report(network["own"], HALF_YEAR)["work_experience"]
    assert section["placements"] == 0 and section["days"] == {"min": 0, "max": 0}
    assert set(section["by_outcome"].values()) == {0} and len(section["by_age_band"]) == 7

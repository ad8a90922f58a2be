"""The report section `employment` and cohorts, from records built by hand (DOMAIN.md "Employment
support", "Cohorts"; the seed figures of issue 11)."""

from datetime import date, timedelta

import pytest

from tsunagu.cases.models import AgeBand
from tsunagu.core import wareki
from tsunagu.employment.models import Outcome
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.stats import cohorts
from tsunagu.stats.report import Period, build_report, counted_report

from ..cases.factories import actor_for, make_case
from ..factories import make_org, make_staff
from .factories import contacts, register

H1_2021 = Period(*wareki.half_year_range(2021, 1))
FY2021 = Period(*wareki.fiscal_year_range(2021))


@pytest.fixture
def coordinator(network):
    return actor_for(make_staff(network["own"], Role.COORDINATOR))


def test_coordinators_half_year_12_registered_165_uses_1_employed(network, coordinator):
    """R3.4–9: 10 registered in the half year and 2 still open from before it (one ends 4/30); the 165
    contacts are those made while registered. Not counted: a registration that ended 3/31, one from
    10/1, contacts before a registration or after its end, a decision in October."""
    cases = [make_case(coordinator, opened_on=date(2020, 4, 1)) for _ in range(14)]
    for n, case in enumerate(cases[:10]):
        register(coordinator, case, date(2021, 4, 1) + timedelta(days=10 * n))
    register(coordinator, cases[10], date(2020, 10, 1))
    register(coordinator, cases[11], date(2020, 11, 1), ended_on=date(2021, 4, 30))
    register(coordinator, cases[12], date(2020, 5, 1), ended_on=date(2021, 3, 31))
    register(coordinator, cases[13], date(2021, 10, 1))
    # 15 contacts each for the ten, from their 登録日 on: 150; 15 for the open one: 165 with the 4/30 one's.
    for n, case in enumerate(cases[:10]):
        start = date(2021, 4, 1) + timedelta(days=10 * n)
        contacts(case, [start + timedelta(days=d) for d in range(15)])
    contacts(cases[10], [date(2021, 5, 1) + timedelta(days=d) for d in range(14)])
    contacts(cases[11], [date(2021, 4, 30), date(2021, 5, 1)])  # the second is after its end
    contacts(cases[12], [date(2021, 4, 5)])  # ended 3/31
    contacts(cases[13], [date(2021, 9, 30)])  # registered 10/1
    contacts(cases[9], [date(2021, 5, 1)])  # before its 登録日 (2021-07-01)
    from tsunagu.employment import actions

    registration = cases[0].employment_registrations.get()
    actions.update_registration(
        actor=coordinator, registration=registration, outcome=Outcome.NON_REGULAR, decided_on=date(2021, 9, 1)
    )
    later = cases[1].employment_registrations.get()
    actions.update_registration(
        actor=coordinator, registration=later, outcome=Outcome.REGULAR, decided_on=date(2021, 10, 5)
    )

    figures = build_report(network["nation"], H1_2021)["employment"]
    assert figures == {
        "registered": 12,
        "new_registrations": 10,
        "uses": 165,
        "decided": 1,
        "employed": 1,
        "by_outcome": {"就職（正規）": 0, "就職（非正規）": 1, "修学": 0, "職業訓練": 0, "その他": 0},
        "new_by_age_band": {"10代以下": 0, "20代": 0, "30代": 0, "40代": 0, "50代": 0, "60代以上": 0, "不明": 10},
        "decision_rate": 10.0,
    }
    assert counted_report(network["nation"], H1_2021)["employment"] == figures
    # The other prefecture's report counts none of it.
    assert build_report(network["other"], H1_2021)["employment"]["registered"] == 0


# The サポステ's fiscal year 2021 (all registered 2021-06-01; ages on that day):
#   10代 55 (age 18): 32 decided: 正規 2, 非正規 22, 修学 8
#   20代 48 (age 25): 40 decided: 正規 10, 非正規 27, 修学 3
#   30代 19: 14 aged 31 with 14 decided (正規 3, 非正規 10, 修学 1); 5 aged 35 (就職氷河期世代) with 1 正規
#   40代 29 (age 45, 就職氷河期世代): 14 decided: 正規 1, 非正規 13
# 151 new, 101 decided: 就職 89, 修学 12; 就職氷河期世代 34 new and 15 decided; 40代 29 new and 14 decided.
GROUPS = [
    (18, 55, [(Outcome.REGULAR, 2), (Outcome.NON_REGULAR, 22), (Outcome.SCHOOL, 8)]),
    (25, 48, [(Outcome.REGULAR, 10), (Outcome.NON_REGULAR, 27), (Outcome.SCHOOL, 3)]),
    (31, 14, [(Outcome.REGULAR, 3), (Outcome.NON_REGULAR, 10), (Outcome.SCHOOL, 1)]),
    (35, 5, [(Outcome.REGULAR, 1)]),
    (45, 29, [(Outcome.REGULAR, 1), (Outcome.NON_REGULAR, 13)]),
]
REGISTERED = date(2021, 6, 1)


@pytest.fixture
def saposute(network):
    from tsunagu.employment import actions

    org = make_org(OrgKind.PARTNER, network["own"], category="地域若者サポートステーション", name="サポステ")
    actor = actor_for(make_staff(org, Role.COORDINATOR))
    rows = []
    for age, people, outcomes in GROUPS:
        decided = [outcome for outcome, n in outcomes for _ in range(n)]
        for i in range(people):
            case = make_case(actor, opened_on=REGISTERED, birth_date=REGISTERED.replace(year=REGISTERED.year - age))
            values = {"registered_on": REGISTERED}
            if i < len(decided):
                values |= {"outcome": decided[i], "decided_on": date(2022, 1, 10)}
            rows.append((case, values))
    # Not new in FY2021: registered in March 2021, decided in FY2021 only once it is counted as decided.
    before = make_case(actor, opened_on=date(2021, 3, 1), age_band=AgeBand.TWENTIES)
    rows.append(
        (before, {"registered_on": date(2021, 3, 1), "outcome": Outcome.TRAINING, "decided_on": date(2021, 3, 20)})
    )
    actions.register_many(actor=actor, rows=rows)
    return org


def test_saposute_151_new_by_band_and_101_decided(network, saposute):
    figures = build_report(saposute, FY2021)["employment"]
    assert figures == {
        "registered": 152,
        "new_registrations": 151,
        "uses": 0,
        "decided": 101,
        "employed": 89,
        "by_outcome": {"就職（正規）": 17, "就職（非正規）": 72, "修学": 12, "職業訓練": 0, "その他": 0},
        "new_by_age_band": {"10代以下": 55, "20代": 48, "30代": 19, "40代": 29, "50代": 0, "60代以上": 0, "不明": 0},
        "decision_rate": 66.9,
    }


def test_ice_age_cohort_34_new_15_decided(network, saposute):
    report = build_report(network["own"], FY2021, cohorts.by_key("就職氷河期世代"))
    assert report["cohort"] == "就職氷河期世代"
    figures = report["employment"]
    assert (figures["new_registrations"], figures["decided"], figures["employed"]) == (34, 15, 15)
    assert figures["new_by_age_band"]["30代"] == 5 and figures["new_by_age_band"]["40代"] == 29


def test_forties_cohort_29_new_14_decided(network, saposute):
    figures = build_report(network["own"], FY2021, cohorts.by_key("４０代"))["employment"]
    assert (figures["new_registrations"], figures["decided"]) == (29, 14)
    assert figures["by_outcome"]["就職（正規）"] == 1 and figures["by_outcome"]["就職（非正規）"] == 13
    assert figures["decision_rate"] == 48.3


def test_ice_age_boundaries_on_april_first(network, coordinator):
    """34 and 49 on April 1 of the record's fiscal year are in; 33 and 50 are out; a person who turns 34
    in June 1986+34 is out for a contact in March and in for one in April."""
    ice = cohorts.by_key("就職氷河期世代")
    april = date(2021, 4, 1)
    assert ice.includes(date(1987, 4, 1), "", april)  # 34 on 2021-04-01
    assert ice.includes(date(1971, 4, 2), "", april)  # 49 on 2021-04-01 (50 the next day)
    assert not ice.includes(date(1987, 4, 2), "", date(2022, 3, 31))  # 33 on 2021-04-01
    assert not ice.includes(date(1971, 4, 1), "", april)  # 50 on 2021-04-01
    assert not ice.includes(None, AgeBand.FORTIES, april)  # no birth date: never in
    case = make_case(coordinator, opened_on=date(2021, 3, 1), birth_date=date(1986, 6, 1))
    contacts(case, [date(2021, 3, 15), date(2021, 4, 15), date(2021, 4, 16)])
    period = Period(date(2021, 3, 1), date(2021, 4, 30))
    report = build_report(network["own"], period, ice)
    # 2020-04-01: 33 → the March contact is out; 2021-04-01: 34 → both April contacts are in. The case's
    # first contact (March) was made outside the cohort, so it is not a new case of it.
    assert report["contacts"]["total"] == 2
    assert report["contacts"]["persons"] == 1
    assert report["contacts"]["new_cases"] == 0
    assert build_report(network["own"], period)["contacts"]["total"] == 3


def test_cohort_report_leaves_out_sections_without_cases(network, saposute):
    report = build_report(network["own"], FY2021, cohorts.by_key("40代"))
    assert "employment" in report
    assert set(report) >= {"contacts", "referrals", "connected", "cohort"}


def test_trends_carry_employment_per_fiscal_year_as_the_report_does(network, coordinator):
    from tsunagu.stats.trends import build_trends

    cases = [make_case(coordinator, opened_on=date(2019, 4, 1)) for _ in range(3)]
    register(coordinator, cases[0], date(2019, 5, 1), outcome=Outcome.SCHOOL, decided_on=date(2020, 6, 1))
    register(coordinator, cases[1], date(2020, 3, 31), ended_on=date(2021, 4, 1))
    register(coordinator, cases[2], date(2021, 4, 1), outcome=Outcome.REGULAR, decided_on=date(2021, 4, 2))
    contacts(cases[1], [date(2020, 3, 31), date(2020, 4, 1), date(2021, 4, 1), date(2021, 4, 2)])
    years = [2019, 2020, 2021]
    trends = build_trends(network["own"], years)
    for year in years:
        assert (
            trends[year]["employment"]
            == build_report(network["own"], Period(*wareki.fiscal_year_range(year)))["employment"]
        )
    assert [trends[y]["employment"]["registered"] for y in years] == [2, 2, 3]  # case 0 never ended
    assert [trends[y]["employment"]["uses"] for y in years] == [1, 1, 1]
    assert [trends[y]["employment"]["decided"] for y in years] == [0, 1, 1]

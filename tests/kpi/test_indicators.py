"""Indicator values, 達成割合 and the progress judgement, with hand-computed numbers."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import Channel, Consulter, ReferralStatus, ReferralTarget
from tsunagu.kpi import actions
from tsunagu.kpi.indicators import COMPUTED, achievement, computed_value, judge, levels_for
from tsunagu.kpi.models import JudgementLevel
from tsunagu.kpi.queries import kpi_page
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.stats.report import Period, build_report

from ..cases.factories import actor_for, make_case
from ..factories import SYSTEM, make_org, make_staff
from .factories import entered, make_indicator, target

FY2021 = Period(date(2021, 4, 1), date(2022, 3, 31))


@pytest.fixture
def worker(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


def _records(network, worker):
    """Two cases in FY2021 at the own centre: 5 contacts (2 visits, 1 accompaniment), 3 referrals."""
    hello = make_org(OrgKind.PARTNER, network["own"], category="ハローワーク")
    old = make_case(worker, opened_on=date(2020, 4, 1))
    case_actions.log_contact(
        actor=worker, case=old, date=date(2021, 3, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    new = make_case(worker, opened_on=date(2021, 5, 1))
    for case, day, channel in [
        (old, date(2021, 4, 5), Channel.HOME_VISIT),
        (old, date(2021, 6, 5), Channel.PHONE),
        (new, date(2021, 5, 1), Channel.HOME_VISIT),
        (new, date(2021, 7, 1), Channel.ACCOMPANY),
        (new, date(2022, 3, 31), Channel.EMAIL),
    ]:
        case_actions.log_contact(actor=worker, case=case, date=day, channel=channel, consulter=Consulter.PERSON)
    for case, target_, status in [
        (old, ReferralTarget.PERSON, ReferralStatus.DECIDED),
        (old, ReferralTarget.PERSON, ReferralStatus.DECIDED),
        (new, ReferralTarget.FAMILY, ReferralStatus.FAILED),
    ]:
        case_actions.refer(actor=worker, case=case, date=date(2021, 8, 1), target=target_, partner=hello, status=status)
    case_actions.refer(
        actor=worker,
        case=new,
        date=date(2021, 9, 1),
        target=ReferralTarget.FAMILY,
        to_ibasho=True,
        partner_name="居場所ひなた",
        status=ReferralStatus.DECIDED,
    )


REPORT_KEYS = {
    "new_cases",
    "contacts",
    "persons",
    "visits",
    "accompaniment",
    "referrals",
    "decided",
    "connected",
    "connected_person",
    "connected_family",
}


def test_computed_indicators_are_the_reports_numbers(network, worker):
    _records(network, worker)
    org = network["own"]
    # The consultation figures (other record types' figures are tested with them: tests/outreach).
    values = {key: computed_value(key, org, 2021) for key in COMPUTED if key in REPORT_KEYS}
    assert values == {
        "new_cases": 1,
        "contacts": 5,
        "persons": 2,
        "visits": 2,
        "accompaniment": 1,
        "referrals": 4,
        "decided": 3,
        "connected": 2,
        "connected_person": 1,
        "connected_family": 1,
    }
    report = build_report(org, FY2021)
    assert (values["contacts"], values["persons"], values["new_cases"]) == (
        report["contacts"]["total"],
        report["contacts"]["persons"],
        report["contacts"]["new_cases"],
    )
    assert (values["referrals"], values["decided"], values["connected"]) == (
        report["referrals"]["total"],
        report["referrals"]["decided"],
        report["connected"]["total"],
    )
    assert computed_value("contacts", org, 2020) == 1
    assert computed_value("contacts", network["other"], 2021) == 0


@pytest.mark.parametrize(
    "actual,planned,expected",
    [
        (4, 4, 100.0),
        (3, 4, 75.0),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 16, 6.3),
        (Decimal("52.7"), 55, 95.8),
        (0, 10, 0.0),
        (5, None, None),
        (None, 5, None),
        (5, 0, None),
    ],
)
def test_achievement_is_a_one_decimal_percent_rounded_half_up(actual, planned, expected):
    assert achievement(actual, planned) == expected


def test_default_judgement_levels_are_data(db):
    levels = list(
        JudgementLevel.objects.filter(organisation__isnull=True)
        .order_by("-min_ratio")
        .values_list("label", "min_ratio")
    )
    assert levels == [
        ("順調", Decimal("100.0")),
        ("概ね順調", Decimal("80.0")),
        ("やや遅れ", Decimal("50.0")),
        ("遅れ", Decimal("0.0")),
    ]


@pytest.mark.parametrize(
    "ratio,label",
    [
        (100.0, "順調"),
        (125.0, "順調"),
        (99.9, "概ね順調"),
        (80.0, "概ね順調"),
        (79.9, "やや遅れ"),
        (50.0, "やや遅れ"),
        (49.9, "遅れ"),
        (0.0, "遅れ"),
        (None, None),
    ],
)
def test_default_judgement(network, ratio, label):
    result = judge(ratio, levels_for(network["own"]))
    assert (result[1] if result else None) == label


def test_an_organisations_levels_replace_the_defaults_for_it_and_below(network):
    actions.set_levels(
        actor=SYSTEM,
        organisation=network["own"],
        levels=[("A", Decimal("90")), ("B", Decimal("60")), ("C", Decimal("0"))],
    )
    assert [level.label for level in levels_for(network["own_center"])] == ["A", "B", "C"]
    assert judge(89.9, levels_for(network["own_center"])) == (1, "B")
    assert [level.label for level in levels_for(network["other_center"])] == ["順調", "概ね順調", "やや遅れ", "遅れ"]
    actions.set_levels(
        actor=SYSTEM, organisation=network["own_center"], levels=[("達成", Decimal("100")), ("未達", Decimal("0"))]
    )
    assert [level.label for level in levels_for(network["own_center"])] == ["達成", "未達"]
    actions.reset_levels(actor=SYSTEM, organisation=network["own_center"])
    assert [level.label for level in levels_for(network["own_center"])] == ["A", "B", "C"]


@pytest.mark.parametrize(
    "levels,message",
    [
        ([], "進捗状況の区分を1つ以上入力してください。"),
        ([("順調", Decimal("100")), ("順調", Decimal("0"))], "進捗状況の名前が重複しています。"),
        ([("順調", Decimal("100")), ("遅れ", Decimal("100")), ("x", Decimal("0"))], "達成割合の下限が重複しています。"),
        (
            [("順調", Decimal("100")), ("遅れ", Decimal("10"))],
            "どの達成割合にも区分が付くよう、下限0%の区分を1つ入れてください。",
        ),
    ],
)
def test_levels_are_validated(network, levels, message):
    with pytest.raises(ValidationError) as raised:
        actions.set_levels(actor=SYSTEM, organisation=network["own"], levels=levels)
    assert raised.value.message_dict == {"levels": [message]}


def test_seed_liaison_council_held_four_times_against_a_plan_of_four(network):
    """DOMAIN.md: a prefecture's liaison council held 4 times against a plan of 4 = 100.0% 順調."""
    council = make_indicator(network["own"], "連絡協議会の開催回数", unit="回")
    target(council, 2021, 4)
    entered(council, 2021, 4, note="県ひきこもり支援連絡協議会")
    row = kpi_page(network["own"], 2021).rows[0]
    assert (row.current.target, row.current.actual, row.current.ratio, row.current.judgement) == (
        Decimal("4"),
        Decimal("4"),
        100.0,
        (0, "順調"),
    )
    assert (row.current.target_text, row.current.actual_text, row.current.ratio_text) == ("4", "4", "100.0%")


def test_survey_result_entered_by_hand(network):
    survey = make_indicator(network["own"], "住民の理解が深まったと感じる人の割合", unit="%")
    target(survey, 2021, 55)
    entered(survey, 2021, "52.7")
    current = kpi_page(network["own"], 2021).rows[0].current
    assert (current.actual_text, current.ratio, current.judgement) == ("52.7", 95.8, (1, "概ね順調"))


def test_monitoring_indicator_has_actual_only(network, worker):
    _records(network, worker)
    monitored = make_indicator(network["own"], "実人数", unit="人", source="persons", monitoring=True)
    with pytest.raises(ValidationError) as raised:
        target(monitored, 2021, 10)
    assert raised.value.message_dict == {"value": ["モニタリング指標には計画値を置きません。"]}
    current = kpi_page(network["own"], 2021).rows[0].current
    assert (current.target, current.actual, current.ratio, current.judgement) == (None, Decimal(2), None, None)


def test_computed_indicator_refuses_hand_entered_values(network):
    contacts = make_indicator(network["own"], "延べ相談件数", unit="件", source="contacts")
    with pytest.raises(ValidationError) as raised:
        entered(contacts, 2021, 10)
    assert raised.value.message_dict == {"value": ["この指標の実績値は記録から計算されるため、手入力できません。"]}


def test_history_covers_five_years_and_no_actual_for_future_years(network, worker):
    _records(network, worker)
    visits = make_indicator(network["own"], "訪問件数", unit="件", source="visits")
    target(visits, 2021, 4)
    target(visits, 2020, 1)
    row = kpi_page(network["own"], 2021).rows[0]
    assert [(f.fiscal_year, f.target, f.actual, f.ratio) for f in row.history] == [
        (2017, None, Decimal(0), None),
        (2018, None, Decimal(0), None),
        (2019, None, Decimal(0), None),
        (2020, Decimal(1), Decimal(0), 0.0),
        (2021, Decimal(4), Decimal(2), 50.0),
    ]
    assert [f.label for f in row.history] == ["平成29年度", "平成30年度", "令和元年度", "令和2年度", "令和3年度"]
    future = kpi_page(network["own"], 2030).rows[0].current
    assert future.actual is None

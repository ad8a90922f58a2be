"""KPI indicators counted for a cohort (DOMAIN.md "Cohorts"): the grant KPIs 就職氷河期世代の新規相談件数,
延べ相談件数 and 居場所等につながった件数 come from the records of the people in it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import AgeBand, Channel, Consulter, ReferralStatus, ReferralTarget
from tsunagu.kpi import actions
from tsunagu.kpi.indicators import computed_value
from tsunagu.kpi.models import MANUAL
from tsunagu.orgs.models import Role

from ..cases.factories import actor_for, make_case
from ..factories import SYSTEM, make_staff


def test_grant_kpis_of_the_ice_age_generation_come_from_records(network):
    worker = actor_for(make_staff(network["own_center"], Role.COORDINATOR))
    # FY2021: 1980-born is 41 on 2021-04-01 (in); 1995-born 26 (out); no birth date (never in).
    ice = make_case(worker, opened_on=date(2021, 4, 5), birth_date=date(1980, 5, 1))
    young = make_case(worker, opened_on=date(2021, 4, 5), birth_date=date(1995, 5, 1))
    unknown = make_case(worker, opened_on=date(2021, 4, 5), age_band=AgeBand.FORTIES)
    for case, dates in ((ice, [date(2021, 4, 5), date(2021, 5, 6), date(2022, 3, 31)]), (young, [date(2021, 4, 5)])):
        for on in dates:
            case_actions.log_contact(
                actor=worker, case=case, date=on, channel=Channel.PHONE, consulter=Consulter.FAMILY
            )
    case_actions.log_contact(
        actor=worker, case=unknown, date=date(2021, 6, 1), channel=Channel.PHONE, consulter=Consulter.PERSON
    )
    for case in (ice, young):
        case_actions.refer(
            actor=worker,
            case=case,
            date=date(2021, 7, 1),
            target=ReferralTarget.PERSON,
            partner_name="ハローワーク青海",
            category=None,
            to_ibasho=True,
            status=ReferralStatus.DECIDED,
            result_on=date(2021, 7, 1),
        )
    made = {
        key: actions.create_indicator(
            actor=SYSTEM,
            organisation=network["own"],
            name=name,
            unit="",
            source=key,
            cohort="就職氷河期世代",
        )
        for key, name in (
            ("new_cases", "就職氷河期世代の新規相談件数"),
            ("contacts", "就職氷河期世代の延べ相談件数"),
            ("connected", "就職氷河期世代の居場所等につながった件数"),
        )
    }
    assert {key: computed_value(i.source, network["own"], 2021, i.cohort) for key, i in made.items()} == {
        "new_cases": 1,
        "contacts": 3,
        "connected": 1,
    }
    # Everyone: 3 new, 5 contacts, 2 connected.
    assert [computed_value(key, network["own"], 2021) for key in made] == [3, 5, 2]
    assert computed_value("contacts", network["own"], 2021, "40代") == 4  # 1980-born is 40代, and the 40代 band


def test_a_cohort_needs_a_figure_counted_from_case_records(network):
    with pytest.raises(ValidationError) as refused:
        actions.create_indicator(
            actor=SYSTEM, organisation=network["own"], name="手入力", unit="件", source=MANUAL, cohort="40代"
        )
    assert "cohort" in refused.value.message_dict
    with pytest.raises(ValidationError):
        actions.create_indicator(
            actor=SYSTEM, organisation=network["own"], name="変な対象", unit="件", source="contacts", cohort="80代"
        )

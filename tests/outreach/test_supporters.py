"""ひきこもりサポーター: the roster's status on a day, activities against the same period a year
earlier, and the case of an activity under the case access rules."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tsunagu.audit.models import AuditEntry
from tsunagu.core.figures import FIGURES
from tsunagu.orgs.periods import lock_fiscal_year
from tsunagu.outreach import actions, queries
from tsunagu.outreach.models import SupporterStatusChange
from tsunagu.stats.report import Period, build_report

from ..factories import SYSTEM

HALF = Period(date(2021, 4, 1), date(2021, 9, 30))


def supporter(org, name, status, since, **values):
    return actions.create_supporter(
        actor=SYSTEM, organisation=org, name=name, status=status, status_from=since, **values
    )


def activity(org, who, on, kind="home_visit", **values):
    return actions.record_activity(actor=SYSTEM, organisation=org, supporter=who, date=on, kind=kind, **values)


@pytest.fixture
def roster(network):
    centre = network["own_center"]
    a = supporter(centre, "青木", "registered", date(2021, 5, 1), trained_on=date(2021, 3, 20))
    b = supporter(centre, "馬場", "registered", date(2021, 4, 1))
    actions.update_supporter(actor=SYSTEM, supporter=b, status="resting", status_from=date(2021, 9, 1))
    c = supporter(centre, "千田", "registered", date(2021, 10, 1))
    supporter(centre, "土井", "training", date(2021, 4, 1))
    supporter(network["other_center"], "遠藤", "registered", date(2021, 4, 1))
    for on in (date(2021, 4, 1), date(2021, 6, 15), date(2021, 9, 30)):
        activity(centre, a, on)
    activity(centre, b, date(2021, 6, 15), "ibasho", minutes=120)
    activity(centre, a, date(2020, 4, 1))
    activity(centre, b, date(2020, 9, 30))
    activity(centre, b, date(2020, 10, 1))  # after the same period a year earlier
    activity(centre, c, date(2021, 10, 1))  # after the period
    return network, centre, (a, b, c)


def test_registered_is_the_status_on_the_periods_last_day(roster):
    network, centre, (a, b, c) = roster
    section = build_report(network["own"], HALF)["supporters"]
    assert section["registered"] == 1  # a only: b rests from 9/1, c registers on 10/1
    assert build_report(network["own"], Period(date(2021, 4, 1), date(2021, 8, 31)))["supporters"]["registered"] == 2
    assert build_report(network["own"], Period(date(2021, 4, 1), date(2022, 3, 31)))["supporters"]["registered"] == 2
    assert b.status == "resting"
    assert list(b.status_changes.values_list("applies_from", "value")) == [
        (date(2021, 4, 1), "registered"),
        (date(2021, 9, 1), "resting"),
    ]


def test_activities_against_the_same_period_a_year_earlier(roster):
    network, *_ = roster
    section = build_report(network["own"], HALF)["supporters"]
    assert (section["activities"], section["previous_activities"]) == (4, 2)
    assert section["by_kind"] == {"訪問支援": 3, "居場所運営": 1, "同行": 0, "相談": 0, "その他": 0}
    assert section["minutes"] == 120
    assert FIGURES["supporter_activities"].value(HALF, network["own"]) == 4
    assert FIGURES["supporters_registered"].value(HALF, network["own"]) == 1


def test_progress_this_year_against_last_year(roster):
    _network, centre, _ = roster
    progress = queries.activity_progress(centre, today=date(2021, 9, 30))
    assert (progress.fy, progress.this_year, progress.same_period_last_year, progress.last_year) == (2021, 4, 2, 3)
    assert progress.exceeded and progress.to_go == 0
    early = queries.activity_progress(centre, today=date(2021, 5, 1))
    assert (early.this_year, early.same_period_last_year, early.to_go) == (1, 1, 3)
    assert not early.exceeded


def test_a_status_before_the_last_change_is_refused(roster):
    _network, _centre, (a, _b, _c) = roster
    with pytest.raises(ValidationError) as refused:
        actions.update_supporter(actor=SYSTEM, supporter=a, status="left", status_from=date(2021, 4, 30))
    assert "前回の変更日（2021-05-01）" in refused.value.message_dict["status_from"][0]
    assert SupporterStatusChange.objects.filter(supporter=a).count() == 1


def test_the_same_activity_twice_is_refused(roster):
    _network, centre, (a, _b, _c) = roster
    with pytest.raises(ValidationError) as refused:
        activity(centre, a, date(2021, 6, 15))
    assert "すでにあります" in refused.value.message_dict["date"][0]


def test_a_locked_period_refuses_an_activity(roster):
    _network, centre, (a, _b, _c) = roster
    lock_fiscal_year(centre, 2021)
    with pytest.raises(ValidationError) as refused:
        activity(centre, a, date(2021, 7, 1), "consultation")
    assert "締められた期間" in refused.value.message_dict["date"][0]


def test_supporter_names_are_masked_in_the_trail(roster):
    entry = AuditEntry.objects.filter(action="outreach.supporter_create").order_by("id").first()
    assert entry.changes["name"] != [None, "青木"]
    assert entry.object_label == "S0001"

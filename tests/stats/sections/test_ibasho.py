"""The report's ibasho section (DOMAIN.md): places with a held session in the period, the sessions, and
every attendee of every session (延べ), for an organisation subtree, with hand-computed values."""

import io
import json
from datetime import date, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tsunagu.cases.models import ReferralTarget
from tsunagu.core.figures import FIGURES
from tsunagu.ibasho import actions
from tsunagu.orgs.models import Role
from tsunagu.stats import sections
from tsunagu.stats.exporters import report_tables
from tsunagu.stats.report import Period, build_report, counted_report
from tsunagu.stats.trends import build_trends, trend_tables

from ...cases.factories import actor_for, make_case
from ...factories import make_staff

FY2020 = Period(date(2020, 4, 1), date(2021, 3, 31))
FY2021 = Period(date(2021, 4, 1), date(2022, 3, 31))
H1_2021 = Period(date(2021, 4, 1), date(2021, 9, 30))


def session(actor, place, on, *attendees):
    """A session of `place` on `on` with attendees: a case, (case, target), a nickname, or None (匿名)."""
    event = actions.create_event(actor=actor, ibasho=place, date=on, start_time=time(14), online=True)
    for who in attendees:
        if who is None:
            actions.record_attendance(actor=actor, event=event, anonymous=True)
        elif isinstance(who, str):
            actions.record_attendance(actor=actor, event=event, nickname=who)
        elif isinstance(who, tuple):
            actions.record_attendance(actor=actor, event=event, case=who[0], target=who[1])
        else:
            actions.record_attendance(actor=actor, event=event, case=who)
    return event


@pytest.fixture
def places(network):
    own = actor_for(make_staff(network["own_center"], Role.COORDINATOR))
    other = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    a, b = make_case(own), make_case(own)

    def place(actor, name, kind):
        return actions.create_ibasho(
            actor=actor, organisation=actor.organisation, name=name, kind=kind, place="市民会館"
        )

    salon = place(own, "サロン", "physical")
    online = place(own, "電子居場所", "online")
    hybrid = place(own, "ハイブリッド会場", "hybrid")
    session(own, salon, date(2021, 3, 31), None)  # FY2020
    session(own, salon, date(2021, 4, 10), a, (a, ReferralTarget.FAMILY), "たろう", None)
    session(own, salon, date(2021, 6, 5), b, None)
    session(own, salon, date(2021, 10, 2), a)  # second half
    session(own, online, date(2021, 5, 1))  # held, nobody came: a session all the same
    session(own, online, date(2021, 9, 30), "ニコ")
    session(own, hybrid, date(2022, 4, 1), None)  # FY2022
    session(other, place(other, "よその居場所", "physical"), date(2021, 5, 1), None, None)
    return network


def test_half_year_of_a_prefecture(places):
    assert build_report(places["own"], H1_2021)["ibasho"] == {
        "places": 2,
        "sessions": 4,
        "attendances": 7,
        "by_kind": {
            "リアル": {"places": 1, "sessions": 2, "attendances": 6},
            "オンライン（電子居場所）": {"places": 1, "sessions": 2, "attendances": 1},
            "ハイブリッド": {"places": 0, "sessions": 0, "attendances": 0},
        },
        "by_attendee": {"ケース": 3, "ニックネーム": 2, "匿名": 2},
    }


def test_fiscal_year_and_subtrees(places):
    own = build_report(places["own"], FY2021)["ibasho"]
    assert (own["places"], own["sessions"], own["attendances"]) == (2, 5, 8)
    nation = counted_report(places["nation"], H1_2021)["ibasho"]
    assert (nation["places"], nation["sessions"], nation["attendances"]) == (3, 5, 9)
    city = build_report(places["own_city"], FY2021)["ibasho"]  # nothing below a city here: every label at 0
    assert city["by_attendee"] == {"ケース": 0, "ニックネーム": 0, "匿名": 0}
    assert (city["places"], city["sessions"], city["attendances"]) == (0, 0, 0)


def test_a_session_ahead_is_planned_not_held(places):
    worker = actor_for(make_staff(places["own_center"], Role.COORDINATOR))
    today = timezone.localdate()
    place = actions.create_ibasho(
        actor=worker, organisation=worker.organisation, name="これから", kind="online", place=""
    )
    session(worker, place, today - timedelta(days=1), None)
    session(worker, place, today + timedelta(days=30))
    figures = build_report(places["own_center"], Period(today - timedelta(days=7), today + timedelta(days=60)))
    assert (figures["ibasho"]["places"], figures["ibasho"]["sessions"], figures["ibasho"]["attendances"]) == (1, 1, 1)


def test_tables_and_the_command(places):
    tables = {t.key: t for t in report_tables(build_report(places["own"], H1_2021))}
    assert tables["ibasho"].rows == [["居場所数", 2], ["開催回数", 4], ["参加延べ人数", 7]]
    assert tables["ibasho_by_kind"].rows == [
        ["リアル", 1, 2, 6],
        ["オンライン（電子居場所）", 1, 2, 1],
        ["ハイブリッド", 0, 0, 0],
    ]
    assert tables["ibasho_by_kind"].total == ["計", 2, 4, 7]
    assert tables["ibasho_by_attendee"].total == ["計", 7]
    out = io.StringIO()
    call_command("report", "--org", places["own"].code, "--from", "R3.4.1", "--to", "R3.9.30", stdout=out)
    assert json.loads(out.getvalue())["ibasho"]["attendances"] == 7


def test_trend_over_fiscal_years(places):
    trends = build_trends(places["own"], [2020, 2021])
    assert [trends[y]["ibasho"]["attendances"] for y in (2020, 2021)] == [1, 8]
    table = next(t for t in trend_tables(trends) if t.key == "ibasho_trend")
    assert table.rows == [["居場所数", 1, 2], ["開催回数", 1, 5], ["参加延べ人数", 1, 8]]


def test_kpi_figures(places):
    assert "ibasho" in [s.key for s in sections.sections()]
    assert FIGURES["ibasho_places"].value(FY2021, places["own"]) == 2
    assert FIGURES["ibasho_attendances"].value(H1_2021, places["own"]) == 7
    assert FIGURES["ibasho_sessions"].value(FY2020, places["own"]) == 1
    assert str(FIGURES["ibasho_attendances"].label) == "居場所の参加延べ人数"

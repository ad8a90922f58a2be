"""The demo's meetings, built on the demo network alone (the whole demo takes minutes)."""

from datetime import date

from tsunagu.demo.meetings import build_meetings
from tsunagu.demo.network import build_network
from tsunagu.demo.staff import build_staff
from tsunagu.meetings.models import Attendance, Decision, Meeting, MeetingStatus
from tsunagu.orgs.rules import Actor
from tsunagu.stats.report import Period, build_report

ACTOR = Actor.system("demo-data")
TODAY = date(2026, 12, 2)


def test_a_year_of_meetings_with_the_seed_shapes(db):
    network = build_network(ACTOR)
    build_staff(network, ACTOR, password="demo-password-1")
    added = build_meetings(network, ACTOR, today=TODAY)
    assert added == Meeting.objects.count() > 40
    section = build_report(network.prefecture, Period(date(2025, 4, 1), date(2026, 3, 31)))["meetings"]
    councils = section["by_kind"]["連絡協議会・ネットワーク会議"]
    assert (councils["held"], councils["cancelled"]) == (3, 1)
    assert [m["agencies"] for m in section["held"] if m["region"] == "中部"] == [28]
    cases = section["by_kind"]["個別ケース検討会"]
    assert (cases["held"], cases["municipalities"]) == (15, 8)
    plans = {p["counterpart"]: (p["held"], p["planned"]) for p in section["plans"]}
    assert plans["西部保健所管内"] == (1, 2)
    assert sorted(plans.values()) == [(1, 2), (1, 2), (2, 2), (2, 5), (4, 5)]
    # Meetings after today are still 予定; decisions wait until done.
    assert not Meeting.objects.filter(date__gt=TODAY).exclude(status=MeetingStatus.PLANNED).exists()
    assert Decision.objects.filter(done_on__isnull=True).exists()
    assert Attendance.objects.filter(body__isnull=True).exists()
    # Running it again adds nothing.
    assert build_meetings(network, ACTOR, today=TODAY) == 0

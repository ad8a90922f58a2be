"""The nation's report counts every record without a subtree filter (orgs.queries.holds_every_organisation:
the root of the only tree). These tests show that the shortcut gives the figures of the filtered path, and
that a second tree keeps the filter: its records are not the nation's."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from tsunagu.employment.models import Registration
from tsunagu.ibasho import actions as ibasho_actions
from tsunagu.ibasho.models import Attendance as IbashoAttendance
from tsunagu.meetings.models import Meeting, MeetingStatus
from tsunagu.orgs.models import Organisation, OrgKind, Role
from tsunagu.orgs.queries import holds_every_organisation
from tsunagu.outreach.models import SupporterActivity
from tsunagu.stats import sections
from tsunagu.stats.report import Period
from tsunagu.work import actions as work_actions

from ...cases.factories import actor_for
from ...factories import SYSTEM, make_org, make_staff
from ...outreach.test_report import event
from ...work.conftest import place, rate
from .test_ibasho import session

PERIODS = [
    Period(date(2016, 4, 1), date(2026, 3, 31)),  # the synthetic ten fiscal years
    Period(date(2022, 4, 1), date(2023, 3, 31)),  # a fiscal year
    Period(date(2022, 4, 1), date(2022, 9, 30)),  # its first half
    Period(date(2022, 5, 17), date(2023, 1, 9)),  # partial months at both ends
]


def figures(org, period) -> dict:
    with translation.override("ja"):  # as build_report reads them
        return sections.figures(org, period)


@pytest.fixture
def nation(db):
    call_command("synth", "--scale", "small", "--seed", "3", stdout=StringIO(), stderr=StringIO())
    nation = Organisation.objects.get(code="000000")
    # The small nation has too few cases for placements: two new centres get theirs, with an hourly rate
    # that changes within the fiscal year, a daily one, and a program with no host rate.
    prefectures = list(Organisation.objects.filter(kind=OrgKind.PREFECTURE).order_by("code")[:2])
    for prefecture, program, rates, days in (
        (
            prefectures[0],
            "experience",
            [("participant", "hour", 1000, date(2021, 4, 1)), ("participant", "hour", 1100, date(2022, 10, 1))]
            + [("host", "day", 4500, date(2021, 4, 1))],
            {date(2022, 6, 1): "6", date(2022, 6, 2): "6", date(2022, 6, 3): "2.5", date(2022, 11, 1): "6"},
        ),
        (
            prefectures[1],
            "training",
            [("participant", "day", 700, date(2021, 4, 1))],
            {date(2022, 7, 1): "4", date(2022, 7, 2): "4"},
        ),
    ):
        centre = make_org(OrgKind.CENTER, prefecture)
        admin = actor_for(make_staff(centre, Role.ADMIN))
        for payee, unit, value, applies_from in rates:
            rate(admin, program, payee, unit, value, applies_from=applies_from)
        host = work_actions.create_host(actor=admin, organisation=centre, name="農園", kind="farm")
        placement = place(admin, host, program=program, start=date(2022, 5, 1))
        work_actions.record_days(actor=admin, placement=placement, days={d: Decimal(h) for d, h in days.items()})
    return nation


def test_only_the_root_of_the_only_tree_holds_every_organisation(network):
    assert holds_every_organisation(network["nation"])
    assert not holds_every_organisation(network["own"])
    assert not holds_every_organisation(network["own_center"])
    make_org(OrgKind.NATIONAL, code="999990", name="別の国")
    assert not holds_every_organisation(network["nation"])


def test_the_nations_shortcut_gives_the_figures_of_the_filtered_path(nation):
    shortcut = {period: figures(nation, period) for period in PERIODS}
    first = PERIODS[1]
    # What the sections counted, read straight from the records of the whole tree.
    held = Meeting.objects.filter(status=MeetingStatus.HELD, date__range=(first.start, first.end)).count()
    assert held > 0 and sum(row["held"] for row in shortcut[first]["meetings"]["by_kind"].values()) == held
    assert shortcut[first]["supporters"]["activities"] == (
        SupporterActivity.objects.filter(date__range=(first.start, first.end)).count()
    )
    work = shortcut[PERIODS[1]]["work_experience"]
    assert (work["placements"], work["persons"], work["hosts"], work["days"]) == (2, 2, 2, {"min": 2, "max": 4})
    # 利用者: 6h×1,000 twice, 2.5h×1,000, 6h×1,100 (the new rate), 700 a day twice; 事業者: 4,500 a day × 4.
    assert work["allowances"] == {"利用者": 6000 * 2 + 2500 + 6600 + 1400, "事業者": 18000}
    # The first half: the November day is not in it.
    assert shortcut[PERIODS[2]]["work_experience"]["allowances"] == {"利用者": 14500 + 1400, "事業者": 13500}
    every = shortcut[PERIODS[0]]
    assert every["employment"]["new_registrations"] == Registration.objects.count() > 0
    assert every["employment"]["uses"] > 0
    assert every["ibasho"]["attendances"] == IbashoAttendance.objects.count() > 0
    # An empty second tree: the nation no longer holds every organisation, so its figures go through the
    # subtree filter, and they are the same.
    make_org(OrgKind.NATIONAL, code="999990", name="別の国")
    assert not holds_every_organisation(nation)
    for period in PERIODS:
        assert figures(nation, period) == shortcut[period]


def test_a_second_trees_records_are_not_the_nations(network):
    own = network["own_center"]
    event(own, date(2021, 5, 1), "training", participants=30)
    event(network["other_center"], date(2021, 6, 1), "training", participants=20)
    place = ibasho_actions.create_ibasho(
        actor=SYSTEM, organisation=own, name="サロン", kind="physical", place="市民会館"
    )
    session(SYSTEM, place, date(2021, 5, 8), None, "たろう")
    half = Period(date(2021, 4, 1), date(2021, 9, 30))
    nation = figures(network["nation"], half)  # every record: 30 + 20 participants, 2 attendees
    assert (nation["events"]["held"], nation["events"]["participants"]) == (2, 50)
    assert (nation["ibasho"]["places"], nation["ibasho"]["sessions"], nation["ibasho"]["attendances"]) == (1, 1, 2)

    other_root = make_org(OrgKind.NATIONAL, code="999990", name="別の国")
    elsewhere = make_org(OrgKind.CENTER, make_org(OrgKind.PREFECTURE, other_root))
    event(elsewhere, date(2021, 7, 1), "training", participants=12)
    other_place = ibasho_actions.create_ibasho(
        actor=SYSTEM, organisation=elsewhere, name="よそのサロン", kind="online", place=""
    )
    session(SYSTEM, other_place, date(2021, 7, 3), None)
    nation = figures(network["nation"], half)  # the second tree's event and session are not counted
    assert (nation["events"]["held"], nation["events"]["participants"]) == (2, 50)
    assert (nation["ibasho"]["places"], nation["ibasho"]["sessions"], nation["ibasho"]["attendances"]) == (1, 1, 2)
    assert nation["ibasho"]["by_kind"]["オンライン（電子居場所）"]["places"] == 0
    theirs = figures(other_root, half)
    assert (theirs["events"]["held"], theirs["events"]["participants"]) == (1, 12)
    assert (theirs["ibasho"]["places"], theirs["ibasho"]["sessions"], theirs["ibasho"]["attendances"]) == (1, 1, 1)

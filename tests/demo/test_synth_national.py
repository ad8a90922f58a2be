"""`tsunagu synth --scale`: a synthetic nation, built once, the same for the same seed."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import Case, Contact, Referral
from tsunagu.demo.synth_national import DONE_ACTION, SCALES, build_network, split
from tsunagu.ibasho.models import Attendance, Ibasho
from tsunagu.orgs.codes import code_problem
from tsunagu.orgs.models import Organisation, OrgKind
from tsunagu.orgs.rules import Actor
from tsunagu.stats import rollups
from tsunagu.stats.report import Period, build_report


def synth(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("synth", "--scale", "small", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fingerprint() -> list[tuple]:
    return list(
        Contact.objects.order_by("organisation__code", "case__number", "date", "id").values_list(
            "organisation__code", "case__number", "date", "channel", "consulter", "age_band"
        )
    ) + list(
        Attendance.objects.order_by("organisation__code", "date", "id").values_list(
            "organisation__code", "case__number", "date", "target", "nickname", "anonymous", "is_first"
        )
    )


def test_small_nation_has_the_asked_shape(db):
    out, err = synth("--seed", "3")
    kinds = dict(Organisation.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    assert kinds == {
        OrgKind.NATIONAL: 1,
        OrgKind.PREFECTURE: 3,
        OrgKind.DESIGNATED_CITY: 1,
        OrgKind.MUNICIPALITY: 9,
        OrgKind.CENTER: 4,
    }
    assert (Case.objects.count(), Contact.objects.count()) == (60, 300)
    # Cases sit in the 4 centres and in the first municipality of each prefecture.
    holders = set(Case.objects.values_list("organisation__code", flat=True))
    assert holders == {"010006-CENTER", "011002-CENTER", "020001-CENTER", "030007-CENTER", "012017", "022012", "032018"}
    assert "ケース 60件、相談記録 300件" in out
    assert "ケース 60/60  相談記録 300/300" in err
    entry = AuditEntry.objects.get(action=DONE_ACTION)
    assert entry.changes["contacts"] == [None, 300]
    assert entry.changes["referrals"] == [None, Referral.objects.count()]
    # One 居場所 for each organisation with cases, whose attendance the summary counts.
    assert sorted(Ibasho.objects.values_list("organisation__code", flat=True)) == sorted(holders)
    attendances = Attendance.objects.count()
    assert entry.changes["attendances"] == [None, attendances]
    assert f"居場所への参加 {attendances:,}件" in out and f"居場所参加 {attendances:,}  " in err
    for org in Organisation.objects.exclude(kind__in=[OrgKind.CENTER, OrgKind.NATIONAL]):
        assert code_problem(org.code, public_body=True) is None, org.code
    designated = Organisation.objects.get(kind=OrgKind.DESIGNATED_CITY)
    assert (designated.code, designated.parent.code) == ("011002", "000000")


def test_nation_report_is_the_sum_of_its_parts(db):
    synth("--seed", "3")
    period = Period(date(2016, 4, 1), date(2026, 3, 31))
    nation = build_report(Organisation.objects.get(code="000000"), period)
    parts = [build_report(org, period) for org in Organisation.objects.filter(parent__code="000000")]
    assert nation["contacts"]["total"] == 300 == sum(p["contacts"]["total"] for p in parts)
    assert nation["contacts"]["new_cases"] == 60
    assert nation["referrals"]["total"] == Referral.objects.count()
    assert nation["connected"]["total"] == sum(p["connected"]["total"] for p in parts)
    assert rollups.differences() == {}


def test_same_seed_same_rows_and_refuses_a_second_run(db):
    synth("--seed", "3")
    first = fingerprint()
    out, _ = synth("--seed", "3")
    assert "すでにあります" in out
    assert fingerprint() == first and Contact.objects.count() == 300


def test_refuses_to_finish_a_partial_nation(db):
    # A run that stopped after the organisations: no completion entry in the audit trail.
    build_network(Actor.system("test"), SCALES["small"])
    with pytest.raises(CommandError, match="途中で終わっています"):
        synth("--seed", "3")
    assert Contact.objects.count() == 0


def test_contacts_option_keeps_the_proportions(db):
    synth("--contacts", "200")
    assert (Contact.objects.count(), Case.objects.count()) == (200, 40)


def test_split_is_exact_and_proportional():
    assert split(10, [1, 1, 1]) == [4, 3, 3]
    assert split(1_000_000, [3, 2, 1]) == [500_000, 333_333, 166_667]
    assert sum(split(150_000, [0.7, 1.3, 2.9, 0.51])) == 150_000


def test_small_nation_has_network_activities_the_report_counts(db):
    from tsunagu.employment.models import Registration
    from tsunagu.meetings.models import Attendance as MeetingAttendance
    from tsunagu.meetings.models import Meeting
    from tsunagu.outreach.models import Event, SupporterActivity
    from tsunagu.work.models import WorkedDay

    out, _ = synth("--seed", "3")
    entry = AuditEntry.objects.get(action=DONE_ACTION)
    counts = {
        "meetings": Meeting.objects.count(),
        "meeting_attendances": MeetingAttendance.objects.count(),
        "events": Event.objects.count(),
        "supporter_activities": SupporterActivity.objects.count(),
        "worked_days": WorkedDay.objects.count(),
        "registrations": Registration.objects.count(),
    }
    # Every holder (4 centres, 3 municipalities) holds meetings in each of the ten fiscal years.
    assert set(Meeting.objects.values_list("organisation__code", flat=True)) == set(
        Case.objects.values_list("organisation__code", flat=True)
    )
    assert counts["meetings"] >= 7 * 10 * 10 and counts["events"] >= 7 * 10 * 3
    for name, value in counts.items():
        assert entry.changes[name] == [None, value], name
    assert f"会議 {counts['meetings']:,}件" in out
    # The nation's report counts them: the sections sum over the whole tree.
    period = Period(date(2016, 4, 1), date(2026, 3, 31))
    nation = build_report(Organisation.objects.get(code="000000"), period)
    held = Meeting.objects.filter(status="held").count()
    assert sum(row["held"] for row in nation["meetings"]["by_kind"].values()) == held
    assert nation["events"]["held"] == Event.objects.filter(status="held").count()
    assert nation["supporters"]["activities"] == counts["supporter_activities"]
    assert nation["employment"]["new_registrations"] == counts["registrations"]
    assert rollups.differences() == {}

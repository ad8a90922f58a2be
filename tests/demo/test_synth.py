"""`tsunagu synth`: exactly the rows asked for, with the derived fields the domain functions would keep."""

import random
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.domain import search_key
from tsunagu.cases.models import Case, Contact, Referral, ReferralTarget, Status, StatusChange
from tsunagu.cases.rules import age_band_on
from tsunagu.demo.synth_cases import contact_counts
from tsunagu.ibasho.models import Attendance, Ibasho, IbashoEvent, IbashoKind
from tsunagu.orgs.models import Membership, Organisation, OrgKind, Role
from tsunagu.stats import rollups
from tsunagu.stats.report import Period, build_report, counted_report


def synth(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("synth", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows(code: str) -> list[tuple]:
    """An organisation's cases and contacts without ids, to compare two runs."""
    cases = Case.objects.filter(organisation__code=code).order_by("number")
    return [
        (
            c.number,
            c.opened_on,
            c.name,
            c.furigana,
            c.birth_date,
            c.age_band,
            c.sex,
            c.municipality.code[2:],
            c.first_consulter,
            c.reached_on,
            c.status,
            c.closed_on,
            c.first_contact_on,
            c.last_contact_on,
            [(x.date, x.channel, x.consulter, x.minutes, x.age_band) for x in c.contacts.order_by("date", "id")],
            [(r.date, r.target, r.category_id, r.to_ibasho, r.status, r.result_on) for r in c.referrals.all()],
            [(a.date, a.target, a.is_first) for a in c.ibasho_attendances.order_by("date", "target")],
        )
        for c in cases.select_related("municipality")
    ] + [
        list(
            Attendance.objects.filter(organisation__code=code)
            .order_by("date", "id")
            .values_list("date", "case__number", "target", "nickname", "anonymous", "is_first")
        )
    ]


def test_creates_exactly_the_rows_asked_for(db):
    out, err = synth("--cases", "50", "--contacts", "400", "--seed", "7")
    org = Organisation.objects.get(code="98CENTER")
    assert (org.name, org.kind, org.parent.code, org.parent.name) == (
        "合成県ひきこもり地域支援センター",
        OrgKind.CENTER,
        "980005",
        "合成県",
    )
    assert Organisation.objects.filter(parent=org.parent, kind=OrgKind.MUNICIPALITY).count() == 20
    assert (Case.objects.count(), Contact.objects.count(), Referral.objects.count()) == (50, 400, 8)
    attendances = Attendance.objects.count()
    assert attendances > 0
    assert out.startswith(
        "合成県ひきこもり地域支援センター（98CENTER）: ケース 50件、相談記録 400件、つなぎ 8件、"
        f"居場所への参加 {attendances}件を"
    )
    assert err.startswith(f"ケース 50/50  相談記録 400/400  つなぎ 8  居場所参加 {attendances}  ")
    assert err.count("\n") == 1  # one line per batch of 2,000 cases
    staff = Membership.objects.filter(organisation=org, role=Role.COORDINATOR)
    assert sorted(staff.values_list("user__username", flat=True)) == [f"synth-98center-{n}" for n in range(1, 6)]
    assert (
        list(Case.assigned.through.objects.values("case").annotate(n=Count("id")).values_list("n", flat=True))
        == [1] * 50
    )
    entry = AuditEntry.objects.get(action="synth.generate")
    assert (entry.username, entry.organisation, entry.changes) == (
        "system:synth",
        org,
        {
            "cases": [None, 50],
            "contacts": [None, 400],
            "referrals": [None, 8],
            "attendances": [None, attendances],
            "seed": [None, 7],
        },
    )


def test_derived_fields_are_what_the_domain_functions_keep(db):
    synth("--cases", "50", "--contacts", "400", "--seed", "7")
    for case in Case.objects.prefetch_related("contacts", "referrals", "status_changes"):
        contacts = list(case.contacts.all())
        assert case.search_key == search_key(case.name, case.furigana)
        assert (case.first_contact_on, case.last_contact_on) == (
            min(c.date for c in contacts),
            max(c.date for c in contacts),
        )
        for contact in contacts:
            assert contact.organisation_id == case.organisation_id
            assert contact.date >= case.opened_on
            assert contact.age_band == age_band_on(
                birth_date=case.birth_date, known_band=case.age_band, on=contact.date
            )
        for referral in case.referrals.all():
            assert referral.organisation_id == case.organisation_id
            assert referral.date in {c.date for c in contacts}
        changes = list(case.status_changes.all())
        assert (changes[0].status, changes[0].changed_on) == (Status.INTAKE, case.opened_on)
        assert case.status == changes[-1].status
        assert case.closed_on == (changes[-1].changed_on if case.status == Status.CLOSED else None)
        if case.reached_on is not None:
            assert case.reached_on >= case.opened_on


def test_ten_fiscal_years(db):
    synth("--cases", "50", "--contacts", "400", "--seed", "7")
    dates = Contact.objects.aggregate(first=Min("date"), last=Max("date"))
    assert date(2016, 4, 1) <= dates["first"] and dates["last"] <= date(2026, 3, 31)
    first = Case.objects.order_by("opened_on", "id").first()
    assert first.number == f"{first.opened_on.year}-00001"
    assert Case.objects.values("number").distinct().count() == 50


def test_the_same_seed_gives_the_same_rows(db):
    synth("--cases", "50", "--contacts", "400", "--seed", "7")
    synth("--cases", "50", "--contacts", "400", "--seed", "7", "--org", "98OTHER")
    synth("--cases", "50", "--contacts", "400", "--seed", "8", "--org", "98THIRD")
    assert rows("98CENTER") == rows("98OTHER")
    assert rows("98CENTER") != rows("98THIRD")
    other = Organisation.objects.get(code="98OTHER")
    assert (other.name, other.parent.code) == ("合成県 センター 98OTHER", "980005")


def test_an_existing_organisation_keeps_its_place(db):
    synth("--cases", "5", "--contacts", "5")
    city = Organisation.objects.get(code="982032")  # 合成市03
    synth("--cases", "3", "--contacts", "6", "--org", city.code)
    assert set(Case.objects.filter(organisation=city).values_list("municipality", flat=True)) == {city.pk}
    assert Contact.objects.filter(organisation=city).count() == 6


def test_fewer_contacts_than_cases(db):
    synth("--cases", "10", "--contacts", "4")
    assert Counter(Case.objects.annotate(n=Count("contacts")).values_list("n", flat=True)) == {0: 6, 1: 4}
    assert Case.objects.filter(first_contact_on__isnull=True).count() == 6
    assert not Referral.objects.filter(case__first_contact_on__isnull=True).exists()


def test_an_organisation_with_cases_is_refused(db):
    synth("--cases", "5", "--contacts", "10")
    with pytest.raises(CommandError) as refused:
        synth("--cases", "5", "--contacts", "10")
    assert str(refused.value) == (
        "合成県ひきこもり地域支援センター（98CENTER）にはすでにケースがあります。合成データは、"
        "ケースのない組織にだけ作れます（別の --org を指定してください）。"
    )
    assert Case.objects.count() == 5
    assert StatusChange.objects.filter(case__organisation__code="98CENTER").values("case").distinct().count() == 5


def test_one_ibasho_with_a_session_every_other_week(db):
    synth("--cases", "50", "--contacts", "400", "--seed", "7")
    org = Organisation.objects.get(code="98CENTER")
    [ibasho] = Ibasho.objects.all()
    assert (ibasho.organisation, ibasho.kind, ibasho.municipality.code) == (org, IbashoKind.PHYSICAL, "982016")
    dates = list(IbashoEvent.objects.filter(ibasho=ibasho).values_list("date", flat=True))
    assert {d.weekday() for d in dates} == {dates[0].weekday()} and dates[0].weekday() < 5
    assert {b - a for a, b in zip(dates, dates[1:])} == {timedelta(weeks=2)}
    assert date(2016, 4, 1) <= dates[0] < date(2016, 4, 15) and date(2026, 3, 17) < dates[-1] <= date(2026, 3, 31)
    assert set(IbashoEvent.objects.values_list("organisation", flat=True)) == {org.pk}


def test_attendance_of_cases_nicknames_and_anonymous(db):
    synth("--cases", "1000", "--contacts", "7000", "--seed", "7")
    attendances = Attendance.objects.select_related("event", "case")
    for attendance in attendances:
        assert (attendance.organisation_id, attendance.date) == (
            attendance.event.organisation_id,
            attendance.event.date,
        )
        if attendance.case:
            assert attendance.case.organisation_id == attendance.organisation_id
            assert attendance.date > attendance.case.opened_on
            if attendance.target == ReferralTarget.PERSON:  # the person comes once the centre reached them
                assert attendance.case.reached_on is not None and attendance.date > attendance.case.reached_on
    by_target = dict(
        Attendance.objects.filter(case__isnull=False).values_list("target").annotate(n=Count("case", distinct=True))
    )
    # About 8% of the cases come themselves and 2% send a family member, when a session follows.
    assert 60 <= by_target[ReferralTarget.PERSON] <= 100 and 10 <= by_target[ReferralTarget.FAMILY] <= 30
    assert attendances.filter(anonymous=True).exists() and attendances.exclude(nickname="").exists()
    per_case = Attendance.objects.filter(case__isnull=False).values("case", "target").annotate(n=Count("id"))
    assert {row["n"] for row in per_case} <= set(range(1, 7))


def test_each_case_and_target_has_one_first_attendance_the_earliest(db):
    synth("--cases", "1000", "--contacts", "7000", "--seed", "7")
    seen = Counter()
    for case_id, target in set(Attendance.objects.filter(case__isnull=False).values_list("case", "target")):
        rows = list(Attendance.objects.filter(case=case_id, target=target).order_by("date", "id"))
        assert [row.is_first for row in rows] == [True] + [False] * (len(rows) - 1), (case_id, target)
        seen[target] += 1
    assert Attendance.objects.filter(is_first=True).count() == sum(seen.values())
    assert not Attendance.objects.filter(case__isnull=True, is_first=True).exists()


def test_the_rollups_kept_up_with_the_bulk_inserts(db):
    synth("--cases", "1000", "--contacts", "7000", "--seed", "7")
    assert rollups.differences() == {}
    org = Organisation.objects.get(code="98CENTER")
    for period in (Period(date(2021, 4, 1), date(2022, 3, 31)), Period(date(2019, 5, 10), date(2023, 1, 20))):
        report = build_report(org, period)
        assert report == counted_report(org, period)
    assert (
        report["connected"]["本人"]
        > Referral.objects.filter(
            date__range=(period.start, period.end), status="decided", target=ReferralTarget.PERSON
        )
        .values("case")
        .distinct()
        .count()
    )


@pytest.mark.parametrize("cases,contacts", [(1, 1), (7, 100), (1000, 10_000), (10, 0)])
def test_contact_counts_add_up(cases, contacts):
    counts = contact_counts(random.Random(3), cases, contacts)
    assert (len(counts), sum(counts)) == (cases, contacts)
    if contacts >= cases:
        assert min(counts) >= 1

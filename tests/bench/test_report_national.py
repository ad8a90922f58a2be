"""bench/report_national.py on a small synthetic nation: DuckDB's reference SQL and build_report agree on
every number of every section, including rows the synthetic nation lacks (a plan named in half-width
katakana, planned and cancelled records, a public window), and a wrong reference number fails the run."""

import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tsunagu.cases.models import Case
from tsunagu.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus, Plan
from tsunagu.orgs.models import Organisation, OrgKind
from tsunagu.outreach.models import Event, EventKind, EventStatus
from tsunagu.public.models import Window
from tsunagu.work.models import AllowanceRate, Host, Outcome, Payee, Placement, Program, RateUnit, WorkedDay

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import report_national  # noqa: E402  (bench/ is not a package)

ARGS = ["--rows-as-they-are", "--prefecture", "1", "--runs", "1"]


@pytest.fixture
def nation(db):
    call_command("synth", "--scale", "small", "--seed", "2", stdout=StringIO(), stderr=StringIO())
    centre = Organisation.objects.filter(kind=OrgKind.CENTER).order_by("code").first()
    town = Organisation.objects.filter(kind=OrgKind.MUNICIPALITY, path__startswith=centre.path[:-1]).first()
    # A council in 第１ブロック with a typed body, planned against in half-width katakana: fold() matches both.
    council = Meeting.objects.create(
        organisation=centre, date=date(2024, 6, 3), kind=MeetingKind.COUNCIL, name="連絡協議会", region="第１ブロック"
    )
    Attendance.objects.create(meeting=council, body_name="ｻﾎﾟｰﾄｽﾃｰｼｮﾝ", people=4)
    Plan.objects.create(
        organisation=centre, fiscal_year=2024, kind=MeetingKind.COUNCIL, counterpart_name="第1ﾌﾞﾛｯｸ", planned=2
    )
    Plan.objects.create(
        organisation=centre,
        fiscal_year=2024,
        kind=MeetingKind.COUNCIL,
        counterpart_name="サポートステーション",
        planned=1,
    )
    Meeting.objects.create(
        organisation=centre,
        date=date(2024, 12, 1),
        kind=MeetingKind.STAFF,
        name="担当者会議",
        status=MeetingStatus.PLANNED,
    )
    for number, status in (("X1", EventStatus.PLANNED), ("X2", EventStatus.CANCELLED)):
        Event.objects.create(
            organisation=centre, number=number, date=date(2024, 7, 1), kind=EventKind.SEMINAR, name="セミナー",
            status=status, participants=30,
        )  # fmt: skip
    if town is not None:
        Window.objects.create(organisation=town, name="ひきこもり相談窓口")
    # A placement paid by the hour under a cap, at a rate that changes in the middle of the year; a person
    # born on 29 February (a birthday on 1 March in a common year).
    case = Case.objects.filter(organisation=centre).order_by("id").first()
    Case.objects.filter(pk=case.pk).update(birth_date=date(1984, 2, 29))
    placement = Placement.objects.create(
        organisation=centre, number="P-BENCH", case=case, host=Host.objects.create(organisation=centre, name="農園"),
        program=Program.WORK_TRAINING, start=date(2024, 4, 10), end=date(2024, 9, 30), outcome=Outcome.EMPLOYED,
    )  # fmt: skip
    for since, value in ((date(2024, 4, 1), 1001), (date(2024, 8, 1), 1200)):
        AllowanceRate.objects.create(
            organisation=centre, program=Program.WORK_TRAINING, payee=Payee.PARTICIPANT, unit=RateUnit.HOUR,
            value=value, cap_per_day=5000, applies_from=since,
        )  # fmt: skip
    for on, hours in ((date(2024, 4, 10), "4.75"), (date(2024, 5, 20), "6"), (date(2024, 8, 1), "3.5")):
        WorkedDay.objects.create(placement=placement, organisation=centre, date=on, hours=hours)
    return centre


def test_every_number_of_every_section_matches(nation, capsys):
    assert report_national.main(ARGS) == 0
    out = capsys.readouterr().out
    assert "すべての数値が参照SQLと一致" in out
    assert out.count("うち相談") == 6  # the consultation part timed apart, for each of the six reports
    assert out.count("就労体験 1件") == 3  # the placement above, in each of the nation's periods


def test_a_wrong_reference_number_fails_the_run(nation, capsys, monkeypatch):
    # `planned` counting the held ones instead: the seminar still planned (1) against every held seminar.
    wrong = report_national.SQL["events_by_kind"].replace("status = 'planned'", "status = 'held'")
    monkeypatch.setitem(report_national.SQL, "events_by_kind", wrong)
    assert report_national.main(ARGS) == 1
    out = capsys.readouterr().out
    assert "CORRECTNESS FAILURE" in out
    assert "    events.by_kind.セミナー.planned: 1 != " in out

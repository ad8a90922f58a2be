"""The network work of a synthetic organisation, for the national benchmark (`tsunagu synth --scale`): over
the same fiscal years as its cases, meetings with their attending bodies and plans, 研修・啓発, 広報 materials,
ひきこもりサポーター with their activities, work-experience hosts with placements and worked days (and the
rates they are paid at), and employment support registrations of some of its cases. So the report's
further sections (meetings, events, materials, supporters, work_experience, employment) have rows to count
at national scale, as the real network would.

Each record is checked by its domain module's clean function (the same rules as the actions, the ledger
and the demo) and saved in bulk, as CaseWriter saves the cases; synthetic rows carry no audit entries
(the run writes one, synth.national). The organisation's own random stream, so the cases, contacts and
居場所 of a seed stay what they were before there were activities.
"""

import random
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from tsunagu.cases.models import Case
from tsunagu.employment import domain as employment_domain
from tsunagu.employment.models import Outcome as EmploymentOutcome
from tsunagu.employment.models import Registration, Step
from tsunagu.meetings import domain as meeting_domain
from tsunagu.meetings.models import Attendance, Meeting, MeetingFormat, MeetingKind, MeetingStatus, Plan
from tsunagu.orgs.models import Organisation
from tsunagu.outreach import domain as outreach_domain
from tsunagu.outreach.models import (
    ActivityKind,
    Event,
    EventKind,
    EventStatus,
    Material,
    MaterialKind,
    Supporter,
    SupporterActivity,
    SupporterStatus,
    SupporterStatusChange,
)
from tsunagu.work import domain as work_domain
from tsunagu.work.models import AllowanceRate, Host, HostKind, Outcome, Payee, Placement, Program, RateUnit, WorkedDay

# Per organisation and fiscal year (a busy centre holds more; a municipality's window fewer).
MEETINGS_A_YEAR = (10, 30)
EVENTS_A_YEAR = (3, 10)
MATERIALS_A_YEAR = (1, 4)
SUPPORTERS = (5, 30)  # trained over the years
ACTIVITIES_PER_SUPPORTER_A_YEAR = (0, 8)
HOSTS = 3
PLACEMENT_SHARE = 0.02  # of the cases
REGISTRATION_SHARE = 0.03
BODIES = ["市福祉課", "保健所", "社会福祉協議会", "精神保健福祉センター", "地域包括支援センター", "児童相談所", "サポステ",
          "教育委員会", "ハローワーク", "家族会", "民生委員児童委員協議会", "医療機関"]  # fmt: skip
# What the DOMAIN.md examples pay: 就労体験 500円/日 to the person and 4,500円/日 to the host; 就労訓練 625円/時間
# (at most 5,000円 a day) and 5,000円/日.
RATES = [
    (Program.WORK_EXPERIENCE, Payee.PARTICIPANT, RateUnit.DAY, 500, None),
    (Program.WORK_EXPERIENCE, Payee.HOST, RateUnit.DAY, 4500, None),
    (Program.WORK_TRAINING, Payee.PARTICIPANT, RateUnit.HOUR, 625, 5000),
    (Program.WORK_TRAINING, Payee.HOST, RateUnit.DAY, 5000, None),
]


@dataclass
class Activities:
    meetings: int = 0
    meeting_attendances: int = 0
    events: int = 0
    materials: int = 0
    supporter_activities: int = 0
    worked_days: int = 0
    registrations: int = 0

    def __add__(self, other: "Activities") -> "Activities":
        return Activities(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def _weighted(rng: random.Random, choices: list[tuple]) -> object:
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


MEETING_KINDS = [
    (MeetingKind.CASE_CONFERENCE, 5),
    (MeetingKind.CASE_STUDY, 1),
    (MeetingKind.COUNCIL, 1),
    (MeetingKind.AGENCY_SUPPORT, 3),
    (MeetingKind.STAFF, 2),
    (MeetingKind.OTHER, 1),
]


class ActivityWriter:
    """The activities of one organisation over fiscal years first_fy…last_fy, none dated after `last_day`."""

    def __init__(
        self,
        organisation: Organisation,
        municipalities: tuple[Organisation, ...],
        rng: random.Random,
        *,
        first_fy: int,
        last_fy: int,
        last_day: date,
    ):
        self.org, self.towns, self.rng = organisation, municipalities, rng
        self.years = range(first_fy, last_fy + 1)
        self.last_day = last_day
        self.done = Activities()

    def _day(self, fy: int) -> date:
        start = date(fy, 4, 1)
        return min(start + timedelta(days=self.rng.randrange(365)), self.last_day)

    @transaction.atomic
    def write(self) -> Activities:
        self._meetings()
        self._outreach()
        self._work()
        self._employment()
        return self.done

    def _meetings(self) -> None:
        rng, org = self.rng, self.org
        meetings, bodies, plans = [], [], []
        for fy in self.years:
            for _ in range(rng.randint(*MEETINGS_A_YEAR)):
                kind = _weighted(rng, MEETING_KINDS)
                cancelled = rng.random() < 0.05
                values = meeting_domain.clean_meeting(
                    {
                        "date": self._day(fy),
                        "kind": kind,
                        "name": MeetingKind(kind).label,
                        "status": MeetingStatus.CANCELLED if cancelled else MeetingStatus.HELD,
                        "cancel_reason": "日程の都合" if cancelled else "",
                        "format": _weighted(
                            rng, [(MeetingFormat.IN_PERSON, 6), (MeetingFormat.WEB, 1), (MeetingFormat.HYBRID, 1)]
                        ),  # fmt: skip
                        "region": f"第{rng.randint(1, 4)}ブロック" if kind == MeetingKind.COUNCIL else "",
                        "municipality": rng.choice(self.towns)
                        if self.towns and kind in (MeetingKind.CASE_CONFERENCE, MeetingKind.AGENCY_SUPPORT)
                        else None,
                        "supervision": kind == MeetingKind.CASE_CONFERENCE and rng.random() < 0.5,
                        "content": "",
                    }
                )
                meetings.append(Meeting(organisation=org, **values))
                count = 0 if cancelled else rng.randint(3, 12 if kind == MeetingKind.COUNCIL else 6)
                bodies.append(
                    [
                        meeting_domain.clean_attendance(body=None, body_name=name, people=rng.randint(1, 3))
                        for name in rng.sample(BODIES, count)
                    ]
                )
            for town in self.towns[:3]:
                values = meeting_domain.clean_plan(
                    fiscal_year=fy,
                    kind=MeetingKind.AGENCY_SUPPORT,
                    counterpart=town,
                    counterpart_name="",
                    planned=rng.randint(1, 6),
                )
                plans.append(Plan(organisation=org, **values))
        Meeting.objects.bulk_create(meetings, batch_size=2000)
        for meeting in meetings:
            meeting.number = meeting_domain.page_number(meeting.pk)
        Meeting.objects.bulk_update(meetings, ["number"], batch_size=2000)
        rows = [
            Attendance(meeting=meeting, body_name=name, people=people)
            for meeting, attending in zip(meetings, bodies)
            for name, people in attending
        ]
        Attendance.objects.bulk_create(rows, batch_size=5000)
        Plan.objects.bulk_create(plans)
        self.done.meetings += len(meetings)
        self.done.meeting_attendances += len(rows)

    def _outreach(self) -> None:
        rng, org = self.rng, self.org
        events, materials = [], []
        for fy in self.years:
            for _ in range(rng.randint(*EVENTS_A_YEAR)):
                kind = rng.choice(EventKind.values)
                values = outreach_domain.clean_event(
                    {
                        "date": self._day(fy),
                        "kind": kind,
                        "name": EventKind(kind).label,
                        "number": f"E{len(events) + 1:04d}",
                        "status": EventStatus.HELD,
                        "participants": 0 if kind == EventKind.LECTURER else rng.randint(8, 120),
                    }
                )
                events.append(Event(organisation=org, **values))
            for _ in range(rng.randint(*MATERIALS_A_YEAR)):
                kind = rng.choice(MaterialKind.values)
                made = rng.choice([0, 100, 500, 1000, 3000])
                values = outreach_domain.clean_material(
                    {
                        "date": self._day(fy),
                        "kind": kind,
                        "name": MaterialKind(kind).label,
                        "number": f"M{len(materials) + 1:04d}",
                        "made": made,
                        "distributed": rng.randint(0, made),
                    }
                )
                materials.append(Material(organisation=org, **values))
        Event.objects.bulk_create(events, batch_size=2000)
        Material.objects.bulk_create(materials, batch_size=2000)
        self.done.events += len(events)
        self.done.materials += len(materials)

        supporters, trained = [], []
        for n in range(rng.randint(*SUPPORTERS)):
            on = self._day(rng.choice(self.years))
            values = outreach_domain.clean_supporter(
                {"number": f"S{n + 1:04d}", "name": f"サポーター{n + 1}", "trained_on": on}
            )
            supporters.append(Supporter(organisation=org, **values))
            trained.append(on)
        Supporter.objects.bulk_create(supporters)
        changes, activities = [], []
        for supporter, on in zip(supporters, trained):
            changes.append(
                SupporterStatusChange(
                    supporter=supporter, organisation=org, applies_from=on, value=SupporterStatus.REGISTERED
                )
            )
            left = on + timedelta(days=rng.randrange(365, 3650)) if rng.random() < 0.3 else None
            if left is not None and left <= self.last_day:
                changes.append(
                    SupporterStatusChange(
                        supporter=supporter, organisation=org, applies_from=left, value=SupporterStatus.LEFT
                    )
                )
            for fy in self.years:
                for _ in range(rng.randint(*ACTIVITIES_PER_SUPPORTER_A_YEAR)):
                    day = self._day(fy)
                    if day < on or (left is not None and day >= left):
                        continue
                    activity = {"supporter": supporter, "date": day, "kind": rng.choice(ActivityKind.values),
                                "minutes": rng.choice([60, 90, 120, 180])}  # fmt: skip
                    outreach_domain.raise_if(outreach_domain.activity_errors(activity, organisation=org))
                    activities.append(SupporterActivity(organisation=org, **activity))
        SupporterStatusChange.objects.bulk_create(changes)
        SupporterActivity.objects.bulk_create(activities, batch_size=5000)
        self.done.supporter_activities += len(activities)

    def _cases(self, share: float) -> list[Case]:
        ids = list(Case.objects.filter(organisation=self.org).order_by("id").values_list("id", flat=True))
        chosen = sorted(self.rng.sample(ids, round(len(ids) * share)))
        return list(Case.objects.filter(id__in=chosen).order_by("id").only("id", "organisation_id", "opened_on",
                                                                          "birth_date"))  # fmt: skip

    def _work(self) -> None:
        rng, org = self.rng, self.org
        first = date(self.years[0], 4, 1)
        AllowanceRate.objects.bulk_create(
            AllowanceRate(
                organisation=org,
                applies_from=first,
                program=program,
                payee=payee,
                unit=unit,
                value=value,
                cap_per_day=cap,
            )  # fmt: skip
            for program, payee, unit, value, cap in RATES
        )
        hosts = Host.objects.bulk_create(
            Host(organisation=org, name=f"受入先{n + 1}", kind=rng.choice(HostKind.values)) for n in range(HOSTS)
        )
        placements, days = [], []
        for case in self._cases(PLACEMENT_SHARE):
            start = case.opened_on + timedelta(days=rng.randrange(30, 400))
            if start >= self.last_day - timedelta(days=30):
                continue
            program = _weighted(rng, [(Program.WORK_EXPERIENCE, 5), (Program.WORK_TRAINING, 3),
                                      (Program.WORKPLACE_EXPERIENCE, 1), (Program.SOCIAL_EXPERIENCE, 1)])  # fmt: skip
            end = start + timedelta(days=rng.randrange(7, 90))
            ended = end <= self.last_day
            values = work_domain.validate_placement(
                {
                    "case": case,
                    "host": rng.choice(hosts),
                    "program": program,
                    "start": start,
                    "end": end if ended else None,
                    "outcome": rng.choice(Outcome.values) if ended else "",
                },
                organisation_id=org.pk,
            )
            placement = Placement(organisation=org, number=f"W{len(placements) + 1:04d}", **values)
            placements.append(placement)
            worked = sorted(rng.sample(range((min(end, self.last_day) - start).days + 1), k=1))
            worked = sorted(set(worked + [rng.randrange((min(end, self.last_day) - start).days + 1)
                                          for _ in range(rng.randint(3, 30))]))  # fmt: skip
            days.append([(start + timedelta(days=d), Decimal(rng.choice([3, 4, 5, 6, 8]))) for d in worked])
        Placement.objects.bulk_create(placements)
        rows = []
        for placement, worked in zip(placements, days):
            for on, hours in worked:
                if problem := work_domain.day_error(placement, on, hours):
                    raise ValueError(problem)
                rows.append(WorkedDay(placement=placement, organisation=org, date=on, hours=hours))
        WorkedDay.objects.bulk_create(rows, batch_size=5000)
        self.done.worked_days += len(rows)

    def _employment(self) -> None:
        rng = self.rng
        registrations = []
        for case in self._cases(REGISTRATION_SHARE):
            registered = case.opened_on + timedelta(days=rng.randrange(0, 200))
            if registered > self.last_day:
                continue
            step = rng.choice([Step.INTAKE, Step.PREPARE, Step.SEEK])
            values = {"registered_on": registered, "step": step, "step1_on": case.opened_on}
            on = registered
            for number in (3, 4):
                if step >= number:
                    on += timedelta(days=rng.randrange(10, 120))
                    values[f"step{number}_on"] = on
            if rng.random() < 0.45:
                decided = on + timedelta(days=rng.randrange(10, 200))
                if decided <= self.last_day:
                    values["decided_on"] = decided
                    values["outcome"] = _weighted(rng, [(EmploymentOutcome.REGULAR, 2), (EmploymentOutcome.NON_REGULAR, 5),
                                                        (EmploymentOutcome.SCHOOL, 1), (EmploymentOutcome.TRAINING, 1),
                                                        (EmploymentOutcome.OTHER, 1)])  # fmt: skip
                    if decided + timedelta(days=180) <= self.last_day:
                        values["ended_on"] = decided + timedelta(days=180)
            values = employment_domain.normalised(values)
            errors = employment_domain.registration_errors(values, birth_date=case.birth_date, today=self.last_day)
            if errors:
                continue  # a draw the rules refuse (a date before the birth date, say) is left out
            registrations.append(employment_domain.build_registration(case=case, values=values))
        Registration.objects.bulk_create(registrations, batch_size=2000)
        self.done.registrations += len(registrations)

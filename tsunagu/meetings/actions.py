"""State changes of meetings, their attendance, decisions, linked cases and plans: each in one
transaction with its audit entry; the rules are domain.py's."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_action, snapshot
from tsunagu.cases.models import Case
from tsunagu.core import wareki
from tsunagu.core.versions import claim
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.models import Membership, Organisation
from tsunagu.orgs.periods import ensure_open, ensure_span_open
from tsunagu.orgs.rules import Actor

from . import domain
from .access import CASES_READ_PERM, WRITE_PERM, may_link
from .models import Attendance, Decision, Meeting, MeetingCase, MeetingKind, Plan

MEETING_FIELDS = domain.MEETING_FIELDS
DECISION_FIELDS = ["text", "owner", "due_on", "done_on"]
PLAN_FIELDS = ["fiscal_year", "kind", "counterpart", "counterpart_name", "planned"]


def _require(actor: Actor, organisation: Organisation) -> None:
    require(actor, WRITE_PERM, organisation, message=_("他の組織の会議は編集できません。"))


@state_change
def create_meeting(*, actor: Actor, organisation: Organisation, **values) -> Meeting:
    """Lock: the meeting's 開催日 (date)."""
    _require(actor, organisation)
    values = domain.clean_meeting(values)
    ensure_open(organisation, values["date"], field="date", actor=actor)
    meeting = Meeting.objects.create(organisation=organisation, **values)
    meeting.number = domain.page_number(meeting.pk)
    meeting.save(update_fields=["number"])
    log_action(
        actor,
        "meeting.create",
        obj=meeting,
        organisation=organisation,
        label=str(meeting),
        changes=diff({}, snapshot(meeting, MEETING_FIELDS)),
    )
    return meeting


@state_change
def update_meeting(*, actor: Actor, meeting: Meeting, version: int | None = None, **values) -> Meeting:
    """Edit a meeting opened at `version` (a stale one is refused with the saved values). Lock: the meeting's date,
    old and new."""
    _require(actor, meeting.organisation)
    before = snapshot(meeting, MEETING_FIELDS)
    values = domain.clean_meeting({name: values.get(name, getattr(meeting, name)) for name in MEETING_FIELDS})
    ensure_open(meeting.organisation, meeting.date, field="date", actor=actor)
    if values["date"] != meeting.date:
        ensure_open(meeting.organisation, values["date"], field="date", actor=actor)
    if values["kind"] != MeetingKind.CASE_CONFERENCE and meeting.linked_cases.exists():
        raise ValidationError({"kind": _("検討したケースがある会議は、ケースを外してから種別を変えてください。")})
    claim(meeting, version, fields=MEETING_FIELDS)
    for name in MEETING_FIELDS:
        setattr(meeting, name, values[name])
    meeting.save()
    log_action(
        actor,
        "meeting.update",
        obj=meeting,
        label=str(meeting),
        changes=diff(before, snapshot(meeting, MEETING_FIELDS)),
    )
    return meeting


# --- attendance ----------------------------------------------------------------------------------------


@state_change
def record_attendance(
    *, actor: Actor, meeting: Meeting, body: Organisation | None = None, body_name: str = "", people=None
) -> Attendance:
    """One attending body with its head count: an organisation of the tree, or a typed outside body. Lock: the
    meeting's date (attending bodies and head counts are counted with it)."""
    _require(actor, meeting.organisation)
    ensure_open(meeting.organisation, meeting.date, actor=actor)
    name, people = domain.clean_attendance(body=body, body_name=body_name, people=people)
    rows = meeting.attendances.all()
    if rows.filter(body=body).exists() if body is not None else rows.filter(body__isnull=True, body_name=name).exists():
        raise ValidationError({"body_name": _("「%(name)s」はこの会議にすでに記録されています。") % {"name": name}})
    row = Attendance.objects.create(meeting=meeting, body=body, body_name=name, people=people)
    log_action(
        actor,
        "meeting.attendance_add",
        obj=meeting,
        organisation=meeting.organisation,
        label=str(meeting),
        changes=diff({}, {"body": name, "people": people}),
    )
    return row


@state_change
def update_attendance(*, actor: Actor, attendance: Attendance, people) -> Attendance:
    """Lock: the meeting's date."""
    meeting = attendance.meeting
    _require(actor, meeting.organisation)
    ensure_open(meeting.organisation, meeting.date, actor=actor)
    _name, people = domain.clean_attendance(body=attendance.body, body_name=attendance.body_name, people=people)
    before = {"body": attendance.body_name, "people": attendance.people}
    attendance.people = people
    attendance.save(update_fields=["people"])
    log_action(
        actor,
        "meeting.attendance_update",
        obj=meeting,
        label=str(meeting),
        changes=diff(before, {"body": attendance.body_name, "people": people}),
    )
    return attendance


@state_change
def remove_attendance(*, actor: Actor, attendance: Attendance) -> None:
    """Lock: the meeting's date."""
    meeting = attendance.meeting
    _require(actor, meeting.organisation)
    ensure_open(meeting.organisation, meeting.date, actor=actor)
    log_action(
        actor,
        "meeting.attendance_remove",
        obj=meeting,
        label=str(meeting),
        changes=diff({"body": attendance.body_name, "people": attendance.people}, {}),
    )
    attendance.delete()


# --- decisions -----------------------------------------------------------------------------------------


def _check_owner(owner, organisation: Organisation) -> None:
    if (
        owner is not None
        and not Membership.objects.filter(organisation=organisation, user=owner, is_active=True).exists()
    ):
        raise ValidationError({"owner": _("「担当者」はこの組織の職員を選んでください。")})


@state_change
def add_decision(*, actor: Actor, meeting: Meeting, **values) -> Decision:
    _require(actor, meeting.organisation)
    values = domain.clean_decision({name: values.get(name) for name in DECISION_FIELDS})
    _check_owner(values["owner"], meeting.organisation)
    decision = Decision.objects.create(meeting=meeting, organisation=meeting.organisation, **values)
    log_action(
        actor,
        "meeting.decision_add",
        obj=decision,
        organisation=meeting.organisation,
        label=str(meeting),
        changes=diff({}, snapshot(decision, DECISION_FIELDS)),
    )
    return decision


@state_change
def update_decision(*, actor: Actor, decision: Decision, version: int | None = None, **values) -> Decision:
    _require(actor, decision.organisation)
    before = snapshot(decision, DECISION_FIELDS)
    values = domain.clean_decision({name: values.get(name, getattr(decision, name)) for name in DECISION_FIELDS})
    _check_owner(values["owner"], decision.organisation)
    claim(decision, version, fields=DECISION_FIELDS)
    for name in DECISION_FIELDS:
        setattr(decision, name, values[name])
    decision.save()
    log_action(
        actor,
        "meeting.decision_update",
        obj=decision,
        label=str(decision.meeting),
        changes=diff(before, snapshot(decision, DECISION_FIELDS)),
    )
    return decision


# --- cases a case conference discussed -----------------------------------------------------------------


@state_change
def link_case(*, actor: Actor, meeting: Meeting, case: Case) -> MeetingCase:
    """Link a case the conference discussed: only the organisation's own or a consented case."""
    _require(actor, meeting.organisation)
    require(actor, CASES_READ_PERM)
    if meeting.kind != MeetingKind.CASE_CONFERENCE:
        raise ValidationError({"case": _("ケースを結び付けられるのは個別ケース検討会だけです。")})
    if not may_link(case, meeting.organisation):
        raise ValidationError({"case": _("このケースは他の組織のケースで、この組織との共有に同意がありません。")})
    if meeting.linked_cases.filter(case=case).exists():
        raise ValidationError({"case": _("ケース%(number)sはすでに結び付いています。") % {"number": case.number}})
    link = MeetingCase.objects.create(meeting=meeting, case=case)
    log_action(actor, "meeting.case_link", obj=meeting, label=str(meeting), changes=diff({}, {"case": case.pk}))
    return link


@state_change
def unlink_case(*, actor: Actor, link: MeetingCase) -> None:
    _require(actor, link.meeting.organisation)
    log_action(
        actor,
        "meeting.case_unlink",
        obj=link.meeting,
        label=str(link.meeting),
        changes=diff({"case": link.case_id}, {}),
    )
    link.delete()


# --- plans ---------------------------------------------------------------------------------------------


def _plan_taken(organisation, values, exclude=None) -> None:
    rows = Plan.objects.filter(
        organisation=organisation,
        fiscal_year=values["fiscal_year"],
        kind=values["kind"],
        counterpart_name=values["counterpart_name"],
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    if rows.exists():
        raise ValidationError(
            {"counterpart_name": _("この年度・種別・相手先の計画はすでにあります。その計画を編集してください。")}
        )


def _ensure_plan_open(organisation: Organisation, fiscal_year: int, *, actor: Actor) -> None:
    """A plan counts in every period its fiscal year touches (held against planned): a locked month of
    that year (1 April to 31 March) refuses it."""
    ensure_span_open(organisation, *wareki.fiscal_year_range(fiscal_year), field="fiscal_year", actor=actor)


@state_change
def create_plan(*, actor: Actor, organisation: Organisation, **values) -> Plan:
    """A meeting plan for a fiscal year; refused when a month of the year is locked."""
    _require(actor, organisation)
    values = domain.clean_plan(**{name: values.get(name) for name in PLAN_FIELDS})
    _plan_taken(organisation, values)
    _ensure_plan_open(organisation, values["fiscal_year"], actor=actor)
    plan = Plan.objects.create(organisation=organisation, **values)
    log_action(
        actor,
        "meeting.plan_create",
        obj=plan,
        organisation=organisation,
        label=str(plan),
        changes=diff({}, snapshot(plan, PLAN_FIELDS)),
    )
    return plan


@state_change
def update_plan(*, actor: Actor, plan: Plan, version: int | None = None, **values) -> Plan:
    """Edit a plan; refused when a month of its fiscal year, or of the year it moves to, is locked."""
    _require(actor, plan.organisation)
    before = snapshot(plan, PLAN_FIELDS)
    values = domain.clean_plan(**{name: values.get(name, getattr(plan, name)) for name in PLAN_FIELDS})
    _plan_taken(plan.organisation, values, exclude=plan)
    if any(values[name] != getattr(plan, name) for name in PLAN_FIELDS):
        _ensure_plan_open(plan.organisation, plan.fiscal_year, actor=actor)
        if values["fiscal_year"] != plan.fiscal_year:
            _ensure_plan_open(plan.organisation, values["fiscal_year"], actor=actor)
    claim(plan, version, fields=PLAN_FIELDS)
    for name in PLAN_FIELDS:
        setattr(plan, name, values[name])
    plan.save()
    log_action(
        actor, "meeting.plan_update", obj=plan, label=str(plan), changes=diff(before, snapshot(plan, PLAN_FIELDS))
    )
    return plan


def record_handout(*, actor: Actor, meeting: Meeting, cases: list[Case], masked: int, unmasked: int, added: int):
    """The handout printed: who, for which cases, what the person confirmed (spans masked, unmasked,
    phrases added). Nothing else changes; the entry is the record."""
    require(actor, CASES_READ_PERM, meeting.organisation)
    log_action(
        actor,
        "meeting.handout",
        obj=meeting,
        organisation=meeting.organisation,
        label=str(meeting),
        changes={
            "cases": [c.number for c in cases],
            "masked": masked,
            "unmasked": unmasked,
            "added": added,
        },
    )

"""Access to meetings: each belongs to the organisation that held it; only its staff read or write it.
The cases a case conference discussed are personal records: they show only to those who read the
organisation's cases (VIEW_CASES), and a case links only when the organisation owns it or one of the
case's consents covers the organisation."""

import unicodedata

from django.db.models import Q, QuerySet

from tsunagu.audit.log import log_action
from tsunagu.cases.access import visible_cases
from tsunagu.cases.models import Case
from tsunagu.orgs.access import deny, require
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor, Perm

from .models import Attendance, Decision, Meeting, MeetingCase, Plan

READ_PERM = Perm.VIEW_ORG
# Meetings are recorded by the people who do the network work (相談員, 管理者).
WRITE_PERM = Perm.EDIT_CASES
CASES_READ_PERM = Perm.VIEW_CASES


def own_meetings(actor: Actor) -> QuerySet[Meeting]:
    org = actor.organisation
    return Meeting.objects.filter(organisation=org) if org is not None else Meeting.objects.none()


def get_meeting(actor: Actor, pk, *, write: bool = False) -> Meeting:
    require(actor, WRITE_PERM if write else READ_PERM)
    meeting = own_meetings(actor).select_related("municipality", "organisation").filter(pk=pk).first()
    if meeting is None:
        raise deny(actor, "meeting", pk)
    return meeting


def get_attendance(actor: Actor, pk) -> Attendance:
    require(actor, WRITE_PERM)
    org = actor.organisation
    row = Attendance.objects.filter(meeting__organisation=org, pk=pk).select_related("meeting").first()
    if row is None or org is None:
        raise deny(actor, "meeting_attendance", pk)
    return row


def get_decision(actor: Actor, pk, *, write: bool = False) -> Decision:
    require(actor, WRITE_PERM if write else READ_PERM)
    org = actor.organisation
    decision = Decision.objects.filter(organisation=org, pk=pk).select_related("meeting", "owner").first()
    if decision is None or org is None:
        raise deny(actor, "meeting_decision", pk)
    return decision


def get_plan(actor: Actor, pk, *, write: bool = False) -> Plan:
    require(actor, WRITE_PERM if write else READ_PERM)
    org = actor.organisation
    plan = Plan.objects.filter(organisation=org, pk=pk).select_related("counterpart").first()
    if plan is None or org is None:
        raise deny(actor, "meeting_plan", pk)
    return plan


def get_meeting_case(actor: Actor, pk) -> MeetingCase:
    require(actor, WRITE_PERM)
    require(actor, CASES_READ_PERM)
    org = actor.organisation
    link = MeetingCase.objects.filter(meeting__organisation=org, pk=pk).select_related("meeting", "case").first()
    if link is None or org is None:
        raise deny(actor, "meeting_case", pk)
    return link


def consented_cases(org: Organisation) -> QuerySet[Case]:
    """Other organisations' cases with an active consent that covers `org` (by name or by its category)."""
    covers = Q(consents__share_with=org)
    if org.category_id is not None:
        covers |= Q(consents__share_with_categories=org.category_id)
    return Case.objects.filter(covers, consents__withdrawn_on__isnull=True).exclude(organisation=org).distinct()


def may_link(case: Case, organisation: Organisation) -> bool:
    """The rule of a case conference: the organisation's own case, or a consent covers the organisation."""
    return case.organisation_id == organisation.pk or consented_cases(organisation).filter(pk=case.pk).exists()


def case_by_number(actor: Actor, number: str) -> Case | None:
    """The case with this number that the actor may link: one of the organisation's own cases the actor
    sees, else a consented case of another organisation (only for those who read cases)."""
    number = unicodedata.normalize("NFKC", number or "").strip()
    if not number or actor.organisation is None:
        return None
    own = visible_cases(actor).filter(number=number).first()
    if own is not None or not actor.can(CASES_READ_PERM):
        return own
    return consented_cases(actor.organisation).filter(number=number).order_by("pk").first()


def linked_cases(actor: Actor, meeting: Meeting) -> list[MeetingCase] | None:
    """The cases the meeting discussed with their numbers, for those who read cases (the read is logged);
    None for everyone else, who see only how many."""
    if not actor.can(CASES_READ_PERM):
        return None
    links = list(meeting.linked_cases.select_related("case__organisation"))
    if links:
        log_action(actor, "meeting.cases_view", obj=meeting, label=str(meeting), changes={"cases": len(links)})
    return links


def handout_cases(actor: Actor, meeting: Meeting) -> list[Case]:
    """The cases of a case conference for its handout: only for those who read cases, and of the links
    only the cases the actor may still see (the organisation's own that the actor sees, or a consent that
    still covers the organisation). Reading them for a handout is logged."""
    require(actor, CASES_READ_PERM)
    org = actor.organisation
    ids = list(meeting.linked_cases.values_list("case_id", flat=True))
    own = set(visible_cases(actor).filter(pk__in=ids).values_list("pk", flat=True))
    shared = set(consented_cases(org).filter(pk__in=ids).values_list("pk", flat=True)) if org is not None else set()
    allowed = [pk for pk in ids if pk in own or pk in shared]
    cases = list(
        Case.objects.filter(pk__in=allowed)
        .select_related("municipality")
        .prefetch_related("household", "contacts")
        .order_by("number", "pk")
    )
    if cases:
        log_action(
            actor,
            "meeting.handout_view",
            obj=meeting,
            label=str(meeting),
            changes={"cases": [c.number for c in cases]},
        )
    return cases

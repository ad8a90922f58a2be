"""Builders for meeting tests, through the actions (the one write path)."""

from tsunagu.meetings import actions
from tsunagu.meetings.models import MeetingFormat, MeetingStatus


def make_meeting(actor, organisation=None, **values):
    values.setdefault("status", MeetingStatus.HELD)
    values.setdefault("format", MeetingFormat.IN_PERSON)
    values.setdefault("name", "会議")
    values.setdefault("region", "")
    values.setdefault("cancel_reason", "")
    values.setdefault("supervision", False)
    values.setdefault("content", "")
    values.setdefault("municipality", None)
    return actions.create_meeting(actor=actor, organisation=organisation or actor.organisation, **values)


def attend(actor, meeting, bodies: int, people: int, *, prefix="機関"):
    """`bodies` typed outside bodies whose head counts add up to `people` (as even as they can be)."""
    base, extra = divmod(people, bodies)
    for i in range(bodies):
        actions.record_attendance(
            actor=actor, meeting=meeting, body_name=f"{prefix}{i + 1}", people=base + (1 if i < extra else 0)
        )


def make_plan(actor, fiscal_year, kind, counterpart, planned, organisation=None):
    from tsunagu.orgs.models import Organisation

    org_counterpart = counterpart if isinstance(counterpart, Organisation) else None
    return actions.create_plan(
        actor=actor,
        organisation=organisation or actor.organisation,
        fiscal_year=fiscal_year,
        kind=kind,
        counterpart=org_counterpart,
        counterpart_name="" if org_counterpart else counterpart,
        planned=planned,
    )

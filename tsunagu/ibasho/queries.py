"""Reads for the 居場所 pages, each a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass

from tsunagu.audit.log import log_action
from tsunagu.orgs.rules import Actor

from .models import Attendance, IbashoEvent


@dataclass(frozen=True)
class EventAttendance:
    """Who came to one event, split the way the page shows it."""

    cases: list[Attendance]  # case attendees, by case number
    nicknamed: list[Attendance]  # by nickname
    anonymous: list[Attendance]

    @property
    def total(self) -> int:
        return len(self.cases) + len(self.nicknamed) + len(self.anonymous)


def attendance_to_remove(actor: Actor, attendance) -> None:
    """The removal page names the case (or nickname) of one attendance reached through get_attendance:
    reading it is part of the trail, as the event's list of who came is."""
    log_action(
        actor,
        "ibasho.attendance_remove_view",
        obj=attendance,
        organisation=attendance.organisation,
        label=str(attendance.event),
        changes={"cases": [None, [attendance.case.number] if attendance.case_id else []]},
    )


def event_attendance(actor: Actor, event: IbashoEvent) -> EventAttendance:
    """Who came to an event reached through get_event. It names cases: who saw which is part of the
    trail (ibasho.attendance_view with the case numbers), as for the case list."""
    rows = list(event.attendances.select_related("case").order_by("id"))
    attendance = EventAttendance(
        cases=sorted((a for a in rows if a.case_id), key=lambda a: (a.case.number, a.target)),
        nicknamed=[a for a in rows if a.nickname],
        anonymous=[a for a in rows if a.anonymous],
    )
    log_action(
        actor,
        "ibasho.attendance_view",
        obj=event,
        organisation=event.organisation,
        label=str(event),
        changes={"cases": [None, [a.case.number for a in attendance.cases]]},
    )
    return attendance

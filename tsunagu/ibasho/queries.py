"""Reads for the 居場所 pages, each a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass

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


def event_attendance(event: IbashoEvent) -> EventAttendance:
    rows = list(event.attendances.select_related("case").order_by("id"))
    return EventAttendance(
        cases=sorted((a for a in rows if a.case_id), key=lambda a: (a.case.number, a.target)),
        nicknamed=[a for a in rows if a.nickname],
        anonymous=[a for a in rows if a.anonymous],
    )

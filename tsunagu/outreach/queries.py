"""Reads behind the outreach pages, each a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from tsunagu.core import wareki
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor

from . import counting
from .access import own_activities, own_events, own_materials, visible_case_ids
from .models import Event, Material, SupporterActivity


def _year(rows: QuerySet, fy: int) -> QuerySet:
    return rows.filter(date__range=wareki.fiscal_year_range(fy))


def events_of_year(actor: Actor, fy: int) -> list[Event]:
    return list(_year(own_events(actor), fy).order_by("date", "id"))


def materials_of_year(actor: Actor, fy: int) -> list[Material]:
    return list(_year(own_materials(actor), fy).order_by("date", "id"))


@dataclass(frozen=True)
class ActivityRow:
    activity: SupporterActivity
    case_number: str | None  # None: no case; "" : a case this person may not see


def activities_of_year(actor: Actor, fy: int) -> list[ActivityRow]:
    """The year's activities; a linked case shows its number only to those the case access rules let
    see it (a ピアサポーター their assigned cases, a 統計担当 none)."""
    rows = list(_year(own_activities(actor), fy).select_related("supporter", "case").order_by("date", "id"))
    visible = visible_case_ids(actor, [row.case_id for row in rows])
    return [
        ActivityRow(row, None if row.case_id is None else (row.case.number if row.case_id in visible else ""))
        for row in rows
    ]


@dataclass(frozen=True)
class Progress:
    """This fiscal year's supporter activities so far against last year's (the national outcome target
    asks that they exceed the previous year's)."""

    fy: int
    until: date
    this_year: int
    same_period_last_year: int
    last_year: int

    @property
    def exceeded(self) -> bool:
        return self.this_year > self.last_year

    @property
    def to_go(self) -> int:
        """Activities still needed to exceed last year's whole count."""
        return max(0, self.last_year + 1 - self.this_year)


def activity_progress(org: Organisation, today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    fy = wareki.fiscal_year(today)
    start, end = wareki.fiscal_year_range(fy)
    last_start, last_end = wareki.fiscal_year_range(fy - 1)
    return Progress(
        fy=fy,
        until=today,
        this_year=counting.activity_count(org, start, today),
        same_period_last_year=counting.activity_count(org, last_start, counting.year_earlier(today)),
        last_year=counting.activity_count(org, last_start, last_end),
    )

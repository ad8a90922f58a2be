"""The figures of events, materials and supporters for an organisation subtree over a period, by
DOMAIN.md's counting rules ("Counting rules for these"). The report sections (stats/sections/events.py,
materials.py, supporters.py) and the KPI sources (figures.py) read these, so a rule lives here once.

Every breakdown lists every label, in DOMAIN.md's order, with 0 where nothing was counted. Keys are the
Japanese labels whatever the language (the report contract's keys)."""

from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import translation

from tsunagu.orgs.models import Organisation

from .models import (
    ActivityKind,
    Event,
    EventKind,
    EventStatus,
    Material,
    MaterialKind,
    SupporterActivity,
    SupporterStatus,
    SupporterStatusChange,
)


def _labels(choices) -> list[tuple[str, str]]:
    with translation.override("ja"):
        return [(value, str(label)) for value, label in choices]


def _in(org: Organisation, start: date, end: date) -> Q:
    return Q(organisation__path__startswith=org.path, date__range=(start, end))


def event_figures(org: Organisation, start: date, end: date) -> dict:
    """Per kind: `held` (開催 on a date in the period; 講師派遣 counts dispatches), `participants` summed
    over the held ones, `planned` (still 予定) and `cancelled` (中止) dated in it."""
    rows = (
        Event.objects.filter(_in(org, start, end))
        .order_by()
        .values("kind")
        .annotate(
            held=Count("id", filter=Q(status=EventStatus.HELD)),
            participants=Sum("participants", filter=Q(status=EventStatus.HELD), default=0),
            planned=Count("id", filter=Q(status=EventStatus.PLANNED)),
            cancelled=Count("id", filter=Q(status=EventStatus.CANCELLED)),
        )
    )
    found = {row["kind"]: row for row in rows}
    keys = ("held", "participants", "planned", "cancelled")
    by_kind = {
        label: {key: found.get(value, {}).get(key, 0) for key in keys} for value, label in _labels(EventKind.choices)
    }
    total = {key: sum(figures[key] for figures in by_kind.values()) for key in keys}
    return {"by_kind": by_kind, **total}


def material_figures(org: Organisation, start: date, end: date) -> dict:
    """Per kind: `made` and `distributed` summed over the rows dated in the period; for SNS投稿 `made`
    counts the posts (a row each)."""
    rows = (
        Material.objects.filter(_in(org, start, end))
        .order_by()
        .values("kind")
        .annotate(rows=Count("id"), made=Sum("made", default=0), distributed=Sum("distributed", default=0))
    )
    found = {row["kind"]: row for row in rows}
    by_kind = {}
    for value, label in _labels(MaterialKind.choices):
        row = found.get(value, {"rows": 0, "made": 0, "distributed": 0})
        made = row["rows"] if value == MaterialKind.SNS_POST else row["made"]
        by_kind[label] = {"made": made, "distributed": row["distributed"]}
    return {"by_kind": by_kind, "items": sum(row["rows"] for row in found.values())}


def year_earlier(day: date) -> date:
    """The same day one year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def registered_on(org: Organisation, on: date) -> int:
    """Supporters of the subtree whose status in force on `on` is 登録."""
    changes = SupporterStatusChange.objects.filter(organisation__path__startswith=org.path)
    return changes.in_force_on(on).filter(value=SupporterStatus.REGISTERED).count()


def activity_count(org: Organisation, start: date, end: date) -> int:
    return SupporterActivity.objects.filter(_in(org, start, end)).count()


def supporter_figures(org: Organisation, start: date, end: date) -> dict:
    """`registered` on the period's last day, `activities` in the period, `previous_activities` in the
    same period one year earlier (the national outcome target: activities must exceed it), with the
    activities per kind and their minutes."""
    rows = (
        SupporterActivity.objects.filter(_in(org, start, end))
        .order_by()
        .values("kind")
        .annotate(n=Count("id"), minutes=Sum("minutes", default=0))
    )
    found = {row["kind"]: row for row in rows}
    return {
        "registered": registered_on(org, end),
        "activities": sum(row["n"] for row in found.values()),
        "previous_activities": activity_count(org, year_earlier(start), year_earlier(end)),
        "by_kind": {label: found.get(value, {}).get("n", 0) for value, label in _labels(ActivityKind.choices)},
        "minutes": sum(row["minutes"] for row in found.values()),
    }


def so_far(fy_start: date, today: date) -> tuple[date, date]:
    """The fiscal year from its first day to today (or its whole, once over)."""
    return fy_start, min(today, fy_start.replace(year=fy_start.year + 1) - timedelta(days=1))

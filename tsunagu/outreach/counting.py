"""The figures of events, materials and supporters for an organisation subtree over a period, by
DOMAIN.md's counting rules ("Counting rules for these"). The report sections (stats/sections/events.py,
materials.py, supporters.py) and the KPI sources (figures.py) read these, so a rule lives here once.

Every breakdown lists every label, in DOMAIN.md's order, with 0 where nothing was counted. Keys are the
Japanese labels whatever the language (the report contract's keys)."""

from datetime import date, timedelta

from django.db.models import Case as DbCase
from django.db.models import Count, IntegerField, Q, Sum, Value, When
from django.utils import translation

from tsunagu.core import wareki
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.queries import holds_every_organisation

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


def _within(org: Organisation, organisations=None) -> Q:
    """The rows of the subtree: every row for the root of the tree (no filter), else through
    `organisations` (ids, or a subquery of them: the statistics pass their closure table,
    stats.models.subtree) when given, else by the tree's path."""
    if holds_every_organisation(org):
        return Q()
    if organisations is not None:
        return Q(organisation_id__in=organisations)
    return Q(organisation__path__startswith=org.path)


def _in(org: Organisation, start: date, end: date, organisations=None) -> Q:
    return _within(org, organisations) & Q(date__range=(start, end))


EVENT_FIGURES = ("held", "participants", "planned", "cancelled")


def _event_counts():
    return {
        "held": Count("id", filter=Q(status=EventStatus.HELD)),
        "participants": Sum("participants", filter=Q(status=EventStatus.HELD), default=0),
        "planned": Count("id", filter=Q(status=EventStatus.PLANNED)),
        "cancelled": Count("id", filter=Q(status=EventStatus.CANCELLED)),
    }


def _event_result(found: dict) -> dict:
    by_kind = {
        label: {key: found.get(value, {}).get(key, 0) for key in EVENT_FIGURES}
        for value, label in _labels(EventKind.choices)
    }
    return {"by_kind": by_kind, **{key: sum(f[key] for f in by_kind.values()) for key in EVENT_FIGURES}}


def event_figures(org: Organisation, start: date, end: date, organisations=None) -> dict:
    """Per kind: `held` (開催 on a date in the period; 講師派遣 counts dispatches), `participants` summed
    over the held ones, `planned` (still 予定) and `cancelled` (中止) dated in it."""
    rows = (
        Event.objects.filter(_in(org, start, end, organisations)).order_by().values("kind").annotate(**_event_counts())
    )
    return _event_result({row["kind"]: row for row in rows})


def _material_result(found: dict) -> dict:
    by_kind = {}
    for value, label in _labels(MaterialKind.choices):
        row = found.get(value, {"rows": 0, "made": 0, "distributed": 0})
        made = row["rows"] if value == MaterialKind.SNS_POST else row["made"]
        by_kind[label] = {"made": made, "distributed": row["distributed"]}
    return {"by_kind": by_kind, "items": sum(row["rows"] for row in found.values())}


MATERIAL_COUNTS = {"rows": Count("id"), "made": Sum("made", default=0), "distributed": Sum("distributed", default=0)}


def material_figures(org: Organisation, start: date, end: date, organisations=None) -> dict:
    """Per kind: `made` and `distributed` summed over the rows dated in the period; for SNS投稿 `made`
    counts the posts (a row each)."""
    rows = (
        Material.objects.filter(_in(org, start, end, organisations))
        .order_by()
        .values("kind")
        .annotate(**MATERIAL_COUNTS)
    )
    return _material_result({row["kind"]: row for row in rows})


def year_earlier(day: date) -> date:
    """The same day one year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def registered_on(org: Organisation, on: date, organisations=None) -> int:
    """Supporters of the subtree whose status in force on `on` is 登録."""
    changes = SupporterStatusChange.objects.filter(_within(org, organisations))
    return changes.in_force_on(on).filter(value=SupporterStatus.REGISTERED).count()


def activity_count(org: Organisation, start: date, end: date, organisations=None) -> int:
    return SupporterActivity.objects.filter(_in(org, start, end, organisations)).count()


def supporter_figures(org: Organisation, start: date, end: date, organisations=None) -> dict:
    """`registered` on the period's last day, `activities` in the period, `previous_activities` in the
    same period one year earlier (the national outcome target: activities must exceed it), with the
    activities per kind and their minutes."""
    rows = (
        SupporterActivity.objects.filter(_in(org, start, end, organisations))
        .order_by()
        .values("kind")
        .annotate(n=Count("id"), minutes=Sum("minutes", default=0))
    )
    found = {row["kind"]: row for row in rows}
    return {
        "registered": registered_on(org, end, organisations),
        "activities": sum(row["n"] for row in found.values()),
        "previous_activities": activity_count(org, year_earlier(start), year_earlier(end), organisations),
        "by_kind": {label: found.get(value, {}).get("n", 0) for value, label in _labels(ActivityKind.choices)},
        "minutes": sum(row["minutes"] for row in found.values()),
    }


def so_far(fy_start: date, today: date) -> tuple[date, date]:
    """The fiscal year from its first day to today (or its whole, once over)."""
    return fy_start, min(today, fy_start.replace(year=fy_start.year + 1) - timedelta(days=1))


# --- per fiscal year, for the trends page: one grouped query per figure whatever the number of years ------


def _fiscal_year_of(years: list[int]) -> DbCase:
    return DbCase(
        *[When(date__range=wareki.fiscal_year_range(y), then=Value(y)) for y in years], output_field=IntegerField()
    )


def _span(years: list[int]) -> tuple[date, date]:
    return wareki.fiscal_year_range(years[0])[0], wareki.fiscal_year_range(years[-1])[1]


def _grouped(model, org, years, organisations, counts: dict) -> dict[int, dict]:
    rows = (
        model.objects.filter(_in(org, *_span(years), organisations))
        .annotate(fy=_fiscal_year_of(years))
        .order_by()
        .values("fy", "kind")
        .annotate(**counts)
    )
    found: dict[int, dict] = {year: {} for year in years}
    for row in rows:
        if row["fy"] in found:
            found[row["fy"]][row["kind"]] = row
    return found


def event_years(org: Organisation, years: list[int], organisations=None) -> dict[int, dict]:
    """{fiscal year: event_figures of that year} from one query."""
    found = _grouped(Event, org, years, organisations, _event_counts())
    return {year: _event_result(found[year]) for year in years}


def material_years(org: Organisation, years: list[int], organisations=None) -> dict[int, dict]:
    found = _grouped(Material, org, years, organisations, MATERIAL_COUNTS)
    return {year: _material_result(found[year]) for year in years}


def supporter_years(org: Organisation, years: list[int], organisations=None) -> dict[int, dict]:
    """{fiscal year: supporter_figures of that year} from two queries: the activities of the years and the
    one before (the previous year's count), and the status history up to the last year's end."""
    with_previous = [years[0] - 1, *years]
    found = _grouped(
        SupporterActivity, org, with_previous, organisations, {"n": Count("id"), "minutes": Sum("minutes", default=0)}
    )
    ends = {year: wareki.fiscal_year_range(year)[1] for year in years}
    history: dict[int, list[tuple[date, str]]] = {}
    for supporter_id, since, value in (
        SupporterStatusChange.objects.filter(_within(org, organisations), applies_from__lte=max(ends.values()))
        .order_by("supporter_id", "applies_from")
        .values_list("supporter_id", "applies_from", "value")
    ):
        history.setdefault(supporter_id, []).append((since, value))

    def registered(on: date) -> int:
        count = 0
        for changes in history.values():
            current = [value for since, value in changes if since <= on]
            count += bool(current) and current[-1] == SupporterStatus.REGISTERED
        return count

    result = {}
    for year in years:
        rows, previous = found[year], found.get(year - 1) or {}
        result[year] = {
            "registered": registered(ends[year]),
            "activities": sum(row["n"] for row in rows.values()),
            "previous_activities": sum(row["n"] for row in previous.values()),
            "by_kind": {label: rows.get(value, {}).get("n", 0) for value, label in _labels(ActivityKind.choices)},
            "minutes": sum(row["minutes"] for row in rows.values()),
        }
    return result

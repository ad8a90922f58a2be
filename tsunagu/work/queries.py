"""Reads of placements for the case timeline and the report's work_experience section."""

from collections import defaultdict
from datetime import date

from django.db import connection
from django.db.models import Count, Min, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import AgeBand
from tsunagu.cases.queries import Event
from tsunagu.cases.rules import age_band_on
from tsunagu.core import figures
from tsunagu.orgs.models import Organisation

from .allowances import RateBook
from .models import AllowanceRate, Outcome, Payee, Placement, Program, WorkedDay


def timeline_events(case, *, since: date | None = None) -> list[Event]:
    """A placement shows on the case timeline on its start, and again on its end with the outcome."""
    events = []
    for placement in case.placements.select_related("host"):
        worked = placement.days.count()
        if since is None or placement.start >= since:
            events.append(
                Event(
                    placement.start,
                    "placement",
                    placement,
                    placement.created_at.timestamp(),
                    "work/_timeline_placement.html",
                )
            )
        if placement.end and (since is None or placement.end >= since):
            events.append(
                Event(placement.end, "placement_end", placement, float("inf"), "work/_timeline_placement.html")
            )
        placement.worked_days = worked
    return events


def work_experience(organisation_ids, start: date, end: date) -> dict:
    """The work_experience figures of DOMAIN.md for the organisations `ids` (a subtree; None for every
    organisation, the nation's) and a span: placements with a worked day in it, their persons (by band on
    their first worked day in the span and by program), the placements that ended in it by outcome, the min
    and max of their worked days in the span, the distinct hosts, and the allowances per payee of the days
    worked in it.

    The database sums the days (per placement, and per organisation × program × hours × the rates in force),
    so a nation's year is a few hundred rows in Python, not one per worked day."""
    within = Q(organisation_id__in=organisation_ids) if organisation_ids is not None else Q()
    days = WorkedDay.objects.filter(within, date__range=(start, end)).order_by()
    # Each placement's days in the span counted and its first found on the date index, grouped by placement
    # without a join; then the placements with their person. Joining every day to its placement and case
    # before grouping cost twice as much, and a correlated count and minimum per placement half as much again.
    worked = {
        placement_id: (n, first)
        for placement_id, n, first in days.values("placement_id")
        .annotate(n=Count("id"), first=Min("date"))
        .values_list("placement_id", "n", "first")
    }
    placements = list(
        Placement.objects.filter(pk__in=days.values("placement_id"))
        .order_by()
        .values("id", "case_id", "host_id", "program", "case__birth_date", "case__age_band")
    )
    for p in placements:
        p["worked"], p["first"] = worked[p["id"]]
    paid = dict.fromkeys(Payee.values, 0)
    priced = _days_per_rate_start(within, start, end)
    books = RateBook.of_each({org_id for org_id, *_rest in priced})
    for (org_id, program, hours), starts in priced.items():
        book = books[org_id]
        for rates_from, n in starts:
            for payee in paid:
                paid[payee] += n * book.amount(rates_from, hours, program, payee)
    allowances = {str(Payee(payee).label): amount for payee, amount in paid.items()}
    first_day: dict[int, date] = {}
    person: dict[int, tuple] = {}
    for p in placements:
        case_id = p["case_id"]
        if case_id not in first_day or p["first"] < first_day[case_id]:
            first_day[case_id] = p["first"]
        person[case_id] = (p["case__birth_date"], p["case__age_band"])
    band_labels = {value: str(label) for value, label in AgeBand.choices}  # translated once, not per person
    by_age_band = dict.fromkeys(band_labels.values(), 0)
    for case_id, on in first_day.items():
        birth_date, known_band = person[case_id]
        by_age_band[band_labels[age_band_on(birth_date=birth_date, known_band=known_band, on=on)]] += 1
    by_program = {str(label): 0 for label in Program.labels}
    for program in Program:
        by_program[str(program.label)] = len({p["case_id"] for p in placements if p["program"] == program.value})
    ended = dict(
        Placement.objects.filter(within, end__range=(start, end))
        .exclude(outcome="")
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    by_outcome = {str(label): ended.get(value, 0) for value, label in Outcome.choices}
    counts = [p["worked"] for p in placements]
    return {
        "placements": len(placements),
        "persons": len(first_day),
        "by_age_band": by_age_band,
        "by_program": by_program,
        "by_outcome": by_outcome,
        "days": {"min": min(counts, default=0), "max": max(counts, default=0)},
        "hosts": len({p["host_id"] for p in placements}),
        "allowances": allowances,
    }


def _days_per_rate_start(within: Q, start: date, end: date) -> dict[tuple, list[tuple[date, int]]]:
    """{(organisation, program, hours): [(rates_from, days)]} of the days worked in the span: a day's rates are
    those of its organisation and program in force on its date, the same for every day from the latest start
    of any payee's rate on or before it (a day before every rate pays 0 and is in no list).

    The database joins each day to the distinct rate starts on or before it and counts, per start, the days on
    or after it (a correlated MAX per day, which SQLite evaluated twice for the GROUP BY, cost half as much
    again); the days from one start to the next are the difference of the two counts. The rows of a derived
    table come raw from the driver: SQLite gives the date as text and the hours as a number."""
    days = WorkedDay.objects.filter(within, date__range=(start, end)).order_by()
    days_sql, days_params = days.values(
        "organisation_id", "placement__program", "hours", "date"
    ).query.sql_with_params()
    starts = AllowanceRate.objects.order_by().values("organisation_id", "program", "applies_from").distinct()
    starts_sql, starts_params = starts.query.sql_with_params()
    q = connection.ops.quote_name
    org, of_day, rate_start = q("organisation_id"), q("placement__program"), q("applies_from")
    sql = (
        f"SELECT d.{org}, d.{of_day}, d.{q('hours')}, r.{rate_start}, COUNT(*) FROM ({days_sql}) d"
        f" INNER JOIN ({starts_sql}) r ON r.{org} = d.{org} AND r.{q('program')} = d.{of_day}"
        f" AND r.{rate_start} <= d.{q('date')} GROUP BY 1, 2, 3, 4"
    )
    hours_field = WorkedDay._meta.get_field("hours")
    on_or_after = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*days_params, *starts_params))
        for org_id, program, hours, rates_from, n in cursor.fetchall():
            if isinstance(rates_from, str):
                rates_from = date.fromisoformat(rates_from)
            on_or_after[org_id, program, hours_field.to_python(hours)].append((rates_from, n))
    result = {}
    for key, counted in on_or_after.items():
        counted.sort()
        after = [n for _start, n in counted[1:]] + [0]
        result[key] = [(rates_from, n - later) for (rates_from, n), later in zip(counted, after) if n > later]
    return result


def _figures(period, scope: Organisation) -> dict:
    ids = Organisation.objects.filter(path__startswith=scope.path).values("id")
    with translation.override("ja"):
        return work_experience(ids, period.start, period.end)


def register_figures() -> None:
    """The section's figures as KPI sources (中間的就労等を経て就労した人数, 職場体験に結び付いた件数, …)."""
    figures.register(
        "work_experience",
        _figures,
        [
            ("work_placements", _("就労体験・就労訓練の件数"), "件", lambda s: s["placements"]),
            ("work_persons", _("就労体験・就労訓練の実人数"), "人", lambda s: s["persons"]),
            ("work_employed", _("中間的就労等を経て就労した人数"), "人", lambda s: s["by_outcome"]["就職"]),
            ("work_workplace", _("職場体験に結び付いた件数"), "件", lambda s: s["by_program"]["職場体験"]),
            ("work_hosts", _("就労体験の受入先の数"), "か所", lambda s: s["hosts"]),
            ("work_allowance_participant", _("就労体験の手当（利用者）"), "円", lambda s: s["allowances"]["利用者"]),
            ("work_allowance_host", _("就労体験の手当（事業者）"), "円", lambda s: s["allowances"]["事業者"]),
        ],
    )

"""Reads of placements for the case timeline and the report's work_experience section."""

from datetime import date

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
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
    # Each placement's days in the span counted and its first found on the (placement, date) index: joining
    # every day to its placement and case before grouping cost twice as much.
    of_placement = days.filter(placement=OuterRef("pk")).values("placement")
    placements = list(
        Placement.objects.filter(pk__in=days.values("placement_id"))
        .order_by()
        .annotate(
            worked=Subquery(of_placement.annotate(n=Count("id")).values("n")),
            first=Subquery(of_placement.annotate(on=Min("date")).values("on")),
        )
        .values("case_id", "host_id", "program", "case__birth_date", "case__age_band", "worked", "first")
    )
    # A day's rates are those of its organisation and program in force on its date: the same for every day
    # from the latest start of any payee's rate on or before it (None: before every rate, which pays 0).
    in_force = (
        AllowanceRate.objects.filter(
            organisation_id=OuterRef("organisation_id"),
            program=OuterRef("placement__program"),
            applies_from__lte=OuterRef("date"),
        )
        .order_by()
        .values("organisation_id")
        .annotate(latest=Max("applies_from"))
        .values("latest")
    )
    priced = list(
        days.annotate(rates_from=Subquery(in_force))
        .values("organisation_id", "placement__program", "hours", "rates_from")
        .annotate(n=Count("id"))
    )
    books = RateBook.of_each({row["organisation_id"] for row in priced})
    paid = dict.fromkeys(Payee.values, 0)
    for row in priced:
        if row["rates_from"] is None:
            continue
        book = books[row["organisation_id"]]
        for payee in paid:
            paid[payee] += row["n"] * book.amount(row["rates_from"], row["hours"], row["placement__program"], payee)
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

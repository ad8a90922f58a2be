"""Reads of placements for the case timeline and the report's work_experience section."""

from collections import defaultdict
from datetime import date

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import AgeBand
from tsunagu.cases.queries import Event
from tsunagu.cases.rules import age_band_on
from tsunagu.core import figures
from tsunagu.orgs.models import Organisation

from .allowances import RateBook
from .models import Outcome, Payee, Placement, Program, WorkedDay


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
    """The work_experience figures of DOMAIN.md for the organisations `ids` (a subtree) and a span:
    placements with a worked day in it, their persons (by band on their first worked day in the span and
    by program), the placements that ended in it by outcome, the min and max of their worked days in the
    span, the distinct hosts, and the allowances per payee of the days worked in it."""
    days = list(
        WorkedDay.objects.filter(organisation_id__in=organisation_ids, date__range=(start, end))
        .order_by("date", "id")
        .values_list("organisation_id", "placement_id", "date", "hours")
    )
    worked_in_span = WorkedDay.objects.filter(organisation_id__in=organisation_ids, date__range=(start, end))
    placements = {
        p.pk: p
        for p in Placement.objects.filter(pk__in=worked_in_span.values("placement_id"))
        .select_related("case")
        .only("case_id", "host_id", "program", "case__birth_date", "case__age_band")
    }
    first_day: dict[int, date] = {}
    worked = defaultdict(int)
    books = RateBook.of_each({row[0] for row in days})
    paid = dict.fromkeys(Payee.values, 0)
    for org_id, placement_id, on, hours in days:
        placement = placements[placement_id]
        first_day.setdefault(placement.case_id, on)
        worked[placement_id] += 1
        book = books[org_id]
        for payee in paid:
            paid[payee] += book.amount(on, hours, placement.program, payee)
    allowances = {str(Payee(payee).label): amount for payee, amount in paid.items()}
    cases = {p.case_id: p.case for p in placements.values()}
    by_age_band = {str(label): 0 for label in AgeBand.labels}
    for case_id, on in first_day.items():
        case = cases[case_id]
        band = age_band_on(birth_date=case.birth_date, known_band=case.age_band, on=on)
        by_age_band[str(AgeBand(band).label)] += 1
    by_program = {str(label): 0 for label in Program.labels}
    for program in Program:
        by_program[str(program.label)] = len({p.case_id for p in placements.values() if p.program == program.value})
    ended = (
        Placement.objects.filter(organisation_id__in=organisation_ids, end__range=(start, end))
        .exclude(outcome="")
        .values_list("outcome", flat=True)
    )
    by_outcome = {str(label): 0 for label in Outcome.labels}
    for outcome in ended:
        by_outcome[str(Outcome(outcome).label)] += 1
    counts = list(worked.values())
    return {
        "placements": len(placements),
        "persons": len(cases),
        "by_age_band": by_age_band,
        "by_program": by_program,
        "by_outcome": by_outcome,
        "days": {"min": min(counts, default=0), "max": max(counts, default=0)},
        "hosts": len({p.host_id for p in placements.values()}),
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

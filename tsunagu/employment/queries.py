"""Counts of employment support over a date range for a set of organisations (an organisation and
everything below it, as a subquery of ids; None for every organisation, the nation's, which needs no
filter): the statistics section `employment` (stats.sections.employment) and the funnel
page read them here. DOMAIN.md's counting rules (Employment support):

- a registration is open from 登録日 to 終了日 inclusive; `registered` is the cases with one open on any
  day of the range, `new` the registrations whose 登録日 is in it, by the person's band on 登録日;
- `uses` the contacts of a registered case at the registering organisation in the range while it was
  registered;
- `outcomes` the registrations whose 進路決定日 is in the range, per 進路.

`keep(birth_date, known_band, on)`, when given, is a cohort (stats.cohorts): only records whose case
is in it on the record's date count (a registration counted as open counts by its first open day in
the range). Cohort counts are made in Python over the rows, exact on both engines; without a cohort the
database counts the registered cases and the uses, and only the new and decided registrations are read.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q

from tsunagu.cases.models import AgeBand, Contact
from tsunagu.cases.rules import age_band_on
from tsunagu.core import wareki
from tsunagu.orgs.models import Organisation

from .models import DEFAULT_TARGET_PERCENT, DecisionRateTarget, Outcome, Registration, Step


@dataclass
class Counts:
    registered: int = 0
    new_by_band: dict = field(default_factory=dict)  # AgeBand value → registrations
    uses: int = 0
    by_outcome: dict = field(default_factory=dict)  # Outcome value → registrations

    @property
    def new_registrations(self) -> int:
        return sum(self.new_by_band.values())

    @property
    def decided(self) -> int:
        return sum(self.by_outcome.values())


def subtree_ids(org: Organisation):
    """The ids of the organisation and those below it, as a subquery (a nation's subtree has thousands)."""
    return Organisation.objects.filter(path__startswith=org.path).values("id")


def percent(part: int, whole: int) -> float:
    """A share in percent, one decimal, rounded half up (as the statistics round)."""
    if not whole:
        return 0.0
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _open_in(start: date, end: date) -> Q:
    return Q(registered_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))


def _case_in(keep, birth_date, band, on) -> bool:
    return keep is None or keep(birth_date, band, on)


PERSON = ("case__birth_date", "case__age_band")


def _of(ids) -> Q:
    """The registrations of the organisations `ids` (a subquery), or of every organisation for None (the
    nation, whose subtree is every organisation: no filter)."""
    return Q(organisation_id__in=ids) if ids is not None else Q()


def _registration_rows(ids, start: date, end: date) -> list[tuple]:
    """(case, 登録日, 終了日, 進路決定日, 進路, birth date, known band, organisation) of the registrations open
    on a day of the range; a decided one is open on its 進路決定日, so these hold every decision in the range
    too."""
    return list(
        Registration.objects.filter(_of(ids), _open_in(start, end))
        .order_by()
        .values_list("case_id", "registered_on", "ended_on", "decided_on", "outcome", *PERSON, "organisation_id")
    )


def _use_contacts(ids, start: date, end: date):
    """The contacts that are uses: a contact of a registered case at the registering organisation in the
    range while it was registered. Read from the registered cases' contacts (the contact_case_date index),
    not from every contact of the subtree: a nation's year has far more contacts than registered cases; and
    matched to their registration by the database (EXISTS), so a count reads no row."""
    registered = Registration.objects.filter(_of(ids), _open_in(start, end)).values("case_id")
    open_then = Registration.objects.filter(
        _of(ids),
        Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("date")),
        case_id=OuterRef("case_id"),
        organisation_id=OuterRef("organisation_id"),
        registered_on__lte=OuterRef("date"),
    )
    return Contact.objects.filter(Exists(open_then), case_id__in=registered, date__range=(start, end)).order_by()


def _uses(ids, start: date, end: date, rows: list[tuple]) -> list[tuple]:
    """(date, birth date, known band, case) of each use, the person's from the registration rows."""
    person = {row[0]: (row[5], row[6]) for row in rows}  # case → (birth date, known band)
    return [(on, *person[case], case) for case, on in _use_contacts(ids, start, end).values_list("case_id", "date")]


def _fold(rows, start: date, end: date, keep) -> Counts:
    """Counts of the range from registration rows that cover it (uses left to the caller)."""
    result, registered = Counts(), set()
    for case, on, ended, decided, outcome, birth, band, _org in rows:
        if on > end or (ended is not None and ended < start):
            continue
        if _case_in(keep, birth, band, max(on, start)):
            registered.add(case)
        if start <= on <= end and _case_in(keep, birth, band, on):
            key = age_band_on(birth_date=birth, known_band=band, on=on)
            result.new_by_band[key] = result.new_by_band.get(key, 0) + 1
        if decided is not None and start <= decided <= end and _case_in(keep, birth, band, decided):
            result.by_outcome[outcome] = result.by_outcome.get(outcome, 0) + 1
    result.registered = len(registered)
    return result


def counts(ids, start: date, end: date, keep=None) -> Counts:
    """The figures of the range: without a cohort three queries, with one two."""
    if keep is None:
        return _counted(ids, start, end)
    rows = _registration_rows(ids, start, end)
    result = _fold(rows, start, end, keep)
    result.uses = sum(1 for on, birth, band, _case in _uses(ids, start, end, rows) if keep(birth, band, on))
    return result


def _counted(ids, start: date, end: date) -> Counts:
    """counts without a cohort: the database counts the registered cases and the uses, and only the
    registrations made or decided in the range are read, with their person (a nation's year has several
    times as many open registrations as new or decided ones, and each read one joins its case)."""
    open_then = Registration.objects.filter(_of(ids), _open_in(start, end)).order_by()
    result = Counts(registered=open_then.aggregate(n=Count("case_id", distinct=True))["n"])
    rows = open_then.filter(Q(registered_on__range=(start, end)) | Q(decided_on__range=(start, end))).values_list(
        "registered_on", "decided_on", "outcome", *PERSON
    )
    for on, decided, outcome, birth, band in rows:
        if start <= on:  # on <= end: the registration is open in the range
            key = age_band_on(birth_date=birth, known_band=band, on=on)
            result.new_by_band[key] = result.new_by_band.get(key, 0) + 1
        if decided is not None and start <= decided <= end:
            result.by_outcome[outcome] = result.by_outcome.get(outcome, 0) + 1
    result.uses = _use_contacts(ids, start, end).count()
    return result


def counts_by_year(ids, years: list[int]) -> dict[int, Counts]:
    """{fiscal year: counts} for many years in three queries whatever their number (the trends page)."""
    ranges = {year: wareki.fiscal_year_range(year) for year in years}
    first, last = ranges[min(years)][0], ranges[max(years)][1]
    rows = _registration_rows(ids, first, last)
    result = {year: _fold(rows, *ranges[year], None) for year in years}
    for on in _use_contacts(ids, first, last).values_list("date", flat=True):
        year = wareki.fiscal_year(on)
        if year in result:
            result[year].uses += 1
    return result


# --- the funnel page -------------------------------------------------------------------------------------


@dataclass
class Funnel:
    steps: list[tuple[str, int]]  # (STEP label, registrations that reached it in the range, by its date)
    undated: list[tuple[str, int]]  # (STEP label, open registrations at it whose step date is not known)
    counts: Counts
    decision_rate: float
    target: Decimal


def target_percent(org: Organisation, fiscal_year: int) -> Decimal:
    row = DecisionRateTarget.objects.filter(organisation=org, fiscal_year=fiscal_year).first()
    return row.percent if row is not None else Decimal(DEFAULT_TARGET_PERCENT)


def funnel(org: Organisation, start: date, end: date) -> Funnel:
    """How many of the organisation's (and those below it) registrations reached each STEP in the range,
    by the date of the step; a step reached with no known date (a ledger that gives only the STEP) is
    listed apart, for the registrations open in the range. The rate is 単年度進路決定率: decided / new."""
    ids = subtree_ids(org)
    reached = dict.fromkeys(Step.values, 0)
    undated = dict.fromkeys(Step.values, 0)
    rows = Registration.objects.filter(organisation_id__in=ids).filter(
        Q(step1_on__range=(start, end))
        | Q(registered_on__range=(start, end))
        | Q(step3_on__range=(start, end))
        | Q(step4_on__range=(start, end))
        | Q(decided_on__range=(start, end))
        | _open_in(start, end)
    )
    for registration in rows:
        is_open = registration.registered_on <= end and (registration.ended_on or date.max) >= start
        for step in range(1, registration.step + 1):
            on = registration.step_date(step)
            if on is not None and start <= on <= end:
                reached[step] += 1
            elif on is None and is_open and step != Step.KNOW:
                undated[step] += 1
    figures = counts(ids, start, end)
    return Funnel(
        steps=[(str(label), reached[value]) for value, label in Step.choices],
        undated=[(str(label), undated[value]) for value, label in Step.choices if undated[value]],
        counts=figures,
        decision_rate=percent(figures.decided, figures.new_registrations),
        target=target_percent(org, wareki.fiscal_year(start)),
    )


def band_labels(by_band: dict) -> dict:
    return {str(label): by_band.get(value, 0) for value, label in AgeBand.choices}


def outcome_labels(by_outcome: dict) -> dict:
    return {str(label): by_outcome.get(value, 0) for value, label in Outcome.choices}

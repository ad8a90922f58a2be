"""What an indicator's actual value is, and how a ratio becomes a judgement.

Computed indicators are read from the figures record types registered (tsunagu.core.figures); the
statistics register the report's, so a KPI shows exactly the figure the report shows for the same
organisation subtree and fiscal year.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from tsunagu.core.figures import FIGURES, FigureCache
from tsunagu.core.wareki import fiscal_year, fiscal_year_range
from tsunagu.orgs.models import Organisation, OrgKind
from tsunagu.stats.queries import (
    RANGED_SOURCES,
    Period,
    counts_other_organisations,
    is_ranged,
    organisations_with_contacts,
    rate,
    shown_sources,
)
from tsunagu.stats.queries import cohort_choices as stats_cohort_choices

from .models import MANUAL, JudgementLevel

# Every figure a record type registered (tsunagu.core.figures): the KPI app names none of them.
COMPUTED = FIGURES


def source_choices() -> list[tuple[str, str]]:
    return [(MANUAL, gettext("手入力（調査結果・他で集計した数）"))] + [
        (c.key, gettext("記録から計算: %(label)s") % {"label": c.label}) for c in COMPUTED.values()
    ]


def source_label(source: str) -> str:
    if source == MANUAL:
        return gettext("手入力")
    computed = COMPUTED.get(source)
    return str(computed.label) if computed else source


class YearFigures:
    """The registered figures of one organisation subtree, each source computed once per fiscal year, so
    a page with many indicators runs a fixed number of queries per year shown.

    With `acting`, as its staff see them (the pages pass it): a figure of a source that describes persons
    (stats.queries.RANGED_SOURCES) is read from the shown report when the subtree counts another
    organisation's records, so a cell of fewer than k persons is its range text there, as on the
    statistics pages (issue 13); the report is then built once per fiscal year and cohort. Without it the
    figures are exact, as build_report's are for `tsunagu report`."""

    def __init__(self, org: Organisation, acting: Organisation | None = None):
        self.org = org
        self.acting = acting
        self._cache = FigureCache(org)
        self._ranges: bool | None = None  # whether acting's staff see ranges: asked once, when needed
        self._shown: dict[tuple[int, str], dict] = {}

    def value(self, key: str, fy: int, cohort: str = "") -> int | str:
        figure = FIGURES[key]
        period = Period(*fiscal_year_range(fy))
        if self.acting is not None and figure.source in RANGED_SOURCES:
            if self._ranges is None:
                self._ranges = counts_other_organisations(self.acting, self.org)
            if self._ranges:
                if (fy, cohort) not in self._shown:
                    self._shown[fy, cohort] = shown_sources(self.org, period, cohort)
                return figure.pick(self._shown[fy, cohort][figure.source])
        return self._cache.value(key, period, cohort)


def computed_value(key: str, org: Organisation, fy: int, cohort: str = "") -> int | str:
    """The exact value of computed indicator `key` for an organisation subtree in fiscal year fy (a cohort's)."""
    return YearFigures(org).value(key, fy, cohort)


def cohort_choices() -> list[tuple[str, str]]:
    return [("", gettext("全員"))] + stats_cohort_choices()


# --- achievement and judgement ---------------------------------------------------------------------


def achievement(actual: Decimal | int | str | None, target: Decimal | int | None) -> float | None:
    """達成割合 = A / B as a one-decimal percent, rounded half up; None when there is no target."""
    if actual is None or target is None or target == 0 or is_ranged(actual):
        return None  # a ratio of a range would give the count back
    return rate(actual, target)


def levels_for(org: Organisation) -> list[JudgementLevel]:
    """The judgement levels in force for an organisation: its own, else its nearest ancestor's, else
    the defaults. Highest lower bound first. One query."""
    codes = [code for code in org.path.split("/") if code]
    rows = list(
        JudgementLevel.objects.filter(Q(organisation__code__in=codes) | Q(organisation__isnull=True)).select_related(
            "organisation"
        )
    )
    depth = {code: i for i, code in enumerate(codes)}
    owners = {row.organisation.code for row in rows if row.organisation is not None}
    owner = max(owners, key=depth.__getitem__, default=None)
    chosen = [row for row in rows if (row.organisation.code if row.organisation else None) == owner]
    return sorted(chosen, key=lambda row: row.min_ratio, reverse=True)


def judge(ratio: float | None, levels: list[JudgementLevel]) -> tuple[int, str] | None:
    """(rank, label) of the first level whose lower bound the ratio reaches; rank 0 is the best."""
    if ratio is None:
        return None
    value = Decimal(str(ratio))
    for rank, level in enumerate(levels):
        if value >= level.min_ratio:
            return rank, level.label
    return None


# --- the national outcome target -------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeCheck:
    """専門機関での支援が決定した件数 this year must exceed
    (previous year's decided count ÷ previous year's centres) × this year's centres."""

    fiscal_year: int
    previous_decided: int | str  # a range text when it is another organisation's small cell
    previous_centres: int
    centres: int
    decided: int | str

    @property
    def ranged(self) -> bool:
        """Either count is a range (another organisation's small cell): no threshold nor verdict is made of it."""
        return is_ranged(self.previous_decided) or is_ranged(self.decided)

    @property
    def threshold(self) -> Fraction | None:
        if not self.previous_centres or self.ranged:
            return None
        return Fraction(self.previous_decided * self.centres, self.previous_centres)

    @property
    def per_centre(self) -> Fraction | None:
        if not self.previous_centres or self.ranged:
            return None
        return Fraction(self.previous_decided, self.previous_centres)

    @property
    def threshold_text(self) -> str:
        return one_decimal(self.threshold) if self.threshold is not None else ""

    @property
    def per_centre_text(self) -> str:
        return one_decimal(self.per_centre) if self.per_centre is not None else ""

    @property
    def passed(self) -> bool | None:
        # "Exceed" is strict, and compared exactly: 33 does not exceed 100/3 although both show as 33.
        return None if self.threshold is None else self.decided > self.threshold


def centres_in(org: Organisation, fy: int) -> int:
    """ひきこもり地域支援センター in the subtree during fiscal year fy. Organisations carry no opening
    date, so an active centre counts from the fiscal year it was registered in tsunagu on, and in an
    earlier year when it (or a satellite of it) recorded contacts in that year: history imported after
    the centre was registered counts too."""
    first_day, last_day = fiscal_year_range(fy)
    centres = Organisation.objects.filter(path__startswith=org.path, kind=OrgKind.CENTER, is_active=True)
    registered, later = 0, []
    for pk, created_at in centres.values_list("pk", "created_at"):
        if timezone.localdate(created_at) <= last_day:
            registered += 1
        else:
            later.append(pk)
    if not later:
        return registered
    # A centre counts when it or an organisation below it has a contact.
    return registered + len(organisations_with_contacts(later, first_day, last_day))


def outcome_check(org: Organisation, fy: int, figures: YearFigures | None = None) -> OutcomeCheck:
    """The national outcome target of `org` for fy; its counts as `figures` shows them (a range is not judged)."""
    figures = figures or YearFigures(org)
    return OutcomeCheck(
        fiscal_year=fy,
        previous_decided=figures.value("decided", fy - 1),
        previous_centres=centres_in(org, fy - 1),
        centres=centres_in(org, fy),
        decided=figures.value("decided", fy),
    )


def one_decimal(value: Fraction | Decimal | int | float) -> str:
    """A number for display with one decimal, rounded half up (100/3 → 33.3)."""
    fraction = Fraction(value) if not isinstance(value, float) else Fraction(str(value))
    tenths = (fraction * 10 * 2 + 1) // 2  # floor(x*10 + 0.5): half up for the non-negative figures here
    return f"{Decimal(tenths) / 10:,.1f}"


def plain_number(value: Decimal | int | str | None) -> str:
    """20 rather than 20.0; 65.3 stays; thousands separated (1,575)."""
    if value is None:
        return ""
    if is_ranged(value):
        return value  # a range text of another organisation's small cell
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def is_future(fy: int, today: date | None = None) -> bool:
    return fy > fiscal_year(today or timezone.localdate())

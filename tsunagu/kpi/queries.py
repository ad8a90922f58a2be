"""Reads behind the KPI pages. A page runs a fixed number of queries however many indicators it shows:
the indicators, their targets, their hand-entered values, their plans and the judgement levels are one
query each, and the computed figures are the report's sections once per fiscal year shown.

A page is built for the staff of an organisation (`acting`; the views pass it, without it the figures are
exact as for `tsunagu report`): a computed actual
that is another organisation's small cell is its range text (indicators.YearFigures), shown as it is,
with no ratio, judgement, running total or bar made of it (issue 13)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext

from tsunagu.core.wareki import fiscal_year, fiscal_year_label, fiscal_year_range, in_english
from tsunagu.orgs.models import Organisation
from tsunagu.stats.queries import is_ranged

from . import charts
from .indicators import (
    COMPUTED,
    OutcomeCheck,
    YearFigures,
    achievement,
    is_future,
    judge,
    levels_for,
    outcome_check,
    plain_number,
)
from .models import EnteredValue, Indicator, JudgementLevel, Plan, Target

CHART_YEARS = 5


def _percent(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.1f}%"


def _text(name: str) -> property:
    """A display property for a number attribute: 20 rather than 20.0, "" for none."""
    return property(lambda self: plain_number(getattr(self, name)))


@dataclass
class YearFigure:
    fiscal_year: int
    target: Decimal | None
    actual: Decimal | None
    ratio: float | None
    judgement: tuple[int, str] | None
    # The year under way: the target pro rata to the elapsed part of the year (B × elapsed days ÷ days)
    # is what the actual is compared with; None for a finished year.
    due: Decimal | None = None
    counting: bool = False  # 集計中: too little of the year has passed to judge

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def due_text(self) -> str:
        return plain_number(self.due)

    @property
    def target_text(self) -> str:
        return plain_number(self.target)

    @property
    def actual_text(self) -> str:
        return plain_number(self.actual)

    @property
    def ratio_text(self) -> str:
        return _percent(self.ratio)


@dataclass
class PlanYear:
    fiscal_year: int
    increment: Decimal | None
    actual: Decimal | None
    ratio: float | None
    cumulative_target: Decimal
    cumulative_actual: Decimal | None
    level_target: Decimal | None  # baseline + cumulative target, for stocks
    level_actual: Decimal | None

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    increment_text = _text("increment")
    actual_text = _text("actual")
    cumulative_target_text = _text("cumulative_target")
    cumulative_actual_text = _text("cumulative_actual")
    level_target_text = _text("level_target")
    level_actual_text = _text("level_actual")
    ratio_text = property(lambda self: _percent(self.ratio))


@dataclass
class PlanProgress:
    plan: Plan
    years: list[PlanYear]

    @property
    def total(self) -> Decimal:
        """計画期間中の増加分の累計: the sum of the planned increments."""
        return sum((year.increment or Decimal(0) for year in self.years), Decimal(0))

    @property
    def end_level(self) -> Decimal | None:
        return self.plan.baseline + self.total if self.plan.adds_to_baseline else None

    @property
    def actual_total(self) -> Decimal | None:
        done = [year.cumulative_actual for year in self.years if year.cumulative_actual is not None]
        return done[-1] if done else None

    @property
    def ratio(self) -> float | None:
        return achievement(self.actual_total, self.total)

    total_text = _text("total")
    actual_total_text = _text("actual_total")
    end_level_text = _text("end_level")
    ratio_text = property(lambda self: _percent(self.ratio))
    baseline_text = property(lambda self: plain_number(self.plan.baseline))


@dataclass
class IndicatorRow:
    indicator: Indicator
    current: YearFigure
    history: list[YearFigure]
    plan: PlanProgress | None = None
    chart: charts.Chart = field(default_factory=charts.Chart)

    @property
    def source_is_computed(self) -> bool:
        return self.indicator.source in COMPUTED


@dataclass
class KpiPage:
    organisation: Organisation
    fiscal_year: int
    rows: list[IndicatorRow]
    inactive: list[Indicator]
    levels: list[JudgementLevel]
    outcome: OutcomeCheck | None


class _Actuals:
    """Actual values: computed from the report sections, or entered by hand; nothing for future years."""

    def __init__(self, org: Organisation, entered: dict, acting: Organisation | None = None):
        self.figures = YearFigures(org, acting)
        self.entered = entered

    def get(self, indicator: Indicator, fy: int) -> Decimal | str | None:
        if is_future(fy):
            return None
        if indicator.is_manual:
            return self.entered.get((indicator.pk, fy))
        value = self.figures.value(indicator.source, fy, indicator.cohort)
        return value if is_ranged(value) else Decimal(value)


# Before this share of the current year has passed, a judgement says 集計中 rather than a level.
COUNTING_SHARE = Fraction(1, 12)


def elapsed_share(fy: int, today: date | None = None) -> Fraction | None:
    """The elapsed part of fiscal year fy on `today` (both ends counted: 1 April is 1/365), or None
    when the year is over (or not begun)."""
    today = today or timezone.localdate()
    if fiscal_year(today) != fy:
        return None
    first, last = fiscal_year_range(fy)
    return Fraction((today - first).days + 1, (last - first).days + 1)


def _figure(indicator, fy, targets, actuals, levels, today: date | None = None) -> YearFigure:
    """A year's actual against its target. In the year under way the actual is compared with the target
    pro rata to the elapsed part of the year, so 3 of 12 in the first quarter is 順調, not 遅れ; in
    its first month the judgement is 集計中."""
    target = None if indicator.monitoring else targets.get((indicator.pk, fy))
    actual = actuals.get(indicator, fy)
    share = elapsed_share(fy, today)
    if share is None or target is None:
        ratio = achievement(actual, target)
        return YearFigure(fy, target, actual, ratio, judge(ratio, levels))
    pro_rata = Decimal(target) * share.numerator / share.denominator
    due = pro_rata.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if share < COUNTING_SHARE or actual is None:
        return YearFigure(fy, target, actual, None, (len(levels), gettext("集計中")), due=due, counting=True)
    ratio = achievement(actual, pro_rata)
    return YearFigure(fy, target, actual, ratio, judge(ratio, levels), due=due)


def plan_progress(plan: Plan, indicator: Indicator, targets: dict, actuals: _Actuals) -> PlanProgress:
    years, cumulative_target, cumulative_actual = [], Decimal(0), Decimal(0)
    for fy in plan.years:
        increment = targets.get((indicator.pk, fy))
        actual = actuals.get(indicator, fy)
        cumulative_target += increment or Decimal(0)
        if actual is not None and not is_ranged(actual) and cumulative_actual is not None:
            cumulative_actual += actual
        else:
            cumulative_actual = None  # a year without an actual (or with a range) ends the running total
        base = plan.baseline if plan.adds_to_baseline else None
        years.append(
            PlanYear(
                fiscal_year=fy,
                increment=increment,
                actual=actual,
                ratio=achievement(actual, increment),
                cumulative_target=cumulative_target,
                cumulative_actual=cumulative_actual,
                level_target=base + cumulative_target if base is not None else None,
                level_actual=base + cumulative_actual if base is not None and cumulative_actual is not None else None,
            )
        )
    return PlanProgress(plan, years)


def kpi_page(
    org: Organisation,
    fy: int,
    *,
    acting: Organisation | None = None,
    only: Indicator | None = None,
    today: date | None = None,
) -> KpiPage:
    """Every indicator of an organisation for fiscal year fy, with the five years up to it, as the staff of
    `acting` see them (exact without it)."""
    indicators = [only] if only is not None else list(Indicator.objects.filter(organisation=org))
    # An indicator's own page shows it even when it is switched off; the overview lists active ones.
    active = indicators if only is not None else [i for i in indicators if i.is_active]
    chart_years = list(range(fy - CHART_YEARS + 1, fy + 1))
    plans = {}
    for plan in Plan.objects.filter(indicator__in=active, first_year__lte=fy, last_year__gte=fy):
        plans[plan.indicator_id] = plan
    years = set(chart_years) | {y for plan in plans.values() for y in plan.years}
    targets = {
        (indicator_id, year): value
        for indicator_id, year, value in Target.objects.filter(indicator__in=active, fiscal_year__in=years).values_list(
            "indicator_id", "fiscal_year", "value"
        )
    }
    entered = {
        (indicator_id, year): value
        for indicator_id, year, value in EnteredValue.objects.filter(
            indicator__in=active, fiscal_year__in=years
        ).values_list("indicator_id", "fiscal_year", "value")
    }
    levels = levels_for(org)
    actuals = _Actuals(org, entered, acting)
    rows = []
    for indicator in active:
        history = [_figure(indicator, year, targets, actuals, levels, today) for year in chart_years]
        plan = plans.get(indicator.pk)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                current=history[-1],
                history=history,
                plan=plan_progress(plan, indicator, targets, actuals) if plan else None,
                chart=_chart(history),
            )
        )
    return KpiPage(
        organisation=org,
        fiscal_year=fy,
        rows=rows,
        inactive=[i for i in indicators if not i.is_active],
        levels=levels,
        outcome=None if only is not None else outcome_check(org, fy, actuals.figures),
    )


def _chart(history: list[YearFigure]) -> charts.Chart:
    """The bars of the years shown, or none when an actual is a range (a bar would show the count)."""
    if any(is_ranged(figure.actual) for figure in history):
        return charts.Chart()
    return charts.bar_chart([(f.fiscal_year, f.actual, f.target) for f in history])


def indicator_plans(indicator: Indicator) -> list[Plan]:
    return list(indicator.plans.all())


def value_rows(indicator: Indicator) -> list[dict]:
    """Every fiscal year with a target or a hand-entered value, newest first."""
    targets = {t.fiscal_year: t.value for t in indicator.targets.all()}
    entered = {v.fiscal_year: v for v in indicator.entered_values.all()}
    return [
        {
            # The English label carries the western year already ("FY2024 (Reiwa 6)").
            "label": fiscal_year_label(fy) if in_english() else f"{fiscal_year_label(fy)}（{fy}）",
            "target": plain_number(targets.get(fy)),
            "entered": plain_number(entered[fy].value) if fy in entered else "",
            "note": entered[fy].note if fy in entered else "",
        }
        for fy in sorted(set(targets) | set(entered), reverse=True)
    ]

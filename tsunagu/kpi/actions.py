"""State changes of the KPIs. Each takes the acting Actor, runs in one transaction and writes its
audit entry in it; validation errors are Japanese and name the field."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_action, snapshot
from tsunagu.core.versions import claim
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor, Perm

from .indicators import COMPUTED, cohort_choices
from .models import MANUAL, EnteredValue, Indicator, JudgementLevel, Plan, Target

INDICATOR_FIELDS = ["name", "unit", "source", "cohort", "monitoring", "order", "description", "is_active"]
PLAN_FIELDS = ["first_year", "last_year", "baseline", "baseline_label", "adds_to_baseline"]
MAX_PLAN_YEARS = 5
YEAR_RANGE = (2000, 2100)


def _require(actor: Actor, organisation: Organisation) -> None:
    require(actor, Perm.MANAGE_ORG, organisation, message=_("他の組織の指標は変更できません。"))


def _number(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"


def _check_year(fiscal_year: int, field: str = "fiscal_year") -> None:
    if not YEAR_RANGE[0] <= fiscal_year <= YEAR_RANGE[1]:
        raise ValidationError(
            {
                field: _("年度は%(low)d〜%(high)dの西暦で入力してください。")
                % {"low": YEAR_RANGE[0], "high": YEAR_RANGE[1]}
            }
        )


def _unit(unit: str, source: str) -> str:
    """The unit typed, or for a computed indicator left blank, the one its figure is counted in."""
    return unit.strip() or (COMPUTED[source].unit if source in COMPUTED else "")


def _validate_indicator(*, organisation, name, unit, source, cohort="", instance=None) -> None:
    errors = {}
    if cohort:
        if cohort not in {key for key, _label in cohort_choices()}:
            errors["cohort"] = _("対象者「%(cohort)s」は使えません。") % {"cohort": cohort}
        elif source not in COMPUTED or not COMPUTED[source].has_cohorts:
            errors["cohort"] = _("対象者で絞れるのは、ケースの記録から計算する指標だけです。")
    if not name.strip():
        errors["name"] = _("指標名を入力してください。")
    elif (
        Indicator.objects.filter(organisation=organisation, name=name.strip())
        .exclude(pk=getattr(instance, "pk", None))
        .exists()
    ):
        errors["name"] = _("指標名「%(name)s」はこの組織ですでに使われています。") % {"name": name.strip()}
    if not unit.strip():
        errors["unit"] = _("単位を入力してください（例: 件、人、%、回）。")
    if source != MANUAL and source not in COMPUTED:
        errors["source"] = _("実績値の取り方「%(source)s」は使えません。") % {"source": source}
    if instance is not None and source != instance.source and instance.entered_values.exists():
        errors["source"] = _("手入力の実績値があるため、実績値の取り方は変えられません。")
    if errors:
        raise ValidationError(errors)


@state_change
def create_indicator(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    unit: str,
    source: str,
    cohort: str = "",
    monitoring: bool = False,
    order: int = 0,
    description: str = "",
) -> Indicator:
    _require(actor, organisation)
    unit = _unit(unit, source)
    _validate_indicator(organisation=organisation, name=name, unit=unit, source=source, cohort=cohort)
    indicator = Indicator.objects.create(
        organisation=organisation,
        name=name.strip(),
        unit=unit.strip(),
        source=source,
        cohort=cohort,
        monitoring=monitoring,
        order=order,
        description=description.strip(),
    )
    log_action(
        actor,
        "kpi.indicator.create",
        obj=indicator,
        organisation=organisation,
        changes=diff({}, snapshot(indicator, INDICATOR_FIELDS)),
    )
    return indicator


@state_change
def update_indicator(*, actor: Actor, indicator: Indicator, version: int | None = None, **values) -> Indicator:
    """Edit an indicator opened at `version` (a stale one is refused with the saved values)."""
    _require(actor, indicator.organisation)
    new = {name: values.get(name, getattr(indicator, name)) for name in INDICATOR_FIELDS}
    new["unit"] = _unit(new["unit"], new["source"])
    _validate_indicator(
        organisation=indicator.organisation,
        name=new["name"],
        unit=new["unit"],
        source=new["source"],
        cohort=new["cohort"] or "",
        instance=indicator,
    )
    if new["monitoring"] and not indicator.monitoring and indicator.targets.exists():
        raise ValidationError(
            {
                "monitoring": _(
                    "計画値が登録されているため、モニタリング指標にはできません。先に計画値を削除してください。"
                )
            }
        )
    claim(indicator, version, fields=INDICATOR_FIELDS)
    before = snapshot(indicator, INDICATOR_FIELDS)
    new["name"], new["unit"], new["description"] = new["name"].strip(), new["unit"].strip(), new["description"].strip()
    for name, value in new.items():
        setattr(indicator, name, value)
    indicator.save()
    log_action(
        actor,
        "kpi.indicator.update",
        obj=indicator,
        organisation=indicator.organisation,
        changes=diff(before, snapshot(indicator, INDICATOR_FIELDS)),
    )
    return indicator


def _year_label(indicator: Indicator, fiscal_year: int) -> str:
    return f"{indicator.name} {fiscal_year}"


@state_change
def set_target(*, actor: Actor, indicator: Indicator, fiscal_year: int, value: Decimal | None) -> Target | None:
    """Set 計画値 B for a year; None removes it."""
    _require(actor, indicator.organisation)
    _check_year(fiscal_year)
    if indicator.monitoring and value is not None:
        raise ValidationError({"value": _("モニタリング指標には計画値を置きません。")})
    if value is not None and value < 0:
        raise ValidationError({"value": _("計画値は0以上の数で入力してください。")})
    return _put_yearly(actor, Target, indicator, fiscal_year, value, action="kpi.target")


@state_change
def set_entered_value(
    *, actor: Actor, indicator: Indicator, fiscal_year: int, value: Decimal | None, note: str = ""
) -> EnteredValue | None:
    """Enter 実績値 A by hand for a year (survey results, counts kept elsewhere); None removes it."""
    _require(actor, indicator.organisation)
    _check_year(fiscal_year)
    if not indicator.is_manual:
        raise ValidationError({"value": _("この指標の実績値は記録から計算されるため、手入力できません。")})
    return _put_yearly(actor, EnteredValue, indicator, fiscal_year, value, action="kpi.actual", note=note.strip())


def _put_yearly(actor, model, indicator, fiscal_year, value, *, action, **extra):
    row = model.objects.filter(indicator=indicator, fiscal_year=fiscal_year).first()
    before = {"value": str(row.value) if row else None, **{k: getattr(row, k) if row else None for k in extra}}
    if value is None:
        if row is not None:
            row.delete()
            log_action(
                actor,
                f"{action}.clear",
                obj=indicator,
                organisation=indicator.organisation,
                label=_year_label(indicator, fiscal_year),
                changes=diff(before, {"value": None}),
            )
        return None
    if row is None:
        row = model(indicator=indicator, fiscal_year=fiscal_year)
    row.value = value
    for name, new in extra.items():
        setattr(row, name, new)
    row.save()
    after = {"value": str(row.value), **extra}
    log_action(
        actor,
        f"{action}.set",
        obj=indicator,
        organisation=indicator.organisation,
        label=_year_label(indicator, fiscal_year),
        changes=diff(before, after),
    )
    return row


@state_change
def save_plan(
    *,
    actor: Actor,
    indicator: Indicator,
    first_year: int,
    baseline: Decimal,
    increments: list[Decimal],
    baseline_label: str = "事業開始前（現時点）",
    adds_to_baseline: bool = True,
    plan: Plan | None = None,
    version: int | None = None,
) -> Plan:
    """Create or change a multi-year plan (opened at `version`; a stale one is refused). Each year's
    increment becomes that year's Target."""
    _require(actor, indicator.organisation)
    _check_year(first_year, "first_year")
    if indicator.monitoring:
        raise ValidationError({"first_year": _("モニタリング指標には計画を置きません。")})
    if not 1 <= len(increments) <= MAX_PLAN_YEARS:
        raise ValidationError(
            {"increments": _("増加分を1年目から順に、%(n)d年分まで入力してください。") % {"n": MAX_PLAN_YEARS}}
        )
    if baseline < 0 or any(value < 0 for value in increments):
        raise ValidationError({"increments": _("基準値と増加分は0以上の数で入力してください。")})
    last_year = first_year + len(increments) - 1
    overlapping = Plan.objects.filter(indicator=indicator, first_year__lte=last_year, last_year__gte=first_year)
    if plan is not None:
        overlapping = overlapping.exclude(pk=plan.pk)
    if overlapping.exists():
        raise ValidationError({"first_year": _("この期間には別の計画があります。")})
    if plan is not None:
        claim(plan, version, fields=PLAN_FIELDS)
    before = snapshot(plan, PLAN_FIELDS) if plan else {}
    old_years = set(plan.years) if plan else set()
    new_years = range(first_year, last_year + 1)
    old_targets = dict(
        Target.objects.filter(indicator=indicator, fiscal_year__in=old_years | set(new_years)).values_list(
            "fiscal_year", "value"
        )
    )
    plan = plan or Plan(indicator=indicator)
    plan.first_year, plan.last_year, plan.baseline = first_year, last_year, baseline
    plan.baseline_label, plan.adds_to_baseline = baseline_label.strip() or "事業開始前（現時点）", adds_to_baseline
    plan.save()
    # Years the plan no longer covers lose the targets the plan had set.
    Target.objects.filter(indicator=indicator, fiscal_year__in=old_years - set(new_years)).delete()
    for fy, value in zip(new_years, increments):
        Target.objects.update_or_create(indicator=indicator, fiscal_year=fy, defaults={"value": value})
    changes = diff(before, snapshot(plan, PLAN_FIELDS))
    # Yearly targets by year, as plain numbers ("10", not "10.0") so the trail reads like the form.
    changes.update(
        diff(
            {str(fy): _number(v) for fy, v in old_targets.items()},
            {str(fy): _number(v) for fy, v in zip(new_years, increments)},
        )
    )
    log_action(actor, "kpi.plan.save", obj=plan, organisation=indicator.organisation, changes=changes)
    return plan


@state_change
def delete_plan(*, actor: Actor, plan: Plan, version: int | None = None) -> None:
    """Remove a plan and the yearly targets it set, if it is still at `version` (the one the page was
    opened at; a plan changed since is refused with StaleEdit, like an edit)."""
    indicator = plan.indicator
    _require(actor, indicator.organisation)
    claim(plan, version, fields=PLAN_FIELDS)
    Target.objects.filter(indicator=indicator, fiscal_year__in=plan.years).delete()
    log_action(
        actor,
        "kpi.plan.delete",
        obj=plan,
        organisation=indicator.organisation,
        changes=diff(snapshot(plan, PLAN_FIELDS), {}),
    )
    plan.delete()


def _validate_levels(levels: list[tuple[str, Decimal]]) -> None:
    if not levels:
        raise ValidationError({"levels": _("進捗状況の区分を1つ以上入力してください。")})
    labels = [label for label, _min in levels]
    bounds = [bound for _label, bound in levels]
    if len(set(labels)) != len(labels):
        raise ValidationError({"levels": _("進捗状況の名前が重複しています。")})
    if len(set(bounds)) != len(bounds):
        raise ValidationError({"levels": _("達成割合の下限が重複しています。")})
    if any(bound < 0 for bound in bounds):
        raise ValidationError({"levels": _("達成割合の下限は0以上で入力してください。")})
    if 0 not in bounds:
        raise ValidationError({"levels": _("どの達成割合にも区分が付くよう、下限0%の区分を1つ入れてください。")})


@state_change
def set_levels(*, actor: Actor, organisation: Organisation, levels: list[tuple[str, Decimal]]) -> None:
    """Replace the organisation's own judgement levels (label, lower bound in %)."""
    _require(actor, organisation)
    levels = [(label.strip(), bound) for label, bound in levels]
    _validate_levels(levels)
    before = {row.label: str(row.min_ratio) for row in JudgementLevel.objects.filter(organisation=organisation)}
    JudgementLevel.objects.filter(organisation=organisation).delete()
    JudgementLevel.objects.bulk_create(
        JudgementLevel(organisation=organisation, label=label, min_ratio=bound) for label, bound in levels
    )
    log_action(
        actor,
        "kpi.levels.set",
        obj=organisation,
        organisation=organisation,
        changes=diff(before, {label: str(bound) for label, bound in levels}),
    )


@state_change
def reset_levels(*, actor: Actor, organisation: Organisation) -> None:
    """Drop the organisation's own levels so it follows its parent's (or the defaults) again."""
    _require(actor, organisation)
    rows = JudgementLevel.objects.filter(organisation=organisation)
    before = {row.label: str(row.min_ratio) for row in rows}
    if before:
        rows.delete()
        log_action(actor, "kpi.levels.reset", obj=organisation, organisation=organisation, changes=diff(before, {}))


# --- the PDCA sheet 様式1 -----------------------------------------------------------------------------

MEASURE_FIELDS = [
    "name",
    "policy",
    "policy_item",
    "sub_item",
    "summary",
    "issue",
    "content",
    "implementer",
    "department",
    "budget_name",
    "funding",
    "method",
]
MAX_SHEET_INDICATORS = 3


def _measure_indicators(organisation, indicators) -> list:
    indicators = list(indicators)
    if len(indicators) > MAX_SHEET_INDICATORS:
        raise ValidationError({"indicators": _("活動指標は3つまでです。")})
    if any(indicator.organisation_id != organisation.pk for indicator in indicators):
        raise ValidationError({"indicators": _("活動指標はこの組織の指標から選んでください。")})
    return indicators


@state_change
def create_measure(*, actor: Actor, organisation: Organisation, indicators=(), **values):
    from .models import Measure

    _require(actor, organisation)
    if not values.get("name", "").strip():
        raise ValidationError({"name": _("主な取組の名前を入力してください。")})
    chosen = _measure_indicators(organisation, indicators)
    measure = Measure.objects.create(
        organisation=organisation, **{k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    )
    measure.indicators.set(chosen)
    log_action(
        actor,
        "kpi.measure.create",
        obj=measure,
        organisation=organisation,
        changes=diff({}, snapshot(measure, MEASURE_FIELDS)),
    )
    return measure


@state_change
def set_budget(*, actor: Actor, measure, fiscal_year: int, amount: int | None):
    """A measure's amount in 千円 for a fiscal year; None removes it (― on the sheet)."""
    from .models import Budget

    _require(actor, measure.organisation)
    _check_year(fiscal_year)
    if amount is not None and not 0 <= amount <= 10**9:
        raise ValidationError({"amount": _("金額は0以上の千円単位で入力してください。")})
    old = Budget.objects.filter(measure=measure, fiscal_year=fiscal_year).values_list("amount", flat=True).first()
    if amount is None:
        Budget.objects.filter(measure=measure, fiscal_year=fiscal_year).delete()
    else:
        Budget.objects.update_or_create(measure=measure, fiscal_year=fiscal_year, defaults={"amount": amount})
    log_action(
        actor,
        "kpi.measure.budget",
        obj=measure,
        organisation=measure.organisation,
        changes={f"budget_{fiscal_year}": [old, amount]} if old != amount else {},
    )


@state_change
def save_sheet_texts(*, actor: Actor, measure, fiscal_year: int, version: int | None = None, **texts):
    """The texts of a measure's sheet for a year, opened at `version` (0: not written yet)."""
    from .models import SHEET_TEXTS, SheetYear

    _require(actor, measure.organisation)
    _check_year(fiscal_year)
    unknown = set(texts) - set(SHEET_TEXTS)
    if unknown:
        raise ValueError(f"unknown sheet texts {sorted(unknown)}")
    sheet, created = SheetYear.objects.get_or_create(measure=measure, fiscal_year=fiscal_year)
    before = snapshot(sheet, SHEET_TEXTS)
    values = {name: texts.get(name, getattr(sheet, name)).strip() for name in SHEET_TEXTS}
    claim(sheet, 1 if created else version, fields=SHEET_TEXTS, **values)
    log_action(
        actor,
        "kpi.sheet.save",
        obj=measure,
        organisation=measure.organisation,
        label=str(fiscal_year),
        changes=diff(before, snapshot(sheet, SHEET_TEXTS)),
    )
    return sheet


# --- the yearly progress report -------------------------------------------------------------------------


@state_change
def save_progress_page(
    *,
    actor: Actor,
    organisation: Organisation,
    fiscal_year: int,
    part: str,
    program: str,
    text: str,
    source: Organisation | None = None,
    version: int | None = None,
):
    """What staff write on one page of the organisation's progress report for a period, and whose figures
    it shows (an organisation of its subtree; None: the default), opened at `version` (0: not written)."""
    from .models import Program, ProgressPage, ReportPart

    _require(actor, organisation)
    _check_year(fiscal_year)
    errors = {}
    if part not in ReportPart.values:
        errors["part"] = _("期間は年度・上半期・下半期から選んでください。")
    if program not in Program.values:
        errors["program"] = _("事業を一覧から選んでください。")
    if source is not None and not source.is_within(organisation):
        errors["source"] = _("数字を取る組織は、この組織とその下の組織から選んでください。")
    if len(text) > 8000:
        errors["text"] = _("取組の状況・課題と対策は8,000字以内で入力してください。")
    if errors:
        raise ValidationError(errors)
    fields = ["text", "source"]
    page, created = ProgressPage.objects.get_or_create(
        organisation=organisation, fiscal_year=fiscal_year, part=part, program=program
    )
    before = snapshot(page, fields)
    claim(page, 1 if created else version, fields=fields, text=text.strip(), source=source)
    log_action(
        actor,
        "kpi.progress.save",
        obj=organisation,
        organisation=organisation,
        label=f"{fiscal_year} {part} {program}",
        changes=diff(before, snapshot(page, fields)),
    )
    return page

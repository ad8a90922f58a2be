"""Access declarations for the KPI pages and the published-figures download. The organisation of the
overview and of the published figures (?org=CODE) and the plan being changed (?plan=ID) come in the query
string: the harness also asks them with the other prefecture's."""

from decimal import Decimal

from tsunagu.core.wareki import current_fiscal_year
from tsunagu.kpi import actions
from tsunagu.kpi.models import MANUAL, EnteredValue, Indicator, Plan, ProgressPage, SheetYear, Target
from tsunagu.orgs.rules import Perm

from ..access import UrlCase
from ..factories import SYSTEM

OTHER_INDICATOR = "他県だけの秘密の指標"
OTHER_LEVEL = "他県だけの区分"
OTHER_MEASURE = "他県だけの主な取組"


def _indicator(world, side):
    return {"pk": world[f"{side}_kpi"].pk}


def _other(world):
    return world["other_kpi"]


URL_CASES = [
    UrlCase("kpi_overview", Perm.VIEW_STATS, leak=lambda w: OTHER_INDICATOR, query=lambda w, s: {"org": w[s].code}),
    UrlCase("kpi_org", Perm.VIEW_STATS, kwargs=lambda w, s: {"code": w[f"{s}_center"].code}),
    UrlCase("kpi_levels", Perm.MANAGE_ORG, leak=lambda w: OTHER_LEVEL),
    UrlCase("kpi_indicator_add", Perm.MANAGE_ORG, leak=lambda w: OTHER_INDICATOR),
    UrlCase("kpi_indicator", Perm.VIEW_STATS, kwargs=_indicator),
    UrlCase(
        "kpi_indicator_edit",
        Perm.MANAGE_ORG,
        kwargs=_indicator,
        post={
            "name": "書き換えた指標",
            "unit": "件",
            "source": MANUAL,
            "order": "0",
            "is_active": "on",
            "version": "1",
        },
        changed=lambda w: Indicator.objects.filter(name="書き換えた指標").exists(),
    ),
    UrlCase(
        "kpi_target",
        Perm.MANAGE_ORG,
        kwargs=_indicator,
        post={"fiscal_year": str(current_fiscal_year()), "value": "99"},
        changed=lambda w: Target.objects.filter(indicator=_other(w), value=99).exists(),
    ),
    UrlCase(
        "kpi_actual",
        Perm.MANAGE_ORG,
        kwargs=_indicator,
        post={"fiscal_year": str(current_fiscal_year()), "value": "77", "note": ""},
        changed=lambda w: EnteredValue.objects.filter(indicator=_other(w)).exists(),
    ),
    UrlCase(
        "kpi_plan",
        Perm.MANAGE_ORG,
        kwargs=_indicator,
        query=lambda w, s: {"plan": w[f"{s}_plan"].pk},
        post={
            "first_year": str(current_fiscal_year()),
            "baseline": "13",
            "baseline_label": "事業開始前",
            "adds_to_baseline": "on",
            "increment_1": "5",
            "increment_2": "10",
            "increment_3": "5",
            "version": "1",
        },
        # The world's plans start from 7: a plan from 13 is one this POST made.
        changed=lambda w: Plan.objects.filter(baseline=13).exists(),
    ),
    UrlCase(
        "kpi_measure_sheet",
        Perm.VIEW_STATS,
        kwargs=lambda w, s: {"pk": w[f"{s}_measure"].pk},
        post={"activity": "書き換えた活動概要", "version": "0"},
        changed=lambda w: SheetYear.objects.filter(measure=w["other_measure"]).exists(),
    ),
    UrlCase(
        "kpi_measure_sheet_download",
        Perm.VIEW_STATS,
        kwargs=lambda w, s: {"pk": w[f"{s}_measure"].pk, "fmt": "xlsx"},
    ),
    UrlCase("kpi_progress", Perm.VIEW_STATS, kwargs=lambda w, s: {"code": w[s].code}),
    UrlCase("kpi_progress_download", Perm.VIEW_STATS, kwargs=lambda w, s: {"code": w[s].code, "fmt": "xlsx"}),
    UrlCase(
        "kpi_progress_page",
        Perm.MANAGE_ORG,
        kwargs=lambda w, s: {"code": w[s].code, "program": "training"},
        post={"text": "書き換えた取組状況", "source": "", "version": "0"},
        changed=lambda w: ProgressPage.objects.filter(organisation=w["other"]).exists(),
    ),
    UrlCase(
        "stats_published",
        Perm.VIEW_STATS,
        leak=lambda w: w["other"].name,
        query=lambda w, s: {"org": w[f"{s}_center"].code},
    ),
]


def extend_world(world):
    for side, name in (("own", "連絡協議会の開催回数"), ("other", OTHER_INDICATOR)):
        world[f"{side}_kpi"] = actions.create_indicator(
            actor=SYSTEM,
            organisation=world[side],
            name=name,
            unit="回",
            source=MANUAL,
        )
        world[f"{side}_plan"] = actions.save_plan(
            actor=SYSTEM,
            indicator=world[f"{side}_kpi"],
            first_year=current_fiscal_year() - 1,
            baseline=Decimal(7),
            increments=[Decimal(1)],
        )
    for side in ("own", "other"):
        world[f"{side}_measure"] = actions.create_measure(
            actor=SYSTEM,
            organisation=world[side],
            name=OTHER_MEASURE if side == "other" else "ひきこもり対策推進事業",
            indicators=[world[f"{side}_kpi"]],
        )
    actions.set_levels(
        actor=SYSTEM, organisation=world["other"], levels=[(OTHER_LEVEL, Decimal("100")), ("その他", Decimal("0"))]
    )

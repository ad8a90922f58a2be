"""The demo prefecture's KPIs for FY2024–2026 (令和6〜8年度): the centre's indicators computed from its
records with yearly targets, and the prefecture's hand-entered ones modelled on the seeds (the liaison
council held 4 times against a plan of 4, a multi-year plan for consultation windows with baseline 13
and increments 5, 10, 5, a residents' survey, a monitored count of supporter dispatches).

Idempotent: when the prefecture or the centre already has indicators, nothing is added.
"""

from decimal import Decimal

from tsunagu.kpi import actions
from tsunagu.kpi.models import MANUAL, Indicator
from tsunagu.orgs.rules import Actor

from .network import DemoNetwork

YEARS = (2024, 2025, 2026)

# (name, unit, computed source, targets for YEARS or None for a monitored indicator)
CENTRE = [
    ("新規相談件数", "件", "new_cases", (80, 100, 110)),
    ("延べ相談件数", "件", "contacts", (500, 900, 1100)),
    ("実人数", "人", "persons", None),
    ("訪問件数", "件", "visits", (60, 120, 150)),
    ("つなぎ件数", "件", "referrals", (15, 20, 30)),
    ("支援決定件数（専門機関での支援が決定した件数）", "件", "decided", (10, 15, 20)),
    ("居場所等の支援につながった件数", "件", "connected", (10, 12, 18)),
]

# (name, unit, targets for YEARS or None, actuals entered so far, source note)
PREFECTURE = [
    ("連絡協議会の開催回数", "回", (4, 4, 4), (4, 4, 2), "県ひきこもり支援連絡協議会（全体会・地域部会）"),
    ("住民の理解が深まったと感じる人の割合", "%", (50, 55, 60), ("48.2", "52.7"), "県民意識調査"),
    ("ひきこもりサポーターの派遣回数", "回", None, (18, 26), "ひきこもりサポーター派遣事業の実績報告"),
]
WINDOWS = "市町村のひきこもり相談窓口設置数（増加分）"
WINDOWS_PLAN = {"baseline": 13, "increments": (5, 10, 5), "actuals": (6, 9)}


def _d(value) -> Decimal:
    return Decimal(str(value))


def build_kpis(network: DemoNetwork, actor: Actor) -> int:
    """Add the demo indicators, targets, entered values and plan. Returns how many indicators were added."""
    if Indicator.objects.filter(organisation__in=[network.prefecture, network.center]).exists():
        return 0
    added = 0
    for order, (name, unit, source, targets) in enumerate(CENTRE, start=1):
        indicator = actions.create_indicator(
            actor=actor,
            organisation=network.center,
            name=name,
            unit=unit,
            source=source,
            monitoring=targets is None,
            order=order,
        )
        for fy, value in zip(YEARS, targets or ()):
            actions.set_target(actor=actor, indicator=indicator, fiscal_year=fy, value=_d(value))
        added += 1
    decided = actions.create_indicator(
        actor=actor,
        organisation=network.prefecture,
        order=1,
        unit="件",
        name="支援決定件数（県全体）",
        source="decided",
    )
    for fy, value in zip(YEARS, (15, 25, 30)):
        actions.set_target(actor=actor, indicator=decided, fiscal_year=fy, value=_d(value))
    for order, (name, unit, targets, actuals, note) in enumerate(PREFECTURE, start=2):
        indicator = actions.create_indicator(
            actor=actor,
            organisation=network.prefecture,
            name=name,
            unit=unit,
            source=MANUAL,
            monitoring=targets is None,
            order=order,
        )
        for fy, value in zip(YEARS, targets or ()):
            actions.set_target(actor=actor, indicator=indicator, fiscal_year=fy, value=_d(value))
        for fy, value in zip(YEARS, actuals):
            actions.set_entered_value(actor=actor, indicator=indicator, fiscal_year=fy, value=_d(value), note=note)
    windows = actions.create_indicator(
        actor=actor,
        organisation=network.prefecture,
        name=WINDOWS,
        unit="市町村",
        source=MANUAL,
        order=9,
        description="計画期間中に新たに相談窓口を設置した市町村の数",
    )
    actions.save_plan(
        actor=actor,
        indicator=windows,
        first_year=YEARS[0],
        baseline=_d(WINDOWS_PLAN["baseline"]),
        increments=[_d(v) for v in WINDOWS_PLAN["increments"]],
    )
    for fy, value in zip(YEARS, WINDOWS_PLAN["actuals"]):
        actions.set_entered_value(actor=actor, indicator=windows, fiscal_year=fy, value=_d(value))
    build_measure(network, actor)
    return added + 2 + len(PREFECTURE)


# The prefecture's 主な取組 for 様式1, in the seed's shape: budgets in 千円 for R4 … R9 (決算額 up to the
# year before the sheet's, 決算見込額, 当初予算額), three of its KPIs, last year's Action.
MEASURE = {
    "name": "ひきこもり対策推進事業",
    "policy": "2-(2)-ウ 子ども・若者の育成支援",
    "policy_item": "①　子ども・若者の支援に向けた環境づくり",
    "sub_item": "○支援ネットワークの構築",
    "summary": "ひきこもり状態にある者やその家族等への相談支援、関連機関へのつなぎ等",
    "issue": "社会生活を円滑に営む上で困難を有する子ども・若者を総合的に支援する体制を整備する必要がある。",
    "content": "ひきこもり地域支援センターにおいて、相談支援・訪問支援、関係機関職員への研修、"
    "連絡協議会、普及啓発を行う。",
    "implementer": "県",
    "department": "保健医療部地域保健課",
    "budget_name": "ひきこもり対策推進事業費",
    "funding": "各省計上",
    "method": "補助",
}
MEASURE_BUDGET = {2022: 9263, 2023: 8997, 2024: 16973, 2025: 10895, 2026: 10500, 2027: 10800}
MEASURE_INDICATORS = ("連絡協議会の開催回数", "支援決定件数（県全体）", "住民の理解が深まったと感じる人の割合")


def build_measure(network: DemoNetwork, actor: Actor):
    indicators = Indicator.objects.filter(organisation=network.prefecture, name__in=MEASURE_INDICATORS)
    measure = actions.create_measure(
        actor=actor, organisation=network.prefecture, indicators=list(indicators), **MEASURE
    )
    for fy, amount in MEASURE_BUDGET.items():
        actions.set_budget(actor=actor, measure=measure, fiscal_year=fy, amount=amount)
    actions.save_sheet_texts(
        actor=actor,
        measure=measure,
        fiscal_year=YEARS[1],
        activity="連絡協議会を本島、離島合わせて4回開催した。",
        action="市町村向けに担当者会議を開催する。\n離島で地域連絡協議会を開催し、県内全域で連携した支援を行う。",
    )
    return measure

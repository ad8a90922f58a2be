"""The demo prefecture's KPIs (tsunagu.demo.kpi), built on the demo network."""

from tsunagu.audit.models import AuditEntry
from tsunagu.demo.kpi import build_kpis
from tsunagu.demo.network import build_network
from tsunagu.kpi.models import EnteredValue, Indicator, Plan, Target
from tsunagu.kpi.queries import kpi_page

from ..factories import SYSTEM


def test_demo_kpis_for_fy2024_to_2026(db):
    network = build_network(SYSTEM)
    assert build_kpis(network, SYSTEM) == 12
    assert (Indicator.objects.count(), Target.objects.count(), EnteredValue.objects.count(), Plan.objects.count()) == (
        12,
        30,
        9,
        1,
    )
    assert set(Target.objects.values_list("fiscal_year", flat=True)) == {2024, 2025, 2026}
    rows = {row.indicator.name: row for row in kpi_page(network.prefecture, 2024).rows}
    council = rows["連絡協議会の開催回数"].current
    assert (council.target_text, council.actual_text, council.ratio_text, council.judgement) == (
        "4",
        "4",
        "100.0%",
        (0, "順調"),
    )
    plan = rows["市町村のひきこもり相談窓口設置数（増加分）"].plan
    assert (plan.baseline_text, [y.increment_text for y in plan.years], plan.total_text, plan.end_level_text) == (
        "13",
        ["5", "10", "5"],
        "20",
        "33",
    )
    assert rows["ひきこもりサポーターの派遣回数"].indicator.monitoring
    centre = [row.indicator.source for row in kpi_page(network.center, 2025).rows]
    assert centre == ["new_cases", "contacts", "persons", "visits", "referrals", "decided", "connected"]


def test_demo_kpis_are_added_once(db):
    network = build_network(SYSTEM)
    build_kpis(network, SYSTEM)
    entries = AuditEntry.objects.count()
    assert build_kpis(network, SYSTEM) == 0
    assert (Indicator.objects.count(), AuditEntry.objects.count()) == (12, entries)


def test_demo_measure_sheet(db):
    from tsunagu.kpi import sheets
    from tsunagu.kpi.models import Measure

    network = build_network(SYSTEM)
    build_kpis(network, SYSTEM)
    measure = Measure.objects.get(organisation=network.prefecture)
    sheet = sheets.build_sheet(measure, 2026)
    # R4 … R9: 決算額 for R4 … R7, 決算見込額 R8, 当初予算額 R9; R5 written as 8,997.
    assert sheet.budget == ["9,263", "8,997", "16,973", "10,895", "10,500", "10,800"]
    assert [line.name for line in sheet.indicators] == [
        "支援決定件数（県全体）",
        "連絡協議会の開催回数",
        "住民の理解が深まったと感じる人の割合",
    ]
    council = sheet.indicators[1]
    assert (council.past[-2:], council.target) == (["4", "4"], "4")
    # Last year's (R7) Action comes forward as this year's (2).
    assert sheet.previous_action.startswith("市町村向けに担当者会議を開催する。")

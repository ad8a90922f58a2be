"""Multi-year KPI plans. The seeds' table (003_…: 市町のひきこもり相談窓口設置数) reads: 事業開始前 13;
令和2年度増加分 5, 令和3年度増加分 10, 令和4年度増加分 5; 計画期間中の増加分の累計 20 — the cumulative
total is the sum of the increments, not counting the baseline; the number of windows reached is 13 + 20."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tsunagu.audit.models import AuditEntry
from tsunagu.kpi import actions
from tsunagu.kpi.models import Plan, Target
from tsunagu.kpi.queries import kpi_page
from tsunagu.orgs.models import Role
from tsunagu.orgs.rules import Actor

from ..factories import SYSTEM, make_staff
from .factories import entered, make_indicator, target

D = Decimal


def seed_plan(org):
    windows = make_indicator(org, "市町のひきこもり相談窓口設置数（増加分）", unit="市町")
    plan = actions.save_plan(
        actor=SYSTEM, indicator=windows, first_year=2020, baseline=D(13), increments=[D(5), D(10), D(5)]
    )
    return windows, plan


def test_seed_plan_baseline_13_increments_5_10_5_cumulative_20(network):
    windows, plan = seed_plan(network["own"])
    assert (plan.first_year, plan.last_year, plan.baseline, plan.baseline_label) == (
        2020,
        2022,
        D(13),
        "事業開始前（現時点）",
    )
    # Each increment is that year's target (計画値).
    assert list(Target.objects.filter(indicator=windows).values_list("fiscal_year", "value")) == [
        (2020, D(5)),
        (2021, D(10)),
        (2022, D(5)),
    ]
    progress = kpi_page(network["own"], 2021).rows[0].plan
    assert [(y.fiscal_year, y.increment, y.cumulative_target, y.level_target) for y in progress.years] == [
        (2020, D(5), D(5), D(18)),
        (2021, D(10), D(15), D(28)),
        (2022, D(5), D(20), D(33)),
    ]
    assert (progress.total, progress.end_level) == (D(20), D(33))
    assert (progress.total_text, progress.end_level_text, progress.baseline_text) == ("20", "33", "13")


def test_plan_progress_with_actual_increments(network):
    windows, _plan = seed_plan(network["own"])
    entered(windows, 2020, 6)
    entered(windows, 2021, 7)
    progress = kpi_page(network["own"], 2022).rows[0].plan
    assert [(y.actual, y.ratio, y.cumulative_actual, y.level_actual) for y in progress.years] == [
        (D(6), 120.0, D(6), D(19)),
        (D(7), 70.0, D(13), D(26)),
        (None, None, None, None),
    ]
    # 13 of the 20 planned so far: 65.0%.
    assert (progress.actual_total, progress.ratio) == (D(13), 65.0)
    current = kpi_page(network["own"], 2021).rows[0].current
    assert (current.target, current.actual, current.ratio, current.judgement) == (D(10), D(7), 70.0, (2, "やや遅れ"))


def test_a_flow_plan_does_not_add_to_the_baseline(network):
    """相談件数（就職氷河期世代）: 133 before; 160, 170, 180 a year; 510 over the plan."""
    consultations = make_indicator(network["own"], "相談件数（就職氷河期世代）", unit="件")
    actions.save_plan(
        actor=SYSTEM,
        indicator=consultations,
        first_year=2020,
        baseline=D(133),
        increments=[D(160), D(170), D(180)],
        adds_to_baseline=False,
    )
    progress = kpi_page(network["own"], 2020).rows[0].plan
    assert (progress.total, progress.end_level) == (D(510), None)
    assert [y.level_target for y in progress.years] == [None, None, None]


def test_changing_a_plan_moves_its_targets_and_is_audited(network):
    windows, plan = seed_plan(network["own"])
    actions.save_plan(
        actor=SYSTEM, indicator=windows, plan=plan, first_year=2021, baseline=D(13), increments=[D(4), D(6)]
    )
    assert list(Target.objects.filter(indicator=windows).values_list("fiscal_year", "value")) == [
        (2021, D(4)),
        (2022, D(6)),
    ]
    entry = AuditEntry.objects.filter(action="kpi.plan.save").order_by("id").last()
    assert entry.changes == {"first_year": [2020, 2021], "2020": ["5", None], "2021": ["10", "4"], "2022": ["5", "6"]}
    actions.delete_plan(actor=SYSTEM, plan=plan)
    assert not Target.objects.filter(indicator=windows).exists()
    assert AuditEntry.objects.filter(action="kpi.plan.delete").count() == 1


def test_plans_of_one_indicator_may_not_overlap(network):
    windows, _plan = seed_plan(network["own"])
    with pytest.raises(ValidationError) as raised:
        actions.save_plan(actor=SYSTEM, indicator=windows, first_year=2022, baseline=D(33), increments=[D(1)])
    assert raised.value.message_dict == {"first_year": ["この期間には別の計画があります。"]}
    later = actions.save_plan(actor=SYSTEM, indicator=windows, first_year=2023, baseline=D(33), increments=[D(1)])
    assert Plan.objects.filter(indicator=windows).count() == 2
    assert later.years == range(2023, 2024)


def test_a_role_that_may_not_keep_kpis_is_refused_and_the_refusal_logged(network):
    indicator = make_indicator(network["own"])
    viewer = make_staff(network["own"], Role.VIEWER)
    with pytest.raises(PermissionDenied):
        actions.save_plan(
            actor=Actor(user=viewer.user, membership=viewer),
            indicator=indicator,
            plan=None,
            first_year=2021,
            baseline=Decimal(13),
            increments=[Decimal(5)],
        )
    denied = AuditEntry.objects.get(action="permission.denied")
    assert (denied.username, denied.object_label, denied.allowed) == (viewer.user.username, "manage_org", False)
    assert not Plan.objects.exists()


def test_an_administrator_above_cannot_change_a_centres_kpis_and_the_refusal_is_logged(network):
    indicator = make_indicator(network["own_center"])
    admin = make_staff(network["own"], Role.ADMIN)
    with pytest.raises(PermissionDenied) as raised:
        target(indicator, 2021, 5, actor=Actor(user=admin.user, membership=admin))
    assert str(raised.value) == "他の組織の指標は変更できません。"
    denied = AuditEntry.objects.get(action="permission.denied")
    assert (denied.username, denied.object_label, denied.organisation) == (
        admin.user.username,
        f"manage_org:{network['own_center'].code}",
        network["own"],
    )
    assert not Target.objects.exists()

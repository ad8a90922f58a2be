"""Payment lists: 作成中 → 承認 → 確定, who may approve, a frozen month, corrections as adjustment lines
on the next list, budgets, and the XLSX and PDF a finance office files."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from tsunagu.audit.models import AuditEntry
from tsunagu.work import actions, exports
from tsunagu.work.models import ListStatus

from .conftest import place, rate

MAY, JUNE = date(2021, 5, 1), date(2021, 6, 1)


@pytest.fixture
def placement(admin, coordinator, farm):
    rate(admin, "experience", "participant", "day", 500)
    rate(admin, "experience", "host", "day", 4500)
    placement = place(coordinator, farm)
    actions.record_days(
        actor=coordinator, placement=placement, days={date(2021, 5, d): Decimal(5) for d in (10, 11, 12)}
    )
    return placement


def _list(actor, month, payee="host"):
    return actions.create_payment_list(actor=actor, organisation=actor.organisation, month=month, payee=payee)


def _lines(payment_list):
    return list(payment_list.lines.order_by("for_month", "id").values_list("for_month", "days", "amount"))


def test_only_the_organisations_admin_approves_and_settles(coordinator, admin, placement):
    may = _list(coordinator, MAY)
    with pytest.raises(PermissionDenied):
        actions.approve_payment_list(actor=coordinator, payment_list=may)
    actions.approve_payment_list(actor=admin, payment_list=may)
    actions.settle_payment_list(actor=admin, payment_list=may)
    may.refresh_from_db()
    assert (may.status, may.approved_by, may.settled_by) == (ListStatus.SETTLED, admin.audit_name, admin.audit_name)
    assert list(
        AuditEntry.objects.filter(action__startswith="work.payment_list")
        .order_by("id")
        .values_list("action", "user_id")
    ) == [
        ("work.payment_list_create", coordinator.user.pk),
        ("work.payment_list_approve", admin.user.pk),
        ("work.payment_list_settle", admin.user.pk),
    ]


def test_an_approved_month_refuses_a_change_until_settled_and_then_adjusts_the_next_list(coordinator, admin, placement):
    may = _list(coordinator, MAY)
    actions.approve_payment_list(actor=admin, payment_list=may)
    with pytest.raises(ValidationError) as refused:
        actions.record_days(actor=coordinator, placement=placement, days={date(2021, 5, 13): Decimal(5)})
    assert refused.value.messages == [
        "令和3年5月の支払一覧（事業者）は承認済みです。確定するまでこの月の記録は変更できません。"
    ]
    actions.settle_payment_list(actor=admin, payment_list=may)
    june = _list(coordinator, JUNE)
    assert _lines(june) == []
    # A late correction: a day added to settled May, and June's own day.
    actions.record_days(
        actor=coordinator, placement=placement, days={date(2021, 5, 13): Decimal(5), date(2021, 6, 1): Decimal(5)}
    )
    june.refresh_from_db()
    assert _lines(june) == [(MAY, 1, 4500), (JUNE, 1, 4500)]
    assert _lines(may) == [(MAY, 3, 13500)]  # the settled list never changes
    with pytest.raises(ValidationError) as refused:
        actions.refresh_payment_list(actor=coordinator, payment_list=may)
    assert refused.value.messages == ["確定した支払一覧は変更できません。訂正は次の支払一覧に調整として載ります。"]
    with pytest.raises(ValidationError):
        actions.approve_payment_list(actor=admin, payment_list=may)
    # Once June is settled the correction is paid: July carries nothing for May.
    actions.approve_payment_list(actor=admin, payment_list=june)
    actions.settle_payment_list(actor=admin, payment_list=june)
    assert _lines(_list(coordinator, date(2021, 7, 1))) == []


def test_a_removed_day_of_a_settled_month_is_a_negative_adjustment(coordinator, admin, placement):
    may = _list(coordinator, MAY, payee="participant")
    actions.approve_payment_list(actor=admin, payment_list=may)
    actions.settle_payment_list(actor=admin, payment_list=may)
    actions.record_days(actor=coordinator, placement=placement, days={date(2021, 5, 12): None})
    assert _lines(_list(coordinator, JUNE, payee="participant")) == [(MAY, -1, -500)]


def test_a_budget_overrun_is_refused_saying_by_how_much(coordinator, admin, placement):
    # Three days so far: 3 × (500 + 4,500) = 15,000. A budget of 18,500 leaves room for none more.
    actions.set_budget(
        actor=admin, organisation=admin.organisation, program="experience", fiscal_year=2021, amount=18500
    )
    with pytest.raises(ValidationError) as refused:
        actions.record_days(actor=coordinator, placement=placement, days={date(2021, 5, 13): Decimal(5)})
    assert refused.value.messages == ["令和3年度の就労体験の予算は18,500円です。この記録で予算を1,500円超えます。"]
    assert placement.days.count() == 3
    with pytest.raises(ValidationError) as refused:
        actions.set_budget(
            actor=admin, organisation=admin.organisation, program="experience", fiscal_year=2021, amount=14000
        )
    assert refused.value.message_dict["amount"] == [
        "この年度の就労体験の手当はすでに15,000円です。予算を1,000円超えます。"
    ]


def test_the_list_downloads_as_xlsx_and_pdf_with_totals_in_yen_and_thousand_yen(coordinator, placement):
    may = _list(coordinator, MAY)
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(may))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == exports.HEADERS
    assert rows[1] == [
        "山田農園",
        placement.number,
        placement.case.number,
        "就労体験",
        "令和3年5月",
        3,
        15,
        "4,500円/日",
        13500,
    ]
    assert rows[2][0] == "合計" and rows[2][8] == 13500
    assert rows[3][0] == "合計（千円）" and rows[3][8] == "14千円"
    assert exports.to_pdf(may).startswith(b"%PDF")


def test_the_week_form_saves_seven_days_and_refuses_a_stale_one(client, coordinator, placement):
    from tests.conftest import act_as

    act_as(client, coordinator.membership)
    url = f"/work/{placement.pk}/week/?start=2021-05-10"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="d20210516"' in page.content.decode()
    version = placement.version
    response = client.post(
        url, {"version": version, "d20210510": "5", "d20210511": "", "d20210512": "5", "d20210514": "7.5"}
    )
    assert response.status_code == 302
    assert dict(placement.days.values_list("date", "hours")) == {
        date(2021, 5, 10): Decimal("5.00"),
        date(2021, 5, 12): Decimal("5.00"),
        date(2021, 5, 14): Decimal("7.50"),
    }
    stale = client.post(url, {"version": version, "d20210510": "6"})
    assert stale.status_code == 200
    assert placement.days.get(date=date(2021, 5, 10)).hours == Decimal(5)

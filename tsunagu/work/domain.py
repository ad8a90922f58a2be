"""Validation and derived values of placements, worked days, budgets and payment lists: the one place the
actions, the ledger sheets and the demo data share."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from tsunagu.cases import rules as case_rules
from tsunagu.core import wareki

from .allowances import RateBook
from .models import ListStatus, Outcome, PaymentLine, PaymentList, Placement, Program, ProgramBudget, WorkedDay

MAX_HOURS = Decimal(24)


def month_of(on: date) -> date:
    return on.replace(day=1)


def month_label(month: date) -> str:
    """令和6年5月"""
    return wareki.format_date(month.replace(day=1))[:-2]


def day_field(on: date) -> str:
    """The name of a day's field in the week form, which the actions key their errors by."""
    return f"d{on:%Y%m%d}"


def validate_placement(values: dict, *, organisation_id: int) -> dict:
    errors = {}
    case, host = values.get("case"), values.get("host")
    if case is None:
        errors["case"] = _("「ケース番号」を入力してください。")
    elif case.organisation_id != organisation_id:
        errors["case"] = _("「ケース番号」のケースはこの組織のケースではありません。")
    if host is None or host.organisation_id != organisation_id:
        errors["host"] = _("「受入先」を選んでください。")
    if values.get("program") not in Program.values:
        errors["program"] = _("「種別」を選んでください。")
    start, end = values.get("start"), values.get("end")
    if start is None:
        errors["start"] = _("「開始日」を入力してください。")
    elif problem := case_rules.record_date_error(start):
        errors["start"] = problem
    if end is not None:
        if problem := case_rules.record_date_error(end):
            errors["end"] = problem
        elif start is not None and end < start:
            errors["end"] = _("「終了日」は開始日より後にしてください。")
    outcome = values.get("outcome") or ""
    if outcome and outcome not in Outcome.values:
        errors["outcome"] = _("「結果」を選んでください。")
    elif outcome and end is None:
        errors["outcome"] = _("「結果」は終了日と一緒に入力してください。")
    if errors:
        raise ValidationError(errors)
    return {**values, "outcome": outcome}


def day_error(placement: Placement, on: date, hours: Decimal | None) -> str | None:
    if on < placement.start or (placement.end is not None and on > placement.end):
        return _("就労体験の期間（開始日から終了日まで）の外の日です。")
    if problem := case_rules.record_date_error(on, future=False):
        return problem
    if hours is not None and not (0 < hours <= MAX_HOURS):
        return _("「時間」は0より多く24以下で入力してください。")
    return None


# --- budgets -------------------------------------------------------------------------------------------


def fiscal_year_total(organisation_id: int, program: str, fiscal_year: int, book: RateBook) -> int:
    """Yen of both payees for the program's days worked in the fiscal year, at the rates of each day."""
    start, end = wareki.fiscal_year_range(fiscal_year)
    days = WorkedDay.objects.filter(
        organisation_id=organisation_id, placement__program=program, date__range=(start, end)
    ).values_list("date", "hours")
    return sum(book.day_total(on, hours, program) for on, hours in days)


def check_budgets(organisation_id: int, program: str, fiscal_years, book: RateBook | None = None) -> None:
    """Refuse when the program's allowances of a fiscal year now exceed its budget, saying by how much."""
    budgets = dict(
        ProgramBudget.objects.filter(
            organisation_id=organisation_id, program=program, fiscal_year__in=set(fiscal_years)
        ).values_list("fiscal_year", "amount")
    )
    book = book or RateBook.of(organisation_id)
    for year in sorted(budgets):
        total = fiscal_year_total(organisation_id, program, year, book)
        if total > budgets[year]:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _(
                        "%(year)sの%(program)sの予算は%(budget)s円です。この記録で予算を%(over)s円超えます。"
                    )
                    % {
                        "year": wareki.fiscal_year_label(year),
                        "program": Program(program).label,
                        "budget": f"{budgets[year]:,}",
                        "over": f"{total - budgets[year]:,}",
                    }
                }
            )


# --- payment lists -------------------------------------------------------------------------------------


def frozen_list_error(organisation_id: int, months) -> str | None:
    """Worked days of a month whose list is 承認 (awaiting settlement) cannot change: the list would no
    longer be what was approved. A 確定 month may change: the difference is paid on the next list."""
    approved = (
        PaymentList.objects.filter(organisation_id=organisation_id, month__in=set(months), status=ListStatus.APPROVED)
        .order_by("month")
        .first()
    )
    if approved is None:
        return None
    return _("%(month)sの支払一覧（%(payee)s）は承認済みです。確定するまでこの月の記録は変更できません。") % {
        "month": month_label(approved.month),
        "payee": approved.get_payee_display(),
    }


def _month_end(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _priced(organisation_id: int, payee: str, months, book: RateBook):
    """{(placement id, month): [days, hours, amount, {rate labels}]} of the worked days of `months`."""
    result = defaultdict(lambda: [0, Decimal(0), 0, []])
    for month in months:
        days = WorkedDay.objects.filter(
            organisation_id=organisation_id, date__gte=month, date__lt=_month_end(month)
        ).values_list("placement_id", "placement__program", "date", "hours")
        for placement_id, program, on, hours in days:
            rate = book.rate_on(on, program, payee)
            row = result[placement_id, month]
            row[0] += 1
            row[1] += hours
            row[2] += rate.amount(hours) if rate else 0
            label = rate.label if rate else _("単価なし")
            if label not in row[3]:
                row[3].append(label)
    return result


def adjustment_months(payment_list: PaymentList) -> list[date]:
    """Earlier settled months of the payee whose corrections this list carries: those with no 作成中 list
    between them and this one (a correction is paid once, on the next list after its month)."""
    lists = PaymentList.objects.filter(organisation_id=payment_list.organisation_id, payee=payment_list.payee)
    settled = lists.filter(status=ListStatus.SETTLED, month__lt=payment_list.month).values_list("month", flat=True)
    drafts = sorted(
        lists.filter(status=ListStatus.DRAFT, month__lt=payment_list.month)
        .exclude(pk=payment_list.pk)
        .values_list("month", flat=True)
    )
    return sorted(m for m in settled if not any(m < d for d in drafts))


def build_lines(payment_list: PaymentList, book: RateBook | None = None) -> list[PaymentLine]:
    """The lines of a list: each placement's days of its month, then for each earlier settled month the
    new total less what was paid for it, where they differ."""
    org_id, payee = payment_list.organisation_id, payment_list.payee
    book = book or RateBook.of(org_id)
    lines = [
        PaymentLine(
            payment_list=payment_list,
            placement_id=placement_id,
            for_month=month,
            days=days,
            hours=hours,
            rate="／".join(labels),
            amount=amount,
        )
        for (placement_id, month), (days, hours, amount, labels) in _priced(
            org_id, payee, [payment_list.month], book
        ).items()
    ]
    months = adjustment_months(payment_list)
    if months:
        now = _priced(org_id, payee, months, book)
        paid = defaultdict(lambda: [0, Decimal(0), 0])
        for placement_id, month, days, hours, amount in PaymentLine.objects.filter(
            payment_list__organisation_id=org_id,
            payment_list__payee=payee,
            payment_list__status__in=[ListStatus.APPROVED, ListStatus.SETTLED],
            for_month__in=months,
        ).values_list("placement_id", "for_month", "days", "hours", "amount"):
            row = paid[placement_id, month]
            row[0] += days
            row[1] += hours
            row[2] += amount
        for key in sorted(set(now) | set(paid), key=lambda k: (k[1], k[0])):
            days, hours, amount, labels = now.get(key, [0, Decimal(0), 0, []])
            paid_days, paid_hours, paid_amount = paid.get(key, [0, Decimal(0), 0])
            if amount != paid_amount or days != paid_days or hours != paid_hours:
                lines.append(
                    PaymentLine(
                        payment_list=payment_list,
                        placement_id=key[0],
                        for_month=key[1],
                        days=days - paid_days,
                        hours=hours - paid_hours,
                        rate="／".join(labels),
                        amount=amount - paid_amount,
                    )
                )
    return lines


def rebuild(payment_list: PaymentList, book: RateBook | None = None) -> None:
    """Recompute a 作成中 list's lines (never a 承認 or 確定 one)."""
    assert payment_list.status == ListStatus.DRAFT
    payment_list.lines.all().delete()
    PaymentLine.objects.bulk_create(build_lines(payment_list, book))


def rebuild_drafts(organisation_id: int, book: RateBook | None = None) -> None:
    book = book or RateBook.of(organisation_id)
    for payment_list in PaymentList.objects.filter(organisation_id=organisation_id, status=ListStatus.DRAFT):
        rebuild(payment_list, book)


def first_locked_day(locks, days) -> date | None:
    """The first of `days` (a WorkedDay queryset) in one of the locks' spans (orgs.periods.OpenCheck), or
    None: no query when nothing is locked, one per locked span otherwise."""
    found = [
        on
        for start, end in locks.spans
        if (on := days.filter(date__range=(start, end)).order_by("date").values_list("date", flat=True).first())
    ]
    return min(found, default=None)

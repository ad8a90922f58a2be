"""State changes of hosts, placements, worked days, rates, budgets and payment lists, each in one
transaction with its audit entry."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_action, snapshot
from tsunagu.core import wareki
from tsunagu.core.versions import claim
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.periods import OpenCheck, ensure_open
from tsunagu.orgs.rules import Actor

from . import domain
from .access import APPROVE_PERM, WRITE_PERM
from .allowances import RateBook
from .models import (
    AllowanceRate,
    Host,
    HostKind,
    ListStatus,
    Payee,
    PaymentList,
    Placement,
    Program,
    ProgramBudget,
    RateUnit,
    WorkedDay,
)

HOST_FIELDS = ["name", "kind", "contact_person", "phone", "offers"]
PLACEMENT_FIELDS = ["case", "host", "program", "start", "end", "outcome"]


def _require(actor: Actor, organisation: Organisation, perm: str = WRITE_PERM) -> None:
    require(actor, perm, organisation, message=_("他の組織の就労体験の記録は編集できません。"))


def _dates(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


# --- hosts ---------------------------------------------------------------------------------------------


def _validate_host(values: dict) -> dict:
    errors = {}
    values = {k: (values.get(k) or "").strip() for k in HOST_FIELDS}
    if not values["name"]:
        errors["name"] = _("「名称」を入力してください。")
    if values["kind"] not in HostKind.values:
        errors["kind"] = _("「種類」を選んでください。")
    if errors:
        raise ValidationError(errors)
    return values


@state_change
def create_host(*, actor: Actor, organisation: Organisation, **values) -> Host:
    _require(actor, organisation)
    host = Host.objects.create(organisation=organisation, **_validate_host(values))
    log_action(
        actor, "work.host_create", obj=host, organisation=organisation, changes=diff({}, snapshot(host, HOST_FIELDS))
    )
    return host


@state_change
def update_host(*, actor: Actor, host: Host, version: int | None = None, **values) -> Host:
    _require(actor, host.organisation)
    before = snapshot(host, HOST_FIELDS)
    values = _validate_host({k: values.get(k, getattr(host, k)) for k in HOST_FIELDS})
    claim(host, version, fields=HOST_FIELDS)
    for k in HOST_FIELDS:
        setattr(host, k, values[k])
    host.save()
    log_action(actor, "work.host_update", obj=host, changes=diff(before, snapshot(host, HOST_FIELDS)))
    return host


# --- placements ----------------------------------------------------------------------------------------


def next_number(organisation_id: int) -> str:
    numbers = Placement.objects.filter(organisation_id=organisation_id, number__regex=r"^W[0-9]+$").values_list(
        "number", flat=True
    )
    return f"W{max((int(n[1:]) for n in numbers), default=0) + 1:04d}"


def _placement_snapshot(placement: Placement) -> dict:
    return _dates(snapshot(placement, PLACEMENT_FIELDS))


@state_change
def create_placement(*, actor: Actor, organisation: Organisation, number: str = "", **values) -> Placement:
    """Lock: 開始日 and 終了日."""
    _require(actor, organisation)
    values = domain.validate_placement(values, organisation_id=organisation.pk)
    ensure_open(organisation, values["start"], field="start", actor=actor)
    ensure_open(organisation, values.get("end"), field="end", actor=actor)
    number = (number or "").strip() or next_number(organisation.pk)
    if Placement.objects.filter(organisation=organisation, number=number).exists():
        raise ValidationError({"number": _("番号%(number)sはすでにあります。") % {"number": number}})
    placement = Placement.objects.create(
        organisation=organisation, number=number, **{k: values.get(k) for k in PLACEMENT_FIELDS}
    )
    log_action(
        actor,
        "work.placement_create",
        obj=placement,
        organisation=organisation,
        label=f"{placement.case.number} {placement}",
        changes=diff({}, _placement_snapshot(placement)),
    )
    return placement


def _ensure_placement_edit_open(placement: Placement, values: dict, *, actor: Actor) -> None:
    """The dates a placement's figures are counted on: its start and end when they move (and the end again
    when the outcome changes: by_outcome counts placements by the day they ended), and its worked days when
    the case, the host or the program changes (persons, hosts and by_program count placements with a worked
    day in the period). One query for the locks, one for the worked days when there is a lock."""
    locks = OpenCheck(placement.organisation, actor=actor)
    if not locks.spans:
        return
    for name in ("start", "end"):
        if values[name] != getattr(placement, name):
            locks.ensure_open(getattr(placement, name), field=name)
            locks.ensure_open(values[name], field=name)
    if values["outcome"] != placement.outcome:
        locks.ensure_open(placement.end, field="outcome")
        locks.ensure_open(values["end"], field="outcome")
    moved = [name for name in ("case", "host", "program") if values[name] != getattr(placement, name)]
    if moved:
        for on in placement.days.order_by("date").values_list("date", flat=True):
            locks.ensure_open(on, field=moved[0])


@state_change
def update_placement(*, actor: Actor, placement: Placement, version: int | None = None, **values) -> Placement:
    _require(actor, placement.organisation)
    before = _placement_snapshot(placement)
    values = domain.validate_placement(
        {k: values.get(k, getattr(placement, k)) for k in PLACEMENT_FIELDS}, organisation_id=placement.organisation_id
    )
    _ensure_placement_edit_open(placement, values, actor=actor)
    outside = placement.days.filter(date__lt=values["start"])
    if values["end"] is not None:
        outside = outside | placement.days.filter(date__gt=values["end"])
    if outside.exists():
        raise ValidationError({"start": _("期間の外に就労実績があります。先に就労実績を直してください。")})
    if values["program"] != placement.program:
        months = placement.days.dates("date", "month")
        if problem := domain.frozen_list_error(placement.organisation_id, months):
            raise ValidationError({"program": problem})
    claim(placement, version, fields=PLACEMENT_FIELDS)
    for k in PLACEMENT_FIELDS:
        setattr(placement, k, values[k])
    placement.save()
    if before["program"] != placement.program:
        years = {wareki.fiscal_year(d) for d in placement.days.values_list("date", flat=True)}
        domain.check_budgets(placement.organisation_id, placement.program, years)
        domain.rebuild_drafts(placement.organisation_id)
    log_action(
        actor,
        "work.placement_update",
        obj=placement,
        label=f"{placement.case.number} {placement}",
        changes=diff(before, _placement_snapshot(placement)),
    )
    return placement


@state_change
def record_days(
    *, actor: Actor, placement: Placement, days: dict[date, Decimal | None], version: int | None = None
) -> dict[date, tuple]:
    """Record the hours of each day given (None or 0 removes the day), as the week form sends them.
    Refused as a whole when a day is outside the placement, in a locked period or in a month whose
    payment list is 承認, or when the program's budget for the fiscal year would be exceeded.
    Returns {date: (hours before, hours after)} of the days that changed."""
    _require(actor, placement.organisation)
    org = placement.organisation
    existing = dict(placement.days.filter(date__in=list(days)).values_list("date", "hours"))
    changes = {}
    errors = {}
    for on, hours in sorted(days.items()):
        hours = hours if hours else None
        if existing.get(on) == hours:
            continue
        if problem := domain.day_error(placement, on, hours):
            errors[domain.day_field(on)] = problem
            continue
        changes[on] = (existing.get(on), hours)
    if errors:
        raise ValidationError(errors)
    if version is None:  # code, not a form: the row's version now (a refused call may have left ours ahead)
        version = Placement.objects.filter(pk=placement.pk).values_list("version", flat=True).get()
    claim(placement, version)  # the week form was opened at this version of the placement
    if not changes:
        return changes
    locks = OpenCheck(org, actor=actor)  # one query however many days the week form sends
    for on in changes:
        locks.ensure_open(on, field=domain.day_field(on))
    if problem := domain.frozen_list_error(org.pk, {domain.month_of(on) for on in changes}):
        raise ValidationError({NON_FIELD_ERRORS: problem})
    gone = [on for on, (_before, after) in changes.items() if after is None]
    placement.days.filter(date__in=gone).delete()
    for on, (before, after) in changes.items():
        if after is None:
            continue
        if before is None:
            WorkedDay.objects.create(placement=placement, organisation=org, date=on, hours=after)
        else:
            placement.days.filter(date=on).update(hours=after)
    book = RateBook.of(org.pk)
    domain.check_budgets(org.pk, placement.program, {wareki.fiscal_year(on) for on in changes}, book)
    domain.rebuild_drafts(org.pk, book)
    log_action(
        actor,
        "work.days_record",
        obj=placement,
        label=f"{placement.case.number} {placement}",
        changes={
            on.isoformat(): [str(before) if before else None, str(after) if after else None]
            for on, (before, after) in changes.items()
        },
    )
    return changes


# --- rates and budgets ---------------------------------------------------------------------------------


@state_change
def add_rate(
    *,
    actor: Actor,
    organisation: Organisation,
    program: str,
    payee: str,
    unit: str,
    value: int,
    applies_from: date,
    cap_per_day: int | None = None,
) -> AllowanceRate:
    """A rate from a date: it supersedes the previous one from then on and rewrites no earlier row.
    Refused when applies_from, or a day worked from then on that it would reprice, is in a locked period."""
    _require(actor, organisation, APPROVE_PERM)
    errors = {}
    if program not in Program.values:
        errors["program"] = _("「種別」を選んでください。")
    if payee not in Payee.values:
        errors["payee"] = _("「支払先」を選んでください。")
    if unit not in RateUnit.values:
        errors["unit"] = _("「単位」を選んでください。")
    if value is None or value <= 0:
        errors["value"] = _("「単価」は1円以上で入力してください。")
    if cap_per_day is not None and cap_per_day <= 0:
        errors["cap_per_day"] = _("「1日上限」は1円以上で入力してください。")
    if applies_from is None:
        errors["applies_from"] = _("「適用開始日」を入力してください。")
    elif AllowanceRate.objects.filter(
        organisation=organisation, program=program, payee=payee, applies_from=applies_from
    ).exists():
        errors["applies_from"] = _("同じ適用開始日の単価がすでにあります。")
    if errors:
        raise ValidationError(errors)
    later_days = WorkedDay.objects.filter(organisation=organisation, placement__program=program, date__gte=applies_from)
    # A rate prices the days worked from applies_from on: its own date, and every worked day it reprices.
    locks = OpenCheck(organisation, actor=actor)
    locks.ensure_open(applies_from, field="applies_from")
    locks.ensure_open(domain.first_locked_day(locks, later_days), field="applies_from")
    if problem := domain.frozen_list_error(organisation.pk, later_days.dates("date", "month")):
        raise ValidationError({"applies_from": problem})
    rate = AllowanceRate.objects.create(
        organisation=organisation,
        program=program,
        payee=payee,
        unit=unit,
        value=value,
        cap_per_day=cap_per_day,
        applies_from=applies_from,
    )
    book = RateBook.of(organisation.pk)
    years = {wareki.fiscal_year(d) for d in later_days.values_list("date", flat=True)}
    domain.check_budgets(organisation.pk, program, years, book)
    domain.rebuild_drafts(organisation.pk, book)
    log_action(
        actor,
        "work.rate_add",
        obj=rate,
        organisation=organisation,
        changes=diff({}, _dates(snapshot(rate, ["program", "payee", "unit", "value", "cap_per_day", "applies_from"]))),
    )
    return rate


@state_change
def set_budget(
    *, actor: Actor, organisation: Organisation, program: str, fiscal_year: int, amount: int
) -> ProgramBudget:
    _require(actor, organisation, APPROVE_PERM)
    errors = {}
    if program not in Program.values:
        errors["program"] = _("「種別」を選んでください。")
    if fiscal_year is None or not 1989 <= fiscal_year <= wareki.current_fiscal_year() + 1:
        errors["fiscal_year"] = _("「年度」を確かめてください。")
    if amount is None or amount < 0:
        errors["amount"] = _("「予算額」は0円以上で入力してください。")
    if errors:
        raise ValidationError(errors)
    budget, created = ProgramBudget.objects.get_or_create(
        organisation=organisation, program=program, fiscal_year=fiscal_year, defaults={"amount": amount}
    )
    before = {} if created else {"amount": budget.amount}
    if not created:
        budget.amount = amount
        budget.save(update_fields=["amount"])
    total = domain.fiscal_year_total(organisation.pk, program, fiscal_year, RateBook.of(organisation.pk))
    if total > amount:
        raise ValidationError(
            {
                "amount": _("この年度の%(program)sの手当はすでに%(total)s円です。予算を%(over)s円超えます。")
                % {"program": Program(program).label, "total": f"{total:,}", "over": f"{total - amount:,}"}
            }
        )
    log_action(
        actor,
        "work.budget_set",
        obj=budget,
        organisation=organisation,
        label=f"{wareki.fiscal_year_label(fiscal_year)} {Program(program).label}",
        changes=diff(before, {"amount": amount}),
    )
    return budget


# --- payment lists -------------------------------------------------------------------------------------


def _list_label(payment_list: PaymentList) -> str:
    return f"{domain.month_label(payment_list.month)} {payment_list.get_payee_display()}"


@state_change
def create_payment_list(*, actor: Actor, organisation: Organisation, month: date, payee: str) -> PaymentList:
    _require(actor, organisation)
    errors = {}
    if month is None:
        errors["month"] = _("「月」を入力してください。")
    if payee not in Payee.values:
        errors["payee"] = _("「支払先」を選んでください。")
    if errors:
        raise ValidationError(errors)
    month = domain.month_of(month)
    if PaymentList.objects.filter(organisation=organisation, month=month, payee=payee).exists():
        raise ValidationError(
            {
                "month": _("%(month)sの支払一覧（%(payee)s）はすでにあります。")
                % {"month": domain.month_label(month), "payee": Payee(payee).label}
            }
        )
    payment_list = PaymentList.objects.create(organisation=organisation, month=month, payee=payee)
    domain.rebuild(payment_list)
    log_action(
        actor, "work.payment_list_create", obj=payment_list, organisation=organisation, label=_list_label(payment_list)
    )
    return payment_list


def _refuse_unless_draft(payment_list: PaymentList) -> None:
    if payment_list.status == ListStatus.SETTLED:
        raise ValidationError(_("確定した支払一覧は変更できません。訂正は次の支払一覧に調整として載ります。"))
    if payment_list.status != ListStatus.DRAFT:
        raise ValidationError(_("承認済みの支払一覧は変更できません。"))


@state_change
def refresh_payment_list(*, actor: Actor, payment_list: PaymentList) -> PaymentList:
    _require(actor, payment_list.organisation)
    payment_list = PaymentList.objects.select_for_update().get(pk=payment_list.pk)
    _refuse_unless_draft(payment_list)
    domain.rebuild(payment_list)
    log_action(actor, "work.payment_list_refresh", obj=payment_list, label=_list_label(payment_list))
    return payment_list


@state_change
def approve_payment_list(*, actor: Actor, payment_list: PaymentList, version: int | None = None) -> PaymentList:
    """作成中 → 承認: the lines are computed once more and frozen."""
    _require(actor, payment_list.organisation, APPROVE_PERM)
    _refuse_unless_draft(payment_list)
    domain.rebuild(payment_list)
    claim(
        payment_list,
        version,
        fields=["status"],
        status=ListStatus.APPROVED,
        approved_by=actor.audit_name,
        approved_at=timezone.now(),
    )
    payment_list.refresh_from_db()
    log_action(
        actor,
        "work.payment_list_approve",
        obj=payment_list,
        label=_list_label(payment_list),
        changes={
            "status": [str(ListStatus.DRAFT.label), str(ListStatus.APPROVED.label)],
            "amount": sum(payment_list.lines.values_list("amount", flat=True)),
        },
    )
    return payment_list


@state_change
def settle_payment_list(*, actor: Actor, payment_list: PaymentList, version: int | None = None) -> PaymentList:
    """承認 → 確定: from now on the list never changes."""
    _require(actor, payment_list.organisation, APPROVE_PERM)
    if payment_list.status != ListStatus.APPROVED:
        if payment_list.status == ListStatus.SETTLED:
            raise ValidationError(_("確定した支払一覧は変更できません。訂正は次の支払一覧に調整として載ります。"))
        raise ValidationError(_("承認してから確定してください。"))
    claim(
        payment_list,
        version,
        fields=["status"],
        status=ListStatus.SETTLED,
        settled_by=actor.audit_name,
        settled_at=timezone.now(),
    )
    payment_list.refresh_from_db()
    domain.rebuild_drafts(payment_list.organisation_id)  # a later draft no longer carries this month's changes
    log_action(
        actor,
        "work.payment_list_settle",
        obj=payment_list,
        label=_list_label(payment_list),
        changes={"status": [str(ListStatus.APPROVED.label), str(ListStatus.SETTLED.label)]},
    )
    return payment_list

"""State changes of employment support: keyword-only, with the actor, one transaction each, the audit
entry written inside it. Every dated write checks the period lock (orgs.periods.ensure_open)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_action, log_actions, snapshot
from tsunagu.cases.access import require_case_work
from tsunagu.cases.domain import raise_if
from tsunagu.cases.models import Case, Referral, ReferralStatus
from tsunagu.core.versions import claim
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.periods import OpenCheck, ensure_open
from tsunagu.orgs.rules import Actor

from . import domain
from .access import TARGET_PERM
from .models import DecisionRateTarget, Registration

PERSONAL_FIELDS = frozenset({"notes"})


def _require_case(actor: Actor, case: Case) -> None:
    require_case_work(actor, write=True)
    if not actor.is_system and case.organisation_id != getattr(actor.organisation, "pk", None):
        raise PermissionDenied(_("他の組織のケースは登録できません。"))


def _origin(case: Case) -> Referral | None:
    """The accepted referral the case was opened from, when there is one (a サポステ's registration
    opened from a つなぎ keeps where it came from)."""
    referral = case.origin_referral
    return referral if referral is not None and referral.status == ReferralStatus.DECIDED else None


@state_change
def register(*, actor: Actor, case: Case, **values) -> Registration:
    """Register the case for employment support at its organisation (STEP2 初回面談・登録 or later). Lock: each of its
    dates (登録日, STEP dates, 進路決定日, 終了日)."""
    _require_case(actor, case)
    values = domain.normalised(values)
    others = list(Registration.objects.filter(case=case))
    raise_if(domain.registration_errors(values, birth_date=case.birth_date, today=timezone.localdate(), others=others))
    for name in domain.DATE_FIELDS:
        ensure_open(case.organisation, values[name], field=name, actor=actor)
    registration = domain.build_registration(case=case, values=values, origin_referral=_origin(case))
    registration.save(force_insert=True)
    log_action(
        actor,
        "employment.register",
        obj=registration,
        organisation=case.organisation,
        label=case.number,
        changes=diff({}, snapshot(registration, domain.FIELDS), PERSONAL_FIELDS),
    )
    return registration


@state_change
def update_registration(*, actor: Actor, registration: Registration, version: int | None = None, **values):
    """Edit a registration opened at `version` (a stale one is refused with the saved values): the STEP
    reached, its dates, the 進路決定 and the end."""
    case = registration.case
    _require_case(actor, case)
    values = domain.normalised({name: values.get(name, getattr(registration, name)) for name in domain.FIELDS})
    others = list(Registration.objects.filter(case=case).exclude(pk=registration.pk))
    raise_if(domain.registration_errors(values, birth_date=case.birth_date, today=timezone.localdate(), others=others))
    # Each date counts the registration in its period (登録日 registered, 進路決定日 decided and by_outcome,
    # 終了日 open until then); a changed 進路 moves by_outcome in the period of 進路決定日.
    locks = OpenCheck(case.organisation, actor=actor)
    for name in domain.DATE_FIELDS:
        if getattr(registration, name) != values[name]:
            locks.ensure_open(getattr(registration, name), field=name)
            locks.ensure_open(values[name], field=name)
    if registration.outcome != values["outcome"]:
        locks.ensure_open(registration.decided_on, field="outcome")
        locks.ensure_open(values["decided_on"], field="outcome")
    before = snapshot(registration, domain.FIELDS)
    claim(registration, version, fields=domain.FIELDS, updated_at=timezone.now(), **values)
    log_action(
        actor,
        "employment.update",
        obj=registration,
        label=case.number,
        changes=diff(before, snapshot(registration, domain.FIELDS), PERSONAL_FIELDS),
    )
    return registration


def register_many(*, actor: Actor, rows: list[tuple[Case, dict]]) -> list[Registration]:
    """Registrations in bulk (the demo data, the ledger): the same checks, one insert and one audit batch.
    Runs inside the caller's transaction; the cases are one organisation's."""
    if not rows:
        return []
    organisation = rows[0][0].organisation
    require_case_work(actor, write=True)
    today, built = timezone.localdate(), []
    locks = OpenCheck(organisation, actor=actor)
    for case, values in rows:
        values = domain.normalised(values)
        raise_if(domain.registration_errors(values, birth_date=case.birth_date, today=today))
        for name in domain.DATE_FIELDS:
            locks.ensure_open(values[name], field=name)
        built.append(domain.build_registration(case=case, values=values, origin_referral=_origin(case)))
    saved = Registration.objects.bulk_create(built)
    log_actions(
        actor,
        [
            {
                "action": "employment.register",
                "obj": registration,
                "label": registration.case.number,
                "changes": diff({}, snapshot(registration, domain.FIELDS), PERSONAL_FIELDS),
            }
            for registration in saved
        ],
        organisation=organisation,
    )
    return saved


@state_change
def set_target(
    *, actor: Actor, organisation: Organisation, fiscal_year: int, percent: Decimal, version: int | None = None
) -> DecisionRateTarget:
    """The organisation's 単年度進路決定率 target for a fiscal year (a new row, or an edit from `version`)."""
    require(actor, TARGET_PERM, organisation, message=_("他の組織の目標は変更できません。"))
    if percent is None or not (Decimal(0) < percent <= Decimal(100)):
        raise ValidationError({"percent": _("目標は0より大きく100以下の%%で入力してください。")})
    target = DecisionRateTarget.objects.filter(organisation=organisation, fiscal_year=fiscal_year).first()
    if target is None:
        target = DecisionRateTarget.objects.create(organisation=organisation, fiscal_year=fiscal_year, percent=percent)
        before = {}
    else:
        before = snapshot(target, ["percent"])
        claim(target, version, fields=["percent"], percent=percent)
    log_action(
        actor,
        "employment.target",
        obj=target,
        organisation=organisation,
        label=str(fiscal_year),
        changes=diff(before, snapshot(target, ["percent"])),
    )
    return target

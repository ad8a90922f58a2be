"""State changes of case work. Keyword-only, with an explicit actor, one transaction each, writing the
audit entry inside it. Edits carry the version the person started from: a stale version is refused."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit.log import MASK, diff, log_action, snapshot
from tsunagu.core.versions import StaleEdit, claim
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.locks import lock_statistics
from tsunagu.orgs.models import Organisation, Role
from tsunagu.orgs.periods import OpenCheck, ensure_open
from tsunagu.orgs.rules import Actor, Perm

from . import domain
from .access import require_case_work
from .models import (
    Appointment,
    AppointmentStatus,
    Case,
    CaseSettings,
    Consent,
    Contact,
    Referral,
    ReferralStatus,
    Status,
    StatusChange,
)

CASE_FIELDS = [
    "number",
    "opened_on",
    "name",
    "furigana",
    "birth_date",
    "age_band",
    "sex",
    "municipality",
    "first_consulter",
    "reached_on",
    "outing_level",
    "duration_months",
    "household_8050",
    "needs_medical_care",
    "suspected_disorder",
    "school_refusal_history",
    "notes",
    "address",
    "phone",
]
CONTACT_FIELDS = [
    "date",
    "time",
    "channel",
    "consulter",
    "consulter_relation",
    "staff",
    "staff_name",
    "minutes",
    "notes",
    "with_peer",
    "with_specialist_team",
    "visit_members",
]


def _bump(model, obj, expected_version: int | None, **values):
    """Save with an optimistic lock (core.versions.claim): a refusal shows the other person's values."""
    claim(obj, expected_version, fields=list(values), updated_at=timezone.now(), **values)


@state_change
def open_case(*, actor: Actor, organisation: Organisation | None = None, assigned=(), household=(), **values) -> Case:
    """Open a case (受付). `household` is a list of dicts (relationship, age, notes). Lock: 受付日 (opened_on) and 終結日
    (closed_on), the dates the report counts a case on."""
    require_case_work(actor, write=True)
    organisation = organisation or actor.organisation
    if actor.organisation is not None and organisation != actor.organisation:
        raise PermissionDenied(_("他の組織のケースは作成できません。"))
    if values.get("opened_on") is not None:
        values["number"] = (values.get("number") or "").strip() or next_case_number(organisation, values["opened_on"])
    domain.check_case(values, organisation=organisation, today=timezone.localdate())
    domain.raise_if(domain.staff_errors(organisation, assigned=assigned))
    ensure_open(organisation, values["opened_on"], field="opened_on", actor=actor)
    ensure_open(organisation, values.get("closed_on"), field="closed_on", actor=actor)
    members = _members(household)
    case = domain.build_case(organisation=organisation, values=values)
    case.save(force_insert=True)
    for member in members:
        case.household.create(**member)
    if assigned:
        case.assigned.set(assigned)
    elif actor.user is not None:
        case.assigned.set([actor.user])
    StatusChange.objects.create(case=case, status=case.status, changed_on=case.opened_on, changed_by=actor.user)
    log_action(
        actor,
        "case.open",
        obj=case,
        organisation=organisation,
        changes=diff({}, snapshot(case, CASE_FIELDS), Case.PERSONAL_FIELDS),
    )
    return case


def _ensure_case_edit_open(case: Case, new: dict, actor: Actor) -> None:
    """A case's dates moved into or out of a locked period, or a birth date or 年代 that would re-band
    contacts in one, change reported figures; other edits (a name, a note) do not."""
    locks = OpenCheck(case.organisation, actor=actor)
    if not locks.spans:
        return
    for name in ("opened_on", "closed_on"):  # closed_on changes through change_status, unless a caller sets it
        if name in new and getattr(case, name) != new[name]:
            locks.ensure_open(getattr(case, name), field=name)
            locks.ensure_open(new[name], field=name)
    if case.birth_date != new["birth_date"] or case.age_band != new["age_band"]:
        field = "birth_date" if case.birth_date != new["birth_date"] else "age_band"
        for start, end in locks.spans:
            if on := case.contacts.filter(date__range=(start, end)).values_list("date", flat=True).first():
                locks.ensure_open(on, field=field)


next_case_number = domain.next_case_number
MEMBER_FIELDS = ("relationship", "name", "age", "phone", "may_contact", "lives_with", "notes")


def _members(household) -> list[dict]:
    """Household rows with every field (a caller may give only relationship and age)."""
    defaults = {"name": "", "age": None, "phone": "", "may_contact": False, "lives_with": True, "notes": ""}
    rows = [{**defaults, **{k: v for k, v in m.items() if k in MEMBER_FIELDS}} for m in household]
    errors = {}
    for row in rows:
        errors.update(domain.member_errors(row))
    domain.raise_if({"household": next(iter(errors.values()))} if errors else {})
    return rows


@state_change
def update_case(*, actor: Actor, case: Case, version: int | None = None, household=None, **values) -> Case:
    """Edit a case. `household`, when given, replaces the household members (list of dicts)."""
    require_case_work(actor, write=True)
    lock_statistics(case.organisation_id)  # before any row lock: orgs/locks.py
    before = snapshot(case, CASE_FIELDS)
    new = {name: values.get(name, getattr(case, name)) for name in CASE_FIELDS}
    domain.check_case(new, organisation=case.organisation, today=timezone.localdate(), instance=case)
    _ensure_case_edit_open(case, new, actor)
    if before["birth_date"] != new["birth_date"]:
        domain.raise_if({"birth_date": domain.birth_after_contact(new["birth_date"], case.first_contact_on)})
    new["search_key"] = domain.search_key(new["name"], new["furigana"])
    _bump(Case, case, version, **new)
    for name, value in new.items():
        setattr(case, name, value)
    if before["birth_date"] != new["birth_date"] or before["age_band"] != new["age_band"]:
        domain.reband([case])
    changes = diff(before, snapshot(case, CASE_FIELDS), Case.PERSONAL_FIELDS)
    if household is not None:
        old = list(case.household.values(*MEMBER_FIELDS))
        new_household = _members(household)
        if old != new_household:
            case.household.all().delete()
            for member in new_household:
                case.household.create(**member)
            changes["household"] = [MASK, MASK]  # relationships and notes are personal too
    log_action(actor, "case.update", obj=case, changes=changes)
    return case


def set_assigned(*, actor: Actor, case: Case, users, version: int | None = None) -> None:
    """Replace who is assigned. The case's version moves on, so two people assigning from the same page
    cannot silently undo each other."""
    with transaction.atomic():
        require_case_work(actor, write=True)
        domain.raise_if(domain.staff_errors(case.organisation, assigned=users))
        try:
            claim(case, version, updated_at=timezone.now())
        except StaleEdit as error:
            error.current = {"users": list(case.assigned.order_by("username"))}
            raise
        before = sorted(case.assigned.values_list("username", flat=True))
        case.assigned.set(users)
        after = sorted(u.username for u in users)
        log_action(actor, "case.assign", obj=case, changes={"assigned": [before, after]} if before != after else {})


ALLOWED_STATUS_CHANGES = domain.ALLOWED_STATUS_CHANGES


@state_change
def change_status(
    *, actor: Actor, case: Case, status: str, on: date, note: str = "", version: int | None = None
) -> Case:
    """Lock: the change date `on`, and the closing date a reopening removes."""
    require_case_work(actor, write=True)
    domain.raise_if(domain.status_change_errors(case, status=status, on=on, note=note, today=timezone.localdate()))
    ensure_open(case.organisation, on, field="on", actor=actor)
    ensure_open(case.organisation, case.closed_on, field="on", actor=actor)  # reopening removes a closing date
    before = {"status": case.status, "closed_on": case.closed_on}
    closed_on = on if status == Status.CLOSED else None
    _bump(Case, case, version, status=status, closed_on=closed_on)
    case.status, case.closed_on = status, closed_on
    StatusChange.objects.create(case=case, status=status, changed_on=on, changed_by=actor.user, note=note)
    action = "case.reopen" if before["status"] == Status.CLOSED else "case.status"
    log_action(
        actor,
        action,
        obj=case,
        changes=diff(snapshot_dates(before), snapshot_dates({"status": status, "closed_on": closed_on})),
    )
    return case


def snapshot_dates(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


@state_change
def log_contact(*, actor: Actor, case: Case, appointment: Appointment | None = None, **values) -> Contact:
    """Record a consultation, home visit or accompaniment on a case. Given the appointment it took
    place at, the appointment is closed (実施) with this contact. Lock: the contact's 日付, the date 延べ相談件数 and 実人数
    count it on."""
    require_case_work(actor, write=True)
    if appointment is not None and (appointment.case_id != case.pk or appointment.status != AppointmentStatus.PLANNED):
        raise ValidationError({"appointment": _("この予定はすでに記録済みか取り消されています。")})
    lock_statistics(case.organisation_id)
    errors = domain.contact_errors(values, birth_date=case.birth_date, today=timezone.localdate())
    errors.update(domain.staff_errors(case.organisation, staff=values.get("staff")))
    domain.raise_if(errors)
    ensure_open(case.organisation, values["date"], field="date", actor=actor)
    if values.get("staff") is None and actor.user is not None and "staff_name" not in values:
        values["staff"] = actor.user
    contact = domain.build_contact(case, values)
    contact.save(force_insert=True)
    _refresh_contact_dates(case)
    log_action(
        actor,
        "contact.create",
        obj=contact,
        label=f"{case.number} {contact.get_channel_display()}",
        changes=diff({}, snapshot(contact, CONTACT_FIELDS), Contact.PERSONAL_FIELDS),
    )
    if appointment is not None:
        _bump(Appointment, appointment, None, status=AppointmentStatus.DONE, contact=contact)
        appointment.status, appointment.contact = AppointmentStatus.DONE, contact
        log_action(
            actor,
            "appointment.done",
            obj=appointment,
            label=case.number,
            changes={
                "status": [AppointmentStatus.PLANNED.value, AppointmentStatus.DONE.value],
                "contact": [None, contact.pk],
            },
        )
    return contact


@state_change
def update_contact(*, actor: Actor, contact: Contact, version: int | None = None, **values) -> Contact:
    """Lock: the contact's 日付, before and after."""
    require_case_work(actor, write=True)
    lock_statistics(contact.organisation_id)
    before = snapshot(contact, CONTACT_FIELDS)
    new = {name: values.get(name, getattr(contact, name)) for name in CONTACT_FIELDS}
    case = contact.case
    errors = domain.contact_errors(new, birth_date=case.birth_date, today=timezone.localdate())
    if new["staff"] != contact.staff:
        errors.update(domain.staff_errors(case.organisation, staff=new["staff"]))
    domain.raise_if(errors)
    ensure_open(case.organisation, contact.date, field="date", actor=actor)
    ensure_open(case.organisation, new["date"], field="date", actor=actor)
    new["age_band"] = domain.contact_band(case, new["date"])
    _bump(Contact, contact, version, **new)
    for name, value in new.items():
        setattr(contact, name, value)
    _refresh_contact_dates(case)
    log_action(
        actor,
        "contact.update",
        obj=contact,
        label=case.number,
        changes=diff(before, snapshot(contact, CONTACT_FIELDS), Contact.PERSONAL_FIELDS),
    )
    return contact


@state_change
def delete_contact(*, actor: Actor, contact: Contact) -> None:
    """Lock: the contact's 日付."""
    require_case_work(actor, write=True)
    lock_statistics(contact.organisation_id)
    case = contact.case
    ensure_open(case.organisation, contact.date, field="date", actor=actor)
    log_action(
        actor,
        "contact.delete",
        obj=contact,
        label=case.number,
        changes=diff(snapshot(contact, CONTACT_FIELDS), {}, Contact.PERSONAL_FIELDS),
    )
    contact.delete()
    _refresh_contact_dates(case)


def _refresh_contact_dates(case: Case) -> None:
    first, last = domain.contact_dates([case.pk])[case.pk]
    Case.objects.filter(pk=case.pk).update(first_contact_on=first, last_contact_on=last)
    case.first_contact_on, case.last_contact_on = first, last


@state_change
def record_consent(
    *, actor: Actor, case: Case, given_by: str, purpose: str, given_on: date, share_with=(), share_with_categories=()
) -> Consent:
    """Lock: 同意日 (given_on)."""
    require_case_work(actor, write=True)
    domain.raise_if(
        domain.consent_errors(
            purpose=purpose,
            given_on=given_on,
            share_with=share_with,
            share_with_categories=share_with_categories,
            today=timezone.localdate(),
        )
    )
    ensure_open(case.organisation, given_on, field="given_on", actor=actor)
    consent = Consent.objects.create(
        case=case, given_by=given_by, purpose=purpose.strip(), given_on=given_on, recorded_by=actor.user
    )
    consent.share_with.set(share_with)
    consent.share_with_categories.set(share_with_categories)
    log_action(
        actor,
        "consent.record",
        obj=consent,
        label=case.number,
        changes={
            "given_by": [None, given_by],
            "purpose": [None, consent.purpose],
            "given_on": [None, given_on.isoformat()],
            "share_with": [None, sorted(o.code for o in share_with)],
            "share_with_categories": [None, sorted(c.name for c in share_with_categories)],
        },
    )
    return consent


@state_change
def withdraw_consent(*, actor: Actor, consent: Consent, on: date) -> Consent:
    """Lock: the withdrawal date `on`."""
    require_case_work(actor, write=True)
    domain.raise_if(domain.withdrawal_errors(consent, on=on, today=timezone.localdate()))
    ensure_open(consent.case.organisation, on, field="on", actor=actor)
    consent.withdrawn_on, consent.withdrawn_by = on, actor.user
    consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
    log_action(
        actor,
        "consent.withdraw",
        obj=consent,
        label=consent.case.number,
        changes={"withdrawn_on": [None, on.isoformat()]},
    )
    return consent


REFERRAL_FIELDS = [
    "date",
    "target",
    "category",
    "to_ibasho",
    "partner",
    "partner_name",
    "status",
    "result_on",
    "shares_personal_data",
    "consent",
    "override_reason",
    "notes",
]


@state_change
def refer(
    *,
    actor: Actor,
    case: Case,
    date: date,
    target: str,
    category=None,
    to_ibasho: bool = False,
    partner: Organisation | None = None,
    partner_name: str = "",
    shares_personal_data: bool = False,
    override_reason: str = "",
    notes: str = "",
    status: str = ReferralStatus.REQUESTED,
    result_on: date | None = None,
) -> Referral:
    """Refer the person or the family (つなぎ). Sharing personal data needs a consent covering the
    partner, or a 管理者's override with its reason, which is recorded. Lock: the referral's 日付 (its counted date) and
    結果日."""
    require_case_work(actor, write=True)
    lock_statistics(case.organisation_id)
    errors = domain.referral_errors(
        {
            "date": date,
            "partner": partner,
            "partner_name": partner_name,
            "category": category,
            "to_ibasho": to_ibasho,
            "status": status,
            "result_on": result_on,
            "override_reason": override_reason,
            "notes": notes,
        },
        case=case,
        today=timezone.localdate(),
    )
    if partner is not None:
        category = category or partner.category
        partner_name = partner_name or partner.name
    consent = None
    if shares_personal_data:
        if partner is None:
            errors["shares_personal_data"] = _("個人情報を共有できるのは、tsunaguを使っているつなぎ先だけです。")
        else:
            consent = next(
                (c for c in case.consents.prefetch_related("share_with", "share_with_categories") if c.covers(partner)),
                None,
            )
            if consent is None:
                if not override_reason.strip():
                    errors["override_reason"] = _(
                        "%(partner)sへの共有に本人・家族の同意が記録されていません。"
                        "同意を記録するか、管理者が理由を書いて共有してください。"
                    ) % {"partner": partner.name}
                elif actor.role != Role.ADMIN:
                    errors["override_reason"] = _("同意なしの共有は管理者だけが行えます。")
    if errors:
        raise ValidationError(errors)
    ensure_open(case.organisation, date, field="date", actor=actor)
    ensure_open(case.organisation, result_on, field="date", actor=actor)
    referral = Referral.objects.create(
        case=case,
        organisation=case.organisation,
        date=date,
        target=target,
        category=category,
        to_ibasho=to_ibasho,
        partner=partner,
        partner_name=partner_name.strip(),
        shares_personal_data=shares_personal_data,
        consent=consent,
        override_reason=override_reason.strip() if consent is None and shares_personal_data else "",
        override_by=actor.user if consent is None and shares_personal_data else None,
        notes=notes,
        status=status,
        result_on=result_on,
    )
    log_action(
        actor,
        "referral.override" if referral.override_by_id else "referral.create",
        obj=referral,
        label=f"{case.number}→{referral.partner_name}",
        changes=diff({}, snapshot(referral, REFERRAL_FIELDS), {"notes"}),
    )
    return referral


@state_change
def set_referral_status(
    *, actor: Actor, referral: Referral, status: str, on: date, version: int | None = None
) -> Referral:
    """The referring organisation records the outcome (for partners outside tsunagu, or a withdrawal). Lock: the new
    and the old 結果日, and the referral's 日付 (its decided count is in that period)."""
    require_case_work(actor, write=True)
    lock_statistics(referral.organisation_id)
    before = snapshot(referral, ["status", "result_on"])
    if referral.partner_id and status != ReferralStatus.WITHDRAWN:
        # A partner using tsunagu answers in its own queue (accept/decline opens or refuses its case).
        raise ValidationError(
            {
                "status": _(
                    "tsunaguを使っているつなぎ先の結果は、先方が受け付けると記録されます。"
                    "こちらからは取下げだけができます。"
                )
            }
        )
    if on < referral.date:
        raise ValidationError({"on": _("つなぎの日付より前にはできません。")})
    result_on = on if status in domain.RESULT_STATUSES else None
    # The report counts a referral, decided or not, in the period of its date (日付); its result date too.
    ensure_open(referral.organisation, result_on, field="on", actor=actor)
    ensure_open(referral.organisation, referral.date, field="status", actor=actor)
    ensure_open(referral.organisation, referral.result_on, field="on", actor=actor)  # an outcome taken back
    _bump(Referral, referral, version, status=status, result_on=result_on)
    referral.status, referral.result_on = status, result_on
    log_action(
        actor,
        "referral.status",
        obj=referral,
        label=referral.case.number,
        changes=diff(before, snapshot(referral, ["status", "result_on"])),
    )
    return referral


def shared_case_fields(referral: Referral) -> dict:
    """What the receiving organisation may see of the origin's case: personal fields only with
    consent (or a recorded override) still in force; otherwise what any aggregate would show."""
    case = referral.case
    fields = {
        "age_band": domain.contact_band(case, referral.date),
        "sex": case.sex,
        "municipality": case.municipality,
        "target": referral.target,
    }
    consent_ok = referral.consent is not None and referral.consent.is_active
    if referral.shares_personal_data and (consent_ok or referral.override_by_id):
        fields.update(
            name=case.name,
            furigana=case.furigana,
            birth_date=case.birth_date,
            first_consulter=case.first_consulter,
            outing_level=case.outing_level,
            duration_months=case.duration_months,
            household_8050=case.household_8050,
        )
    return fields


@state_change
def accept_referral(*, actor: Actor, referral: Referral, on: date) -> Case:
    """The partner accepts: the referral becomes 支援決定 and the partner opens its own case, linked to
    the origin, holding only what the referral shared. Lock: the origin referral's 日付 and the 支援決定 date `on`; the
    new case's 受付日 `on` for the partner."""
    if not actor.can(Perm.EDIT_CASES) or referral.partner_id != getattr(actor.organisation, "pk", None):
        raise PermissionDenied(_("このつなぎを受け付ける権限がありません。"))
    if referral.status not in (ReferralStatus.REQUESTED, ReferralStatus.ARRANGING):
        raise ValidationError(
            {"status": _("このつなぎはすでに「%(status)s」です。") % {"status": referral.get_status_display()}}
        )
    lock_statistics(referral.organisation_id, getattr(actor.organisation, "pk", None))
    # The origin's referral becomes 支援決定: counted in the period of its date, with the result dated `on`.
    ensure_open(referral.organisation, referral.date, field="on", actor=actor)
    ensure_open(referral.organisation, on, field="on", actor=actor)
    shared = shared_case_fields(referral)
    shared.pop("target")
    case = open_case(actor=actor, organisation=actor.organisation, opened_on=on, number="", **shared)
    Case.objects.filter(pk=case.pk).update(origin_referral=referral)
    case.origin_referral = referral
    _bump(Referral, referral, None, status=ReferralStatus.DECIDED, result_on=on)
    referral.status, referral.result_on = ReferralStatus.DECIDED, on
    log_action(
        actor,
        "referral.accept",
        obj=referral,
        label=f"{referral.organisation.code}→{actor.organisation.code}",
        changes={"status": ["requested", "decided"], "receiving_case": [None, case.pk]},
    )
    return case


@state_change
def decline_referral(*, actor: Actor, referral: Referral, on: date, reason: str = "") -> Referral:
    """Lock: the referral's 日付 and the 不成立 date `on`."""
    if not actor.can(Perm.EDIT_CASES) or referral.partner_id != getattr(actor.organisation, "pk", None):
        raise PermissionDenied(_("このつなぎを断る権限がありません。"))
    if referral.status not in (ReferralStatus.REQUESTED, ReferralStatus.ARRANGING):
        raise ValidationError(
            {"status": _("このつなぎはすでに「%(status)s」です。") % {"status": referral.get_status_display()}}
        )
    lock_statistics(referral.organisation_id)
    ensure_open(referral.organisation, referral.date, field="on", actor=actor)  # the referral's 日付 counts it
    ensure_open(referral.organisation, on, field="on", actor=actor)
    _bump(Referral, referral, None, status=ReferralStatus.FAILED, result_on=on)
    referral.status, referral.result_on = ReferralStatus.FAILED, on
    log_action(
        actor, "referral.decline", obj=referral, changes={"status": ["requested", "failed"], "reason": [None, reason]}
    )
    return referral


# --- appointments (次回予定) -------------------------------------------------------------------------

APPOINTMENT_FIELDS = ["date", "time", "channel", "place", "notes"]


def _appointment_snapshot(appointment: Appointment, staff) -> dict:
    values = snapshot(appointment, APPOINTMENT_FIELDS)
    values["staff"] = sorted(u.username for u in staff)
    return values


@state_change
def schedule_appointment(*, actor: Actor, case: Case, staff=(), **values) -> Appointment:
    """Plan a call, a meeting or a visit for a case, with the staff who go. Lock: the appointment's date."""
    require_case_work(actor, write=True)
    errors = domain.appointment_errors(values, case=case, today=timezone.localdate())
    if staff:
        if problem := domain.staff_errors(case.organisation, assigned=staff).get("assigned"):
            errors["staff"] = problem
    domain.raise_if(errors)
    ensure_open(case.organisation, values["date"], field="date", actor=actor)
    appointment = Appointment.objects.create(case=case, organisation=case.organisation, **values)
    staff = list(staff) or ([actor.user] if actor.user is not None else [])
    appointment.staff.set(staff)
    log_action(
        actor,
        "appointment.create",
        obj=appointment,
        label=case.number,
        changes=diff({}, _appointment_snapshot(appointment, staff), Appointment.PERSONAL_FIELDS),
    )
    return appointment


@state_change
def update_appointment(
    *, actor: Actor, appointment: Appointment, version: int | None = None, staff=None, **values
) -> Appointment:
    """Lock: the appointment's date, before and after."""
    require_case_work(actor, write=True)
    if appointment.status != AppointmentStatus.PLANNED:
        raise ValidationError({"date": _("記録済み・取消済みの予定は変えられません。")})
    case = appointment.case
    old_staff = list(appointment.staff.all())
    before = _appointment_snapshot(appointment, old_staff)
    new = {name: values.get(name, getattr(appointment, name)) for name in APPOINTMENT_FIELDS}
    errors = domain.appointment_errors(new, case=case, today=timezone.localdate())
    staff = old_staff if staff is None else list(staff)
    if staff:
        if problem := domain.staff_errors(case.organisation, assigned=staff).get("assigned"):
            errors["staff"] = problem
    domain.raise_if(errors)
    ensure_open(case.organisation, appointment.date, field="date", actor=actor)
    ensure_open(case.organisation, new["date"], field="date", actor=actor)
    _bump(Appointment, appointment, version, **new)
    for name, value in new.items():
        setattr(appointment, name, value)
    appointment.staff.set(staff)
    log_action(
        actor,
        "appointment.update",
        obj=appointment,
        label=case.number,
        changes=diff(before, _appointment_snapshot(appointment, staff), Appointment.PERSONAL_FIELDS),
    )
    return appointment


@state_change
def cancel_appointment(*, actor: Actor, appointment: Appointment, version: int | None = None) -> Appointment:
    """Lock: the appointment's date."""
    require_case_work(actor, write=True)
    if appointment.status != AppointmentStatus.PLANNED:
        raise ValidationError({"date": _("記録済み・取消済みの予定は取り消せません。")})
    ensure_open(appointment.organisation, appointment.date, field="date", actor=actor)
    _bump(Appointment, appointment, version, status=AppointmentStatus.CANCELLED)
    appointment.status = AppointmentStatus.CANCELLED
    log_action(
        actor,
        "appointment.cancel",
        obj=appointment,
        label=appointment.case.number,
        changes={"status": [AppointmentStatus.PLANNED.value, AppointmentStatus.CANCELLED.value]},
    )
    return appointment


@state_change
def set_numbering(*, actor: Actor, numbering: str, version: int | None = None) -> CaseSettings:
    """Choose how the acting organisation numbers new cases (CaseSettings.numbering)."""
    require(actor, Perm.MANAGE_ORG)
    settings_row, _created = CaseSettings.objects.get_or_create(organisation=actor.organisation)
    before = settings_row.numbering
    _bump(CaseSettings, settings_row, version, numbering=numbering)
    settings_row.numbering = numbering
    log_action(
        actor, "case_settings.update", obj=settings_row, changes=diff({"numbering": before}, {"numbering": numbering})
    )
    return settings_row

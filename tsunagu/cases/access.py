"""Access functions for case work. Personal records belong to exactly one organisation: only its own
staff reach them (a ピアサポーター only the cases assigned to them); an organisation above sees
aggregates, never these rows. Every successful read is written to the audit trail.
"""

import re
import unicodedata

from django.db.models import Q, QuerySet

from tsunagu.audit.log import log_action
from tsunagu.core.text import fold
from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import Appointment, Case, Consent, Contact, Referral, ReferralStatus


def visible_cases(actor: Actor) -> QuerySet[Case]:
    """The cases this actor may open: none without case permissions."""
    org = actor.organisation
    if org is None:
        return Case.objects.none()
    cases = Case.objects.filter(organisation=org)
    if actor.can(Perm.VIEW_CASES):
        return cases
    if actor.can(Perm.ASSIGNED_CASES):
        return cases.filter(assigned=actor.user)
    return Case.objects.none()


def can_write_cases(actor: Actor) -> bool:
    return actor.can(Perm.EDIT_CASES) or actor.can(Perm.ASSIGNED_CASES)


def require_case_work(actor: Actor, *, write: bool) -> None:
    if write:
        if not can_write_cases(actor):
            require(actor, Perm.EDIT_CASES)  # logs and raises
    elif not (actor.can(Perm.VIEW_CASES) or actor.can(Perm.ASSIGNED_CASES)):
        require(actor, Perm.VIEW_CASES)


def get_case(actor: Actor, pk, *, write: bool = False, log_read: bool = True) -> Case:
    require_case_work(actor, write=write)
    case = visible_cases(actor).select_related("municipality", "organisation").filter(pk=pk).first()
    if case is None:
        raise deny(actor, "case", pk)
    if log_read:
        log_action(actor, "case.view", obj=case)
    return case


def get_contact(actor: Actor, case: Case, pk, *, write: bool = False) -> Contact:
    """A contact of a case the actor already reached through get_case."""
    contact = case.contacts.filter(pk=pk).first()
    if contact is None:
        raise deny(actor, "contact", pk)
    require_case_work(actor, write=write)
    return contact


def get_appointment(actor: Actor, case: Case, pk, *, write: bool = False) -> Appointment:
    """An appointment of a case the actor already reached through get_case."""
    appointment = case.appointments.filter(pk=pk).first()
    if appointment is None:
        raise deny(actor, "appointment", pk)
    require_case_work(actor, write=write)
    return appointment


def visible_appointments(actor: Actor) -> QuerySet[Appointment]:
    """Appointments of the cases this actor may open (a ピアサポーター: of the cases assigned to them)."""
    return Appointment.objects.filter(case__in=visible_cases(actor).values("pk"))


def get_consent(actor: Actor, case: Case, pk) -> Consent:
    consent = case.consents.filter(pk=pk).first()
    if consent is None:
        raise deny(actor, "consent", pk)
    require_case_work(actor, write=True)
    return consent


def get_referral(actor: Actor, case: Case, pk, *, write: bool = False) -> Referral:
    referral = case.referrals.filter(pk=pk).first()
    if referral is None:
        raise deny(actor, "referral", pk)
    require_case_work(actor, write=write)
    return referral


def incoming_referrals(actor: Actor) -> QuerySet[Referral]:
    """Referrals other organisations sent to the acting one (its queue)."""
    org = actor.organisation
    if org is None or not (actor.can(Perm.EDIT_CASES) or actor.can(Perm.VIEW_CASES)):
        return Referral.objects.none()
    return Referral.objects.filter(partner=org).exclude(status=ReferralStatus.WITHDRAWN)


def get_incoming_referral(actor: Actor, pk, *, write: bool = False) -> Referral:
    require(actor, Perm.EDIT_CASES if write else Perm.VIEW_CASES)
    referral = (
        incoming_referrals(actor)
        .select_related("case", "case__municipality", "organisation", "consent")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise deny(actor, "incoming_referral", pk)
    log_action(
        actor, "referral.incoming_view", obj=referral, label=f"{referral.organisation.code}→{actor.organisation.code}"
    )
    return referral


def search_filter(query: str) -> Q:
    """A case number (ASCII letters, digits and hyphens with a digit: exact or leading part), or else
    name/furigana folded (hiragana = katakana, full-width = half-width). Both forms stay inside an
    index with the organisation in front (case_number_per_org, case_org_search)."""
    folded = fold(query)
    if CASE_NUMBER.fullmatch(folded) and any(c.isdigit() for c in folded):
        number = unicodedata.normalize("NFKC", query).strip()
        found = Q(number=number) | Q(number__startswith=number)
        if number.isdigit():  # a serial typed alone: 0022 finds 2026-0022
            found |= Q(number__endswith=f"-{number}")
        return found
    return Q(search_key__contains=folded)


CASE_NUMBER = re.compile(r"[A-Za-z0-9-]+")

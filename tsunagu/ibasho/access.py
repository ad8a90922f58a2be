"""Access to 居場所: each belongs to the organisation that runs it, and only its staff manage it."""

import unicodedata

from django.db.models import QuerySet

from tsunagu.cases.access import visible_cases
from tsunagu.cases.models import Case
from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import Attendance, Ibasho, IbashoEvent

# 居場所 are run by the people who do case work (相談員, 管理者); everyone else in the organisation reads.
WRITE_PERM = Perm.EDIT_CASES
# Who attended shows case numbers: reading it is reading personal records (a 統計担当 sees only counts,
# in the statistics).
ATTENDANCE_READ_PERM = Perm.VIEW_CASES


def own_ibasho(actor: Actor) -> QuerySet[Ibasho]:
    org = actor.organisation
    return Ibasho.objects.filter(organisation=org) if org is not None else Ibasho.objects.none()


def get_ibasho(actor: Actor, pk, *, write: bool = False) -> Ibasho:
    require(actor, WRITE_PERM if write else Perm.VIEW_ORG)
    ibasho = own_ibasho(actor).select_related("municipality").filter(pk=pk).first()
    if ibasho is None:
        raise deny(actor, "ibasho", pk)
    return ibasho


def get_event(actor: Actor, pk, *, write: bool = False) -> IbashoEvent:
    require(actor, WRITE_PERM if write else Perm.VIEW_ORG)
    org = actor.organisation
    event = (
        IbashoEvent.objects.filter(organisation=org).select_related("ibasho").filter(pk=pk).first()
        if org is not None
        else None
    )
    if event is None:
        raise deny(actor, "ibasho_event", pk)
    return event


def get_attendance(actor: Actor, pk) -> Attendance:
    """An attendance row to remove: only by those who run the organisation's 居場所."""
    require(actor, WRITE_PERM)
    org = actor.organisation
    attendance = (
        Attendance.objects.filter(organisation=org).select_related("event__ibasho", "case").filter(pk=pk).first()
        if org is not None
        else None
    )
    if attendance is None:
        raise deny(actor, "ibasho_attendance", pk)
    return attendance


def case_by_number(actor: Actor, number: str) -> Case | None:
    """The acting organisation's case with this number (typed full-width or half-width), as the case
    access rules let the actor see it; None for a number that is not one of them."""
    number = unicodedata.normalize("NFKC", number or "").strip()
    return visible_cases(actor).filter(number=number).first() if number else None

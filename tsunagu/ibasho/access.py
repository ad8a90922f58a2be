"""Access to 居場所: each belongs to the organisation that runs it, and only its staff manage it."""

from django.db.models import QuerySet

from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import Ibasho, IbashoEvent

# 居場所 are run by the people who do case work (相談員, 管理者); everyone else in the organisation reads.
WRITE_PERM = Perm.EDIT_CASES


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
        if org is not None else None
    )
    if event is None:
        raise deny(actor, "ibasho_event", pk)
    return event

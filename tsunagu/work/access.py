"""Access to hosts, placements and payment lists: each belongs to the organisation that keeps it.

Placements and payment lists name cases, so reading them is reading personal records (VIEW_CASES);
recording them is case work (EDIT_CASES); approving and settling payments, and setting the rates and
budgets they are paid from, is the 管理者's (APPROVE_PAYMENTS)."""

import unicodedata

from django.db.models import QuerySet

from tsunagu.cases.access import visible_cases
from tsunagu.cases.models import Case
from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import Host, PaymentList, Placement

WRITE_PERM = Perm.EDIT_CASES
READ_PERM = Perm.VIEW_CASES
APPROVE_PERM = Perm.APPROVE_PAYMENTS


def _own(actor: Actor, model) -> QuerySet:
    org = actor.organisation
    return model.objects.filter(organisation=org) if org is not None else model.objects.none()


def own_hosts(actor: Actor) -> QuerySet[Host]:
    return _own(actor, Host)


def own_placements(actor: Actor) -> QuerySet[Placement]:
    return _own(actor, Placement)


def own_payment_lists(actor: Actor) -> QuerySet[PaymentList]:
    return _own(actor, PaymentList)


def get_host(actor: Actor, pk, *, write: bool = False) -> Host:
    require(actor, WRITE_PERM if write else Perm.VIEW_ORG)
    host = own_hosts(actor).filter(pk=pk).first()
    if host is None:
        raise deny(actor, "host", pk)
    return host


def get_placement(actor: Actor, pk, *, write: bool = False) -> Placement:
    require(actor, WRITE_PERM if write else READ_PERM)
    placement = (
        own_placements(actor).filter(case__in=visible_cases(actor)).select_related("case", "host").filter(pk=pk).first()
    )
    if placement is None:
        raise deny(actor, "placement", pk)
    return placement


def get_payment_list(actor: Actor, pk, *, perm: str = READ_PERM) -> PaymentList:
    require(actor, perm)
    payment_list = own_payment_lists(actor).filter(pk=pk).first()
    if payment_list is None:
        raise deny(actor, "payment_list", pk)
    return payment_list


def case_by_number(actor: Actor, number: str) -> Case | None:
    """The acting organisation's case with this number (full-width or half-width), as the case access
    rules let the actor see it; None for a number that is not one of them."""
    number = unicodedata.normalize("NFKC", number or "").strip()
    return visible_cases(actor).filter(number=number).first() if number else None

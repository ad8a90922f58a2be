"""Access functions: the only way views reach organisations and memberships.

Each takes the acting Actor and answers Http404 for anything outside the acting organisation's reach,
whether it exists or not, so another organisation's record is never confirmed. A denial is logged.
A role that may see an object but not do the asked thing gets PermissionDenied (403).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action

from .models import Membership, Organisation
from .queries import active_memberships
from .rules import Actor, Perm


def deny(actor: Actor, object_type: str, key) -> Http404:
    """Log a refused look-up and return the 404 to raise."""
    log_action(actor, "access.denied", label=f"{object_type}:{key}"[:200], allowed=False)
    return Http404(_("見つかりません。"))


def require(actor: Actor, perm: str) -> None:
    if not actor.can(perm):
        log_action(actor, "permission.denied", label=perm, allowed=False)
        raise PermissionDenied(_("この操作を行う権限がありません。"))


def get_organisation(actor: Actor, code: str, *, perm: str = Perm.VIEW_ORG) -> Organisation:
    """An organisation at or below the acting one."""
    acting = actor.organisation
    org = Organisation.objects.select_related("parent", "category").filter(code=code).first()
    if acting is None or org is None or not org.is_within(acting):
        raise deny(actor, "organisation", code)
    require(actor, perm)
    return org


def get_membership(actor: Actor, pk: int, *, perm: str = Perm.MANAGE_STAFF) -> Membership:
    """A staff membership of the acting organisation itself: an organisation above does not manage
    the staff of those below it."""
    acting = actor.organisation
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=pk, organisation=acting).first()
        if acting is not None
        else None
    )
    if membership is None:
        raise deny(actor, "membership", pk)
    require(actor, perm)
    return membership


def get_own_membership(actor: Actor, pk) -> Membership:
    """One of the acting person's own active memberships (to act for its organisation)."""
    user = actor.user
    membership = active_memberships(user).filter(pk=pk).first() if user is not None and str(pk).isdigit() else None
    if membership is None:
        raise deny(actor, "membership", pk)
    return membership

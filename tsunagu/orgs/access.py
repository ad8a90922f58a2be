"""Access functions: the only way views reach organisations and memberships, and `require`, the one
permission check of every app's access functions and actions.

Each takes the acting Actor and answers Http404 for anything outside the acting organisation's reach,
whether it exists or not, so another organisation's record is never confirmed. A role that may see an
object but not do the asked thing gets PermissionDenied (403). Every denial of either kind is logged.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from tsunagu.audit.log import keep_after_rollback, log_action

from .models import Invitation, Membership, Organisation
from .queries import active_memberships
from .rules import Actor, Perm


class Denied(Http404):
    """A refused look-up (404), with its access.denied entry."""

    def __init__(self, message, entry):
        super().__init__(message)
        self.entry = entry


class Refused(PermissionDenied):
    """A refused action (403), with its permission.denied entry."""

    def __init__(self, message, entry):
        super().__init__(message)
        self.entry = entry


def deny(actor: Actor, object_type: str, key) -> Denied:
    """Log a refused look-up and return the 404 to raise."""
    entry = log_action(actor, "access.denied", label=f"{object_type}:{key}"[:200], allowed=False)
    return Denied(_("見つかりません。"), entry)


def refuse(actor: Actor, label: str, message: str | None = None) -> Refused:
    """Log a refused action (permission.denied, `label` says what was asked) and return the 403 to raise."""
    entry = log_action(actor, "permission.denied", label=label[:200], allowed=False)
    return Refused(message or _("この操作を行う権限がありません。"), entry)


def state_change(function):
    """transaction.atomic for an action (a state change), keeping the record of a refusal: a denial raised
    inside the action's transaction is rolled back with it, so its entry is written again after."""
    atomic = transaction.atomic(function)

    @wraps(function)
    def run(*args, **kwargs):
        try:
            return atomic(*args, **kwargs)
        except (Denied, Refused) as refusal:
            refusal.entry = keep_after_rollback(refusal.entry)
            raise

    return run


def require(
    actor: Actor, perm: str, organisation: Organisation | None = None, *, below: bool = False, message: str = ""
) -> None:
    """Refuse (logged, PermissionDenied) unless the actor holds `perm` and, when `organisation` is given,
    acts for that organisation, or with below=True for it or one above it. `message` says why an
    organisation does not fit. The system actor may do everything; an actor with no membership nothing."""
    if actor.is_system:
        return
    if not actor.can(perm):
        raise refuse(actor, perm)
    if organisation is not None:
        acting = actor.organisation
        if not (organisation.is_within(acting) if below else organisation == acting):
            raise refuse(actor, f"{perm}:{organisation.code}", message or None)


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


def get_invitation(actor: Actor, pk) -> Invitation:
    """An open invitation of the acting organisation (to withdraw it)."""
    acting = actor.organisation
    invitation = (
        Invitation.objects.select_related("organisation").filter(pk=pk, organisation=acting).first()
        if acting is not None and str(pk).isdigit()
        else None
    )
    if invitation is None:
        raise deny(actor, "invitation", pk)
    require(actor, Perm.MANAGE_STAFF)
    return invitation


def own_invitations(user):
    """The open invitations to this account, in active organisations."""
    if user is None or not user.is_authenticated:
        return Invitation.objects.none()
    return Invitation.objects.filter(user=user, organisation__is_active=True).select_related("organisation")


def get_own_invitation(actor: Actor, pk) -> Invitation:
    """One of the signed-in person's own open invitations (to accept or decline it)."""
    invitation = own_invitations(actor.user).filter(pk=pk).first() if str(pk).isdigit() else None
    if invitation is None:
        raise deny(actor, "invitation", pk)
    return invitation

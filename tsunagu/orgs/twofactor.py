"""Who must pass a second factor at log-in (the organisation's policy), and the reset of a person's devices.

The policy is the organisation's: a 管理者 always needs a second factor, the other roles when the
organisation says so. A person with several memberships needs it when any of them does. The devices are
django-otp's (TOTP, passkeys, tsunagu's recovery codes): every kind registers with django-otp, so a reset
removes them all without naming the accounts app, which sits above this one.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from tsunagu.audit.log import log_action
from tsunagu.core.versions import claim

from .access import require, state_change
from .models import Membership, Organisation, Role
from .rules import Actor, Perm

# The roles an organisation may choose to require it of; 管理者 is not a choice, it is always required.
OPTIONAL_ROLES = [role for role in Role.values if role != Role.ADMIN]


def role_requires_two_factor(organisation: Organisation, role: str) -> bool:
    return role == Role.ADMIN or role in (organisation.two_factor_roles or [])


def two_factor_required(memberships) -> bool:
    """True when any of these active memberships (with their organisations loaded) needs a second factor."""
    return any(role_requires_two_factor(m.organisation, m.role) for m in memberships)


@state_change
def set_two_factor_policy(*, actor: Actor, org: Organisation, roles, version: int | None = None) -> Organisation:
    """Say which roles besides 管理者 must use a second factor, on the version the form was opened at."""
    require(actor, Perm.MANAGE_ORG, org, below=True)
    unknown = [role for role in roles if role not in OPTIONAL_ROLES]
    if unknown:
        raise ValidationError({"roles": _("役割「%(role)s」は選べません。") % {"role": unknown[0]}})
    chosen = [role for role in OPTIONAL_ROLES if role in roles]
    before = list(org.two_factor_roles or [])
    claim(org, version, fields=["two_factor_roles"], two_factor_roles=chosen)
    org.two_factor_roles = chosen
    org.version = (version if version is not None else org.version) + 1
    log_action(
        actor,
        "org.two_factor_policy",
        obj=org,
        organisation=org,
        changes={"two_factor_roles": [before, chosen]},
    )
    return org


def _remove_devices(user) -> int:
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed


@state_change
def reset_two_factor(*, actor: Actor, membership: Membership) -> int:
    """A 管理者 removes a member's second-factor devices (a lost phone): the person enrols again at their
    next log-in, and a session verified with a removed device is no longer verified. Returns how many."""
    require(actor, Perm.MANAGE_STAFF, membership.organisation, message=_("他の組織の職員は管理できません。"))
    removed = _remove_devices(membership.user)
    log_action(
        actor,
        "staff.reset_2fa",
        obj=membership,
        label=f"{membership.user.username} @ {membership.organisation.code}",
        organisation=membership.organisation,
        changes={"devices": [removed, 0]},
    )
    return removed


@state_change
def reset_two_factor_of_user(*, actor: Actor, user) -> int:
    """The break-glass of `tsunagu staff reset-2fa`: the last 管理者 lost their device, and nobody is left
    to reset it on the staff page. Only the system actor (the command line) may do this."""
    if not actor.is_system:
        raise ValidationError(_("この操作はコマンドラインからだけ行えます。"))
    removed = _remove_devices(user)
    log_action(actor, "staff.reset_2fa", obj=user, label=user.get_username(), changes={"devices": [removed, 0]})
    return removed

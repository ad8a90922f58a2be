"""What a person does with their own log-in: choosing the organisation to act for."""

from tsunagu.audit.log import log_action
from tsunagu.orgs.access import state_change
from tsunagu.orgs.models import Membership
from tsunagu.orgs.rules import Actor


@state_change
def act_for(*, actor: Actor, membership: Membership) -> Actor:
    """Start acting for one of the person's organisations (a membership from orgs.access.get_own_membership)
    and return the actor for what follows; the entry names the organisation chosen."""
    chosen = Actor(user=actor.user, membership=membership, ip=actor.ip)
    log_action(chosen, "auth.act_for", obj=membership.organisation)
    return chosen


@state_change
def enrolled(*, actor: Actor, device) -> None:
    """A person added a second-factor device (an authenticator app or a passkey) to their log-in."""
    log_action(actor, "auth.two_factor_enrol", obj=device, label=f"{actor.audit_name}: {type(device).__name__}")


@state_change
def removed_device(*, actor: Actor, device) -> None:
    """A person removed one of their own devices (they keep at least one where the policy needs it)."""
    log_action(actor, "auth.two_factor_remove", obj=device, label=f"{actor.audit_name}: {type(device).__name__}")


@state_change
def recovery_codes_issued(*, actor: Actor) -> None:
    """Ten new recovery codes replaced the old ones."""
    log_action(actor, "auth.recovery_codes", obj=actor.user, label=actor.audit_name)

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

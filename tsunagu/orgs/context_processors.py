from .rules import ROLE_PERMS


def acting(request):
    """The acting organisation and what the actor may do, for the layout's header and navigation."""
    actor = getattr(request, "actor", None)
    role = actor.role if actor else None
    return {
        "actor": actor,
        "acting_org": actor.organisation if actor else None,
        "acting_role": actor.membership.get_role_display() if actor and actor.membership else "",
        "can": dict.fromkeys(ROLE_PERMS.get(role, ()), True),
        "membership_count": getattr(request, "membership_count", 0),
    }

"""Resolves who is acting for which organisation on every request (request.actor)."""

from tsunagu.core.http import client_ip

from .queries import active_memberships
from .rules import Actor

SESSION_KEY = "acting_membership"


class ActingOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = None
        memberships = []
        user = request.user if request.user.is_authenticated else None
        if user is not None:
            memberships = list(active_memberships(user))
            chosen = request.session.get(SESSION_KEY)
            membership = next((m for m in memberships if m.pk == chosen), None)
            if membership is None and len(memberships) == 1:
                membership = memberships[0]
            request.membership_count = len(memberships)
        # accounts' TwoFactorMiddleware reads the same list for the organisations' policies.
        request.memberships = memberships
        request.actor = Actor(user=user, membership=membership, ip=client_ip(request))
        return self.get_response(request)

"""Loading returns for a user: the acting organisation's own returns and those of everything below it;
anything else is 'not found' (logged)."""

from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import Return


def get_return(actor: Actor, pk) -> Return:
    require(actor, Perm.VIEW_STATS)
    ret = Return.objects.select_related("organisation", "organisation__parent").filter(pk=pk).first()
    if ret is None or actor.organisation is None or not ret.organisation.is_within(actor.organisation):
        raise deny(actor, "return", pk)
    return ret

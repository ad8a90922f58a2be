"""Loading returns for a user: the acting organisation's own returns and those of everything below it;
anything else is 'not found' (logged)."""

from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import Return, SenderKey


def get_return(actor: Actor, pk) -> Return:
    require(actor, Perm.VIEW_STATS)
    ret = Return.objects.select_related("organisation", "organisation__parent").filter(pk=pk).first()
    if ret is None or actor.organisation is None or not ret.organisation.is_within(actor.organisation):
        raise deny(actor, "return", pk)
    return ret


def get_sender(actor: Actor, pk) -> SenderKey:
    """A sender registered by the acting organisation (only its approvers manage them)."""
    require(actor, Perm.APPROVE_RETURNS)
    sender = SenderKey.objects.select_related("receiver").filter(pk=pk).first()
    if sender is None or actor.organisation is None or sender.receiver_id != actor.organisation.pk:
        raise deny(actor, "sender_key", pk)
    return sender

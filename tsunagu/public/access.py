"""Access to web consultations: they belong to the organisation whose intake queue they landed in,
and only its case workers reach them. Reading one is written to the audit trail."""

from django.db.models import QuerySet

from tsunagu.audit.log import log_action
from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import WebConsultation


def intake_queue(actor: Actor) -> QuerySet[WebConsultation]:
    org = actor.organisation
    if org is None or not actor.can(Perm.VIEW_CASES):
        return WebConsultation.objects.none()
    return WebConsultation.objects.filter(organisation=org)


def get_consultation(actor: Actor, pk, *, write: bool = False, log_read: bool = True) -> WebConsultation:
    require(actor, Perm.EDIT_CASES if write else Perm.VIEW_CASES)
    consultation = intake_queue(actor).select_related("municipality", "case", "handled_by").filter(pk=pk).first()
    if consultation is None:
        raise deny(actor, "web_consultation", pk)
    if log_read:
        log_action(actor, "webconsult.view", obj=consultation)
    return consultation

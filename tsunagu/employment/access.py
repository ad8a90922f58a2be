"""Access to employment support registrations: each is a record of its case, so the case access rules
decide (cases.access): only the case's organisation's staff reach it, a ピアサポーター only on the cases
assigned to them. Another organisation's registration is "not found"."""

from django.db.models import QuerySet

from tsunagu.audit.log import log_action
from tsunagu.cases.access import require_case_work, visible_cases
from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import DecisionRateTarget, Registration

# The funnel and its target are counts, no personal record: those who read statistics see them.
FUNNEL_PERM = Perm.VIEW_STATS
# The target is the organisation's own setting.
TARGET_PERM = Perm.MANAGE_ORG


def visible_registrations(actor: Actor) -> QuerySet[Registration]:
    return Registration.objects.filter(case__in=visible_cases(actor))


def get_registration(actor: Actor, pk, *, write: bool = False) -> Registration:
    require_case_work(actor, write=write)
    registration = visible_registrations(actor).select_related("case", "organisation").filter(pk=pk).first()
    if registration is None:
        raise deny(actor, "employment_registration", pk)
    log_action(actor, "employment.view", obj=registration, label=registration.case.number)
    return registration


def get_target(actor: Actor, fiscal_year: int) -> DecisionRateTarget | None:
    """The acting organisation's target row for a year (None: the default applies)."""
    require(actor, TARGET_PERM)
    return DecisionRateTarget.objects.filter(organisation=actor.organisation, fiscal_year=fiscal_year).first()

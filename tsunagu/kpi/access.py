"""Access to KPI indicators: read within the acting organisation's subtree with VIEW_STATS; change only
the acting organisation's own indicators with MANAGE_ORG. Anything else is a 404, as for any record."""

from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import Indicator, Plan


def get_indicator(actor: Actor, pk, *, write: bool = False) -> Indicator:
    acting = actor.organisation
    indicator = Indicator.objects.select_related("organisation").filter(pk=pk).first() if acting else None
    if indicator is None or not indicator.organisation.is_within(acting):
        raise deny(actor, "kpi_indicator", pk)
    if write and indicator.organisation != acting:
        # An organisation above may read a centre's KPIs; the centre's own administrators keep them.
        raise deny(actor, "kpi_indicator", pk)
    require(actor, Perm.MANAGE_ORG if write else Perm.VIEW_STATS)
    return indicator


def get_plan(actor: Actor, indicator: Indicator, pk) -> Plan:
    """A multi-year plan of an indicator the actor already reached through get_indicator (write=True):
    an id from the query string that names any other plan is a 404, logged."""
    plan = indicator.plans.filter(pk=pk).first() if str(pk).isdigit() else None
    if plan is None:
        raise deny(actor, "kpi_plan", pk)
    return plan


def get_measure(actor: Actor, pk, *, write: bool = False):
    """A 主な取組 (PDCA sheet): read within the subtree with VIEW_STATS; its texts are written by the
    owning organisation with MANAGE_ORG."""
    from .models import Measure

    acting = actor.organisation
    measure = Measure.objects.select_related("organisation").filter(pk=pk).first() if acting else None
    if measure is None or not measure.organisation.is_within(acting):
        raise deny(actor, "kpi_measure", pk)
    if write and measure.organisation != acting:
        raise deny(actor, "kpi_measure", pk)
    require(actor, Perm.MANAGE_ORG if write else Perm.VIEW_STATS)
    return measure


def get_progress_organisation(actor: Actor, code: str, *, write: bool = False):
    """The organisation whose progress report is asked for: read within the subtree with VIEW_STATS; its
    pages' texts are written by the organisation itself with MANAGE_ORG (as the 様式1 texts are)."""
    from tsunagu.orgs.access import get_organisation

    org = get_organisation(actor, code, perm=Perm.MANAGE_ORG if write else Perm.VIEW_STATS)
    if write and org != actor.organisation and not actor.is_system:
        # An organisation above reads a centre's report; the centre's own administrators write it.
        raise deny(actor, "kpi_progress", code)
    return org

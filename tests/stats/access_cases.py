"""Access declarations for the statistics pages.

The organisation is a query parameter (?org=CODE), not part of the path: the harness asks each page for
a centre of the own prefecture and for one of the other prefecture (404, logged), and as a list for the
acting organisation, with the other prefecture's name never shown.
"""

from datetime import date

from tsunagu.cases import actions
from tsunagu.cases.models import Channel, Consulter
from tsunagu.orgs.models import Role
from tsunagu.orgs.rules import Perm

from ..access import UrlCase
from ..cases.factories import actor_for, make_case
from ..factories import make_staff


def _centre(world, side):
    return {"org": world[f"{side}_center"].code}


URL_CASES = [
    UrlCase("stats_report", Perm.VIEW_STATS, leak=lambda w: w["other"].name, query=_centre),
    UrlCase("stats_trends", Perm.VIEW_STATS, leak=lambda w: w["other"].name, query=_centre),
    # Binary files: the harness checks who may download them; test_views checks their contents.
    UrlCase("stats_export_xlsx", Perm.VIEW_STATS, query=_centre),
    UrlCase("stats_export_pdf", Perm.VIEW_STATS, query=_centre),
]


def extend_world(world):
    """A contact on each side, so the statistics of either prefecture have something to count."""
    for side in ("own", "other"):
        worker = actor_for(make_staff(world[f"{side}_center"], Role.COORDINATOR))
        case = make_case(worker, name=f"統計用の{side}ケース")
        world[f"{side}_stats_case"] = case
        actions.log_contact(
            actor=worker, case=case, date=date(2021, 5, 10), channel=Channel.PHONE, consulter=Consulter.FAMILY
        )

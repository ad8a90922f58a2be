"""Regions: a prefecture or a designated city, the bodies inside it, and who works in tsunagu there.

The organisation tree already says where everything sits (materialised paths), so a region's windows,
居場所 and partners are one prefix filter on the path. Residents choose a region on the public pages;
staff pages use it to offer the municipalities of their own region.
"""

from django.db.models import QuerySet

from .models import Membership, Organisation, OrgKind
from .rules import ROLE_PERMS, Perm

REGION_KINDS = (OrgKind.PREFECTURE, OrgKind.DESIGNATED_CITY)
# The bodies 窓口の明確化 counts: every municipality should have a named window.
MUNICIPAL_KINDS = (OrgKind.MUNICIPALITY, OrgKind.DESIGNATED_CITY)
# Specialist windows shown above the municipalities: the centre, its satellites, stations.
CENTRE_KINDS = (OrgKind.CENTER, OrgKind.SATELLITE, OrgKind.STATION)
# Roles that do case work, hence can take a web consultation on.
CASE_WORK_ROLES = tuple(role for role, perms in ROLE_PERMS.items() if Perm.EDIT_CASES in perms)


def regions() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind__in=REGION_KINDS, is_active=True).order_by("code")


def get_region(code: str) -> Organisation | None:
    return regions().filter(code=code).first()


def region_of(org: Organisation) -> Organisation | None:
    """The prefecture or designated city an organisation sits in (itself when it is one)."""
    codes = [code for code in org.path.split("/") if code]
    return Organisation.objects.filter(code__in=codes, kind__in=REGION_KINDS).order_by("-path").first()


def municipalities(region: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=region.path, kind__in=MUNICIPAL_KINDS, is_active=True).order_by(
        "code"
    )


def uses_tsunagu(org: Organisation) -> bool:
    """True when somebody there can take a case on: an active case worker."""
    return Membership.objects.filter(
        organisation=org, is_active=True, user__is_active=True, role__in=CASE_WORK_ROLES
    ).exists()


def case_workers(org: Organisation):
    """The active case workers of an organisation with a mail address (told of a new web consultation)."""
    return (
        Membership.objects.filter(organisation=org, is_active=True, user__is_active=True, role__in=CASE_WORK_ROLES)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    )

"""Regions as residents see them: a prefecture or a designated city, and the bodies inside it.

The organisation tree already says where everything sits (materialised paths), so a region's windows,
居場所 and partners are one prefix filter on the path.
"""

from django.db.models import QuerySet

from tsunagu.orgs.models import Membership, Organisation, OrgKind
from tsunagu.orgs.rules import ROLE_PERMS, Perm

REGION_KINDS = (OrgKind.PREFECTURE, OrgKind.DESIGNATED_CITY)
# The bodies 窓口の明確化 counts: every municipality should have a named window.
MUNICIPAL_KINDS = (OrgKind.MUNICIPALITY, OrgKind.DESIGNATED_CITY)
# Specialist windows shown above the municipalities: the centre, its satellites, stations.
CENTRE_KINDS = (OrgKind.CENTER, OrgKind.SATELLITE, OrgKind.STATION)
# Who may publish a window: every public body and support organisation, not the ministry, and not
# partner agencies, whose contact details live on the organisation itself.
WINDOW_KINDS = (*REGION_KINDS, OrgKind.MUNICIPALITY, *CENTRE_KINDS, OrgKind.CONTRACTOR)
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
    """The people to tell about a new web consultation."""
    return (
        Membership.objects.filter(organisation=org, is_active=True, user__is_active=True, role__in=CASE_WORK_ROLES)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    )


def intake_organisation(region: Organisation, municipality: Organisation | None) -> Organisation:
    """Where a web consultation goes: the municipality when it has a window and works in tsunagu, else
    the region's centre (one that works in tsunagu first), else the region itself."""
    if municipality is not None and hasattr(municipality, "window") and uses_tsunagu(municipality):
        return municipality
    centres = list(
        Organisation.objects.filter(path__startswith=region.path, kind=OrgKind.CENTER, is_active=True).order_by("path")
    )
    working = next((centre for centre in centres if uses_tsunagu(centre)), None)
    return working or (centres[0] if centres else region)

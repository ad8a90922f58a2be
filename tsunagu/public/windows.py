"""Which organisations keep a consultation window, and which intake queue a web consultation lands in."""

from tsunagu.orgs.models import Organisation, OrgKind
from tsunagu.orgs.regions import CENTRE_KINDS, REGION_KINDS, uses_tsunagu

# Who may publish a window: every public body and support organisation, not the ministry, and not
# partner agencies, whose contact details live on the organisation itself.
WINDOW_KINDS = (*REGION_KINDS, OrgKind.MUNICIPALITY, *CENTRE_KINDS, OrgKind.CONTRACTOR)


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

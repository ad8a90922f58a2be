"""A region's minimum for figures about few people (issue 13).

Reports keep full detail for an organisation's own staff. When another organisation reads them (a
prefecture reading a municipality, the nation reading a prefecture), a cell that describes fewer than k
persons is shown as a range (stats.smallcells). The region — the prefecture or designated city the
reported organisation sits in — sets k for every organisation inside it; a region that sets nothing uses
DEFAULT_K (10). The same k is the starting value of the
region's published figures. Only a 管理者 of the region (or above it) changes it, on the version the form
was opened at, and the change is audited.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.core.versions import claim

from .access import require, state_change
from .models import Organisation
from .regions import REGION_KINDS, region_of
from .rules import Actor, Perm

DEFAULT_K = 10
LOWEST, HIGHEST = 2, 100


def region_minimum(org: Organisation) -> int | None:
    """The k the region of `org` set, or None when it set none (or `org` is in no region)."""
    region = org if org.kind in REGION_KINDS else region_of(org)
    return region.small_cell_k if region is not None else None


def region_k(org: Organisation) -> int:
    """The k that applies to the reports of `org`."""
    return region_minimum(org) or DEFAULT_K


@state_change
def set_region_minimum(*, actor: Actor, org: Organisation, k: int | None, version: int | None = None) -> Organisation:
    """Set (or with None, clear) the region's k."""
    require(actor, Perm.MANAGE_ORG, org, below=True)
    if org.kind not in REGION_KINDS:
        raise ValidationError(_("小さな数の基準は都道府県または指定都市が決めます。"))
    if k is not None and not LOWEST <= k <= HIGHEST:
        raise ValidationError(
            {
                "k": _("小さな数の基準 k は%(low)s以上%(high)s以下の整数で入力してください。")
                % {"low": LOWEST, "high": HIGHEST}
            }
        )
    before = org.small_cell_k
    claim(org, version, fields=["small_cell_k"], small_cell_k=k)
    log_action(actor, "org.small_cell_k", obj=org, organisation=org, changes={"small_cell_k": [before, k]})
    return org

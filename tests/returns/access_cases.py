"""Access declarations for the returns pages."""

from datetime import date

from tsunagu.orgs.rules import Perm
from tsunagu.returns.models import Return, ReturnStatus

from ..access import UrlCase


def _ret(world, side):
    return {"pk": world[f"{side}_return"].pk}


URL_CASES = [
    UrlCase("returns", Perm.VIEW_STATS, leak=lambda w: w["other_city"].name),
    UrlCase(
        "return_detail",
        Perm.VIEW_STATS,
        kwargs=_ret,
        post={"step": "send_back", "reason": "書き換え"},
        changed=lambda w: Return.objects.filter(pk=w["other_return"].pk, reason="書き換え").exists(),
    ),
    UrlCase("returns_national", Perm.VIEW_STATS, leak=lambda w: w["other_city"].name),
]


def extend_world(world):
    for side in ("own", "other"):
        world[f"{side}_return"] = Return.objects.create(
            organisation=world[f"{side}_city"],
            starts_on=date(2029, 4, 1),
            ends_on=date(2030, 3, 31),
            status=ReturnStatus.SUBMITTED,
            frozen={"contacts": {"total": 0}},
            sha256="0" * 64,
        )

"""Access declarations for the API token pages; the API's own URLs are walked by tests/api/test_api_access.py
(with tokens, not sessions), listed here in API so that test_every_url_has_a_case knows they are covered."""

from tsunagu.api.models import ApiToken
from tsunagu.orgs.models import Role
from tsunagu.orgs.rules import Perm

from ..access import UrlCase
from .tokens import make_token


def _token(world, side):
    return {"pk": world[f"{side}_api_token"].pk}


def _other_token_revoked(world):
    return ApiToken.objects.filter(pk=world["other_api_token"].pk, revoked_at__isnull=False).exists()


URL_CASES = [
    UrlCase("api_tokens", Perm.VIEW_ORG, leak=lambda world: world["other_api_token"].prefix),
    # POST only: a GET is 405 for the token's owner (the own side's token is the 相談員's); a token is
    # its owner's alone, so anyone else, in the same organisation too, gets 404 and it stays live.
    UrlCase(
        "api_token_revoke",
        Perm.VIEW_ORG,
        kwargs=_token,
        expected=lambda role: 405 if role == Role.COORDINATOR else 404,
        post={},
        changed=_other_token_revoked,
    ),
    # The organisation's tokens, for its 管理者: the other organisation's token never shows.
    UrlCase("api_organisation_tokens", Perm.MANAGE_ORG, leak=lambda world: world["other_api_token"].prefix),
    # POST only: a GET is 405 for the 管理者 (the own side's token is a 相談員's of the organisation);
    # the other organisation's token is 404 to them and stays live.
    UrlCase(
        "api_organisation_token_revoke",
        Perm.MANAGE_ORG,
        kwargs=_token,
        expected=lambda role: 405 if role == Role.ADMIN else 403,
        post={},
        changed=_other_token_revoked,
    ),
]

API = {
    "api_schema",
    "api_organisations",
    "api_organisation",
    "api_cases",
    "api_case",
    "api_case_contacts",
    "api_case_referrals",
    "api_incoming",
    "api_incoming_accept",
    "api_incoming_decline",
    "api_attendance",
    "api_ledger_imports",
    "api_ledger_import",
    "api_report",
    "api_return_signed",
    "api_returns_received",
}


def extend_world(world):
    from ..factories import make_staff

    for side in ("own", "other"):
        member = world["members"][Role.COORDINATOR] if side == "own" else make_staff(world[side], Role.COORDINATOR)
        make_token(member)
        world[f"{side}_api_token"] = ApiToken.objects.filter(membership=member).latest("id")

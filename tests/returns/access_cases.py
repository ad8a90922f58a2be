"""Access declarations for the returns pages."""

from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tsunagu.orgs.models import Role
from tsunagu.orgs.rules import ROLE_PERMS, Actor, Perm
from tsunagu.returns import signing
from tsunagu.returns.models import Return, ReturnStatus, SenderKey

from ..access import UrlCase


def _ret(world, side):
    return {"pk": world[f"{side}_return"].pk}


def _approved(world, side):
    return {"pk": world[f"returns_{side}_approved"].pk}


def _sender(world, side):
    return {"pk": world[f"returns_{side}_sender"].pk}


def _approvers(status):
    return lambda role: status if Perm.APPROVE_RETURNS in ROLE_PERMS[Role(role)] else 403


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
    # The prefecture's own approved return, signed with its key; another prefecture's is not found.
    UrlCase("return_signed", Perm.APPROVE_RETURNS, kwargs=_approved),
    UrlCase(
        "returns_received",
        Perm.APPROVE_RETURNS,
        leak=lambda w: w["returns_other_sender"].name,
        post={"step": "register", "code": "X1", "name": "書き換え", "public_key": "x"},
    ),
    # POST only: a GET is 405 for the receiver's approvers; another organisation's sender is not found.
    UrlCase(
        "returns_sender_remove",
        Perm.APPROVE_RETURNS,
        kwargs=_sender,
        expected=_approvers(405),
        post={},
        changed=lambda w: not SenderKey.objects.filter(pk=w["returns_other_sender"].pk).exists(),
    ),
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
        world[f"returns_{side}_approved"] = Return.objects.create(
            organisation=world[side],
            starts_on=date(2029, 4, 1),
            ends_on=date(2030, 3, 31),
            status=ReturnStatus.APPROVED,
            frozen={"contacts": {"total": 0}},
            sha256="0" * 64,
        )
        signing.create_key(actor=Actor.system("test"), organisation=world[side])
        world[f"returns_{side}_sender"] = SenderKey.objects.create(
            receiver=world[side],
            code=f"SENDER-{side}",
            name=f"{side}の送信元の県",
            public_key=signing.public_pem(Ed25519PrivateKey.generate()),
        )

"""Tokens for tests, made through the same action as the page."""

from datetime import timedelta

from django.utils import timezone

from tsunagu.api import tokens
from tsunagu.orgs.rules import Actor

ALL = ["read", "write", "cases", "statistics"]


def make_token(membership, scopes=ALL, *, addresses: str = "", days: int = 30, name: str = "test") -> str:
    actor = Actor(user=membership.user, membership=membership, ip="127.0.0.1")
    made = tokens.create_token(
        actor=actor,
        second_factor=True,
        name=name,
        scopes=scopes,
        expires_on=timezone.localdate() + timedelta(days=days),
        allowed_addresses=addresses,
    )
    return made.secret


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

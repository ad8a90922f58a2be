"""Builders for test data. They go through the same domain functions the app uses."""

import itertools

from django.contrib.auth import get_user_model

from tsunagu.orgs import actions
from tsunagu.orgs.codes import check_digit
from tsunagu.orgs.models import PUBLIC_BODY_KINDS, Membership, Organisation, OrgKind, PartnerCategory
from tsunagu.orgs.rules import Actor

PASSWORD = "correct-horse-battery-9"
_serial = itertools.count(1)
SYSTEM = Actor.system("tests")


def public_code(prefix: str) -> str:
    """A valid 6-digit local government code from 5 digits."""
    return f"{prefix}{check_digit(prefix)}"


def make_org(
    kind: str,
    parent: Organisation | None = None,
    *,
    code: str | None = None,
    name: str | None = None,
    category: str | None = None,
) -> Organisation:
    n = next(_serial)
    if code is None:
        # The serial runs on across the whole session; codes only need to be unique within one test.
        code = public_code(f"8{n % 10000:04d}") if kind in PUBLIC_BODY_KINDS else f"T{n:04d}"
    return actions.create_organisation(
        actor=SYSTEM,
        code=code,
        name=name or f"{OrgKind(kind).label}{n}",
        kind=kind,
        parent=parent,
        category=PartnerCategory.objects.get(name=category) if category else None,
    )


def make_user(username: str | None = None, **extra):
    username = username or f"user{next(_serial)}"
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def make_staff(org: Organisation, role: str, *, user=None, username: str | None = None) -> Membership:
    user = user or make_user(username)
    return Membership.objects.create(user=user, organisation=org, role=role)

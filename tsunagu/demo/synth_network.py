"""Where synthetic cases go: an organisation with the municipalities its cases live in and the staff
who work them. `tsunagu synth` builds a synthetic prefecture (number 98, next to the demo's 99) with
one centre unless the organisation it is given already exists."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from tsunagu.orgs import actions
from tsunagu.orgs.codes import check_digit
from tsunagu.orgs.models import Membership, Organisation, OrgKind, Role
from tsunagu.orgs.rules import Actor

SYNTH_PREFECTURE_NUMBER = "98"  # not a real prefecture (01–47), and not the demo's 99
DEFAULT_ORG = "98CENTER"
MUNICIPALITY_COUNT = 20
STAFF_COUNT = 5


@dataclass(frozen=True)
class SynthTarget:
    """One organisation to fill: its cases live in `municipalities` and are assigned to `staff`."""

    organisation: Organisation
    municipalities: tuple[Organisation, ...]
    staff: tuple  # users with the 相談員 role there


def public_code(first_five: str) -> str:
    return f"{first_five}{check_digit(first_five)}"


def _get_or_create(actor: Actor, code: str, name: str, kind: str, parent: Organisation | None) -> Organisation:
    org = Organisation.objects.filter(code=code).first()
    return org or actions.create_organisation(actor=actor, code=code, name=name, kind=kind, parent=parent)


def synthetic_prefecture(actor: Actor) -> Organisation:
    nation = _get_or_create(actor, "000000", "厚生労働省", OrgKind.NATIONAL, None)
    prefecture = _get_or_create(
        actor, public_code(f"{SYNTH_PREFECTURE_NUMBER}000"), "合成県", OrgKind.PREFECTURE, nation
    )
    for n in range(1, MUNICIPALITY_COUNT + 1):
        _get_or_create(
            actor,
            public_code(f"{SYNTH_PREFECTURE_NUMBER}{200 + n}"),
            f"合成市{n:02d}",
            OrgKind.MUNICIPALITY,
            prefecture,
        )
    return prefecture


def prepare_target(actor: Actor, code: str = DEFAULT_ORG) -> SynthTarget:
    """The organisation `code` (a new centre of the synthetic prefecture when it does not exist yet),
    with its counsellors: the synthetic ones are added when it has fewer than STAFF_COUNT."""
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        prefecture = synthetic_prefecture(actor)
        name = "合成県ひきこもり地域支援センター" if code == DEFAULT_ORG else f"合成県 センター {code}"
        org = actions.create_organisation(actor=actor, code=code, name=name, kind=OrgKind.CENTER, parent=prefecture)
    return SynthTarget(org, municipalities_for(org), tuple(ensure_staff(actor, org)))


def municipalities_for(org: Organisation) -> tuple[Organisation, ...]:
    """The municipalities of the prefecture (or designated city) the organisation sits in."""
    if org.kind == OrgKind.MUNICIPALITY:
        return (org,)
    codes = list(org.path.strip("/").split("/"))
    body = (
        Organisation.objects.filter(code__in=codes, kind__in=[OrgKind.PREFECTURE, OrgKind.DESIGNATED_CITY])
        .order_by("-path")
        .first()
    )
    if body is None:
        return ()
    if body.kind == OrgKind.DESIGNATED_CITY:
        return (body,)
    return tuple(Organisation.objects.filter(parent=body, kind=OrgKind.MUNICIPALITY).order_by("code"))


def ensure_staff(actor: Actor, org: Organisation, count: int = STAFF_COUNT) -> list:
    """Counsellors named synth-<code>-<n>. Their passwords are random and never shown: the benchmark
    logs them in without one, and nobody else should."""
    User = get_user_model()
    users = []
    for n in range(1, count + 1):
        username = f"synth-{org.code.lower()}-{n}"
        user = User.objects.filter(username=username).first()
        if user is None or not Membership.objects.filter(user=user, organisation=org).exists():
            membership = actions.add_staff(
                actor=actor,
                organisation=org,
                username=username,
                role=Role.COORDINATOR,
                full_name=f"合成 相談員{n}",
                password=secrets.token_urlsafe(24),
            )
            user = membership.user
        users.append(user)
    return users

"""Who does the case work in the demo: the demo log-ins, plus the few staff that the case histories need
and the log-in table does not list (the peer-support centre's counsellor who accepts referrals, its
ピアサポーター, and the counsellors of the two other municipalities that use tsunagu)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from tsunagu.orgs import actions
from tsunagu.orgs.models import Membership, Organisation, Role
from tsunagu.orgs.rules import Actor

from .network import DemoNetwork, municipality_code

# The municipalities that keep their own case records in tsunagu, besides the capital.
CASE_MUNICIPALITIES = ("202", "207")  # 汐見市, 月浜市


def case_staff_plan(network: DemoNetwork) -> list[tuple[str, str, Organisation, str]]:
    """(username, full name, organisation, role) of the staff the demo-data log-ins do not cover."""
    shiomi, tsukihama = (network.municipalities[municipality_code(n)] for n in CASE_MUNICIPALITIES)
    return [
        ("peer-coordinator", "中川 由紀子", network.peer_support, Role.COORDINATOR),
        ("peer-supporter", "高橋 翔", network.peer_support, Role.PEER),
        ("shiomi-coordinator", "岡本 里奈", shiomi, Role.COORDINATOR),
        ("tsukihama-coordinator", "佐々木 誠", tsukihama, Role.COORDINATOR),
    ]


@dataclass(frozen=True)
class Desk:
    """The staff of one organisation doing case work: counsellors first, then ピアサポーター."""

    organisation: Organisation
    counsellors: tuple[Actor, ...]
    peers: tuple[Actor, ...]


def build_case_staff(network: DemoNetwork, actor: Actor, *, password: str) -> dict[str, Desk]:
    """The desks by organisation code, adding the missing case-work staff (a second run adds nothing)."""
    User = get_user_model()
    for username, full_name, organisation, role in case_staff_plan(network):
        user = User.objects.filter(username=username).first()
        if user is None or not Membership.objects.filter(user=user, organisation=organisation).exists():
            actions.add_staff(
                actor=actor,
                organisation=organisation,
                username=username,
                role=role,
                full_name=full_name,
                password=password,
            )
    shiomi, tsukihama = (municipality_code(n) for n in CASE_MUNICIPALITIES)
    plan = {
        network.center.code: (["center-coordinator", "two-orgs", "center-admin"], ["center-peer"]),
        network.peer_support.code: (["peer-coordinator"], ["peer-supporter", "two-orgs"]),
        network.capital.code: (["city-coordinator", "city-admin"], []),
        shiomi: (["shiomi-coordinator"], []),
        tsukihama: (["tsukihama-coordinator"], []),
    }
    memberships = {
        (m.user.username, m.organisation.code): m
        for m in Membership.objects.select_related("user", "organisation").filter(organisation__code__in=plan)
    }

    def actors(code, usernames):
        return tuple(Actor(user=memberships[u, code].user, membership=memberships[u, code], ip=None) for u in usernames)

    return {
        code: Desk(memberships[counsellors[0], code].organisation, actors(code, counsellors), actors(code, peers))
        for code, (counsellors, peers) in plan.items()
    }

"""The demo prefecture's case work: about 300 cases over three fiscal years up to END, with contacts,
home visits with ピアサポーター, status changes, consent and referrals, all through the domain functions.

Deterministic: one seeded random.Random plans everything, and the dates never pass END (nor today, on a
machine whose clock is behind it). Idempotent: when the demo organisations already hold cases, nothing
is added.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from tsunagu.cases.models import Case, Contact, Referral
from tsunagu.orgs.models import PartnerCategory
from tsunagu.orgs.rules import Actor

from .cases_history import Planner
from .cases_staff import CASE_MUNICIPALITIES, build_case_staff
from .network import CAPITAL, PARTNERS, DemoNetwork, municipality_code

SEED = 20261031
END = date(2026, 10, 31)
START = date(2024, 4, 1)  # 令和6年度: the data covers R6, R7 and R8 up to END

# How many cases each organisation opens itself (the partners' own cases from accepted referrals come on top).
CASELOAD = {"99CENTER": 140, "99PEER": 60, CAPITAL: 50, CASE_MUNICIPALITIES[0]: 25, CASE_MUNICIPALITIES[1]: 25}
# Referrals that stay inside tsunagu: referring organisation -> (receiving one, its category there).
CENTRE_CATEGORY = "他のひきこもり地域支援センター"
PEER_CATEGORY = "民間支援団体（当事者団体・NPO法人等）"


@dataclass(frozen=True)
class DemoCases:
    cases: int
    contacts: int
    referrals: int

    @property
    def created(self) -> bool:
        return self.cases > 0


def demo_case_organisations(network: DemoNetwork) -> list:
    return [
        network.center,
        network.peer_support,
        *(network.municipalities[municipality_code(n)] for n in (CAPITAL, *CASE_MUNICIPALITIES)),
    ]


def build_cases(network: DemoNetwork, actor: Actor, *, password: str, seed: int = SEED, end: date = END) -> DemoCases:
    """Add the demo cases unless the demo organisations already have cases. Returns what was added."""
    if Case.objects.filter(organisation__in=demo_case_organisations(network)).exists():
        return DemoCases(0, 0, 0)
    # A clock behind END would make the domain functions refuse the last dates; stop at today then.
    end = min(end, timezone.localdate())
    desks = build_case_staff(network, actor, password=password)
    rng = random.Random(seed)
    centre, peer = network.center.code, network.peer_support.code
    municipal = [municipality_code(n) for n in (CAPITAL, *CASE_MUNICIPALITIES)]
    planner = Planner(
        rng,
        desks,
        end=end,
        municipalities={org: _weight(code) for code, org in sorted(network.municipalities.items())},
        tsunagu_partners={
            centre: (peer, PEER_CATEGORY),
            peer: (centre, CENTRE_CATEGORY),
            **dict.fromkeys(municipal, (centre, CENTRE_CATEGORY)),
        },
        outside_partners={category: name for category, name, _ in PARTNERS},
        categories={c.name: c for c in PartnerCategory.objects.all()},
    )
    days = (end - START).days
    for code, count in CASELOAD.items():
        code = municipality_code(code) if len(code) == 3 else code
        # Intake grows a little each year as the windows become known: later days are likelier.
        for opened_on in sorted(START + timedelta(days=int(days * rng.random() ** 0.85)) for _ in range(count)):
            planner.new_case(desks[code], opened_on)
    before = _counts()
    for _, _, step in sorted(planner.steps, key=lambda s: (s[0], s[1])):
        step()
    after = _counts()
    return DemoCases(*(a - b for a, b in zip(after, before)))


def _weight(code: str) -> int:
    """How many of the centres' cases come from a municipality: the capital most, then the cities."""
    number = code[2:5]
    return 12 if number == CAPITAL else 4 if number.startswith("2") else 1


def _counts() -> tuple[int, int, int]:
    return Case.objects.count(), Contact.objects.count(), Referral.objects.count()

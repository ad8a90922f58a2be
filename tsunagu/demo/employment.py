"""The demo サポステ's employment support: its own young people's cases, contacts, and a registration of
each at every STEP (STEP1 known only by its date, STEP2 just registered, STEP3/4 in support, STEP5 a job,
and 修学, 職業訓練 or その他), some ended, over R6–R8. Birth dates spread from 15 to 49, so the
就職氷河期世代 and the band cohorts have people in them.

Deterministic (one seeded random.Random) and idempotent: nothing is added when the サポステ already has
registrations. Everything goes through the domain functions (cases.actions, employment.actions).
"""

import random
from datetime import date, timedelta

from django.utils import timezone

from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import Channel, Consulter
from tsunagu.employment import actions
from tsunagu.employment.models import Outcome, Registration, Step
from tsunagu.orgs import actions as org_actions
from tsunagu.orgs.models import Membership, Role
from tsunagu.orgs.rules import Actor

from .network import DemoNetwork

SEED = 20261102
START, END = date(2024, 4, 1), date(2026, 10, 31)
CASES = 48
SAPOSUTE = "地域若者サポートステーション"
# The share of each STEP reached, and of each 進路 once decided (a job is STEP5).
COUNSELLOR = ("saposute-coordinator", "村上 彩")
STEPS = [(Step.INTAKE, 8), (Step.PREPARE, 10), (Step.SEEK, 8), (Step.EMPLOYED, 14)]
OTHER_OUTCOMES = [Outcome.SCHOOL, Outcome.SCHOOL, Outcome.TRAINING, Outcome.OTHER]


def build_employment(network: DemoNetwork, actor: Actor, *, password: str, seed: int = SEED) -> int:
    """Add the サポステ's cases and registrations unless it has some; returns how many were added. The
    work is done by the サポステ's counsellor (saposute-coordinator, added with the demo password)."""
    saposute = network.partners[SAPOSUTE]
    if Registration.objects.filter(organisation=saposute).exists():
        return 0
    actor = _counsellor(saposute, actor, password)
    end = min(END, timezone.localdate())
    rng = random.Random(seed)
    rows = []
    plan = [step for step, n in STEPS for _ in range(n)] + [None] * (CASES - sum(n for _, n in STEPS))
    for number, step in enumerate(plan, start=1):
        registered = START + timedelta(days=60 + rng.randrange((end - START).days - 260))
        age = rng.choice([15, 17, 19, 22, 25, 28, 31, 34, 36, 39, 42, 45, 48])
        birth = date(registered.year - age, rng.randrange(1, 13), rng.randrange(1, 29))
        known = registered - timedelta(days=rng.randrange(7, 40))
        case = case_actions.open_case(
            actor=actor,
            organisation=saposute,
            number=f"SS-{number:03d}",
            opened_on=known,
            birth_date=birth if birth < known else None,
            first_consulter=rng.choice([Consulter.PERSON, Consulter.FAMILY]),
        )
        on = known
        for _ in range(rng.randrange(3, 12)):
            if on > end:
                break
            case_actions.log_contact(
                actor=actor,
                case=case,
                date=on,
                channel=rng.choice([Channel.VISIT_OFFICE, Channel.VISIT_OFFICE, Channel.PHONE, Channel.ONLINE]),
                consulter=Consulter.PERSON,
            )
            on += timedelta(days=rng.randrange(7, 30))
        values = {"registered_on": registered, "step1_on": known}
        if step is None:  # an outcome other than a job, at STEP3
            step, outcome = Step.PREPARE, OTHER_OUTCOMES[number % len(OTHER_OUTCOMES)]
        else:
            outcome = rng.choice([Outcome.REGULAR, Outcome.NON_REGULAR, Outcome.NON_REGULAR]) if step == 5 else ""
        values["step"] = step
        day = registered
        if step >= Step.PREPARE:
            day = values["step3_on"] = registered + timedelta(days=rng.randrange(14, 60))
        if step >= Step.SEEK:
            day = values["step4_on"] = day + timedelta(days=rng.randrange(14, 60))
        if outcome:
            values |= {"outcome": outcome, "decided_on": day + timedelta(days=rng.randrange(7, 60))}
            if rng.random() < 0.5:  # follow-up (定着支援) ended half a year later
                values["ended_on"] = values["decided_on"] + timedelta(days=180)
        values = {k: v for k, v in values.items() if not isinstance(v, date) or v <= end}
        if "decided_on" not in values:
            values.pop("outcome", None)
            values["step"] = min(values["step"], Step.SEEK)
        rows.append((case, values))
    actions.register_many(actor=actor, rows=rows)
    return len(rows)


def _counsellor(saposute, actor: Actor, password: str) -> Actor:
    username, full_name = COUNSELLOR
    membership = Membership.objects.filter(user__username=username, organisation=saposute).first()
    if membership is None:
        membership = org_actions.add_staff(
            actor=actor,
            organisation=saposute,
            username=username,
            role=Role.COORDINATOR,
            full_name=full_name,
            password=password,
        )
    return Actor(user=membership.user, membership=membership, ip=None)

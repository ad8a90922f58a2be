"""Who came to the demo 居場所's sessions that are already held: a few regulars among the organisation's
open cases (the person at the salon and the online room, a parent at the family gathering) and people
known only by a nickname or anonymous. Recorded through ibasho.actions.record_attendance by a counsellor
of the organisation, so each case's first attendance and the audit trail are what staff would leave.

Idempotent: a session that already has attendees is left as it is. Deterministic: every session draws
from a random stream seeded by its 居場所 and its date, so the same sessions get the same attendees.
"""

import random
from datetime import date

from django.db.models import Count

from tsunagu.cases.models import Case
from tsunagu.ibasho import actions as ibasho_actions
from tsunagu.ibasho.models import Ibasho
from tsunagu.orgs.models import Membership, Organisation, Role
from tsunagu.orgs.rules import Actor

SEED = 20261123
REGULARS = 5  # cases that come now and then: enough for repeat visits, so only some attendances are firsts
NICKNAMES = ["ゆう", "そら", "はる", "みー", "くま", "ねこすけ"]


def _counsellor(org: Organisation) -> Actor | None:
    membership = (
        Membership.objects.filter(organisation=org, role=Role.COORDINATOR, is_active=True)
        .select_related("user", "organisation")
        .order_by("user__username")
        .first()
    )
    return Actor(user=membership.user, membership=membership, ip=None) if membership else None


def _open_on(case: Case, on: date) -> bool:
    return case.opened_on < on and (case.closed_on is None or case.closed_on >= on)


def record_held_sessions(ibasho: Ibasho, target: str, *, today: date, actor: Actor) -> int:
    """Attendees for the sessions before today that have none; `target` is who comes for a case (本人 or
    家族). Returns how many were recorded."""
    sessions = [
        event
        for event in ibasho.events.filter(date__lt=today).annotate(n=Count("attendances")).order_by("date")
        if event.n == 0
    ]
    if not sessions:
        return 0
    actor = _counsellor(ibasho.organisation) or actor
    cases = [
        case
        for case in Case.objects.filter(organisation=ibasho.organisation).order_by("number")
        if _open_on(case, sessions[0].date)
    ]
    regulars = random.Random(f"{SEED}:{ibasho.name}").sample(cases, min(REGULARS, len(cases)))
    recorded = 0
    for event in sessions:
        rng = random.Random(f"{SEED}:{ibasho.name}:{event.date.isoformat()}")
        present = [case for case in regulars if _open_on(case, event.date)]
        for case in rng.sample(present, min(rng.randint(1, 3), len(present))):
            ibasho_actions.record_attendance(actor=actor, event=event, case=case, target=target)
            recorded += 1
        for nickname in rng.sample(NICKNAMES, rng.randint(0, 2)):
            ibasho_actions.record_attendance(actor=actor, event=event, nickname=nickname)
            recorded += 1
        if rng.random() < 0.4:
            ibasho_actions.record_attendance(actor=actor, event=event, anonymous=True)
            recorded += 1
    return recorded

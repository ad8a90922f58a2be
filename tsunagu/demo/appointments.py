"""The demo's 次回予定: for the centre's open cases, the calls, meetings and visits planned for this
week and the next, so the home page of a demo counsellor shows today's visit. Written through
cases.actions.schedule_appointment, as a person would; a second run adds nothing."""

import random
from datetime import time, timedelta

from django.utils import timezone

from tsunagu.cases import actions
from tsunagu.cases.models import Appointment, Case, Channel, Status
from tsunagu.orgs.models import Membership, Role
from tsunagu.orgs.rules import Actor

from .network import DemoNetwork

SEED = 20261202
PER_ORGANISATION = 12
PLACES = {
    Channel.HOME_VISIT: "自宅",
    Channel.VISIT_OFFICE: "センター相談室",
    Channel.PHONE: "",
    Channel.ACCOMPANY: "市役所",
}


def build_appointments(network: DemoNetwork) -> int:
    """Add the demo appointments unless the centre has some already. Returns how many were added."""
    centre = network.center
    if Appointment.objects.filter(organisation=centre).exists():
        return 0
    rng, today, added = random.Random(SEED), timezone.localdate(), 0
    memberships = Membership.objects.filter(
        organisation=centre, is_active=True, role__in=(Role.COORDINATOR, Role.PEER)
    ).select_related("user", "organisation")
    for membership in memberships.order_by("user__username"):
        actor = Actor(user=membership.user, membership=membership)
        cases = list(
            Case.objects.filter(organisation=centre, assigned=membership.user)
            .exclude(status=Status.CLOSED)
            .order_by("number")[:PER_ORGANISATION]
        )
        for n, case in enumerate(cases):
            on = today if n == 0 else today + timedelta(days=rng.randint(0, 13))
            if on < case.opened_on:
                continue
            channel = Channel.HOME_VISIT if n == 0 else rng.choice(list(PLACES))
            actions.schedule_appointment(
                actor=actor,
                case=case,
                date=on,
                time=time(rng.choice([10, 11, 13, 14, 15, 16]), rng.choice([0, 30])),
                channel=channel,
                place=PLACES[channel],
            )
            added += 1
    return added

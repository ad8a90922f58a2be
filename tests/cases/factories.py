"""Builders for case-work tests, through the domain functions."""

import itertools
from datetime import date

from tsunagu.cases import actions
from tsunagu.cases.models import Consulter
from tsunagu.orgs.rules import Actor

_serial = itertools.count(1)


def actor_for(membership, ip="192.0.2.10"):
    return Actor(user=membership.user, membership=membership, ip=ip)


def make_case(actor, **values):
    values.setdefault("number", f"T-{next(_serial):05d}")
    values.setdefault("opened_on", date(2021, 4, 1))
    values.setdefault("first_consulter", Consulter.FAMILY)
    return actions.open_case(actor=actor, **values)

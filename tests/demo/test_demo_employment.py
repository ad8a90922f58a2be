"""The demo サポステ's employment support (tsunagu.demo.employment), on the demo network alone."""

from collections import Counter

from tsunagu.demo.employment import CASES, SAPOSUTE, build_employment
from tsunagu.demo.network import build_network
from tsunagu.employment.models import Outcome, Registration, Step
from tsunagu.orgs.rules import Actor
from tsunagu.stats import cohorts
from tsunagu.stats.report import Period, build_report

SYSTEM = Actor.system("demo-data")


def test_a_registration_at_every_step_and_every_outcome_and_a_second_run_adds_nothing(db):
    network = build_network(SYSTEM)
    assert build_employment(network, SYSTEM, password="tsunagu-demo-2026") == CASES
    saposute = network.partners[SAPOSUTE]
    registrations = Registration.objects.filter(organisation=saposute)
    steps = Counter(registrations.values_list("step", flat=True))
    assert set(steps) >= {Step.INTAKE, Step.PREPARE, Step.SEEK, Step.EMPLOYED}
    assert set(registrations.values_list("outcome", flat=True)) >= {"", *Outcome.values}
    assert registrations.filter(ended_on__isnull=False).exists()
    assert build_employment(network, SYSTEM, password="tsunagu-demo-2026") == 0
    assert registrations.count() == CASES
    whole = Period(
        registrations.order_by("registered_on").first().registered_on,
        registrations.latest("registered_on").registered_on,
    )
    assert build_report(network.prefecture, whole)["employment"]["new_registrations"] == CASES
    assert (
        build_report(network.prefecture, whole, cohorts.by_key("就職氷河期世代"))["employment"]["new_registrations"] > 0
    )

from datetime import date

import pytest

from tests.cases.factories import actor_for, make_case
from tests.factories import make_staff
from tsunagu.orgs.models import Role
from tsunagu.work import actions


@pytest.fixture
def coordinator(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


@pytest.fixture
def admin(network):
    return actor_for(make_staff(network["own_center"], Role.ADMIN))


@pytest.fixture
def farm(coordinator):
    return actions.create_host(
        actor=coordinator, organisation=coordinator.organisation, name="山田農園", kind="farm", contact_person="山田"
    )


def rate(admin, program, payee, unit, value, applies_from=date(2021, 4, 1), cap=None):
    return actions.add_rate(
        actor=admin,
        organisation=admin.organisation,
        program=program,
        payee=payee,
        unit=unit,
        value=value,
        cap_per_day=cap,
        applies_from=applies_from,
    )


def place(actor, host, program="experience", start=date(2021, 5, 1), end=None, case=None, **values):
    case = case or make_case(actor, opened_on=date(2021, 4, 1))
    return actions.create_placement(
        actor=actor,
        organisation=actor.organisation,
        case=case,
        host=host,
        program=program,
        start=start,
        end=end,
        **values,
    )

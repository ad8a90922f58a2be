"""The national outcome target: decided referrals this year must exceed (last year's decided count per
centre) × (this year's number of centres)."""

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest

from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import ReferralStatus, ReferralTarget
from tsunagu.kpi.indicators import OutcomeCheck, centres_in, outcome_check
from tsunagu.orgs.models import Organisation, OrgKind, Role

from ..cases.factories import actor_for, make_case
from ..factories import make_org, make_staff


def registered(org, when):
    Organisation.objects.filter(pk=org.pk).update(created_at=datetime(*when, tzinfo=UTC))


@pytest.fixture
def centres(network):
    """FY2020: 3 centres in the own prefecture; FY2021: 4 (one opened in May 2021); one closed centre
    and the other prefecture's centre never count."""
    own = network["own"]
    b, c, d = (make_org(OrgKind.CENTER, own) for _ in range(3))
    city_centre = make_org(OrgKind.CENTER, network["own_city"])
    closed = make_org(OrgKind.CENTER, own)
    for org, when in [
        (network["own_center"], (2019, 6, 1)),
        (b, (2020, 9, 1)),
        (c, (2021, 3, 30)),
        (d, (2021, 5, 1)),
        (city_centre, (2022, 4, 1)),
        (closed, (2019, 4, 1)),
        (network["other_center"], (2019, 4, 1)),
    ]:
        registered(org, when)
    Organisation.objects.filter(pk=closed.pk).update(is_active=False)
    return network


def decided_referrals(worker, case, on, n, status=ReferralStatus.DECIDED):
    for _ in range(n):
        case_actions.refer(
            actor=worker,
            case=case,
            date=on,
            target=ReferralTarget.PERSON,
            to_ibasho=True,
            partner_name="居場所ひなた",
            status=status,
        )


def test_centres_are_counted_per_fiscal_year(centres):
    own = centres["own"]
    assert [centres_in(own, fy) for fy in (2018, 2019, 2020, 2021, 2022)] == [0, 1, 3, 4, 5]
    assert centres_in(centres["own_city"], 2022) == 1
    assert centres_in(centres["other"], 2021) == 1


def test_a_centre_registered_later_counts_where_its_imported_history_has_contacts(centres):
    late = make_org(OrgKind.CENTER, centres["own"])  # registered today
    satellite = make_org(OrgKind.SATELLITE, late)
    worker = actor_for(make_staff(satellite, Role.COORDINATOR))
    case = make_case(worker, opened_on=date(2019, 4, 1))
    case_actions.log_contact(actor=worker, case=case, date=date(2019, 5, 1), channel="phone", consulter="family")
    assert [centres_in(centres["own"], fy) for fy in (2018, 2019, 2020)] == [0, 2, 3]


def test_outcome_check_with_hand_computed_threshold(centres):
    worker = actor_for(make_staff(centres["own_center"], Role.COORDINATOR))
    case = make_case(worker, opened_on=date(2020, 4, 1))
    decided_referrals(worker, case, date(2020, 10, 1), 25)  # FY2020: 25 decided
    decided_referrals(worker, case, date(2020, 10, 2), 4, ReferralStatus.FAILED)  # not decided: not counted
    decided_referrals(worker, case, date(2021, 6, 1), 33)  # FY2021
    # 25 decided ÷ 3 centres × 4 centres = 100/3 = 33.3…; 33 does not exceed it.
    check = outcome_check(centres["own"], 2021)
    assert check == OutcomeCheck(fiscal_year=2021, previous_decided=25, previous_centres=3, centres=4, decided=33)
    assert check.threshold == Fraction(100, 3)
    assert (check.threshold_text, check.per_centre_text) == ("33.3", "8.3")
    assert check.passed is False
    decided_referrals(worker, case, date(2022, 3, 31), 1)
    check = outcome_check(centres["own"], 2021)
    assert (check.decided, check.passed) == (34, True)


def test_equal_to_the_threshold_is_not_exceeding(network):
    registered(network["own_center"], (2019, 4, 1))
    worker = actor_for(make_staff(network["own_center"], Role.COORDINATOR))
    case = make_case(worker, opened_on=date(2020, 4, 1))
    decided_referrals(worker, case, date(2020, 5, 1), 2)
    decided_referrals(worker, case, date(2021, 5, 1), 2)
    check = outcome_check(network["own"], 2021)
    assert (check.threshold, check.decided, check.passed) == (2, 2, False)


def test_no_centre_last_year_cannot_be_judged(network):
    check = outcome_check(network["own"], 2021)  # the fixture's centre was registered today
    assert (check.previous_centres, check.threshold, check.passed, check.threshold_text) == (0, None, None, "")

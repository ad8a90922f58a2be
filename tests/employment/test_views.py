"""The employment support pages: register a case, edit a registration (no lost update), the list with
the cases a サポステ accepted by つなぎ, the funnel and its target."""

import re
from datetime import date

import pytest
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import ReferralTarget
from tsunagu.employment import actions
from tsunagu.employment.models import DecisionRateTarget, Outcome, Registration
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.orgs.periods import lock_months

from ..cases.factories import actor_for, make_case
from ..conftest import act_as
from ..factories import make_org, make_staff
from .factories import register


def _token(page) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)


@pytest.fixture
def saposute(network):
    return make_org(OrgKind.PARTNER, network["own"], category="地域若者サポートステーション", name="サポステ青海")


@pytest.fixture
def member(saposute):
    return make_staff(saposute, Role.COORDINATOR)


def test_registering_a_case_from_its_page_saves_once_with_its_audit(client, member):
    case = make_case(actor_for(member), opened_on=date(2021, 4, 1))
    act_as(client, member)
    page = client.get(reverse("employment_register", kwargs={"pk": case.pk}))
    assert page.status_code == 200
    token = _token(page)
    form = {"registered_on": "R3.5.10", "step": "3", "step3_on": "2021/6/1", "form_token": token}
    first = client.post(reverse("employment_register", kwargs={"pk": case.pk}), form)
    again = client.post(reverse("employment_register", kwargs={"pk": case.pk}), form)
    assert first.status_code == again.status_code == 302
    registration = Registration.objects.get()
    assert (registration.registered_on, registration.step, registration.step3_on) == (
        date(2021, 5, 10),
        3,
        date(2021, 6, 1),
    )
    assert registration.organisation == member.organisation
    assert AuditEntry.objects.filter(action="employment.register", object_id=str(registration.pk)).count() == 1


def test_a_refused_registration_keeps_what_was_typed(client, member):
    case = make_case(actor_for(member), opened_on=date(2021, 4, 1))
    act_as(client, member)
    response = client.post(
        reverse("employment_register", kwargs={"pk": case.pk}),
        {"registered_on": "2021-05-10", "step": "5", "notes": "面談のメモ"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["step"] == [
        "STEP5（就職決定）は、進路が就職（正規・非正規）のときだけです。"
    ]
    assert "面談のメモ" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_job_decided_is_step_5_and_a_stale_edit_is_refused(client, member):
    actor = actor_for(member)
    registration = register(actor, make_case(actor, opened_on=date(2021, 4, 1)), date(2021, 5, 10))
    act_as(client, member)
    url = reverse("employment_edit", kwargs={"pk": registration.pk})
    form = {"registered_on": "2021-05-10", "step": "3", "outcome": Outcome.REGULAR, "decided_on": "2021-09-01"}
    assert client.post(url, form | {"version": "1"}).status_code == 302
    registration.refresh_from_db()
    assert (registration.step, registration.outcome, registration.version) == (5, Outcome.REGULAR, 2)
    stale = client.post(url, form | {"version": "1", "outcome": Outcome.SCHOOL})
    assert stale.status_code == 200
    assert stale.context["form"].stale
    registration.refresh_from_db()
    assert registration.outcome == Outcome.REGULAR


def test_a_locked_period_refuses_a_decision_dated_in_it(member):
    actor = actor_for(member)
    registration = register(actor, make_case(actor, opened_on=date(2021, 4, 1)), date(2021, 5, 10))
    lock_months(member.organisation, date(2021, 4, 1), date(2021, 9, 30))
    with pytest.raises(Exception) as refused:
        actions.update_registration(
            actor=actor, registration=registration, outcome=Outcome.SCHOOL, decided_on=date(2021, 9, 1)
        )
    assert "decided_on" in refused.value.message_dict
    registration.refresh_from_db()
    assert registration.outcome == ""


def test_overlapping_registrations_of_a_case_are_refused(member):
    actor = actor_for(member)
    case = make_case(actor, opened_on=date(2021, 4, 1))
    register(actor, case, date(2021, 5, 10), ended_on=date(2021, 8, 31))
    with pytest.raises(Exception) as refused:
        register(actor, case, date(2021, 8, 31))
    assert refused.value.message_dict["registered_on"] == [
        "このケースは2021年5月10日からの登録と期間が重なっています。"
    ]
    register(actor, case, date(2021, 9, 1))
    assert case.employment_registrations.count() == 2


def test_a_referral_accepted_by_a_saposute_can_open_its_registration(client, network, saposute, member):
    centre_worker = actor_for(make_staff(network["own_center"], Role.COORDINATOR))
    origin = make_case(centre_worker, opened_on=date(2021, 4, 1))
    referral = case_actions.refer(
        actor=centre_worker, case=origin, date=date(2021, 6, 1), target=ReferralTarget.PERSON, partner=saposute
    )
    received = case_actions.accept_referral(actor=actor_for(member), referral=referral, on=date(2021, 6, 10))
    act_as(client, member)
    listing = client.get(reverse("employment_list"))
    assert [case.pk for case in listing.context["waiting"]] == [received.pk]
    form = client.get(reverse("employment_register", kwargs={"pk": received.pk})).context["form"]
    assert form.initial["registered_on"] == date(2021, 6, 10)
    client.post(
        reverse("employment_register", kwargs={"pk": received.pk}), {"registered_on": "2021-06-10", "step": "2"}
    )
    registration = Registration.objects.get()
    assert registration.origin_referral == referral
    assert list(client.get(reverse("employment_list")).context["waiting"]) == []


def test_the_list_takes_the_same_queries_for_one_row_or_three(client, member, django_assert_num_queries):
    actor = actor_for(member)
    act_as(client, member)
    register(actor, make_case(actor, opened_on=date(2021, 4, 1)), date(2021, 5, 1))
    client.get(reverse("employment_list"))
    with django_assert_num_queries(6) as one:
        assert len(client.get(reverse("employment_list")).context["registrations"]) == 1
    for _ in range(2):
        register(actor, make_case(actor, opened_on=date(2021, 4, 1)), date(2021, 5, 1))
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(reverse("employment_list")).context["registrations"]) == 3


def test_the_funnel_shows_each_step_and_the_rate_against_the_target(client, member):
    actor = actor_for(member)
    cases = [make_case(actor, opened_on=date(2021, 4, 1)) for _ in range(5)]
    register(actor, cases[0], date(2021, 5, 1), step1_on=date(2021, 4, 20))
    register(actor, cases[1], date(2021, 5, 1), step=3, step3_on=date(2021, 6, 1))
    register(actor, cases[2], date(2021, 5, 1), step=4, step3_on=date(2021, 6, 1), step4_on=date(2021, 7, 1))
    register(actor, cases[3], date(2021, 5, 1), outcome=Outcome.NON_REGULAR, decided_on=date(2021, 8, 1))
    register(actor, cases[4], date(2020, 5, 1), step=3)  # from FY2020, its STEP3 date unknown
    act_as(client, member)
    page = client.get(reverse("employment_funnel"), {"fy": 2021})
    funnel = page.context["funnel"]
    assert [n for _label, n in funnel.steps] == [1, 4, 2, 1, 1]
    # Reached without a known date: case 4's STEP3, and case 3's STEP3 and STEP4 (a job decided is STEP5).
    assert funnel.undated == [("STEP3 就職に向けた支援", 2), ("STEP4 就職に向けた支援（求職活動）", 1)]
    assert (funnel.counts.new_registrations, funnel.counts.decided, funnel.decision_rate) == (4, 1, 25.0)
    assert str(funnel.target) == "40"
    assert page.context["met"] is False

    admin = make_staff(member.organisation, Role.ADMIN)
    act_as(client, admin)
    target_page = client.get(reverse("employment_target"), {"fy": 2021})
    client.post(
        reverse("employment_target") + "?fy=2021",
        {"percent": "25", "form_token": _token(target_page)},
    )
    assert DecisionRateTarget.objects.get(organisation=member.organisation, fiscal_year=2021).percent == 25
    page = client.get(reverse("employment_funnel"), {"fy": 2021})
    assert page.context["met"] is True
    stale = client.post(reverse("employment_target") + "?fy=2021", {"percent": "30", "version": "0"})
    assert stale.status_code == 200 and stale.context["form"].stale

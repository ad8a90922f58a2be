"""Dates on the case pages: what people type is understood, implausible dates are refused on the field with
the reason, and a date already stored never breaks a page (issue 9, first finding)."""

from datetime import date

import pytest
from django.urls import reverse

from tsunagu.cases import actions
from tsunagu.cases.models import Channel, Consulter, Contact
from tsunagu.orgs.models import Role

from ..conftest import act_as
from ..factories import make_staff
from .factories import actor_for, make_case


@pytest.fixture
def worker(client, network):
    coordinator = make_staff(network["own_center"], Role.COORDINATOR, username="sato")
    act_as(client, coordinator)
    return actor_for(coordinator)


@pytest.fixture
def case(worker):
    return make_case(worker, number="2026-0001", opened_on=date(2021, 4, 1), birth_date=date(1990, 6, 1))


def quick_contact(client, case, typed):
    return client.post(
        reverse("contact_add", kwargs={"pk": case.pk}),
        {"quick": "1", "date": typed, "channel": Channel.PHONE, "consulter": Consulter.FAMILY, "minutes": "10"},
    )


def test_r6_4_5_in_the_quick_contact_form_saves_2024_04_05(client, worker, case):
    response = quick_contact(client, case, "R6.4.5")
    assert response.status_code == 302
    assert Contact.objects.get().date == date(2024, 4, 5)


def test_a_year_0645_date_is_refused_on_the_field_and_saves_nothing(client, worker, case):
    response = quick_contact(client, case, "0645-12-02")
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "1989年1月8日（平成元年）より前の日付は記録できません。和暦の年（例: R6.4.5）は元号を付けて入力してください。"
    ]
    assert Contact.objects.count() == 0


def test_a_stored_date_before_meiji_does_not_break_the_case_page_or_the_statistics(client, network, worker, case):
    # Such a row can only come from before the range check; it must still render, in 西暦.
    Contact.objects.create(
        case=case, organisation=case.organisation, date=date(645, 12, 2), channel=Channel.PHONE, consulter="family"
    )
    assert client.get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 200
    statistician = make_staff(network["own"], Role.STATISTICIAN, username="toukei")
    act_as(client, statistician)
    response = client.get(reverse("stats_report"), {"org": network["own"].code, "period": "fy", "fy": "2021"})
    assert response.status_code == 200
    assert client.get(reverse("stats_trends"), {"org": network["own"].code}).status_code == 200


def test_a_contact_before_the_birth_date_is_refused_on_the_field(client, worker, case):
    response = quick_contact(client, case, "1990-05-31")
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "生年月日（1990年6月1日）より前の日付です。日付か生年月日を確かめてください。"
    ]
    assert Contact.objects.count() == 0


def test_a_birth_date_after_an_existing_contact_is_refused_on_the_field(client, worker, case):
    actions.log_contact(actor=worker, case=case, date=date(2021, 3, 1), channel=Channel.PHONE, consulter="family")
    case.refresh_from_db()
    response = client.post(
        reverse("case_edit", kwargs={"pk": case.pk}),
        {
            "number": case.number,
            "opened_on": "2021-04-01",
            "first_consulter": Consulter.FAMILY,
            "birth_date": "2021-03-15",
            "age_band": "unknown",
            "sex": "unknown",
            "version": case.version,
            "household-TOTAL_FORMS": "0",
            "household-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["birth_date"]
    assert errors == ["2021年3月1日の相談記録より後の生年月日です。生年月日か相談記録の日付を確かめてください。"]
    case.refresh_from_db()
    assert case.birth_date == date(1990, 6, 1)

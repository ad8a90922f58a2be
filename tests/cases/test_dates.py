"""Dates on the case pages: what people type is understood, implausible dates are refused on the field with
the reason, and a date already stored never breaks a page (issue 9, first finding)."""

from datetime import date

import pytest
from django.urls import reverse

from tsunagu.cases import actions
from tsunagu.cases.models import (
    Case,
    Channel,
    Consent,
    Consulter,
    Contact,
    Referral,
    ReferralStatus,
    ReferralTarget,
    Status,
)
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


# --- R6.4.5 saves 2024-04-05 in every case-work form -----------------------------------------------------

R6_4_5 = date(2024, 4, 5)


@pytest.fixture
def case_2024(worker):
    return make_case(worker, number="2024-0001", opened_on=date(2024, 4, 1))


def test_r6_4_5_opens_a_case_on_2024_04_05(client, worker):
    response = client.post(
        reverse("case_add"),
        {
            "opened_on": "R6.4.5",
            "first_consulter": Consulter.FAMILY,
            "age_band": "unknown",
            "sex": "unknown",
            "household-TOTAL_FORMS": "0",
            "household-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get().opened_on == R6_4_5


def test_r6_4_5_in_the_full_contact_form(client, worker, case_2024):
    response = client.post(
        reverse("contact_add", kwargs={"pk": case_2024.pk}),
        {
            "date": "令和6年4月5日",
            "channel": Channel.HOME_VISIT,
            "consulter": Consulter.PERSON,
            "visit_members": "佐藤",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.get().date == R6_4_5


def test_r6_4_5_in_the_status_form(client, worker, case_2024):
    url = reverse("case_status", kwargs={"pk": case_2024.pk})
    assert client.post(url, {"status": Status.CLOSED, "on": "Ｒ６．４．５", "version": "1"}).status_code == 302
    assert Case.objects.get().closed_on == R6_4_5


def test_r6_4_5_in_the_consent_forms(client, worker, case_2024):
    response = client.post(
        reverse("consent_add", kwargs={"pk": case_2024.pk}),
        {
            "given_by": ReferralTarget.PERSON,
            "purpose": "就労支援",
            "given_on": "R6.4.5",
            "share_with_categories": ["1"],
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.given_on == R6_4_5
    url = reverse("consent_withdraw", kwargs={"pk": case_2024.pk, "consent_pk": consent.pk})
    assert client.post(url, {"on": "R6.4.5"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == R6_4_5


def test_r6_4_5_in_the_referral_forms(client, worker, case_2024):
    response = client.post(
        reverse("referral_add", kwargs={"pk": case_2024.pk}),
        {"date": "2024/4/5", "target": ReferralTarget.PERSON, "partner_name": "サロン", "destination": "ibasho"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.date == R6_4_5
    url = reverse("referral_status", kwargs={"pk": case_2024.pk, "referral_pk": referral.pk})
    assert client.post(url, {"status": ReferralStatus.DECIDED, "on": "R6.4.5", "version": "1"}).status_code == 302
    referral.refresh_from_db()
    assert referral.result_on == R6_4_5


@pytest.mark.parametrize(
    "typed, message",
    [
        ("0645-12-02", "受付日より前の日付にはできません。"),
        ("2099-01-01", "未来の日付は入力できません。"),
        ("R3.2.30", "「R3.2.30」は日付として正しくありません（2月30日は存在しません）"),
    ],
)
def test_an_implausible_status_date_is_refused_on_the_field(client, worker, case_2024, typed, message):
    url = reverse("case_status", kwargs={"pk": case_2024.pk})
    response = client.post(url, {"status": Status.CLOSED, "on": typed, "version": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["on"][0].startswith(message)
    assert Case.objects.get().status == Status.INTAKE


def test_a_birth_date_before_1900_is_refused_on_the_field(client, worker):
    response = client.post(
        reverse("case_add"),
        {
            "opened_on": "R6.4.5",
            "birth_date": "1899-12-31",
            "first_consulter": Consulter.FAMILY,
            "age_band": "unknown",
            "sex": "unknown",
            "household-TOTAL_FORMS": "0",
            "household-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"] == [
        "1900年より前の生年月日は記録できません。和暦なら元号を付けて入力してください（例: S57.5.3）。"
    ]
    assert Case.objects.count() == 0


def test_a_stored_birth_date_after_a_contact_does_not_break_the_pages(client, worker, case_2024):
    actions.log_contact(actor=worker, case=case_2024, date=date(2024, 4, 5), channel=Channel.PHONE, consulter="family")
    # As a row from before the date checks could be: born during this fiscal year, after the contact.
    Case.objects.filter(pk=case_2024.pk).update(birth_date=date(2024, 5, 1))
    assert client.get(reverse("case_detail", kwargs={"pk": case_2024.pk})).status_code == 200
    assert client.get(reverse("case_list")).status_code == 200

"""Printable forms of a case: filled from the records, read with the case's access, recorded when printed."""

import subprocess
from datetime import date, time

import pytest
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions
from tsunagu.cases.models import Channel, Consulter, ReferralTarget
from tsunagu.orgs.models import PartnerCategory, Role

from ..conftest import act_as
from ..factories import make_staff
from .factories import actor_for, make_case


def pdf_text(content: bytes) -> str:
    # Without -layout: each box's text on its own line, so the assertions do not depend on spacing.
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def coordinator(network):
    membership = make_staff(network["own_center"], Role.COORDINATOR, username="sato")
    membership.user.first_name = "佐藤一郎"
    membership.user.save()
    return membership


@pytest.fixture
def case(coordinator, network):
    actor = actor_for(coordinator)
    case = make_case(
        actor,
        number="2021-0007",
        opened_on=date(2021, 4, 5),
        name="青海太郎",
        furigana="あおみたろう",
        birth_date=date(1990, 6, 1),
        sex="male",
        address="青海市本町1-2-3",
        phone="090-1111-2222",
        duration_months=36,
        household=[{"relationship": "母", "age": 62, "name": "青海花子", "phone": "0123-45-6789"}],
    )
    actions.log_contact(
        actor=actor,
        case=case,
        date=date(2021, 4, 5),
        time=time(10, 30),
        channel=Channel.PHONE,
        consulter=Consulter.FAMILY,
        consulter_relation="母",
        notes="息子が3年間部屋から出ない",
    )
    actions.log_contact(
        actor=actor,
        case=case,
        date=date(2021, 5, 10),
        channel=Channel.HOME_VISIT,
        consulter=Consulter.PERSON,
        notes="玄関越しに挨拶できた",
    )
    return case


def test_intake_form_carries_the_case_fields_and_the_visitor(client, coordinator, case):
    act_as(client, coordinator)
    response = client.get(reverse("case_print", kwargs={"pk": case.pk, "form": "intake"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("no-store")
    assert "filename*=utf-8''%E7%9B%B8%E8%AB%87" in response["Content-Disposition"]  # 相談…
    text = pdf_text(response.content)
    for expected in [
        "相談受付・申込票",
        "ID：2021-0007",
        "令和3年4月5日",  # 受付日
        "佐藤一郎",  # 受付者 (who recorded the first contact) and 出力者
        "あおみたろう",
        "青海太郎",
        "男性",
        "平成2年6月1日",
        "青海市本町1-2-3",
        "090-1111-2222",
        "青海花子",  # the mother who called, with her phone from the people around the case
        "0123-45-6789",
        "家族（本人との続柄：母）",
        "◎ ひきこもり・不登校",
        "3年",  # 36 months
        "息子が3年間部屋から出ない",
        "相談支援の利用を申し込みます。",
    ]:
        assert expected in text, expected
    assert "情報共有することに同意します" not in text


def test_intake_form_with_the_consent_line(client, coordinator, case):
    act_as(client, coordinator)
    response = client.get(reverse("case_print", kwargs={"pk": case.pk, "form": "intake-consent"}))
    text = pdf_text(response.content)
    assert "相談受付・申込票（同意欄つき）" in text
    assert "情報共有することに同意します。" in text.replace("\n", "")


def test_progress_sheet_lists_the_contacts_in_date_order(client, coordinator, case):
    act_as(client, coordinator)
    text = pdf_text(client.get(reverse("case_print", kwargs={"pk": case.pk, "form": "progress"})).content)
    assert "支援経過記録シート" in text
    first, second = text.index("R3.4.5"), text.index("R3.5.10")
    assert first < second
    assert "10:30" in text
    assert "家族（母）" in text
    assert text.index("息子が3年間部屋から出ない") < text.index("玄関越しに挨拶できた")


def test_case_record_and_consent_form(client, coordinator, case):
    category = PartnerCategory.objects.order_by("order").first()
    actions.record_consent(
        actor=actor_for(coordinator),
        case=case,
        given_by=ReferralTarget.FAMILY,
        purpose="就労支援機関への紹介",
        given_on=date(2021, 5, 10),
        share_with_categories=[category],
    )
    act_as(client, coordinator)
    record = pdf_text(client.get(reverse("case_print", kwargs={"pk": case.pk, "form": "record"})).content)
    assert "ケース記録票" in record
    assert "青海花子" in record and "62" in record
    assert "2件" in record
    consent = pdf_text(client.get(reverse("case_print", kwargs={"pk": case.pk, "form": "consent"})).content)
    assert "同意書" in consent
    assert "就労支援機関への紹介" in consent
    assert category.name in consent
    assert "令和3年5月10日" in consent
    assert "（家族が同意）" in consent


def test_printing_is_audited_once_per_print(client, coordinator, case):
    act_as(client, coordinator)
    client.get(reverse("case_print", kwargs={"pk": case.pk, "form": "intake"}))
    client.get(reverse("case_print", kwargs={"pk": case.pk, "form": "consent"}))
    prints = AuditEntry.objects.filter(action="case.print", object_id=str(case.pk)).order_by("id")
    assert [(e.username, e.object_label, e.allowed) for e in prints] == [
        ("sato", "2021-0007 intake", True),
        ("sato", "2021-0007 consent", True),
    ]


def test_unknown_form_is_not_found_and_logged(client, coordinator, case):
    act_as(client, coordinator)
    response = client.get(reverse("case_print", kwargs={"pk": case.pk, "form": "nothing"}))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="access.denied", object_label="print_form:nothing").count() == 1
    assert not AuditEntry.objects.filter(action="case.print").exists()


def test_another_organisations_case_cannot_be_printed(client, network, case):
    stranger = make_staff(network["other_center"], Role.COORDINATOR, username="tanin")
    act_as(client, stranger)
    response = client.get(reverse("case_print", kwargs={"pk": case.pk, "form": "intake"}))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="case.print").exists()


def test_case_page_links_every_form(client, coordinator, case):
    act_as(client, coordinator)
    page = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    for key in ["intake", "intake-consent", "progress", "record", "consent"]:
        assert reverse("case_print", kwargs={"pk": case.pk, "form": key}) in page


def test_case_page_shows_180_months_as_15_years(client, coordinator, case):
    actions.update_case(actor=actor_for(coordinator), case=case, duration_months=180)
    act_as(client, coordinator)
    page = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "<dd>15年</dd>" in page
    assert "180か月" not in page

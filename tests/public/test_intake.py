"""The intake queue: case workers read web consultations (logged), turn them into cases or close them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import act_as
from tests.factories import make_staff
from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import Case, Contact
from tsunagu.orgs.models import Role
from tsunagu.orgs.rules import Actor
from tsunagu.public import actions
from tsunagu.public.models import WebConsultation

TOKYO = ZoneInfo("Asia/Tokyo")


def consultation(org, reference="W-2345-6789", **values):
    data = {
        "writer": "family",
        "age_band": "40s",
        "reply_method": "phone",
        "phone": "09012345678",
        "name": "佐藤",
        "message": "父が心配しています。\n夜だけ起きています。",
    }
    data.update(values)
    made = WebConsultation.objects.create(organisation=org, reference=reference, **data)
    WebConsultation.objects.filter(pk=made.pk).update(received_at=datetime(2025, 6, 2, 23, 30, tzinfo=TOKYO))
    made.refresh_from_db()
    return made


@pytest.fixture
def worker(network):
    return make_staff(network["own_city"], Role.COORDINATOR)


def test_the_queue_lists_new_consultations_of_the_organisation_only(network, client, worker):
    consultation(network["own_city"], municipality=network["own_city"])
    consultation(network["own_center"], reference="W-CENT-ER22")
    act_as(client, worker)
    page = client.get(reverse("intake_list")).content.decode()
    assert "W-2345-6789" in page and "W-CENT-ER22" not in page
    assert "未対応（1）" in page and "ケースにした（0）" in page
    assert "父が心配しています" not in page  # the list shows no content; opening one is what is logged
    assert not AuditEntry.objects.filter(action="webconsult.view").exists()


def test_reading_one_is_in_the_audit_trail(network, client, worker):
    made = consultation(network["own_city"])
    act_as(client, worker)
    page = client.get(reverse("intake_detail", kwargs={"pk": made.pk})).content.decode()
    assert "父が心配しています。<br>夜だけ起きています。" in page
    assert "電話で返事がほしい: 09012345678" in page
    entry = AuditEntry.objects.get(action="webconsult.view")
    assert (entry.user, entry.organisation, entry.object_id) == (worker.user, network["own_city"], str(made.pk))


def test_make_a_case_opens_it_records_a_web_contact_and_links_them(network, client, worker):
    made = consultation(network["own_city"], municipality=network["own_city"])
    act_as(client, worker)
    response = client.post(reverse("intake_convert", kwargs={"pk": made.pk}))
    case = Case.objects.get()
    assert response["Location"] == reverse("case_detail", kwargs={"pk": case.pk})
    assert (
        case.organisation,
        case.opened_on.isoformat(),
        case.first_consulter,
        case.age_band,
        case.municipality,
        case.name,
    ) == (network["own_city"], "2025-06-02", "family", "40s", network["own_city"], "")
    assert case.notes == "Web相談 W-2345-6789 から作成。相談者: 家族（佐藤）。返事の方法: 電話（09012345678）"
    contact = Contact.objects.get()
    assert (
        contact.case,
        contact.date.isoformat(),
        contact.channel,
        contact.consulter,
        contact.notes,
        contact.age_band,
        contact.staff,
    ) == (case, "2025-06-02", "web", "family", made.message, "40s", worker.user)
    made.refresh_from_db()
    assert (made.status, made.case, made.handled_by) == ("converted", case, worker.user)
    actions_logged = list(
        AuditEntry.objects.filter(user=worker.user)
        .exclude(action__startswith="auth.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions_logged == ["case.open", "contact.create", "webconsult.convert"]
    assert AuditEntry.objects.get(action="webconsult.convert").object_label == f"W-2345-6789→{case.number}"
    page = client.get(reverse("intake_detail", kwargs={"pk": made.pk})).content.decode()
    assert f'<a href="{reverse("case_detail", kwargs={"pk": case.pk})}">{case.number}</a>' in page
    assert "ケースにする</button>" not in page


def test_a_person_writing_about_themself_gives_the_case_their_name(network, worker):
    made = consultation(network["own_city"], writer="person", name="鈴木 一郎", reply_method="none", phone="")
    case = actions.convert_to_case(actor=Actor(user=worker.user, membership=worker), consultation=made)
    assert (case.name, case.first_consulter) == ("鈴木 一郎", "person")
    assert case.notes.endswith("返事の方法: 返事は不要")


def test_a_consultation_is_taken_on_once(network, client, worker):
    made = consultation(network["own_city"])
    act_as(client, worker)
    client.post(reverse("intake_convert", kwargs={"pk": made.pk}))
    response = client.post(reverse("intake_convert", kwargs={"pk": made.pk}), follow=True)
    assert "このWeb相談はすでに対応済みです（ケースにした）。" in response.content.decode()
    assert Case.objects.count() == 1
    with pytest.raises(ValidationError):
        actions.close_consultation(actor=Actor(user=worker.user, membership=worker), consultation=made, reason="重複")


def test_close_needs_a_reason(network, client, worker):
    made = consultation(network["own_city"])
    act_as(client, worker)
    url = reverse("intake_close", kwargs={"pk": made.pk})
    response = client.post(url, {"reason": ""})
    assert '<p class="error" role="alert">「対応不要とする理由」を書いてください。</p>' in response.content.decode()
    assert client.post(url, {"reason": "広告の書き込み"})["Location"] == reverse("intake_list")
    made.refresh_from_db()
    assert (made.status, made.closed_reason, made.case) == ("closed", "広告の書き込み", None)
    assert AuditEntry.objects.get(action="webconsult.close").changes == {
        "status": ["new", "closed"],
        "reason": [None, "広告の書き込み"],
    }
    assert not Case.objects.exists()


def test_a_viewer_reads_but_cannot_take_on(network, client):
    made = consultation(network["own_city"])
    act_as(client, make_staff(network["own_city"], Role.VIEWER))
    page = client.get(reverse("intake_detail", kwargs={"pk": made.pk})).content.decode()
    assert "父が心配しています" in page and "ケースにする</button>" not in page
    assert client.post(reverse("intake_convert", kwargs={"pk": made.pk})).status_code == 403


def test_the_queue_does_a_fixed_number_of_queries(network, client, worker):
    act_as(client, worker)
    consultation(network["own_city"], municipality=network["own_city"])
    client.get(reverse("intake_list"))  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("intake_list"))
    for n in range(2):
        consultation(network["own_city"], reference=f"W-2345-000{n + 2}", municipality=network["own_city"])
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("intake_list")).content.decode()
    assert page.count('<td><a href="/public/intake/') == 3
    assert len(three) == len(one)

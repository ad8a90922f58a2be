"""Contacts through the pages: the phone call's short form (plain POST and htmx), visits with who went,
editing with the optimistic lock, and deleting."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AuditEntry
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
    return make_case(worker, number="2026-0001", first_consulter=Consulter.FAMILY)


def test_the_phone_form_defaults_to_today_phone_and_the_last_consulter(client, worker, case):
    form = client.get(reverse("case_detail", kwargs={"pk": case.pk})).context["quick_form"]
    assert list(form.fields) == ["date", "channel", "consulter", "consulter_relation", "minutes", "notes"]
    assert (form["date"].value(), form["channel"].value(), form["consulter"].value()) == (
        timezone.localdate(),
        Channel.PHONE,
        Consulter.FAMILY,
    )
    actions.log_contact(
        actor=worker, case=case, date=date(2021, 5, 1), channel=Channel.EMAIL, consulter=Consulter.PERSON
    )
    form = client.get(reverse("case_detail", kwargs={"pk": case.pk})).context["quick_form"]
    assert form["consulter"].value() == Consulter.PERSON


def test_a_phone_call_without_javascript_saves_and_returns_to_the_timeline(client, worker, case):
    response = client.post(
        reverse("contact_add", kwargs={"pk": case.pk}),
        {
            "quick": "1",
            "date": "2026-04-03",
            "channel": Channel.PHONE,
            "consulter": Consulter.FAMILY,
            "minutes": "25",
            "notes": "母親から電話",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", kwargs={"pk": case.pk}) + "#timeline"
    contact = Contact.objects.get()
    assert (contact.date, contact.channel, contact.consulter, contact.minutes, contact.notes, contact.staff) == (
        date(2026, 4, 3),
        Channel.PHONE,
        Consulter.FAMILY,
        25,
        "母親から電話",
        worker.user,
    )
    page = client.get(response["Location"])
    assert "2026-04-03（令和8年4月3日）の電話を記録しました。" in page.content.decode()
    case.refresh_from_db()
    assert case.last_contact_on == date(2026, 4, 3)


def test_a_phone_call_with_htmx_answers_the_form_and_the_timeline(client, worker, case):
    response = client.post(
        reverse("contact_add", kwargs={"pk": case.pk}),
        {
            "quick": "1",
            "date": "2026-04-03",
            "channel": Channel.PHONE,
            "consulter": Consulter.FAMILY,
            "notes": "母親から電話",
        },
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="quick-contact"' in body and 'data-testid="quick-saved"' in body
    assert (
        '<section id="timeline" class="timeline-section" aria-labelledby="timeline-heading" hx-swap-oob="true">' in body
    )
    assert "母親から電話" in body
    assert response.context["quick_form"].is_bound is False  # a fresh form for the next call
    assert Contact.objects.count() == 1


def test_a_bad_phone_entry_keeps_what_was_typed(client, worker, case):
    data = {
        "quick": "1",
        "date": "2999-01-01",
        "channel": Channel.PHONE,
        "consulter": Consulter.FAMILY,
        "notes": "長い相談の記録",
    }
    response = client.post(reverse("contact_add", kwargs={"pk": case.pk}), data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "日付</a>: 未来の日付は入力できません。" in body and "長い相談の記録" in body
    assert "hx-swap-oob" not in body
    response = client.post(reverse("contact_add", kwargs={"pk": case.pk}), data)
    assert response.templates[0].name == "cases/contact_form.html"
    assert "長い相談の記録" in response.content.decode()
    assert Contact.objects.count() == 0


def test_a_home_visit_records_who_went(client, worker, case):
    form = client.get(reverse("contact_add", kwargs={"pk": case.pk}), {"channel": "home_visit"}).context["form"]
    assert form["channel"].value() == Channel.HOME_VISIT
    response = client.post(
        reverse("contact_add", kwargs={"pk": case.pk}),
        {
            "date": "2026-04-10",
            "channel": Channel.HOME_VISIT,
            "consulter": Consulter.PERSON,
            "staff": worker.user.pk,
            "minutes": "60",
            "with_peer": "on",
            "visit_members": "佐藤（相談員）、鈴木（ピアサポーター）",
            "notes": "玄関先で本人と話せた",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.channel, contact.with_peer, contact.with_specialist_team, contact.visit_members) == (
        Channel.HOME_VISIT,
        True,
        False,
        "佐藤（相談員）、鈴木（ピアサポーター）",
    )
    body = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "ピアサポーター同行" in body and "玄関先で本人と話せた" in body


def test_who_went_is_only_for_visits_and_accompaniment(client, worker, case):
    response = client.post(
        reverse("contact_add", kwargs={"pk": case.pk}),
        {"date": "2026-04-10", "channel": Channel.PHONE, "consulter": Consulter.PERSON, "with_peer": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["with_peer"] == [
        "訪問・同行のときだけ入力できます。方法を「訪問」か「同行」にしてください。"
    ]
    assert Contact.objects.count() == 0


def _contact_post(contact, **values):
    data = {
        "date": contact.date.isoformat(),
        "channel": contact.channel,
        "consulter": contact.consulter,
        "minutes": contact.minutes or "",
        "notes": contact.notes,
        "version": str(contact.version),
    }
    data.update(values)
    return data


def test_editing_a_contact(client, worker, case):
    contact = actions.log_contact(
        actor=worker,
        case=case,
        date=date(2021, 5, 1),
        channel=Channel.PHONE,
        consulter=Consulter.FAMILY,
        minutes=10,
        notes="最初の記録",
    )
    url = reverse("contact_edit", kwargs={"pk": case.pk, "contact_pk": contact.pk})
    assert client.get(url).context["form"].initial["version"] == 1
    response = client.post(url, _contact_post(contact, minutes="15", notes="直した記録"))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.minutes, contact.notes, contact.version) == (15, "直した記録", 2)
    assert AuditEntry.objects.get(action="contact.update").changes["minutes"] == [10, 15]


def test_a_second_save_from_a_stale_contact_form_is_refused(client, worker, case, network):
    contact = actions.log_contact(
        actor=worker,
        case=case,
        date=date(2021, 5, 1),
        channel=Channel.PHONE,
        consulter=Consulter.FAMILY,
        notes="最初の記録",
    )
    url = reverse("contact_edit", kwargs={"pk": case.pk, "contact_pk": contact.pk})
    colleague = make_staff(network["own_center"], Role.COORDINATOR)
    stale = _contact_post(contact, notes="佐藤が書いた内容")
    actions.update_contact(
        actor=actor_for(colleague),
        contact=Contact.objects.get(pk=contact.pk),
        version=1,
        notes="同僚が先に保存した内容",
    )
    response = client.post(url, stale)
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "この記録は、あなたが開いた後に他の人が保存しました。上書きしないよう保存を止めました。"
        "画面を開き直して最新の内容を確かめてから、もう一度入力してください。"
    ) in body
    assert "佐藤が書いた内容" in body  # what this person typed stays on the page
    assert dict(response.context["form"].stale)["内容"] == "同僚が先に保存した内容"
    contact.refresh_from_db()
    assert (contact.notes, contact.version) == ("同僚が先に保存した内容", 2)


def test_deleting_a_contact(client, worker, case):
    contact = actions.log_contact(
        actor=worker, case=case, date=date(2021, 5, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    url = reverse("contact_delete", kwargs={"pk": case.pk, "contact_pk": contact.pk})
    assert "この記録を削除します。" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert Contact.objects.count() == 0
    case.refresh_from_db()
    assert case.last_contact_on is None
    assert AuditEntry.objects.filter(action="contact.delete", object_id=str(contact.pk)).count() == 1


def test_a_contact_of_another_case_is_not_found(client, worker, case):
    other_case = make_case(worker)
    contact = actions.log_contact(
        actor=worker, case=other_case, date=date(2021, 5, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    url = reverse("contact_edit", kwargs={"pk": case.pk, "contact_pk": contact.pk})
    assert client.get(url).status_code == 404
    assert AuditEntry.objects.get(action="access.denied").object_label == f"contact:{contact.pk}"


def test_a_peer_logs_a_visit_on_an_assigned_case(client, network, worker, case):
    peer = make_staff(network["own_center"], Role.PEER, username="suzuki")
    actions.set_assigned(actor=worker, case=case, users=[worker.user, peer.user])
    act_as(client, peer)
    response = client.post(
        reverse("contact_add", kwargs={"pk": case.pk}),
        {"date": "2026-04-10", "channel": Channel.HOME_VISIT, "consulter": Consulter.PERSON, "with_peer": "on"},
    )
    assert response.status_code == 302
    assert Contact.objects.get().staff == peer.user


def test_a_note_longer_than_the_ledger_holds_is_refused_on_its_field(client, worker, case):
    data = {"date": "2021-05-01", "channel": Channel.PHONE, "consulter": Consulter.FAMILY, "notes": "あ" * 40_000}
    response = client.post(reverse("contact_add", kwargs={"pk": case.pk}), data)
    assert response.status_code == 200
    assert response.context["form"].errors["notes"] == ["16,000文字以内で入力してください（40,000文字あります）。"]
    assert "あ" * 40_000 in response.content.decode()  # kept for the person to shorten, not cut
    assert Contact.objects.count() == 0

"""Replies to a web consultation by e-mail, and the similar-case check before it becomes a case."""

from datetime import date

import pytest
from django.urls import reverse

from tests.cases.factories import actor_for, make_case
from tests.conftest import act_as
from tests.factories import make_staff
from tests.public.test_intake import consultation
from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import Case, Contact
from tsunagu.orgs.models import Role
from tsunagu.public.models import ConsultationReply


@pytest.fixture
def worker(network):
    membership = make_staff(network["own_city"], Role.COORDINATOR, username="tanaka")
    membership.user.first_name = "田中"
    membership.user.save()
    return membership


def by_email(org, **values):
    return consultation(org, reply_method="email", email="sender@example.jp", phone="", **values)


def test_a_reply_is_mailed_to_the_senders_address_and_recorded(network, client, worker, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "tsunagu@example.jp"
    org = network["own_city"]
    org.email = "soudan@city.example.jp"
    org.save()
    made = by_email(org)
    act_as(client, worker)
    form = client.get(reverse("intake_detail", kwargs={"pk": made.pk})).content.decode()
    assert f"【{org.name}】Web相談 W-2345-6789 へのお返事" in form
    response = client.post(
        reverse("intake_reply", kwargs={"pk": made.pk}),
        {"subject": "お返事", "body": "ご相談ありがとうございます。\nお電話をお待ちしています。"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("intake_detail", kwargs={"pk": made.pk}) + "#replies"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert (mail.to, mail.from_email, mail.reply_to, mail.subject, mail.body) == (
        ["sender@example.jp"],
        "tsunagu@example.jp",
        ["soudan@city.example.jp"],
        "お返事",
        "ご相談ありがとうございます。\nお電話をお待ちしています。",
    )
    reply = ConsultationReply.objects.get()
    assert (reply.consultation, reply.organisation, reply.sent_by, reply.subject) == (made, org, worker.user, "お返事")
    entry = AuditEntry.objects.get(action="webconsult.reply")
    assert (entry.object_label, entry.changes) == ("W-2345-6789", {"subject": [None, "お返事"], "body": [None, "***"]})
    assert "sender@example.jp" not in str(entry.changes)
    page = client.get(reverse("intake_detail", kwargs={"pk": made.pk})).content.decode()
    assert "田中 ・ お返事" in page
    assert "お電話をお待ちしています。" in page


def test_the_same_reply_form_sent_twice_mails_once(network, client, worker, mailoutbox):
    made = by_email(network["own_city"])
    act_as(client, worker)
    data = {"subject": "お返事", "body": "本文", "form_token": "t" * 32}
    client.post(reverse("intake_reply", kwargs={"pk": made.pk}), data)
    client.post(reverse("intake_reply", kwargs={"pk": made.pk}), data)
    assert len(mailoutbox) == 1
    assert ConsultationReply.objects.count() == 1


def test_no_reply_without_an_address(network, client, worker, mailoutbox):
    made = consultation(network["own_city"])  # asked for a phone call, gave no address
    act_as(client, worker)
    assert "メールを送る" not in client.get(reverse("intake_detail", kwargs={"pk": made.pk})).content.decode()
    response = client.post(reverse("intake_reply", kwargs={"pk": made.pk}), {"subject": "件名", "body": "本文"})
    assert response.status_code == 200
    assert "メールアドレスが書かれていないため、メールで返事はできません。" in response.content.decode()
    assert mailoutbox == [] and not ConsultationReply.objects.exists()


def test_a_mail_server_that_refuses_leaves_no_reply_and_keeps_the_text(network, client, worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    made = by_email(network["own_city"])
    act_as(client, worker)
    response = client.post(reverse("intake_reply", kwargs={"pk": made.pk}), {"subject": "件名", "body": "書いた本文"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "メールを送信できませんでした。" in page
    assert "書いた本文" in page
    assert not ConsultationReply.objects.exists()
    assert not AuditEntry.objects.filter(action="webconsult.reply").exists()


def test_another_organisations_staff_cannot_reply(network, client, mailoutbox):
    made = by_email(network["own_city"])
    act_as(client, make_staff(network["other_city"], Role.COORDINATOR))
    response = client.post(reverse("intake_reply", kwargs={"pk": made.pk}), {"subject": "件名", "body": "本文"})
    assert response.status_code == 404
    assert mailoutbox == []


def test_converting_finds_the_existing_case_of_the_same_name_first(network, client, worker):
    existing = make_case(actor_for(worker), number="2025-0003", name="佐藤", opened_on=date(2025, 4, 10))
    made = consultation(network["own_city"])  # name 佐藤
    act_as(client, worker)
    response = client.post(reverse("intake_convert", kwargs={"pk": made.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "同じ人のケースがすでにあるかもしれません" in page
    assert "ケース 2025-0003 の相談記録にする" in page
    assert Case.objects.count() == 1

    response = client.post(reverse("intake_convert", kwargs={"pk": made.pk}), {"case": existing.pk})
    assert response["Location"] == reverse("case_detail", kwargs={"pk": existing.pk})
    contact = Contact.objects.get()
    assert (contact.case, contact.channel, contact.date, contact.notes) == (
        existing,
        "web",
        date(2025, 6, 2),
        made.message,
    )
    made.refresh_from_db()
    assert (made.status, made.case) == ("converted", existing)
    assert AuditEntry.objects.get(action="webconsult.add_to_case").object_label == "W-2345-6789→2025-0003"
    assert Case.objects.count() == 1


def test_a_different_person_of_the_same_phone_gets_a_new_case_on_a_second_answer(network, client, worker):
    make_case(actor_for(worker), number="2025-0004", name="別人", phone="０９０－１２３４－５６７８")
    made = consultation(network["own_city"], name="")  # phone 09012345678
    act_as(client, worker)
    page = client.get(reverse("intake_convert", kwargs={"pk": made.pk})).content.decode()
    assert "ケース 2025-0004 の相談記録にする" in page
    response = client.post(reverse("intake_convert", kwargs={"pk": made.pk}), {"new_case": "1"})
    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_no_existing_case_converts_at_once(network, client, worker):
    make_case(actor_for(worker), number="2025-0005", name="鈴木")
    make_case(actor_for(make_staff(network["other_city"], Role.COORDINATOR)), number="X-1", name="佐藤")
    made = consultation(network["own_city"])
    act_as(client, worker)
    response = client.post(reverse("intake_convert", kwargs={"pk": made.pk}))
    assert response.status_code == 302
    assert Case.objects.filter(organisation=network["own_city"]).count() == 2


def test_adding_to_another_organisations_case_is_not_found(network, client, worker):
    foreign = make_case(actor_for(make_staff(network["other_city"], Role.COORDINATOR)), number="X-2", name="佐藤")
    made = consultation(network["own_city"])
    act_as(client, worker)
    response = client.post(reverse("intake_convert", kwargs={"pk": made.pk}), {"case": foreign.pk})
    assert response.status_code == 404
    made.refresh_from_db()
    assert made.status == "new" and not Contact.objects.exists()

"""The web consultation form: what it takes, where it lands, whom it tells, and what it refuses."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from tests.factories import make_org, make_staff, make_user
from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.orgs.rules import Actor
from tsunagu.public import actions, throttle
from tsunagu.public.models import Submission, SubmissionAddress, WebConsultation

SYSTEM = Actor.system("tests")
MESSAGE = "息子が3年ほど家から出ていません。どうしたらよいでしょうか。"


@pytest.fixture
def city(network):
    """A municipality with a window and a case worker who has an e-mail address."""
    actions.save_window(actor=SYSTEM, organisation=network["own_city"], name="市の窓口")
    worker = make_staff(network["own_city"], Role.COORDINATOR, user=make_user(email="worker@example.jp"))
    make_staff(network["own_city"], Role.VIEWER, user=make_user(email="viewer@example.jp"))
    network["worker"] = worker
    return network


def form(network, **changes):
    data = {
        "writer": "family",
        "age_band": "30s",
        "municipality": network["own_city"].code,
        "name": "山田",
        "reply_method": "email",
        "email": "mother@example.jp",
        "phone": "",
        "message": MESSAGE,
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def send(client, network, ip="192.0.2.10", **changes):
    url = reverse("public_consult", kwargs={"region": network["own"].code})
    return client.post(url, form(network, **changes), REMOTE_ADDR=ip)


def test_a_consultation_lands_in_the_citys_queue_with_a_reference_and_nothing_shown_back(
    city, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, city)
    assert response.status_code == 302
    consultation = WebConsultation.objects.get()
    assert re.fullmatch(r"W-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", consultation.reference)
    assert (
        consultation.organisation,
        consultation.writer,
        consultation.age_band,
        consultation.municipality,
        consultation.name,
        consultation.reply_method,
        consultation.email,
        consultation.message,
        consultation.status,
    ) == (city["own_city"], "family", "30s", city["own_city"], "山田", "email", "mother@example.jp", MESSAGE, "new")
    thanks = client.get(response["Location"])
    page = thanks.content.decode()
    assert f'<strong data-testid="reference">{consultation.reference}</strong>' in page
    assert MESSAGE not in page and "mother@example.jp" not in page and "山田" not in page
    assert thanks["Cache-Control"] == "private, no-store"
    # The case worker is told, without the content: only the reference and a link.
    assert [m.to for m in mailoutbox] == [["worker@example.jp"]]
    mail = mailoutbox[0]
    assert mail.subject == f"【tsunagu】Web相談が届きました（{consultation.reference}）"
    link = "http://testserver" + reverse("intake_detail", kwargs={"pk": consultation.pk})
    assert link in mail.body
    for personal in (MESSAGE, "mother@example.jp", "山田", "30代", "家族"):
        assert personal not in mail.body and personal not in mail.subject
    entry = AuditEntry.objects.get(action="webconsult.receive")
    assert (entry.organisation, entry.username, entry.ip, entry.user) == (
        city["own_city"],
        "system:web-form",
        None,
        None,
    )


def test_the_address_is_kept_only_as_a_keyed_hash_for_a_day(city, client):
    send(client, city, ip="198.51.100.7")
    hashed = throttle.address_hash("198.51.100.7")
    assert list(Submission.objects.values_list("address_hash", flat=True)) == [hashed]
    assert list(SubmissionAddress.objects.values_list("address_hash", flat=True)) == [hashed]
    assert "198.51.100.7" not in hashed and len(hashed) == 64
    assert hashed != throttle.address_hash("198.51.100.8")
    Submission.objects.update(at=Submission.objects.get().at - timedelta(days=1, minutes=1))
    send(client, city, ip="203.0.113.1")
    assert list(Submission.objects.values_list("address_hash", flat=True)) == [throttle.address_hash("203.0.113.1")]
    assert SubmissionAddress.objects.count() == 1


@pytest.mark.parametrize(
    "municipality,staffed,expected",
    [
        ("own_city", True, "own_city"),  # has a window and a case worker
        ("own_city", False, "own_center"),  # a window, but nobody working in tsunagu
        (None, True, "own_center"),  # the visitor did not say
    ],
)
def test_routing(city, client, municipality, staffed, expected):
    if not staffed:
        city["worker"].user.is_active = False
        city["worker"].user.save()
    send(client, city, municipality=city[municipality].code if municipality else "")
    assert WebConsultation.objects.get().organisation == city[expected]


def test_without_a_window_or_a_centre_it_goes_to_the_centre_then_the_prefecture(network, client):
    make_staff(network["own_city"], Role.COORDINATOR)  # staff, but no window
    send(client, network)
    assert WebConsultation.objects.get().organisation == network["own_center"]
    staffed = make_org(OrgKind.CENTER, network["own"], name="動いているセンター")
    make_staff(staffed, Role.ADMIN)
    send(client, network, ip="192.0.2.11")
    assert WebConsultation.objects.order_by("id").last().organisation == staffed

    lone = make_org(OrgKind.PREFECTURE, network["nation"])
    town = make_org(OrgKind.MUNICIPALITY, lone)
    client.post(reverse("public_consult", kwargs={"region": lone.code}), form(network, municipality=town.code))
    assert WebConsultation.objects.order_by("id").last().organisation == lone


@pytest.mark.parametrize(
    "changes,field_error",
    [
        ({"email": ""}, "メールで返事をするために「メールアドレス」を書いてください。"),
        ({"reply_method": "phone"}, "電話で返事をするために「電話番号」を書いてください。"),
        (
            {"reply_method": "phone", "phone": "12-34"},
            "「電話番号」は数字10〜11桁で書いてください（例: 090-1234-5678）。",
        ),
        ({"email": "mother@"}, "「メールアドレス」の形が正しくありません（例: name@example.jp）。"),
        ({"writer": None}, "「書いている人」を選んでください。"),
        ({"message": "  "}, "「相談したいこと」を書いてください。"),
        ({"municipality": "999999"}, "「お住まいの市区町村」は一覧から選んでください。"),
    ],
)
def test_mistakes_are_named_and_what_was_typed_stays(city, client, changes, field_error):
    response = send(client, city, **changes)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<p class="error" role="alert">{field_error}</p>' in page
    assert MESSAGE in page or changes.get("message")
    assert not WebConsultation.objects.exists() and not Submission.objects.exists()


def test_phone_numbers_are_kept_in_one_form(city, client):
    send(client, city, reply_method="phone", phone="０９０－１２３４－５６７８", email="ignored@example.jp")
    consultation = WebConsultation.objects.get()
    assert (consultation.phone, consultation.email) == ("09012345678", "")


def test_an_anonymous_consultation_without_reply(city, client):
    send(client, city, name="", reply_method="none", email="", municipality="", age_band="unknown", writer="person")
    consultation = WebConsultation.objects.get()
    assert (consultation.name, consultation.email, consultation.municipality, consultation.age_band) == (
        "",
        "",
        None,
        "unknown",
    )


def test_an_oversized_message_is_refused_with_its_length_and_kept_on_screen(city, client):
    long_message = "あ" * 4001
    response = send(client, city, message=long_message)
    page = response.content.decode()
    assert "「相談したいこと」は4000文字までです（いまは4001文字です）。短くしてから送ってください。" in page
    assert long_message in page
    assert not WebConsultation.objects.exists()
    assert send(client, city, message="あ" * 4000).status_code == 302


def test_an_oversized_request_is_refused_before_it_is_read(city, client):
    response = send(client, city, message="x" * 70_000)
    assert response.status_code == 413
    assert "送られた内容が大きすぎるため、受け付けできませんでした。" in response.content.decode()
    assert not WebConsultation.objects.exists() and not Submission.objects.exists()


def test_a_filled_honeypot_is_refused_and_nothing_is_kept(city, client):
    response = send(client, city, website="http://spam.example")
    assert response.status_code == 400
    assert "送信できませんでした。「ホームページ」の欄は空のままにしてください。" in response.content.decode()
    assert not WebConsultation.objects.exists() and not Submission.objects.exists()
    assert not AuditEntry.objects.filter(action="webconsult.receive").exists()


def test_three_per_ten_minutes_per_address(city, client):
    assert [send(client, city).status_code for _ in range(3)] == [302, 302, 302]
    refused = send(client, city)
    assert refused.status_code == 429
    assert "短い時間に何度も送信されたため、受け付けできませんでした。" in refused.content.decode()
    assert MESSAGE in refused.content.decode()
    assert WebConsultation.objects.count() == 3 and Submission.objects.count() == 3
    assert send(client, city, ip="192.0.2.99").status_code == 302  # another address is not held up
    Submission.objects.update(at=Submission.objects.order_by("at").first().at - timedelta(minutes=11))
    assert send(client, city).status_code == 302


def test_twenty_per_day_per_address(city, client):
    hashed = throttle.address_hash("192.0.2.10")
    from django.utils import timezone

    earlier = timezone.now() - timedelta(hours=5)
    Submission.objects.bulk_create([Submission(address_hash=hashed, at=earlier) for _ in range(20)])
    assert send(client, city).status_code == 429
    Submission.objects.update(at=timezone.now() - timedelta(hours=25))
    assert send(client, city).status_code == 302


def test_the_form_page_preselects_the_municipality_and_hides_the_honeypot(city, client):
    url = reverse("public_consult", kwargs={"region": city["own"].code})
    page = client.get(url, {"municipality": city["own_city"].code}).content.decode()
    assert f'<option value="{city["own_city"].code}" selected>' in page
    assert '<div class="hp">' in page and 'name="website"' in page
    assert "maxlength" not in page[page.index("<textarea") : page.index("</textarea>")]


def test_a_thanks_page_cannot_be_made_up(client):
    forged = signing.dumps("W-AAAA-BBBB", salt="another-salt")
    page = client.get(reverse("public_consult_thanks", kwargs={"token": forged})).content.decode()
    assert "W-AAAA-BBBB" not in page
    assert "このページの有効期限が切れました。" in page


def test_references_are_readable_and_differ():
    references = {actions.new_reference() for _ in range(200)}
    assert len(references) == 200
    assert all(
        re.fullmatch(r"W-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}", r)
        for r in references
    )


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_a_mail_server_that_is_down_does_not_lose_the_consultation(
    city, client, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.public.test_consult.BrokenMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, city)
    assert response.status_code == 302
    consultation = WebConsultation.objects.get()
    assert caplog.messages == [f"Could not notify case workers of web consultation {consultation.pk}"]


def test_a_consultation_sent_twice_from_one_form_is_kept_once(city, client):
    """A double click or the back button sends the same form again: one consultation, and the second
    sending shows the first one's reference instead of queueing a copy (or using up the address's quota)."""
    url = reverse("public_consult", kwargs={"region": city["own"].code})
    page = client.get(url).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    first = client.post(url, form(city, form_token=token), REMOTE_ADDR="192.0.2.10")
    again = client.post(url, form(city, form_token=token), REMOTE_ADDR="192.0.2.10")
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    consultation = WebConsultation.objects.get()
    assert consultation.reference in client.get(again["Location"]).content.decode()
    assert Submission.objects.count() == 1


def test_mistakes_are_summed_up_at_the_top_where_focus_goes(city, client):
    page = send(client, city, writer=None, email="").content.decode()
    summary = page.index('data-testid="error-summary"')
    assert summary < page.index("<form")
    assert 'role="alert" tabindex="-1" autofocus' in page
    assert "入力に問題があります（2件）" in page
    assert '<a href="#id_writer_0">書いている人: 「書いている人」を選んでください。</a>' in page
    assert (
        '<a href="#id_email">メールアドレス: メールで返事をするために「メールアドレス」を書いてください。</a>' in page
    )
    assert 'id="id_writer_0"' in page and 'id="id_email"' in page


def test_a_good_form_page_has_no_summary(city, client):
    page = client.get(reverse("public_consult", kwargs={"region": city["own"].code})).content.decode()
    assert "error-summary" not in page

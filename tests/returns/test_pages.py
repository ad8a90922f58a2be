"""The returns flow on the pages: submit, send back with a reason, resubmit, approve (several at once), the
locked period refused on a case page with the reason, an exception opened on the page, the difference shown."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from tests.cases.factories import actor_for, make_case
from tests.conftest import act_as
from tests.factories import make_staff
from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import Channel, Consulter, Contact
from tsunagu.core import wareki
from tsunagu.orgs.models import LockException, Role
from tsunagu.returns.models import Return, ReturnStatus

PERIOD = "?fiscal_year=2021&part=fy"
LOCKED = "令和3年4月1日〜令和4年3月31日は締められた期間です。この期間の記録は追加・変更・削除できません。"


def test_the_flow_on_the_pages(client, network):
    city, pref = network["own_city"], network["own"]
    city_admin, pref_admin = make_staff(city, Role.ADMIN), make_staff(pref, Role.ADMIN)
    member = make_staff(city, Role.COORDINATOR)
    worker = actor_for(member)
    case = make_case(worker, opened_on=date(2021, 4, 5))
    contact = case_actions.log_contact(
        actor=worker, case=case, date=date(2021, 6, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    url = reverse("returns") + PERIOD

    act_as(client, city_admin)
    client.post(url, {"step": "submit"})
    ret = Return.objects.get(organisation=city)
    assert (ret.status, ret.frozen["contacts"]["total"]) == (ReturnStatus.SUBMITTED, 1)

    act_as(client, pref_admin)
    page = client.get(url).content.decode()
    assert city.name in page and "提出" in page
    client.post(reverse("return_detail", args=[ret.pk]), {"step": "send_back", "reason": "件数が足りません。"})
    ret.refresh_from_db()
    assert (ret.status, ret.reason) == (ReturnStatus.SENT_BACK, "件数が足りません。")

    act_as(client, city_admin)
    assert "件数が足りません。" in client.get(url).content.decode()
    case_actions.log_contact(
        actor=worker, case=case, date=date(2021, 8, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    client.post(url, {"step": "submit"})
    ret.refresh_from_db()
    assert (ret.status, ret.submissions, ret.frozen["contacts"]["total"]) == (ReturnStatus.SUBMITTED, 2, 2)

    act_as(client, pref_admin)
    client.post(url, {"step": "approve", "ret": [str(ret.pk)], f"v{ret.pk}": str(ret.version)})
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.APPROVED

    act_as(client, member)
    response = client.post(reverse("contact_delete", args=[case.pk, contact.pk]), follow=True)
    assert LOCKED in response.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()

    act_as(client, pref_admin)
    response = client.post(
        reverse("return_detail", args=[ret.pk]),
        {
            "step": "exception",
            "user": str(member.user.pk),
            "until": wareki.format_date(timezone.localdate()),
            "reason": "誤登録の削除",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert LockException.objects.get().user == member.user

    act_as(client, member)
    client.post(reverse("contact_delete", args=[case.pk, contact.pk]), follow=True)
    assert not Contact.objects.filter(pk=contact.pk).exists()

    act_as(client, pref_admin)
    page = client.get(reverse("return_detail", args=[ret.pk])).content.decode()
    assert "承認後に1件の記録が変更されました。" in page
    assert '<th scope="row">contacts / total</th><td data-label="提出時">2</td><td data-label="現在">1</td>' in page

"""Issue 12's done-when for the lock: once the prefecture approves a municipality's return, a contact dated in
the approved period is refused with the reason, on the contact form and in a ledger import; an exception
opened on the return's page lets one person (and only them) record it, on the form and in an import, and
the return's page shows the difference against the frozen copy."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from tests.cases.factories import actor_for, make_case
from tests.conftest import act_as
from tests.factories import make_staff
from tests.ledger.builders import case_row, contact_row, ledger, xlsx_bytes
from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import Channel, Consulter, Contact
from tsunagu.core import wareki
from tsunagu.ledger import jobs
from tsunagu.ledger.models import JobStatus
from tsunagu.orgs.models import Role
from tsunagu.returns import actions
from tsunagu.returns.models import Return

FY = (date(2021, 4, 1), date(2022, 3, 31))
LOCKED = "令和3年4月1日〜令和4年3月31日は締められた期間です。この期間の記録は追加・変更・削除できません。"


def form(day: str, notes: str) -> dict:
    return {"date": day, "channel": Channel.PHONE, "consulter": Consulter.FAMILY, "minutes": "20", "notes": notes}


def imported(actor, settings, number: str, day: str):
    settings.LEDGER_JOBS_IN_WEB = False  # queued, then run here as a worker runs it: as the uploader
    sheets = ledger([case_row(number=number, opened="2022-04-05")], [contact_row(number=number, day=day)])
    job = jobs.submit_import(actor=actor, files=[("台帳.xlsx", xlsx_bytes(sheets))])
    return jobs.run_job(job.pk)


def test_an_approved_period_refuses_a_contact_until_an_exception_lets_one_person_in(client, network, settings):
    city, pref = network["own_city"], network["own"]
    member, colleague = make_staff(city, Role.COORDINATOR), make_staff(city, Role.COORDINATOR)
    worker, other = actor_for(member), actor_for(colleague)
    pref_admin = actor_for(make_staff(pref, Role.ADMIN))
    case = make_case(worker, opened_on=date(2021, 4, 5))
    case_actions.log_contact(
        actor=worker, case=case, date=date(2021, 6, 1), channel=Channel.VISIT_OFFICE, consulter=Consulter.PERSON
    )
    ret = actions.submit(
        actor=actor_for(make_staff(city, Role.ADMIN)), organisation=city, starts_on=FY[0], ends_on=FY[1]
    )
    actions.approve(actor=pref_admin, returns=[(ret, ret.version)])
    add = reverse("contact_add", kwargs={"pk": case.pk})

    # Locked: the form answers with the reason on 日付 and keeps what was typed; the import names the cell.
    act_as(client, member)
    response = client.post(add, form("2021-07-01", "母親から電話（訂正）"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"日付</a>: {LOCKED}" in body and "母親から電話（訂正）" in body
    job = imported(worker, settings, "L-1", "2021-07-01")
    assert (job.status, job.errors) == (JobStatus.FAILED, [f"「相談記録」シート 2行目「日付」: {LOCKED}"])
    assert Contact.objects.count() == 1

    # The prefecture opens an exception for one person on the return's page.
    act_as(client, pref_admin.membership)
    today = timezone.localdate()
    response = client.post(
        reverse("return_detail", args=[ret.pk]),
        {
            "step": "exception",
            "user": str(member.user.pk),
            "until": wareki.format_date(today),
            "reason": "電話の記録漏れ",
        },
    )
    assert response.status_code == 302

    # Another person of the same municipality is still refused, on the form and in an import.
    act_as(client, colleague)
    response = client.post(add, form("2021-07-01", "同僚の記録"))
    assert f"日付</a>: {LOCKED}" in response.content.decode()
    job = imported(other, settings, "L-2", "2021-07-01")
    assert job.errors == [f"「相談記録」シート 2行目「日付」: {LOCKED}"]

    # The person holding the exception records the contact on the form and imports another.
    act_as(client, member)
    response = client.post(add, form("2021-07-01", "母親から電話（訂正）"))
    assert response.status_code == 302
    job = imported(worker, settings, "L-3", "2021-08-02")
    assert (job.status, job.errors) == (JobStatus.DONE, [])
    assert sorted(Contact.objects.values_list("date", flat=True)) == [
        date(2021, 6, 1),
        date(2021, 7, 1),
        date(2021, 8, 2),
    ]

    # The return's page shows the change against the frozen copy, figure by figure.
    act_as(client, pref_admin.membership)
    page = client.get(reverse("return_detail", args=[Return.objects.get(organisation=city).pk]))
    differences = page.context["differences"]
    assert ("contacts / total", 1, 3) in differences
    assert ("contacts / by_channel / 電話", 0, 2) in differences
    assert ("contacts / new_cases", 1, 2) in differences  # L-3 is a case first contacted in the period
    body = page.content.decode()
    assert 'data-testid="differences"' in body and "contacts / total" in body
    assert "提出した数値と今の記録が違います。" in body

"""The REST API does what the pages do, through the same access functions, forms and actions: the same
records, audit entries and messages; a stale version is 409 with the other person's values."""

import json
from datetime import date, time

import pytest
from django.urls import reverse

from tsunagu.api.models import ApiToken
from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions
from tsunagu.cases.models import Case, Consulter, ReferralStatus, ReferralTarget
from tsunagu.ibasho.models import Attendance, Ibasho, IbashoEvent
from tsunagu.ledger.models import ImportJob, JobStatus
from tsunagu.orgs.models import PartnerCategory, Role
from tsunagu.orgs.rules import Actor
from tsunagu.stats.report import Period, build_report

from ..conftest import act_as
from ..factories import make_staff
from ..ledger.builders import case_row, contact_row, ledger, xlsx_bytes
from .tokens import bearer, make_token


@pytest.fixture
def coordinator(network):
    return make_staff(network["own"], Role.COORDINATOR)


@pytest.fixture
def api(client, coordinator):
    raw = make_token(coordinator)

    def call(method, name, body=None, query="", **kwargs):
        url = reverse(name, kwargs=kwargs or None) + query
        if method == "get":
            return client.get(url, REMOTE_ADDR="192.0.2.8", **bearer(raw))
        payload = body if isinstance(body, str) else json.dumps(body if body is not None else {})
        return getattr(client, method)(
            url, payload, content_type="application/json", REMOTE_ADDR="192.0.2.8", **bearer(raw)
        )

    return call


@pytest.fixture
def case(coordinator):
    actor = Actor(user=coordinator.user, membership=coordinator)
    return actions.open_case(
        actor=actor,
        number="2021-0007",
        opened_on=date(2021, 4, 5),
        name="山田 太郎",
        furigana="やまだ たろう",
        first_consulter=Consulter.FAMILY,
    )


def test_open_a_case_with_a_wareki_date(api, coordinator):
    response = api("post", "api_cases", {"opened_on": "R3.4.5", "first_consulter": "family", "name": "佐藤 花子"})
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "2021-0001"
    assert body["opened_on"] == "2021-04-05"
    assert body["version"] == 1 and body["status"] == "intake"
    assert body["assigned"] == [coordinator.user.username]
    entry = AuditEntry.objects.get(action="case.open")
    assert entry.user == coordinator.user and entry.ip == "192.0.2.8" and entry.object_id == str(body["id"])


def test_the_same_messages_as_the_page(api, client, coordinator):
    """A date the form cannot read and a date the domain refuses: per field, the page's words."""
    data = {"opened_on": "R3.13.1", "first_consulter": "family", "birth_date": "2999-01-01"}
    response = api("post", "api_cases", data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    page_client = act_as(client.__class__(), coordinator)
    page = page_client.post(reverse("case_add"), data).content.decode()
    assert set(errors) == {"opened_on"}  # as on the page, the domain is asked once the form reads
    for messages in errors.values():
        for message in messages:
            assert message.replace("「", "").replace("」", "") in page.replace("「", "").replace("」", "")
    # A date the form reads but the domain refuses (after today) is the action's message.
    response = api("post", "api_cases", {"opened_on": "2999-04-01", "first_consulter": "family"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["opened_on"]
    assert not Case.objects.exists()


def test_read_search_and_audit(api, case, coordinator):
    response = api("get", "api_case", pk=case.pk)
    assert response.status_code == 200
    assert response.json()["name"] == "山田 太郎" and response.json()["organisation"] == coordinator.organisation.code
    view = AuditEntry.objects.get(action="case.view")
    assert (view.user, view.object_id, view.ip) == (coordinator.user, str(case.pk), "192.0.2.8")
    found = api("get", "api_cases", query="?q=ヤマダ").json()
    assert found["count"] == 1 and found["results"][0]["number"] == "2021-0007"
    assert api("get", "api_cases", query="?q=すずき").json()["count"] == 0
    assert AuditEntry.objects.filter(action="case.list").count() == 2
    bad = api("get", "api_cases", query="?opened_from=R3.99.1")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["opened_from"]


def test_update_and_a_stale_update(api, case, coordinator):
    response = api("patch", "api_case", {"name": "山田 一郎", "version": 1}, pk=case.pk)
    assert response.status_code == 200
    assert response.json()["name"] == "山田 一郎" and response.json()["version"] == 2
    assert response.json()["furigana"] == "やまだ たろう"  # fields not sent stay
    update = AuditEntry.objects.get(action="case.update")
    assert update.changes == {"name": ["***", "***"]}  # personal values masked, as from the page
    stale = api("patch", "api_case", {"name": "山田 次郎", "version": 1}, pk=case.pk)
    assert stale.status_code == 409
    assert stale.json()["current"]["name"] == "山田 一郎"
    assert "他の人が保存しました" in stale.json()["detail"]
    assert Case.objects.get(pk=case.pk).name == "山田 一郎"
    missing = api("patch", "api_case", {"name": "x"}, pk=case.pk)
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["version"]


def test_contacts_and_referrals(api, case):
    response = api(
        "post", "api_case_contacts", {"date": "R3.5.1", "channel": "phone", "consulter": "family"}, pk=case.pk
    )
    assert response.status_code == 201
    assert response.json()["date"] == "2021-05-01"
    listed = api("get", "api_case_contacts", pk=case.pk).json()["results"]
    assert [(c["date"], c["channel"]) for c in listed] == [("2021-05-01", "phone")]
    future = api(
        "post", "api_case_contacts", {"date": "2999-04-01", "channel": "phone", "consulter": "family"}, pk=case.pk
    )
    assert future.status_code == 400 and list(future.json()["errors"]) == ["date"]
    referral = api(
        "post",
        "api_case_referrals",
        {
            "date": "2021-05-02",
            "target": "person",
            "partner_name": "若者サポートステーション",
            "destination": PartnerCategory.objects.first().pk,
        },
        pk=case.pk,
    )
    assert referral.status_code == 201 and referral.json()["status"] == "requested"
    assert AuditEntry.objects.filter(action="referral.create").count() == 1


def test_the_partner_queue(client, network):
    sender = make_staff(network["own_center"], Role.COORDINATOR)
    actor = Actor(user=sender.user, membership=sender)
    sent = actions.open_case(actor=actor, number="C-1", opened_on=date(2021, 4, 1))
    referral = actions.refer(
        actor=actor,
        case=sent,
        date=date(2021, 5, 3),
        target=ReferralTarget.FAMILY,
        partner=network["own"],
        category=PartnerCategory.objects.first(),
    )
    second = actions.refer(
        actor=actor,
        case=sent,
        date=date(2021, 5, 4),
        target=ReferralTarget.PERSON,
        partner=network["own"],
        category=PartnerCategory.objects.first(),
    )
    raw = make_token(make_staff(network["own"], Role.COORDINATOR))
    queue = client.get(reverse("api_incoming"), **bearer(raw)).json()
    assert [r["id"] for r in queue["results"]] == [second.pk, referral.pk]
    assert "name" not in queue["results"][0]["shared"]  # no consent: nothing personal
    accepted = client.post(reverse("api_incoming_accept", kwargs={"pk": referral.pk}), **bearer(raw))
    assert accepted.status_code == 201
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED
    assert Case.objects.get(pk=accepted.json()["id"]).origin_referral == referral
    again = client.post(reverse("api_incoming_accept", kwargs={"pk": referral.pk}), **bearer(raw))
    assert again.status_code == 400
    assert again.json()["errors"] == {"status": ["このつなぎはすでに「支援決定」です。"]}
    declined = client.post(
        reverse("api_incoming_decline", kwargs={"pk": second.pk}),
        json.dumps({"reason": "対象外"}),
        content_type="application/json",
        **bearer(raw),
    )
    assert declined.status_code == 200 and declined.json()["status"] == ReferralStatus.FAILED
    assert AuditEntry.objects.filter(action__in=["referral.accept", "referral.decline"]).count() == 2


def test_attendance(api, case, network):
    ibasho = Ibasho.objects.create(organisation=network["own"], name="ひだまり", kind="physical", place="会館")
    event = IbashoEvent.objects.create(
        ibasho=ibasho, organisation=network["own"], date=date(2021, 6, 1), start_time=time(14)
    )
    response = api("post", "api_attendance", {"case": "２０２１-０００７", "target": "person"}, pk=event.pk)
    assert response.status_code == 201
    assert response.json()["case"] == "2021-0007" and response.json()["is_first"] is True
    twice = api("post", "api_attendance", {"case": "2021-0007", "target": "person"}, pk=event.pk)
    assert twice.status_code == 400
    assert twice.json()["errors"]["case"] == ["ケース2021-0007の本人は、この開催にすでに記録されています。"]
    none = api("post", "api_attendance", {"target": "person"}, pk=event.pk)
    assert none.json()["errors"]["non_field_errors"] == [
        "参加した人を「ケース番号」「ニックネーム」「匿名で参加」のどれかで入力してください。"
    ]
    assert [a["case"] for a in api("get", "api_attendance", pk=event.pk).json()["results"]] == ["2021-0007"]
    assert Attendance.objects.count() == 1


def test_the_ledger_import_as_a_job(client, coordinator, settings, django_capture_on_commit_callbacks):
    settings.LEDGER_JOBS_INLINE = True
    raw = make_token(coordinator)
    data = xlsx_bytes(ledger(cases=[case_row()], contacts=[contact_row()]))
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("api_ledger_imports"),
            {"files": [SimpleUploadedFile("台帳.xlsx", data)]},
            **bearer(raw),
        )
    assert response.status_code == 202
    job_id = response.json()["id"]
    status = client.get(reverse("api_ledger_import", kwargs={"pk": job_id}), **bearer(raw)).json()
    assert status["status"] == JobStatus.DONE and status["error_count"] == 0
    assert ImportJob.objects.get(pk=job_id).user == coordinator.user
    assert Case.objects.filter(number="2021-0001", organisation=coordinator.organisation).exists()
    # Every entry of the job, the upload and what the import wrote later, names the token that started it.
    token = ApiToken.objects.get(membership=coordinator)
    entries = AuditEntry.objects.filter(action__startswith="ledger.")
    assert {e.action for e in entries} == {"ledger.upload", "ledger.import", "ledger.case_create"}
    assert {(e.via, e.via_label) for e in entries} == {(f"api:{token.pk}", token.name)}
    empty = client.post(reverse("api_ledger_imports"), {}, **bearer(raw))
    assert empty.status_code == 400 and empty.json()["errors"] == {"files": ["台帳のファイルを選んでください。"]}


def test_the_report_contract_is_tsunagu_report(api, case, network):
    response = api("get", "api_report", query=f"?org={network['own'].code}&fy=2021")
    assert response.status_code == 200
    expected = json.loads(json.dumps(build_report(network["own"], Period(date(2021, 4, 1), date(2022, 3, 31)))))
    assert response.json() == expected
    ranged = api("get", "api_report", query="?from=R3.4.1&to=R3.9.30")
    assert ranged.json() == json.loads(
        json.dumps(build_report(network["own"], Period(date(2021, 4, 1), date(2021, 9, 30))))
    )
    assert api("get", "api_report", query="?from=R3.4.1&to=R2.1.1").status_code == 400
    # Issue 13: a day of the prefecture's subtree (or of a body below it) could describe one person.
    for code in (network["own"].code, network["own_center"].code):
        day = api("get", "api_report", query=f"?org={code}&from=R3.6.30&to=R3.6.30")
        assert day.status_code == 400 and day.json()["errors"] == {
            "to": [
                "他の組織の集計は1か月以上の期間で指定してください（短い期間の数字は個人を特定するおそれがあるため）。"
            ]
        }
    assert api("get", "api_report", query=f"?org={network['other'].code}&fy=2021").status_code == 404


@pytest.mark.parametrize(
    "body",
    ["[1, 2]", '"text"', "{not json", '{"opened_on": {"a": 1}, "first_consulter": ["family"]}', "null", "1e999"],
)
def test_hostile_bodies_are_400(api, body):
    response = api("post", "api_cases", body)
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_organisations_are_the_subtree(api, network, coordinator):
    body = api("get", "api_organisations").json()
    assert [o["code"] for o in body["results"]] == sorted(
        [network["own"].code, network["own_city"].code, network["own_center"].code],
        key=lambda code: next(
            o.path for o in (network["own"], network["own_city"], network["own_center"]) if o.code == code
        ),
    )
    assert body["count"] == 3
    assert api("get", "api_organisations", query="?q=%00").status_code == 400
    assert api("get", "api_organisation", code=network["own_city"].code).json()["parent"] == network["own"].code
    assert api("get", "api_organisation", code=network["other"].code).status_code == 404


def test_a_contact_in_a_locked_period_is_refused_unless_the_tokens_person_holds_an_exception(api, case, coordinator):
    from django.utils import timezone

    from tsunagu.orgs.models import LockException
    from tsunagu.orgs.periods import lock_fiscal_year

    lock = lock_fiscal_year(coordinator.organisation, 2021)
    body = {"date": "R3.5.1", "channel": "phone", "consulter": "family"}
    refused = api("post", "api_case_contacts", body, pk=case.pk)
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "date": ["令和3年4月1日〜令和4年3月31日は締められた期間です。この期間の記録は追加・変更・削除できません。"]
    }
    LockException.objects.create(lock=lock, user=coordinator.user, until=timezone.localdate(), reason="記録漏れ")
    response = api("post", "api_case_contacts", body, pk=case.pk)
    assert response.status_code == 201 and response.json()["date"] == "2021-05-01"

"""居場所 and their dates: kept by the organisation's case workers, listed publicly when marked public."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import act_as
from tests.factories import make_org, make_staff
from tsunagu.audit.models import AuditEntry
from tsunagu.ibasho import actions
from tsunagu.ibasho.models import Ibasho, IbashoEvent
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.orgs.rules import Actor

SYSTEM = Actor.system("tests")


@pytest.fixture
def coordinator(network):
    return make_staff(network["own_center"], Role.COORDINATOR)


def test_a_coordinator_registers_a_place_and_its_dates(network, client, coordinator):
    act_as(client, coordinator)
    response = client.post(
        reverse("ibasho_add"),
        {
            "name": "まったりサロン",
            "kind": "physical",
            "municipality": network["own_city"].pk,
            "place": "市民会館 和室",
            "description": "話さなくても大丈夫です。",
            "is_public": "on",
        },
    )
    ibasho = Ibasho.objects.get()
    assert response["Location"] == reverse("ibasho_detail", kwargs={"pk": ibasho.pk})
    assert (ibasho.organisation, ibasho.municipality, ibasho.place, ibasho.is_public) == (
        network["own_center"],
        network["own_city"],
        "市民会館 和室",
        True,
    )
    response = client.post(
        reverse("ibasho_event_add", kwargs={"pk": ibasho.pk}),
        {
            "date": "2026-05-08",
            "start_time": "14:00",
            "end_time": "16:00",
            "how_to_join": "申し込み不要",
            "is_public": "on",
        },
    )
    event = IbashoEvent.objects.get()
    assert (event.organisation, event.date, event.start_time, event.end_time, event.where, event.online) == (
        network["own_center"],
        date(2026, 5, 8),
        time(14),
        time(16),
        "市民会館 和室",
        False,
    )
    created = AuditEntry.objects.get(action="ibasho.event_create")
    assert created.changes["start_time"] == [None, "14:00:00"]
    page = client.get(reverse("ibasho_detail", kwargs={"pk": ibasho.pk})).content.decode()
    assert "2026年5月8日（令和8年5月8日）" in page and "14:00〜16:00" in page


def test_mistakes_name_the_field_and_keep_the_input(network, client, coordinator):
    act_as(client, coordinator)
    page = client.post(reverse("ibasho_add"), {"name": "サロン", "kind": "physical", "place": ""}).content.decode()
    assert "リアルの居場所には「場所」を入力してください。" in page and 'value="サロン"' in page
    ibasho = actions.create_ibasho(actor=SYSTEM, organisation=network["own_center"], name="よるのへや", kind="online")
    url = reverse("ibasho_event_add", kwargs={"pk": ibasho.pk})
    page = client.post(url, {"date": "2026-05-08", "start_time": "20:00", "end_time": "19:00"}).content.decode()
    assert "「終了時刻」は開始時刻より後にしてください。" in page
    assert "「場所」を入力するか、「オンラインで開催」を選んでください。" in page
    page = client.post(url, {"date": "5月8日", "start_time": ""}).content.decode()
    assert (
        "日付の形式が読み取れません（例: 2021/4/5、R3.4.5、令和3年4月5日）" in page
        and "「開始時刻」を入力してください。" in page
    )
    assert not IbashoEvent.objects.exists()


def test_edits_are_recorded_with_what_changed(network, coordinator):
    actor = Actor(user=coordinator.user, membership=coordinator)
    ibasho = actions.create_ibasho(actor=actor, organisation=network["own_center"], name="サロン", kind="online")
    actions.update_ibasho(actor=actor, ibasho=ibasho, name="サロン", kind="hybrid", place="会館", is_public=True)
    entry = AuditEntry.objects.get(action="ibasho.update")
    assert entry.changes == {"kind": ["online", "hybrid"], "place": ["", "会館"], "is_public": [False, True]}
    with pytest.raises(ValidationError):
        actions.update_ibasho(actor=actor, ibasho=ibasho, name=" ")


def test_a_peer_supporter_reads_but_does_not_edit(network, client):
    ibasho = actions.create_ibasho(actor=SYSTEM, organisation=network["own_center"], name="サロン", kind="online")
    act_as(client, make_staff(network["own_center"], Role.PEER))
    assert client.get(reverse("ibasho_detail", kwargs={"pk": ibasho.pk})).status_code == 200
    assert client.get(reverse("ibasho_edit", kwargs={"pk": ibasho.pk})).status_code == 403
    page = client.get(reverse("ibasho_list")).content.decode()
    assert "サロン" in page and reverse("ibasho_add") not in page


def test_the_public_list_shows_only_public_places_and_their_coming_public_dates(network, client):
    today = timezone.localdate()
    salon = actions.create_ibasho(
        actor=SYSTEM,
        organisation=network["own_center"],
        name="公開サロン",
        kind="physical",
        place="会館",
        is_public=True,
    )
    hidden = actions.create_ibasho(
        actor=SYSTEM, organisation=network["own_center"], name="内部の会", kind="online", is_public=False
    )
    other = actions.create_ibasho(
        actor=SYSTEM, organisation=network["other_center"], name="他県の会", kind="online", is_public=True
    )
    for ibasho, days, public, marker in (
        (salon, -1, True, "2:00"),
        (salon, 0, True, "10:00"),
        (salon, 7, False, "11:00"),
        (hidden, 2, True, "12:00"),
        (other, 3, True, "13:00"),
        (salon, 28, True, "15:00"),
    ):  # beyond the four weeks shown
        hour, minute = map(int, marker.split(":"))
        actions.create_event(
            actor=SYSTEM,
            ibasho=ibasho,
            date=today + timedelta(days=days),
            start_time=time(hour, minute),
            online=ibasho.kind == "online",
            is_public=public,
            how_to_join="申し込み不要",
        )
    response = client.get(reverse("public_ibasho"))
    page = response.content.decode()
    assert response["Cache-Control"] == "public, max-age=60"
    assert "公開サロン" in page and "他県の会" in page and "内部の会" not in page
    shown = [t for t in ("2:00", "10:00", "11:00", "12:00", "13:00", "15:00") if f" {t}</strong>" in page]
    assert shown == ["10:00", "13:00"]
    page = client.get(reverse("public_ibasho"), {"region": network["own"].code}).content.decode()
    assert "他県の会" not in page and "公開サロン" in page


def test_an_organisation_cannot_file_a_place_under_another(network, coordinator):
    with pytest.raises(PermissionDenied) as raised:
        actions.create_ibasho(
            actor=Actor(user=coordinator.user, membership=coordinator),
            organisation=network["other_center"],
            name="x",
            kind="online",
        )
    assert str(raised.value) == "他の組織の居場所は編集できません。"
    denied = AuditEntry.objects.get(action="permission.denied")
    assert (denied.username, denied.object_label, denied.organisation, denied.allowed) == (
        coordinator.user.username,
        f"edit_cases:{network['other_center'].code}",
        network["own_center"],
        False,
    )


def test_a_role_that_may_not_run_places_is_refused_and_the_refusal_logged(network):
    peer = make_staff(network["own_center"], Role.PEER)
    ibasho = actions.create_ibasho(actor=SYSTEM, organisation=network["own_center"], name="サロン", kind="online")
    with pytest.raises(PermissionDenied):
        actions.update_ibasho(actor=Actor(user=peer.user, membership=peer), ibasho=ibasho, name="書き換え")
    denied = AuditEntry.objects.get(action="permission.denied")
    assert (denied.username, denied.object_label, denied.allowed) == (peer.user.username, "edit_cases", False)
    assert Ibasho.objects.get(pk=ibasho.pk).name == "サロン"


def test_the_municipality_must_be_a_municipality(network):
    with pytest.raises(ValidationError) as raised:
        actions.create_ibasho(
            actor=SYSTEM,
            organisation=network["own_center"],
            name="x",
            kind="online",
            municipality=make_org(OrgKind.CENTER, network["own"]),
        )
    assert raised.value.message_dict == {"municipality": ["「市区町村」は市区町村を選んでください。"]}


def test_an_opening_dated_r6_4_5_is_saved_on_2024_04_05_and_one_years_ahead_is_refused(network, client, coordinator):
    act_as(client, coordinator)
    ibasho = actions.create_ibasho(actor=SYSTEM, organisation=network["own_center"], name="よるのへや", kind="online")
    url = reverse("ibasho_event_add", kwargs={"pk": ibasho.pk})
    client.post(url, {"date": "R6.4.5", "start_time": "20:00", "online": "on"})
    assert IbashoEvent.objects.get().date == date(2024, 4, 5)
    far = timezone.localdate() + timedelta(days=366)
    response = client.post(url, {"date": far.isoformat(), "start_time": "20:00", "online": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["date"][0].startswith("1年より先の日付は記録できません")
    assert IbashoEvent.objects.count() == 1

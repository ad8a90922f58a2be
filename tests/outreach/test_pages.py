"""The outreach pages: lists by 年度 in a fixed number of queries, create once, edit at a version,
a failed form keeping what was typed, and the case of an activity shown only to those who may see it."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import Role
from tsunagu.outreach import actions
from tsunagu.outreach.models import Event, Material, Supporter, SupporterActivity

from ..cases.factories import actor_for, make_case
from ..conftest import act_as
from ..factories import SYSTEM, make_staff


@pytest.fixture
def coordinator(network):
    return make_staff(network["own_center"], Role.COORDINATOR)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _form_token(html: str) -> str:
    marker = 'name="form_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_an_event_is_created_once_and_listed_in_its_year(client, coordinator):
    act_as(client, coordinator)
    url = reverse("outreach_event_add")
    post = {
        "date": "R3.6.10",
        "kind": "training",
        "name": "支援者研修",
        "status": "held",
        "participants": "89",
        "form_token": _form_token(client.get(url).content.decode()),
    }
    response = client.post(url, post)
    assert response.status_code == 302 and response["Location"].endswith("?fy=2021")
    assert client.post(url, post).status_code == 302  # the same form again: no second row
    event = Event.objects.get()
    assert (event.date, event.participants, event.number, event.organisation) == (
        date(2021, 6, 10),
        89,
        "E0001",
        coordinator.organisation,
    )
    assert AuditEntry.objects.filter(action="outreach.event_create", object_id=str(event.pk)).count() == 1
    page = client.get(reverse("outreach_event_list") + "?fy=2021").content.decode()
    assert "支援者研修" in page and 'data-testid="participants">89人' in page
    assert "支援者研修" not in client.get(reverse("outreach_event_list") + "?fy=2022").content.decode()


def test_a_refused_event_keeps_what_was_typed(client, coordinator):
    act_as(client, coordinator)
    url = reverse("outreach_event_add")
    response = client.post(
        url,
        {
            "date": "2021-06-10",
            "kind": "lecture",
            "name": "公開講演会",
            "status": "planned",
            "is_public": "on",
            "audience": "一般の方",
            "form_token": _form_token(client.get(url).content.decode()),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "「参加・申込の方法」を入力してください" in html and 'value="一般の方"' in html
    assert not Event.objects.exists()


def test_a_stale_edit_is_refused_with_the_other_persons_values(client, coordinator, network):
    material = actions.create_material(
        actor=SYSTEM,
        organisation=network["own_center"],
        date=date(2021, 4, 20),
        kind="poster",
        name="ポスター",
        made=5000,
    )
    actions.update_material(actor=SYSTEM, material=material, made=5500)
    act_as(client, coordinator)
    response = client.post(
        reverse("outreach_material_edit", kwargs={"pk": material.pk}),
        {"date": "2021-04-20", "kind": "poster", "name": "ポスター", "made": "6000", "version": "1"},
    )
    assert response.status_code == 200 and "5500" in response.content.decode()
    assert Material.objects.get().made == 5500


def test_the_event_list_does_a_fixed_number_of_queries(client, coordinator, network):
    act_as(client, coordinator)
    url = reverse("outreach_event_list") + "?fy=2021"
    make = lambda n: actions.create_event(  # noqa: E731
        actor=SYSTEM, organisation=network["own_center"], date=date(2021, 5, n), kind="seminar", name=f"会{n}"
    )
    make(1)
    _queries(client, url)  # the first request of a session reads more
    assert _queries(client, url) == 5
    make(2)
    make(3)
    assert _queries(client, url) == 5


def test_a_supporter_is_added_with_a_status_from_a_date(client, coordinator):
    act_as(client, coordinator)
    url = reverse("supporter_add")
    response = client.post(
        url,
        {
            "name": "青木 花子",
            "status": "registered",
            "status_from": "R3.5.1",
            "trained_on": "令和3年3月20日",
            "form_token": _form_token(client.get(url).content.decode()),
        },
    )
    assert response.status_code == 302
    supporter = Supporter.objects.get()
    assert (supporter.number, supporter.status, supporter.trained_on) == ("S0001", "registered", date(2021, 3, 20))
    assert list(supporter.status_changes.values_list("applies_from", "value")) == [(date(2021, 5, 1), "registered")]
    assert "青木 花子" in client.get(reverse("supporter_list")).content.decode()


@pytest.fixture
def visit(network, coordinator):
    worker = actor_for(coordinator)
    case = make_case(worker, number="K-77")
    supporter = actions.create_supporter(
        actor=worker, organisation=network["own_center"], name="馬場", status="registered", status_from=date(2021, 4, 1)
    )
    return actions.record_activity(
        actor=worker,
        organisation=network["own_center"],
        supporter=supporter,
        date=date(2021, 6, 1),
        kind="home_visit",
        minutes=90,
        case=case,
    )


@pytest.mark.parametrize("role,shown", [(Role.COORDINATOR, True), (Role.PEER, False), (Role.STATISTICIAN, False)])
def test_the_case_of_an_activity_shows_only_to_those_who_may_see_it(client, network, visit, role, shown):
    act_as(client, make_staff(network["own_center"], role))
    page = client.get(reverse("supporter_activity_list") + "?fy=2021").content.decode()
    assert ("K-77" in page) == shown
    assert ("（ケースあり）" in page) != shown


def test_an_activity_names_only_a_case_the_person_may_see(client, network, coordinator):
    supporter = actions.create_supporter(
        actor=SYSTEM, organisation=network["own_center"], name="千田", status="registered"
    )
    other_case = make_case(actor_for(make_staff(network["other_center"], Role.COORDINATOR)), number="K-99")
    act_as(client, coordinator)
    url = reverse("supporter_activity_add")
    post = {"supporter": supporter.pk, "date": "2021-06-02", "kind": "accompany", "case": "K-99"}
    response = client.post(url, post | {"form_token": _form_token(client.get(url).content.decode())})
    assert "K-99 のケースは見つかりません" in response.content.decode()
    assert 'value="K-99"' in response.content.decode()
    assert not SupporterActivity.objects.filter(case=other_case).exists()
    assert not SupporterActivity.objects.exists()

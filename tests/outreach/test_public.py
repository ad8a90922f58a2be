"""Events marked public appear on the public pages, with where and how to join, until their day is past."""

from datetime import date, time, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tsunagu.outreach import actions
from tsunagu.outreach.models import Event

from ..factories import SYSTEM


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def announce(org, on, name, **values):
    values = {"status": "planned", "is_public": True, "place": "県民会館 2階", "how_to_join": "申込不要", **values}
    return actions.create_event(actor=SYSTEM, organisation=org, date=on, kind="lecture", name=name, **values)


@pytest.fixture
def announced(network):
    today = timezone.localdate()
    centre = network["own_center"]
    announce(centre, today + timedelta(days=10), "家族のための講演会", start_time=time(13, 30), audience="家族")
    announce(centre, today, "今日の相談会")
    announce(centre, today + timedelta(days=3), "中止になった会", status="cancelled")
    announce(centre, today + timedelta(days=4), "内部の研修", is_public=False)
    announce(network["other_center"], today + timedelta(days=5), "よその県の講演会")
    past = announce(centre, today + timedelta(days=1), "終わった講演会")
    Event.objects.filter(pk=past.pk).update(date=today - timedelta(days=1))  # its day has passed
    return network


def test_the_events_page_lists_public_events_from_today(client, announced):
    page = client.get(reverse("public_events") + f"?region={announced['own'].code}").content.decode()
    assert "家族のための講演会" in page and "今日の相談会" in page
    assert "県民会館 2階" in page and "申込不要" in page and "13:30" in page
    for hidden in ("中止になった会", "内部の研修", "よその県の講演会", "終わった講演会"):
        assert hidden not in page
    assert page.index("今日の相談会") < page.index("家族のための講演会")
    everywhere = client.get(reverse("public_events")).content.decode()
    assert "よその県の講演会" in everywhere and "終わった講演会" not in everywhere


def test_the_window_listing_of_the_region_announces_them(client, announced):
    page = client.get(reverse("public_region", kwargs={"region": announced["own"].code})).content.decode()
    assert "家族のための講演会" in page and "申込不要" in page
    assert "終わった講演会" not in page and "よその県の講演会" not in page


def test_a_new_announcement_shows_on_the_cached_region_page(client, network):
    url = reverse("public_region", kwargs={"region": network["own"].code})
    assert "新しい講演会" not in client.get(url).content.decode()
    announce(network["own_center"], timezone.localdate() + timedelta(days=2), "新しい講演会")
    cache.delete("tsunagu.public:directory-state")  # what STATE_SECONDS later does
    assert "新しい講演会" in client.get(url).content.decode()


def test_a_public_event_must_say_where_and_how_to_join(network):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        announce(network["own_center"], date.today(), "案内のない会", place="", how_to_join="")
    assert set(refused.value.message_dict) == {"place", "how_to_join"}
    web = announce(network["own_center"], date.today(), "Web講座", place="", format="web")
    assert web.is_public

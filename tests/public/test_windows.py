"""Consultation windows: kept by staff, browsed by residents without logging in."""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import act_as
from tests.factories import make_org, make_staff
from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.orgs.rules import Actor
from tsunagu.public import actions, pagecache
from tsunagu.public.actions import window_phone
from tsunagu.public.models import Window

SYSTEM = Actor.system("tests")


def window(org, name="ひきこもり相談窓口", **values):
    return actions.save_window(actor=SYSTEM, organisation=org, name=name, **values)


def test_admin_keeps_own_window_and_the_trail_records_it(network, client):
    admin = make_staff(network["own_city"], Role.ADMIN)
    act_as(client, admin)
    url = reverse("window_edit", kwargs={"code": network["own_city"].code})
    response = client.post(
        url,
        {
            "name": "ひきこもり相談窓口（福祉課）",
            "phone": "099-000-0101",
            "hours": "平日 9時〜17時",
            "ways": ["office", "phone"],
            "topics": ["talk"],
            "version": "0",
        },
    )
    assert response.status_code == 302
    saved = Window.objects.get(organisation=network["own_city"])
    assert (saved.name, saved.phone, saved.ways, saved.topics) == (
        "ひきこもり相談窓口（福祉課）",
        "099-000-0101",
        ["phone", "office"],
        ["talk"],
    )
    entry = AuditEntry.objects.get(action="window.create")
    assert (entry.user, entry.organisation, entry.object_id) == (admin.user, network["own_city"], str(saved.pk))
    assert entry.changes["name"] == [None, "ひきこもり相談窓口（福祉課）"]

    client.post(
        url,
        {"name": "ひきこもり相談窓口（福祉課）", "phone": "099-000-0199", "ways": ["phone"], "version": saved.version},
    )
    update = AuditEntry.objects.get(action="window.update")
    assert update.changes == {
        "phone": ["099-000-0101", "099-000-0199"],
        "ways": [["phone", "office"], ["phone"]],
        "hours": ["平日 9時〜17時", ""],
        "topics": [["talk"], []],
    }


def test_window_form_keeps_what_was_typed_and_names_the_missing_field(network, client):
    act_as(client, make_staff(network["own_city"], Role.ADMIN))
    response = client.post(
        reverse("window_edit", kwargs={"code": network["own_city"].code}), {"name": "", "phone": "099-000-0101"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<p class="error" role="alert">「窓口の名称」を入力してください。</p>' in page
    assert 'value="099-000-0101"' in page
    assert not Window.objects.exists()


def test_prefecture_admin_keeps_windows_below_but_a_city_cannot_edit_its_prefecture(network, client):
    act_as(client, make_staff(network["own"], Role.ADMIN))
    listing = client.get(reverse("window_list")).content.decode()
    assert network["own_city"].name in listing and network["own_center"].name in listing
    city_admin = make_staff(network["own_city"], Role.ADMIN)
    act_as(client, city_admin)
    assert client.get(reverse("window_edit", kwargs={"code": network["own"].code})).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.save_window(
            actor=Actor(user=city_admin.user, membership=city_admin), organisation=network["own"], name="県の窓口"
        )
    denied = AuditEntry.objects.filter(action="permission.denied").get()
    assert (denied.username, denied.object_label, denied.organisation) == (
        city_admin.user.username,
        f"manage_org:{network['own'].code}",
        network["own_city"],
    )
    assert not Window.objects.filter(organisation=network["own"]).exists()


def test_a_role_that_may_not_keep_windows_is_refused_and_the_refusal_logged(network):
    coordinator = make_staff(network["own_city"], Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        actions.save_window(
            actor=Actor(user=coordinator.user, membership=coordinator), organisation=network["own_city"], name="窓口"
        )
    denied = AuditEntry.objects.get(action="permission.denied")
    assert (denied.username, denied.object_label, denied.allowed) == (coordinator.user.username, "manage_org", False)
    assert not Window.objects.exists()


def test_partner_agencies_and_the_ministry_have_no_window(network):
    partner = make_org(OrgKind.PARTNER, network["own"], category="ハローワーク")
    for org in (partner, network["nation"]):
        with pytest.raises(ValidationError) as raised:
            window(org)
        assert raised.value.message_dict["name"] == [f"{org.name}には相談窓口を登録できません。"]


def test_overview_counts_municipalities_with_a_named_window_per_prefecture(network, client):
    second_city = make_org(OrgKind.MUNICIPALITY, network["own"], name="二番市")
    make_org(OrgKind.MUNICIPALITY, network["own"], name="三番町")
    window(network["own_city"])
    window(second_city)
    window(network["own_center"])  # a centre's window is not a municipality's
    response = client.get(reverse("public_windows"))
    page = response.content.decode()
    own = re.search(rf'data-testid="named-{network["own"].code}">([^<]*)<', page).group(1)
    other = re.search(rf'data-testid="named-{network["other"].code}">([^<]*)<', page).group(1)
    assert (own, other) == ("3市町村中2", "1市町村中0")
    assert response["Cache-Control"] == "public, max-age=60"


def test_region_page_shows_the_centre_first_and_every_municipality(network, client):
    window(network["own_center"], name="相談ダイヤル", phone="099-000-0001")
    window(network["own_city"], name="福祉課の窓口", phone="099-000-0101")
    quiet_town = make_org(OrgKind.MUNICIPALITY, network["own"], name="しずか町")
    page = client.get(reverse("public_region", kwargs={"region": network["own"].code})).content.decode()
    assert page.index("相談ダイヤル") < page.index("福祉課の窓口")
    assert f'<strong>{quiet_town.name}</strong> <span class="meta">窓口の情報はまだありません。' in page
    assert "2市町村中1の市町村が窓口を決めています。" in page
    assert network["other_city"].name not in page


def test_window_page_shows_its_details_and_last_update_in_both_calendars(network, client):
    saved = window(
        network["own_city"],
        phone="099-000-0101",
        email="soudan@example.jp",
        hours="平日",
        ways=["phone", "web"],
        note="お気軽に",
    )
    Window.objects.filter(pk=saved.pk).update(updated_at="2021-04-05T03:00:00Z")
    response = client.get(reverse("public_window", kwargs={"code": network["own_city"].code}))
    page = response.content.decode()
    assert '<a href="tel:0990000101">099-000-0101</a>' in page
    assert "最終更新: 2021年4月5日（令和3年4月5日）" in page
    assert "<li>電話</li><li>Web</li>" in page
    consult = reverse("public_consult", kwargs={"region": network["own"].code})
    assert f'href="{consult}?municipality={network["own_city"].code}"' in page
    assert client.get(reverse("public_window", kwargs={"code": network["other_city"].code})).status_code == 404


def test_search_finds_a_municipality_by_name_with_or_without_a_window(network, client):
    window(network["own_city"], name="こころの相談窓口")
    town = make_org(OrgKind.MUNICIPALITY, network["own"], name="みなと町")
    page = client.get(reverse("public_windows"), {"q": network["own_city"].name}).content.decode()
    assert "こころの相談窓口" in page
    page = client.get(reverse("public_windows"), {"q": "ｺｺﾛ"}).content.decode()  # NFKC: ｺｺﾛ is ココロ, not こころ
    assert "見つかりませんでした。" in page
    page = client.get(reverse("public_windows"), {"q": "こころ"}).content.decode()
    assert "こころの相談窓口" in page
    page = client.get(reverse("public_windows"), {"q": "みなと"}).content.decode()
    assert f'{town.name} <span class="meta">窓口の情報はまだありません。' in page


def test_directory_is_re_rendered_when_a_window_changes(network, client):
    url = reverse("public_region", kwargs={"region": network["own"].code})
    window(network["own_city"], name="最初の名前")
    assert "最初の名前" in client.get(url).content.decode()
    window(network["own_city"], name="新しい名前")
    page = client.get(url).content.decode()
    assert "新しい名前" in page and "最初の名前" not in page


def test_logged_in_staff_never_get_a_shareable_copy(network, client):
    act_as(client, make_staff(network["own"], Role.VIEWER))
    response = client.get(reverse("public_windows"))
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_root_sends_residents_to_the_public_pages_and_staff_home(network, client):
    assert client.get(reverse("root"))["Location"] == reverse("public_top")
    act_as(client, make_staff(network["own"], Role.VIEWER))
    assert client.get(reverse("root"))["Location"] == reverse("home")


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_directory_pages_do_a_fixed_number_of_queries(network, client):
    overview, region = reverse("public_windows"), reverse("public_region", kwargs={"region": network["own"].code})
    window(network["own_city"])
    counts = (_queries(client, overview), _queries(client, region))
    for _n in range(3):
        city = make_org(OrgKind.MUNICIPALITY, network["own"])
        window(city)
        make_org(OrgKind.PREFECTURE, network["nation"])
    # The directory state is two queries (the tree and windows; the announced events), the region page
    # one more for its events.
    assert (_queries(client, overview), _queries(client, region)) == counts == (4, 5)
    # Rendered once: later visitors cost no query until the directory changes.
    client.get(overview)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(overview).status_code == 200
        assert client.get(region).status_code == 200
    assert len(captured) == 0


def test_a_change_made_elsewhere_shows_once_the_remembered_state_expires(network, client):
    url = reverse("public_region", kwargs={"region": network["own"].code})
    window(network["own_city"], name="最初の名前")
    client.get(url)
    # Another app server saved the window: this process still remembers the old state for a moment.
    Window.objects.filter(organisation=network["own_city"]).update(name="別のサーバーで保存", updated_at=timezone.now())
    assert "最初の名前" in client.get(url).content.decode()
    cache.delete(pagecache.STATE_KEY)  # what STATE_SECONDS later does
    assert "別のサーバーで保存" in client.get(url).content.decode()


def test_an_unknown_region_or_window_is_not_found_and_not_cached(network, client):
    assert client.get(reverse("public_region", kwargs={"region": "999999"})).status_code == 404
    assert client.get(reverse("public_window", kwargs={"code": network["own"].code})).status_code == 404
    window(network["own"], name="県の窓口")
    assert client.get(reverse("public_window", kwargs={"code": network["own"].code})).status_code == 200


def test_window_phone_refuses_words_and_normalises_full_width_digits(network, client):
    admin = make_staff(network["own_city"], Role.ADMIN)
    act_as(client, admin)
    url = reverse("window_edit", kwargs={"code": network["own_city"].code})
    response = client.post(url, {"name": "ひきこもり相談窓口", "phone": "でんわ", "version": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "「電話番号」は市外局番からの数字10〜11桁で書いてください（例: 0123-45-6789）。" in page
    assert 'value="でんわ"' in page  # what was typed stays
    assert not Window.objects.exists()
    response = client.post(url, {"name": "ひきこもり相談窓口", "phone": "０９９ー０００－０１０１", "version": "0"})
    assert response.status_code == 302
    assert Window.objects.get().phone == "099-000-0101"


@pytest.mark.parametrize(
    "typed,stored,ok",
    [
        ("0120-123-456", "0120-123-456", True),
        ("(099) 000 0101", "(099) 000 0101", True),
        ("090-1234-5678", "090-1234-5678", True),
        ("099-000", "099-000", False),
        ("099-000-0101 内線12", "099-000-0101 内線12", False),
        ("", "", True),
    ],
)
def test_window_phone_rule(typed, stored, ok):
    phone, problem = window_phone(typed)
    assert (phone, problem is None) == (stored, ok)


def test_search_matches_the_windows_reading(network, client):
    window(network["own_city"], name="ひきこもり相談窓口（福祉課）", reading="アオミシ　フクシカ")
    assert Window.objects.get().reading == "あおみしふくしか"  # folded: katakana and spaces as hiragana
    for query in ["あおみし", "アオミシ", "ｱｵﾐｼ", "あおみし ふくしか"]:
        page = client.get(reverse("public_windows"), {"q": query}).content.decode()
        assert "ひきこもり相談窓口（福祉課）" in page, query
    page = client.get(reverse("public_windows"), {"q": "しおみし"}).content.decode()
    assert "見つかりませんでした。" in page

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import Invitation, Membership, Organisation, OrgKind, Role

from ..conftest import act_as
from ..factories import PASSWORD, make_org, make_staff


@pytest.fixture
def admin(client, network):
    membership = make_staff(network["own"], Role.ADMIN, username="pref-admin")
    act_as(client, membership)
    return membership


def test_adding_a_municipality_below_the_prefecture(client, network, admin):
    url = reverse("org_add_child", kwargs={"code": network["own"].code})
    response = client.post(url, {"code": "９１２０１２", "name": "あおば市", "kind": OrgKind.MUNICIPALITY})
    # 91201 + check digit: 9*6+1*5+2*4+0*3+1*2 = 69, 69 % 11 = 3, 11 - 3 = 8 -> 912018
    assert response.status_code == 200
    assert "地方公共団体コード「912012」の検査数字が合いません（6桁目は8のはずです）。" in response.content.decode()
    assert 'value="あおば市"' in response.content.decode()  # what was typed is kept
    response = client.post(url, {"code": "912018", "name": "あおば市", "kind": OrgKind.MUNICIPALITY})
    assert response.status_code == 302
    org = Organisation.objects.get(code="912018")
    assert org.parent == network["own"]
    assert AuditEntry.objects.filter(action="org.create", object_id=str(org.pk), user=admin.user).count() == 1


def test_kind_choices_follow_the_parent(client, network, admin):
    response = client.get(reverse("org_add_child", kwargs={"code": network["own_center"].code}))
    kinds = [value for value, _ in response.context["form"].fields["kind"].choices]
    assert kinds == [OrgKind.SATELLITE, OrgKind.CONTRACTOR, OrgKind.PARTNER]


def test_editing_an_organisation(client, network, admin):
    city = network["own_city"]
    url = reverse("org_edit", kwargs={"code": city.code})
    response = client.post(
        url,
        {
            "code": city.code,
            "name": "新しい名前市",
            "kind": OrgKind.MUNICIPALITY,
            "is_active": "on",
            "version": city.version,
        },
    )
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.name == "新しい名前市"
    entry = AuditEntry.objects.get(action="org.update", object_id=str(city.pk))
    assert entry.changes["name"][1] == "新しい名前市"


def test_adding_staff_keeps_input_on_a_weak_password(client, network, admin):
    response = client.post(
        reverse("staff_add"), {"username": "sato", "full_name": "佐藤一郎", "role": Role.PEER, "password": "short"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "このパスワードは短すぎます。最低 12 文字以上必要です。" in body
    assert 'value="佐藤一郎"' in body and 'value="sato"' in body
    assert not Membership.objects.filter(user__username="sato").exists()
    response = client.post(
        reverse("staff_add"), {"username": "sato", "full_name": "佐藤一郎", "role": Role.PEER, "password": PASSWORD}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(username="sato", organisation=network["own"])
    assert (invitation.role, invitation.user.first_name, invitation.user.check_password(PASSWORD)) == (
        Role.PEER,
        "佐藤一郎",
        True,
    )
    assert not Membership.objects.filter(user__username="sato").exists()  # until sato accepts


def test_changing_a_role(client, network, admin):
    peer = make_staff(network["own"], Role.PEER)
    response = client.post(reverse("staff_edit", kwargs={"pk": peer.pk}), {"role": Role.VIEWER, "version": "1"})
    assert response.status_code == 302
    peer.refresh_from_db()
    assert (peer.role, peer.is_active) == (Role.VIEWER, False)


def test_a_role_changed_from_a_stale_page_is_refused_and_the_saved_role_shown(client, network, admin):
    peer = make_staff(network["own"], Role.PEER)
    url = reverse("staff_edit", kwargs={"pk": peer.pk})
    assert client.post(url, {"role": Role.VIEWER, "is_active": "on", "version": "1"}).status_code == 302
    response = client.post(url, {"role": Role.COORDINATOR, "is_active": "on", "version": "1"})
    assert "上書きしないよう保存を止めました" in response.content.decode()
    assert dict(response.context["form"].stale)["役割"] == "閲覧"
    assert Membership.objects.get(pk=peer.pk).role == Role.VIEWER
    missing = client.post(url, {"role": Role.COORDINATOR, "is_active": "on"})
    assert "開いたときの記録の版がありません" in missing.content.decode()
    assert Membership.objects.get(pk=peer.pk).role == Role.VIEWER


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_do_a_fixed_number_of_queries(client, network, admin):
    urls = [reverse("org_list"), reverse("staff_list"), reverse("audit_search")]
    [_queries(client, url) for url in urls]  # warm up once-per-process look-ups
    one = [_queries(client, url) for url in urls]
    for _n in range(3):
        make_org(OrgKind.PARTNER, network["own"], category="医療機関")
        make_staff(network["own"], Role.VIEWER)
        AuditEntry.objects.create(organisation=network["own"], action="test.row")
    three = [_queries(client, url) for url in urls]
    assert one == three


def test_org_list_search_is_width_insensitive(client, network, admin):
    make_org(OrgKind.PARTNER, network["own"], code="HOSP01", name="みなと病院", category="医療機関")
    response = client.get(reverse("org_list"), {"q": "ｈｏｓｐ"})
    assert [org.code for org in response.context["page"]] == ["HOSP01"]
    response = client.get(reverse("org_list"), {"kind": OrgKind.PARTNER})
    assert [org.name for org in response.context["page"]] == ["みなと病院"]

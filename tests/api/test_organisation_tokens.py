"""The organisation's tokens under its 管理者 (issue 13): a 管理者 sees every token of the acting
organisation's memberships, never the secret, and revokes any of them; another organisation's token is
not found; nobody else sees anyone's tokens but their own. Ending a membership revokes its tokens;
a deactivated user or organisation makes them unusable."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.api.models import ApiToken
from tsunagu.audit.models import AuditEntry
from tsunagu.orgs import actions
from tsunagu.orgs.models import Role
from tsunagu.orgs.rules import Actor

from ..conftest import act_as
from ..factories import make_staff
from .tokens import bearer, make_token


def _token(raw: str) -> ApiToken:
    return ApiToken.objects.get(prefix=raw[4:12])


@pytest.fixture
def people(network):
    return {
        "admin": make_staff(network["own"], Role.ADMIN, username="kanri"),
        "coordinator": make_staff(network["own"], Role.COORDINATOR, username="soudan"),
        "peer": make_staff(network["own"], Role.PEER, username="peer"),
        "city": make_staff(network["own_city"], Role.COORDINATOR, username="shi"),
        "stranger": make_staff(network["other"], Role.COORDINATOR, username="yoso"),
    }


@pytest.fixture
def raws(people):
    return {
        "coordinator": make_token(people["coordinator"], ["read", "cases"], name="基幹連携"),
        "peer": make_token(people["peer"], addresses="192.0.2.0/24", name="居場所の集計"),
        "city": make_token(people["city"], name="市の連携"),
        "stranger": make_token(people["stranger"], name="他県の連携"),
    }


def test_an_admin_sees_every_token_of_the_organisation_and_never_a_secret(client, people, raws):
    coordinator_token, peer_token = _token(raws["coordinator"]), _token(raws["peer"])
    ApiToken.objects.filter(pk=coordinator_token.pk).update(last_used_at=timezone.now(), last_used_ip="203.0.113.9")
    act_as(client, people["admin"])
    response = client.get(reverse("api_organisation_tokens"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    # The own prefecture's memberships only: not the city's below it, not the other prefecture's.
    assert list(response.context["tokens"]) == [peer_token, coordinator_token]
    page = response.content.decode()
    for text in (
        "soudan",
        "peer",
        "基幹連携",
        "居場所の集計",
        coordinator_token.prefix,
        peer_token.prefix,
        "読み取り、ケース記録",
        "192.0.2.0/24",
        "203.0.113.9",
        "peerさんの「居場所の集計」を失効させる",
        f"?token={peer_token.pk}",
    ):
        assert text in page, text
    for hidden in (*raws.values(), "市の連携", "他県の連携", _token(raws["stranger"]).prefix):
        assert hidden not in page, hidden
    assert page.count('data-label="状態">有効') == 2


def test_an_admin_revokes_a_members_token_and_the_owner_is_named(client, people, raws):
    token = _token(raws["coordinator"])
    act_as(client, people["admin"])
    response = client.post(reverse("api_organisation_token_revoke", kwargs={"pk": token.pk}), follow=True)
    assert response.redirect_chain == [(reverse("api_organisation_tokens"), 302)]
    assert "soudanさんのトークン「基幹連携」を失効させました。" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.get(action="token.revoke")
    assert (entry.user, entry.organisation, entry.object_id, entry.object_label) == (
        people["admin"].user,
        people["admin"].organisation,
        str(token.pk),
        f"基幹連携 ({token.prefix}) / soudan",
    )
    client.logout()
    assert client.get(reverse("api_cases"), **bearer(raws["coordinator"])).status_code == 401
    # The others stay live.
    assert client.get(reverse("api_organisations"), REMOTE_ADDR="192.0.2.1", **bearer(raws["peer"])).status_code == 200


def test_another_organisations_token_is_not_found_and_stays_live(client, people, raws):
    act_as(client, people["admin"])
    for side in ("stranger", "city"):
        token = _token(raws[side])
        url = reverse("api_organisation_token_revoke", kwargs={"pk": token.pk})
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None
    assert client.post(reverse("api_organisation_token_revoke", kwargs={"pk": 999999})).status_code == 404
    denied = AuditEntry.objects.filter(action="access.denied", user=people["admin"].user)
    assert denied.count() == 5
    assert not AuditEntry.objects.filter(action="token.revoke").exists()


def test_a_member_who_is_not_an_admin_sees_and_revokes_only_their_own(client, people, raws):
    coordinator, peer_token = people["coordinator"], _token(raws["peer"])
    act_as(client, coordinator)
    assert client.get(reverse("api_organisation_tokens")).status_code == 403
    url = reverse("api_organisation_token_revoke", kwargs={"pk": peer_token.pk})
    assert client.post(url).status_code == 403
    own = client.get(reverse("api_tokens"))
    assert list(own.context["tokens"]) == [_token(raws["coordinator"])]
    assert "居場所の集計" not in own.content.decode()
    assert "組織のすべてのトークン" not in own.content.decode()
    assert client.post(reverse("api_token_revoke", kwargs={"pk": peer_token.pk})).status_code == 404
    peer_token.refresh_from_db()
    assert peer_token.revoked_at is None
    # The 管理者's own page links to the organisation's.
    act_as(client, people["admin"])
    assert reverse("api_organisation_tokens") in client.get(reverse("api_tokens")).content.decode()


def test_ending_a_membership_revokes_its_tokens_for_good(client, people, raws):
    admin, coordinator = people["admin"], people["coordinator"]
    second = make_token(coordinator, name="二つ目")
    gone = make_token(coordinator, name="失効済み")
    revoked_at = timezone.now() - timedelta(days=2)
    ApiToken.objects.filter(prefix=gone[4:12]).update(revoked_at=revoked_at)
    actor = Actor(user=admin.user, membership=admin, ip="127.0.0.1")
    actions.change_staff(actor=actor, membership=coordinator, role=Role.COORDINATOR, is_active=False)
    assert client.get(reverse("api_cases"), **bearer(raws["coordinator"])).status_code == 401
    entries = AuditEntry.objects.filter(action="token.revoke").order_by("id")
    assert [(e.user, e.object_label) for e in entries] == [
        (admin.user, f"二つ目 ({second[4:12]}) / soudan"),
        (admin.user, f"基幹連携 ({raws['coordinator'][4:12]}) / soudan"),
    ]
    assert ApiToken.objects.get(prefix=gone[4:12]).revoked_at == revoked_at
    # Made active again, the membership does not bring its tokens back.
    coordinator.refresh_from_db()
    actions.change_staff(actor=actor, membership=coordinator, role=Role.COORDINATOR, is_active=True)
    for raw in (raws["coordinator"], second):
        assert client.get(reverse("api_cases"), **bearer(raw)).status_code == 401
    # A change of role alone keeps them (they act in the role the membership has).
    peer = people["peer"]
    actions.change_staff(actor=actor, membership=peer, role=Role.VIEWER, is_active=True)
    assert _token(raws["peer"]).revoked_at is None
    # The 管理者's page tells.
    act_as(client, admin)
    assert client.get(reverse("api_organisation_tokens")).content.decode().count('data-label="状態">失効') == 3


def test_a_deactivated_user_or_organisation_makes_the_tokens_unusable(client, people, raws):
    coordinator = people["coordinator"]
    url = reverse("api_cases")
    assert client.get(url, **bearer(raws["coordinator"])).status_code == 200
    coordinator.user.is_active = False
    coordinator.user.save()
    assert client.get(url, **bearer(raws["coordinator"])).status_code == 401
    act_as(client, people["admin"])
    assert "使えない（利用者が無効）" in client.get(reverse("api_organisation_tokens")).content.decode()
    client.logout()
    coordinator.user.is_active = True
    coordinator.user.save()
    assert client.get(url, **bearer(raws["coordinator"])).status_code == 200
    # Before: the token of an organisation made inactive still answered.
    organisation = coordinator.organisation
    organisation.is_active = False
    organisation.save()
    assert client.get(url, **bearer(raws["coordinator"])).status_code == 401

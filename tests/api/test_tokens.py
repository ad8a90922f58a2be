"""API tokens: made from a session past the second factor, shown once and stored hashed, scoped,
expiring, limited to addresses, revocable, `last used` shown, audited."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.api.models import ApiToken
from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import Role

from ..conftest import act_as
from ..factories import make_staff
from .tokens import bearer, make_token


@pytest.fixture
def coordinator(network):
    return make_staff(network["own"], Role.COORDINATOR)


def _form(**extra):
    return {
        "name": "市の連携",
        "scopes": ["read", "cases"],
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "allowed_addresses": "",
        **extra,
    }


def test_a_token_is_shown_once_and_stored_as_its_sha256(client, coordinator):
    act_as(client, coordinator)
    response = client.post(reverse("api_tokens"), _form())
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    token = ApiToken.objects.get()
    start = page.index('data-testid="new-token">') + len('data-testid="new-token">')
    raw = page[start : page.index("</code>", start)]
    assert raw.startswith(f"tsu_{token.prefix}_") and len(raw) == 4 + 8 + 1 + 43
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())
    assert token.membership == coordinator and token.scopes == ["read", "cases"]
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.user == coordinator.user and entry.organisation == coordinator.organisation
    assert entry.changes["scopes"] == [None, ["read", "cases"]]
    assert raw not in str(entry.changes) + entry.object_label
    # The list shows it again without the secret.
    again = client.get(reverse("api_tokens")).content.decode()
    assert token.prefix in again and raw not in again


def test_no_token_without_the_second_factor(client, coordinator):
    client.force_login(coordinator.user)  # a session that did not pass the second step
    page = client.get(reverse("api_tokens")).content.decode()
    assert "二要素認証を済ませたログインでだけ作れます" in page
    response = client.post(reverse("api_tokens"), _form())
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("expires_on", "2000-01-01", "有効期限は明日以降の日付にしてください。"),
        ("expires_on", "R99.1.1", "有効期限は1年以内にしてください。"),
        (
            "allowed_addresses",
            "192.0.2.0/24\nexample.jp",
            "「example.jp」はIPアドレスでもネットワーク（CIDR）でもありません。",
        ),
        ("scopes", ["cases"], "「読み取り」か「書き込み」の少なくとも一つを選んでください。"),
    ],
)
def test_a_wrong_token_form_keeps_what_was_typed(client, coordinator, field, value, message):
    act_as(client, coordinator)
    response = client.post(reverse("api_tokens"), _form(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "市の連携" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_scopes_expiry_addresses_and_revocation(client, coordinator):
    read_cases = make_token(coordinator, ["read", "cases"])
    url = reverse("api_cases")
    assert client.get(url, **bearer(read_cases)).status_code == 200
    assert client.post(url, {}, content_type="application/json", **bearer(read_cases)).status_code == 403
    assert client.get(reverse("api_report") + "?fy=2021", **bearer(read_cases)).status_code == 403
    # Limited to a network: from elsewhere the token is not accepted.
    limited = make_token(coordinator, addresses="192.0.2.0/24")
    assert client.get(url, REMOTE_ADDR="192.0.2.77", **bearer(limited)).status_code == 200
    assert client.get(url, REMOTE_ADDR="198.51.100.1", **bearer(limited)).status_code == 401
    # Expired.
    old = make_token(coordinator)
    ApiToken.objects.filter(prefix=old[4:12]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url, **bearer(old)).status_code == 401
    # A wrong secret with a right prefix, a malformed header.
    assert client.get(url, **bearer(read_cases[:-1] + ("A" if read_cases[-1] != "A" else "B"))).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer a b").status_code == 401
    # Revoked from the page: refused from then on, and audited.
    act_as(client, coordinator)
    token = ApiToken.objects.get(prefix=read_cases[4:12])
    assert client.post(reverse("api_token_revoke", kwargs={"pk": token.pk})).status_code == 302
    client.logout()
    assert client.get(url, **bearer(read_cases)).status_code == 401
    assert AuditEntry.objects.filter(action="token.revoke", object_id=str(token.pk)).count() == 1


def test_last_used_is_recorded_and_shown(client, coordinator):
    raw = make_token(coordinator)
    client.get(reverse("api_organisations"), REMOTE_ADDR="203.0.113.4", **bearer(raw))
    token = ApiToken.objects.get()
    assert token.last_used_ip == "203.0.113.4"
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)
    act_as(client, coordinator)
    assert "203.0.113.4" in client.get(reverse("api_tokens")).content.decode()


def test_a_token_of_a_deactivated_membership_stops_working(client, coordinator):
    raw = make_token(coordinator)
    coordinator.is_active = False
    coordinator.save()
    assert client.get(reverse("api_organisations"), **bearer(raw)).status_code == 401

"""Log-in limits: a session ends after 30 idle minutes or 12 hours in all, and five wrong passwords lock
an account name."""

import time

from django.conf import settings
from django.urls import reverse

from tsunagu.accounts.middleware import LOGIN_AT, SEEN_AT
from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import Role

from ..conftest import act_as
from ..factories import PASSWORD, make_staff


def _age_session(client, *, login_ago: int, seen_ago: int):
    session = client.session
    now = int(time.time())
    session[LOGIN_AT] = now - login_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


def test_idle_session_ends_after_thirty_minutes(client, network):
    act_as(client, make_staff(network["own"], Role.COORDINATOR))
    _age_session(client, login_ago=3600, seen_ago=29 * 60)
    assert client.get(reverse("home")).status_code == 200
    _age_session(client, login_ago=3600, seen_ago=31 * 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    follow = client.get(response["Location"])
    assert "しばらく操作がなかったため、ログアウトしました。" in follow.content.decode()


def test_session_ends_twelve_hours_after_login_even_when_busy(client, network):
    act_as(client, make_staff(network["own"], Role.COORDINATOR))
    _age_session(client, login_ago=12 * 3600 - 60, seen_ago=10)
    assert client.get(reverse("home")).status_code == 200
    _age_session(client, login_ago=12 * 3600 + 60, seen_ago=10)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_starts_the_twelve_hour_clock(client, network):
    make_staff(network["own"], Role.COORDINATOR, username="mori")
    before = int(time.time())
    client.post(reverse("login"), {"username": "mori", "password": PASSWORD})
    assert client.session[LOGIN_AT] >= before


def test_account_locks_after_five_wrong_passwords(client, network):
    make_staff(network["own"], Role.COORDINATOR, username="ito")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "ito", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "ito", "password": PASSWORD})
    assert response.status_code == 429
    assert "ログインを一時的に止めています" in response.content.decode()
    assert "_auth_user_id" not in client.session
    actions = list(AuditEntry.objects.filter(username="ito").values_list("action", flat=True).order_by("id"))
    # The fifth failure locks; the attempt with the right password is refused and logged as well.
    assert actions[:6] == ["auth.login_failed"] * 4 + ["auth.locked_out", "auth.login_failed"]
    assert actions.count("auth.login_failed") == 6
    assert "auth.login" not in actions

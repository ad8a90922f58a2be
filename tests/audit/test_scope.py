"""The audit page of an organisation shows its own entries and, of the entries of no organisation,
only its members' log-ins from the day each joined (finding 1 of issue 13)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import ActorKind, AuditEntry
from tsunagu.orgs import actions
from tsunagu.orgs.models import Membership, Role
from tsunagu.orgs.rules import Actor

from ..conftest import act_as
from ..factories import make_staff, make_user


@pytest.fixture
def admin(client, network):
    membership = make_staff(network["own"], Role.ADMIN, username="admin-own")
    act_as(client, membership)
    return membership


def _shown(client, **filters):
    response = client.get(reverse("audit_search"), filters)
    assert response.status_code == 200
    # Leaving out the admin's own log-in by act_as.
    return [
        (e.username, e.action)
        for e in response.context["page"]
        if e.action not in ("auth.act_for", "auth.login") or e.username != "admin-own"
    ]


def _log_in(user, at):
    return AuditEntry.objects.create(user=user, username=user.username, action="auth.login", at=at)


def test_entries_of_no_organisation_are_not_matched_by_user_name(client, network, admin):
    """Before: a staff member named like a command-line actor or like another person's account read
    their entries. Now an entry of no organisation is matched on the account only."""
    make_staff(network["own"], Role.PEER, username="tanaka")
    stranger = make_user("tanaka2")
    AuditEntry.objects.create(username="tanaka", action="auth.login_failed", allowed=False)
    AuditEntry.objects.create(user=stranger, username="tanaka", action="auth.login")
    AuditEntry.objects.create(username="orgs add", action="org.create", actor_kind=ActorKind.SYSTEM)
    AuditEntry.objects.create(organisation=network["other"], username="tanaka", action="case.view")
    assert _shown(client) == []


def test_a_members_log_ins_show_from_the_day_they_joined(client, network, admin):
    now = timezone.now()
    member = make_staff(network["own"], Role.PEER, username="sato")
    Membership.objects.filter(pk=member.pk).update(created_at=now - timedelta(days=10))
    _log_in(member.user, now - timedelta(days=30))  # while sato worked elsewhere
    _log_in(member.user, now - timedelta(days=3))
    other_member = make_staff(network["other"], Role.PEER, username="kato")
    _log_in(other_member.user, now - timedelta(days=1))
    assert _shown(client, user="sato") == [("sato", "auth.login")]
    assert [e.at for e in AuditEntry.objects.filter(user=member.user)][0] == now - timedelta(days=3)


def test_a_person_reads_their_own_log_ins_and_nobody_elses(client, network):
    now = timezone.now()
    member = make_staff(network["own"], Role.PEER, username="sato")
    _log_in(member.user, now - timedelta(days=30))
    _log_in(make_user("suzuki"), now - timedelta(days=2))
    act_as(client, member)
    response = client.get(reverse("own_log_ins"))
    assert response.status_code == 200
    # act_as's log-in and the one of 30 days ago; not suzuki's.
    assert [(e.username, e.action) for e in response.context["page"]] == [("sato", "auth.login")] * 2
    assert "<td>ログイン</td>" in response.content.decode()


def test_an_invitation_accepted_shows_log_ins_only_from_then(client, network, admin):
    """Before: a 管理者 attached any account (no consent) and read its whole log-in history."""
    elsewhere = make_staff(network["other"], Role.COORDINATOR, username="yamada")
    _log_in(elsewhere.user, timezone.now() - timedelta(days=5))
    response = client.post(reverse("staff_add"), {"username": "yamada", "role": Role.VIEWER})
    assert response.status_code == 302
    assert _shown(client) == [("admin-own", "staff.invite")]
    assert not Membership.objects.filter(user=elsewhere.user, organisation=network["own"]).exists()

    invitation = elsewhere.user.invitations.get()
    person = Actor(user=elsewhere.user, membership=None, ip="192.0.2.9")
    membership = actions.accept_invitation(actor=person, invitation=invitation)
    assert (membership.organisation, membership.role) == (network["own"], Role.VIEWER)
    _log_in(elsewhere.user, timezone.now() + timedelta(seconds=1))
    assert _shown(client) == [
        ("yamada", "auth.login"),
        ("yamada", "staff.invitation_accept"),
        ("admin-own", "staff.invite"),
    ]


def test_the_page_shows_actions_and_fields_in_japanese_and_filters_by_person_name(client, network, admin):
    member = make_staff(network["own"], Role.PEER, username="sato")
    member.user.first_name = "佐藤花子"
    member.user.save()
    AuditEntry.objects.create(
        organisation=network["own"],
        user=member.user,
        username="sato",
        action="staff.change",
        changes={"role": ["peer", "viewer"]},
    )
    AuditEntry.objects.create(organisation=network["own"], username="suzuki", action="case.view")
    response = client.get(reverse("audit_search"), {"user": "花子"})
    body = response.content.decode()
    assert [(e.username, e.action) for e in response.context["page"]] == [("sato", "staff.change")]
    assert "職員の役割の変更" in body and "役割: peer → viewer" in body and "佐藤花子" in body
    kinds = dict(response.context["form"].fields["kind"].choices)
    assert (kinds["case"], kinds["auth"]) == ("ケース", "ログイン・認証")
    assert _shown(client, kind="case") == [("suzuki", "case.view")]
    response = client.get(reverse("audit_search"), {"kind": "nonsense"})
    assert response.status_code == 200 and "kind" in response.context["form"].errors


def test_every_action_name_in_the_code_has_a_japanese_label():
    import re
    from pathlib import Path

    import tsunagu
    from tsunagu.audit.labels import ACTIONS, KINDS

    root = Path(tsunagu.__file__).parent
    literal = re.compile(r'"((?:' + "|".join(KINDS) + r')\.[a-z_]+(?:\.[a-z_]+)?)"')
    found = set()
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        found |= set(literal.findall(path.read_text()))
    dynamic = {"kpi.actual", "kpi.target"}  # kpi.actions adds .set / .clear
    assert sorted(found - dynamic - set(ACTIONS)) == []

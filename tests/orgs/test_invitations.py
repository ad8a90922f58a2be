"""Staff are added by invitation, and the staff form never tells whether a user name exists elsewhere
(finding 1 of issue 13)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import Invitation, Membership, Role

from ..conftest import act_as
from ..factories import PASSWORD, make_staff, make_user


@pytest.fixture
def admin(client, network):
    membership = make_staff(network["own"], Role.ADMIN, username="admin-own")
    act_as(client, membership)
    return membership


def _answer(client, data):
    """The page's answer with the typed name taken out: what tells one name from another."""
    response = client.post(reverse("staff_add"), data, follow=True)
    said = [str(m).replace(data["username"], "NAME") for m in response.context["messages"]]
    form = response.context.get("form")
    errors = {k: [e.replace(data["username"], "NAME") for e in v] for k, v in form.errors.items()} if form else {}
    return response.status_code, response.redirect_chain, said, errors


def test_the_answer_is_the_same_for_a_name_with_an_account_elsewhere_and_a_new_one(client, network, admin):
    make_staff(network["other"], Role.COORDINATOR, username="exists")
    # Rows of the staff list differ only by name and date; compare the message and the page shape.
    for password in ("", PASSWORD):
        Invitation.objects.all().delete()
        known = _answer(client, {"username": "exists", "role": Role.PEER, "password": password})
        new = _answer(client, {"username": "nobody" + str(len(password)), "role": Role.PEER, "password": password})
        assert known[0] == new[0] == 200
        assert known[1] == new[1] == [(reverse("staff_list"), 302)]
        assert known[2] == new[2]
        assert known[2] == ["NAMEを招待しました。本人がログインして承諾すると職員になります。"]
    # A weak password is refused alike, before anything says whether the name is taken.
    weak = [_answer(client, {"username": name, "role": Role.PEER, "password": "short"}) for name in ("exists", "fresh")]
    assert weak[0] == weak[1]
    assert weak[0][3]["password"][0] == "このパスワードは短すぎます。最低 12 文字以上必要です。"
    # The account a new name got is written under no organisation: the audit page does not tell either.
    assert AuditEntry.objects.get(action="user.create").organisation is None
    assert not Membership.objects.filter(organisation=network["own"], user__username="exists").exists()


def test_the_known_accounts_password_and_name_are_left_alone(client, network, admin):
    other = make_staff(network["other"], Role.COORDINATOR, username="exists")
    client.post(
        reverse("staff_add"), {"username": "exists", "full_name": "偽名", "role": Role.PEER, "password": "x" + PASSWORD}
    )
    other.user.refresh_from_db()
    assert other.user.check_password(PASSWORD) and other.user.first_name == ""


@pytest.mark.parametrize("name", ["orgs add", "system:orgs", "roll ups", "ｔａｎａｋａ", "-dash", "", "a" * 151])
def test_user_names_outside_the_safe_set_are_refused(client, network, admin, name):
    response = client.post(reverse("staff_add"), {"username": name, "role": Role.PEER, "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not Invitation.objects.exists()
    assert not get_user_model().objects.filter(username=name).exists()


def test_an_invited_person_accepts_after_signing_in(client, network, admin):
    client.post(reverse("staff_add"), {"username": "newbie", "role": Role.PEER, "password": PASSWORD})
    newbie = get_user_model().objects.get(username="newbie")
    client.force_login(newbie)
    # The 管理者 chose the password: the person changes it first (tests/accounts/test_initial_password.py).
    changed = "kawatta-pasuwaado-2026"
    client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": changed, "new_password2": changed}
    )
    assert "組織からの招待が1件あります。" in client.get(reverse("choose_organisation")).content.decode()
    page = client.get(reverse("invitations"))
    assert [i.organisation for i in page.context["invitations"]] == [network["own"]]
    invitation = page.context["invitations"][0]
    response = client.post(reverse("invitations"), {"invitation": invitation.pk, "answer": "accept"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=newbie)
    assert (membership.organisation, membership.role) == (network["own"], Role.PEER)
    entry = AuditEntry.objects.get(action="staff.invitation_accept")
    assert (entry.user, entry.organisation, entry.actor_kind) == (newbie, network["own"], "person")
    assert not Invitation.objects.exists()


def test_nobody_accepts_an_invitation_meant_for_someone_else(client, network, admin):
    make_user("target")
    client.post(reverse("staff_add"), {"username": "target", "role": Role.ADMIN})
    invitation = Invitation.objects.get()
    client.force_login(make_user("intruder"))
    response = client.post(reverse("invitations"), {"invitation": invitation.pk, "answer": "accept"})
    assert response.status_code == 404
    assert (
        not Membership.objects.filter(organisation=network["own"], role=Role.ADMIN)
        .exclude(user__username="admin-own")
        .exists()
    )
    # An invitation to a name with no account and no password can never be accepted.
    client.force_login(admin.user)


def test_declining_and_withdrawing(client, network, admin):
    target = make_user("target")
    client.post(reverse("staff_add"), {"username": "target", "role": Role.PEER})
    client.post(reverse("staff_add"), {"username": "ghost", "role": Role.PEER})
    ghost = Invitation.objects.get(username="ghost")
    assert ghost.user is None
    response = client.post(reverse("invitation_withdraw", kwargs={"pk": ghost.pk}))
    assert response.status_code == 302
    client.force_login(target)
    mine = Invitation.objects.get(username="target")
    client.post(reverse("invitations"), {"invitation": mine.pk, "answer": "decline"})
    assert not Invitation.objects.exists()
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="staff.invitation_").order_by("id")] == [
        "staff.invitation_withdraw",
        "staff.invitation_decline",
    ]


def test_another_organisations_invitation_cannot_be_withdrawn(client, network, admin):
    invitation = Invitation.objects.create(organisation=network["other"], username="x", role=Role.PEER)
    response = client.post(reverse("invitation_withdraw", kwargs={"pk": invitation.pk}))
    assert response.status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()

"""A new staff member must change the initial password a 管理者 chose before reaching any page."""

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.models import PasswordChangeRequired
from tsunagu.audit.models import AuditEntry
from tsunagu.orgs import actions
from tsunagu.orgs.models import Role
from tsunagu.orgs.rules import Actor

from ..conftest import act_as
from ..factories import PASSWORD, make_staff

NEW_PASSWORD = "kawatta-pasuwaado-2026"


@pytest.fixture
def added(client, network):
    """A coordinator added on the 職員 page by the centre's 管理者."""
    act_as(client, make_staff(network["own_center"], Role.ADMIN))
    response = client.post(
        reverse("staff_add"),
        {"username": "suzuki", "full_name": "鈴木", "role": Role.COORDINATOR, "password": PASSWORD},
    )
    assert response.status_code == 302
    return network


def log_in(password=PASSWORD) -> Client:
    browser = Client()
    response = browser.post(reverse("login"), {"username": "suzuki", "password": password})
    assert response.status_code == 302
    return browser


def test_the_first_log_in_reaches_only_the_password_change(added):
    browser = log_in()
    for name in ["home", "case_list", "intake_list"]:
        response = browser.get(reverse(name))
        assert (response.status_code, response["Location"]) == (302, reverse("password_change")), name
    response = browser.get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("password_change"), 302)]
    assert "最初に、管理者が決めた仮のパスワードを自分のパスワードに変えてください。" in response.content.decode()


def test_changing_it_opens_the_pages_and_is_recorded(added):
    browser = log_in()
    response = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert (response.status_code, response["Location"]) == (302, reverse("password_change_done"))
    # The 職員 page invited them: with the password changed, they accept and reach the pages.
    invitation = browser.get(reverse("invitations")).context["invitations"][0]
    browser.post(reverse("invitations"), {"invitation": invitation.pk, "answer": "accept"})
    assert browser.get(reverse("home")).status_code == 200
    assert not PasswordChangeRequired.objects.exists()
    entry = AuditEntry.objects.get(action="user.initial_password_changed")
    assert (entry.username, entry.object_label) == ("suzuki", "suzuki")
    # The next log-in, with the person's own password, goes straight in.
    assert log_in(NEW_PASSWORD).get(reverse("home")).status_code == 200


def test_a_log_out_is_still_possible(added):
    browser = log_in()
    response = browser.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] != reverse("password_change")


def test_accounts_made_by_the_command_line_or_the_demo_are_not_asked(network):
    actions.add_staff(
        actor=Actor.system("staff add"),
        organisation=network["own_center"],
        username="suzuki",
        role=Role.COORDINATOR,
        password=PASSWORD,
    )
    assert not PasswordChangeRequired.objects.exists()
    assert log_in().get(reverse("home")).status_code == 200

"""The log-in page and the layout every page shares, the root address, the home page and choosing the
organisation to act for."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import Membership, Role

from ..conftest import act_as
from ..factories import make_staff, make_user


def test_every_static_file_the_layout_links_is_served(client, db):
    body = client.get(reverse("login")).content.decode()
    links = re.findall(r'(?:href|src)="/static/([^"]+)"', body)
    assert sorted(links) == ["tsunagu/dates.js", "tsunagu/favicon.svg", "tsunagu/site.css", "vendor/htmx.min.js"]
    for path in links:
        assert finders.find(path), path
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path


def test_root_sends_visitors_to_log_in_and_staff_home(client, network):
    assert client.get("/")["Location"] in (reverse("login"), "/public/")
    act_as(client, make_staff(network["own"], Role.VIEWER))
    assert client.get("/")["Location"] == reverse("home")


def test_home_shows_acting_organisation_and_what_is_below(client, network):
    act_as(client, make_staff(network["own"], Role.ADMIN))
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="acting-org"' in body
    assert network["own"].name in body and "管理者" in body
    assert network["own_city"].name in body and network["own_center"].name in body
    assert network["other_city"].name not in body
    assert 'lang="ja"' in body


def test_person_in_two_organisations_chooses_and_can_switch(client, network):
    user = make_user("two-orgs")
    make_staff(network["own"], Role.COORDINATOR, user=user)
    second = make_staff(network["own_center"], Role.PEER, user=user)
    client.force_login(user)
    assert client.get(reverse("home"))["Location"] == reverse("choose_organisation")
    chooser = client.get(reverse("choose_organisation")).content.decode()
    assert network["own"].name in chooser and network["own_center"].name in chooser
    client.post(reverse("choose_organisation"), {"membership": second.pk})
    body = client.get(reverse("home")).content.decode()
    assert f'<h1 data-testid="home-title">{network["own_center"].name}</h1>' in body
    assert "組織を切り替える" in body
    chosen = AuditEntry.objects.get(action="auth.act_for")
    assert (chosen.username, chosen.organisation, chosen.object_id) == (
        "two-orgs",
        network["own_center"],
        str(network["own_center"].pk),
    )


@pytest.mark.parametrize("which", ["stranger", "deactivated", "not a number"])
def test_a_membership_not_ones_own_cannot_be_chosen_and_the_try_is_logged(client, network, which):
    user = make_user("two-orgs")
    first = make_staff(network["own"], Role.COORDINATOR, user=user)
    second = make_staff(network["own_center"], Role.PEER, user=user)
    act_as(client, first)
    asked = {
        "stranger": lambda: make_staff(network["other"], Role.ADMIN).pk,
        "deactivated": lambda: Membership.objects.filter(pk=second.pk).update(is_active=False) and second.pk,
        "not a number": lambda: "1 OR 1=1",
    }[which]()
    response = client.post(reverse("choose_organisation"), {"membership": asked})
    assert response.status_code == 404
    assert "選んだ組織に所属していません。" in response.content.decode()
    assert client.session["acting_membership"] == first.pk
    denied = AuditEntry.objects.get(action="access.denied")
    assert (denied.username, denied.object_label, denied.allowed) == ("two-orgs", f"membership:{asked}", False)
    assert not AuditEntry.objects.filter(action="auth.act_for").exists()

"""Who acts: a person for one of their memberships, an actor with no membership that may do nothing, and
the system actor of work no person does, which no request can be and whose entries no person's can match."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse

from tsunagu.audit.log import log_action
from tsunagu.audit.models import AuditEntry
from tsunagu.orgs import actions
from tsunagu.orgs.middleware import ActingOrganisationMiddleware
from tsunagu.orgs.models import Organisation, OrgKind, Role
from tsunagu.orgs.rules import ROLE_PERMS, Actor

from ..factories import make_staff, make_user

EVERY_PERM = sorted(set().union(*ROLE_PERMS.values()))


def _request_actor(user) -> Actor:
    request = RequestFactory().get("/")
    request.user, request.session = user, {}
    return ActingOrganisationMiddleware(lambda request: request.actor)(request)


def test_a_visitor_and_a_person_without_a_chosen_organisation_are_not_the_system_and_may_do_nothing(network):
    two_orgs = make_user("two-orgs")
    make_staff(network["own"], Role.ADMIN, user=two_orgs)
    make_staff(network["own_center"], Role.ADMIN, user=two_orgs)
    for actor in (_request_actor(AnonymousUser()), _request_actor(two_orgs), Actor(user=None, membership=None)):
        assert (actor.is_system, actor.organisation, actor.membership) == (False, None, None)
        assert [perm for perm in EVERY_PERM if actor.can(perm)] == []


def test_an_actor_without_a_user_cannot_create_a_root_organisation(db):
    """It used to pass for the command line because it has no user, as the system actor has none."""
    nobody = Actor(user=None, membership=None, ip="203.0.113.9")
    with pytest.raises(PermissionDenied):
        actions.create_organisation(actor=nobody, code="000000", name="国", kind=OrgKind.NATIONAL)
    assert not Organisation.objects.exists()
    denied = AuditEntry.objects.get()
    assert (denied.action, denied.username, denied.object_label, denied.ip, denied.allowed) == (
        "permission.denied",
        "",
        "org.create_root",
        "203.0.113.9",
        False,
    )
    root = actions.create_organisation(actor=Actor.system("tests"), code="000000", name="国", kind=OrgKind.NATIONAL)
    assert root.path == "/000000/"


def test_a_system_entry_cannot_be_confused_with_a_persons(client, network):
    """System work is recorded as "system:LABEL": no account can be named so, and a name typed at the
    log-in that looks like one is recorded otherwise."""
    entry = log_action(Actor.system("import-ledger"), "ledger.import", organisation=network["own"])
    assert (entry.username, entry.user, entry.ip) == ("system:import-ledger", None, None)
    with pytest.raises(ValidationError) as raised:
        get_user_model()(username="system:import-ledger", password="x").full_clean()
    assert "username" in raised.value.message_dict
    client.post(reverse("login"), {"username": "system:import-ledger", "password": "wrong-password-1"})
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.username == "system：import-ledger"
    assert list(
        AuditEntry.objects.filter(username__startswith="system:").order_by("id").values_list("username", flat=True)
    ) == [
        "system:tests"  # the network's organisations, made through the domain actions
    ] * Organisation.objects.count() + ["system:import-ledger"]


def test_a_system_actor_is_named_and_may_do_everything():
    system = Actor.system("demo-data")
    assert (system.is_system, system.audit_name, system.organisation) == (True, "system:demo-data", None)
    assert all(system.can(perm) for perm in EVERY_PERM)
    with pytest.raises(ValueError):
        Actor.system(" ")

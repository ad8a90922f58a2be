"""The access harness: every URL, for every role, on the acting organisation's own records and on
another organisation's, whether the URL names them in its path or in its query string. Each app's tests
declare their URLs in tests/<app>/access_cases.py (URL_CASES, PUBLIC, ACCOUNT_ONLY and extend_world); a
URL pattern without a declaration fails test_every_url_has_a_case.

Expectations follow from tsunagu.orgs.rules.ROLE_PERMS unless a case says otherwise, so a change of the
role table changes what is asserted here, and nothing else has to be kept in step.
"""

import importlib
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import access as case_access
from tsunagu.employment import access as employment_access
from tsunagu.ibasho import access as ibasho_access
from tsunagu.kpi import access as kpi_access
from tsunagu.ledger import access as ledger_access
from tsunagu.orgs import access as org_access
from tsunagu.orgs.models import Membership, Role
from tsunagu.orgs.rules import ROLE_PERMS, Actor
from tsunagu.public import access as public_access
from tsunagu.work import access as work_access

from .access import UrlCase
from .conftest import act_as
from .factories import make_staff, pass_second_factor


def _declarations():
    root = Path(__file__).parent
    for path in sorted(root.glob("*/access_cases.py")):
        yield importlib.import_module(f"tests.{path.parent.name}.access_cases")


DECLARATIONS = list(_declarations())
URL_CASES: list[UrlCase] = [case for module in DECLARATIONS for case in module.URL_CASES]
PUBLIC = set().union(*(getattr(module, "PUBLIC", set()) for module in DECLARATIONS))
ACCOUNT_ONLY = set().union(*(getattr(module, "ACCOUNT_ONLY", set()) for module in DECLARATIONS))
# REST API URLs: walked with tokens by tests/api/test_api_access.py.
API = set().union(*(getattr(module, "API", set()) for module in DECLARATIONS))


def _url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern.url_patterns, prefix + (pattern.namespace + ":" if pattern.namespace else ""))
        elif isinstance(pattern, URLPattern):
            yield prefix + pattern.name if pattern.name else f"<unnamed {pattern.pattern}>"


def test_every_url_has_a_case():
    names = set(_url_names(get_resolver().url_patterns))
    covered = {case.name for case in URL_CASES} | PUBLIC | ACCOUNT_ONLY | API
    assert names - covered == set(), "URL patterns without an access case in tests/test_access.py"
    assert covered - names == set(), "access cases for URLs that no longer exist"


@pytest.fixture
def world(network):
    """The network, a member of every role in the "own" prefecture, and what each app adds."""
    world = dict(network)
    world["members"] = {role: make_staff(network["own"], role) for role in Role}
    for module in DECLARATIONS:
        if hasattr(module, "extend_world"):
            before = dict(world)
            module.extend_world(world)
            # A key one app takes over from another points that app's cases at the wrong object: they
            # passed only while the two objects' ids happened to coincide (a fresh database).
            replaced = {key for key, value in before.items() if world[key] is not value}
            assert not replaced, f"{module.__name__}.extend_world replaced {sorted(replaced)}"
    return world


def _expected(case: UrlCase, role) -> int:
    if case.expected is not None:
        return case.expected(role)
    return 200 if case.perm in ROLE_PERMS[role] else 403


# Each test walks every role on one world: building the world (every app's records) is most of a test's
# cost, so one world per URL rather than one per URL and role.
OBJECT_CASES = [case for case in URL_CASES if case.kwargs is not None]
QUERY_CASES = [case for case in URL_CASES if case.query is not None]


def _id(value):
    return value.name if isinstance(value, UrlCase) else str(value)


def _url(case: UrlCase, world, side: str, *, query_side: str | None = None) -> str:
    """The case's URL for the objects of `side`, with the query-string ids of `query_side` (default: the same)."""
    url = reverse(case.name, kwargs=case.kwargs(world, side) if case.kwargs else None)
    if case.query is not None:
        url += "?" + urlencode(case.query(world, query_side or side))
    return url


@pytest.mark.parametrize("case", URL_CASES, ids=_id)
def test_own_organisation(client, world, case):
    for role in Role:
        act_as(client, world["members"][role])
        response = client.get(_url(case, world, "own"))
        expected = _expected(case, role)
        assert response.status_code == expected, role
        if case.leak and expected == 200:
            assert case.leak(world) not in response.content.decode(), role


@pytest.mark.parametrize("case", OBJECT_CASES, ids=_id)
def test_other_organisation(client, world, case):
    """URLs naming an object of another organisation; list URLs are covered by the leak check above."""
    for role in Role:
        act_as(client, world["members"][role])
        url = _url(case, world, "other")
        allowed_role = _expected(case, role) != 403
        assert client.get(url).status_code == (404 if allowed_role else 403), role
        if case.post is not None:
            assert client.post(url, case.post).status_code == (404 if allowed_role else 403), role
            assert not case.changed(world), role
        if allowed_role:
            denied = AuditEntry.objects.filter(allowed=False, action="access.denied", user=world["members"][role].user)
            assert denied.exists(), role


@pytest.mark.parametrize("case", QUERY_CASES, ids=_id)
def test_other_organisation_in_the_query_string(client, world, case):
    """The own page asked with another organisation's id in its query string (?org=, ?plan=): not found,
    like an id in the path, and the look-up logged; a POST there changes nothing."""
    for role in Role:
        member = world["members"][role]
        act_as(client, member)
        url = _url(case, world, "own", query_side="other")
        allowed_role = _expected(case, role) != 403
        assert client.get(url).status_code == (404 if allowed_role else 403), role
        if case.post is not None:
            assert client.post(url, case.post).status_code == (404 if allowed_role else 403), role
            assert not case.changed(world), role
        denied = AuditEntry.objects.filter(allowed=False, action="access.denied", user=member.user)
        assert denied.exists() == allowed_role, role


@pytest.mark.parametrize("case", URL_CASES, ids=_id)
def test_anonymous_is_sent_to_login(client, world, case):
    response = client.get(_url(case, world, "own"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("case", URL_CASES, ids=_id)
def test_user_without_membership_gets_no_organisation(client, world, case):
    """Logged in but belonging nowhere (e.g. every membership deactivated): sent to the chooser."""
    membership = world["members"][Role.ADMIN]
    act_as(client, membership)
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    response = client.get(_url(case, world, "own"))
    assert response.status_code == 302
    assert response["Location"] == reverse("choose_organisation")


@pytest.mark.parametrize("name", sorted(ACCOUNT_ONLY - {"logout"}))
def test_account_pages_need_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_parent_organisation_sees_below_but_not_staff_below(client, world):
    """A prefecture sees the organisations below it, but staff of a centre below are not its to manage."""
    center_staff = make_staff(world["own_center"], Role.COORDINATOR)
    act_as(client, world["members"][Role.ADMIN])
    assert client.get(reverse("org_detail", kwargs={"code": world["own_center"].code})).status_code == 200
    assert client.get(reverse("staff_edit", kwargs={"pk": center_staff.pk})).status_code == 404


def test_child_organisation_cannot_see_its_parent(client, world):
    member = make_staff(world["own_city"], Role.ADMIN)
    act_as(client, member)
    assert client.get(reverse("org_detail", kwargs={"code": world["own"].code})).status_code == 404
    assert client.get(reverse("org_detail", kwargs={"code": world["own_city"].code})).status_code == 200


def test_acting_organisation_must_be_one_of_the_users(client, world):
    """A forged acting-organisation id in the session is ignored, not trusted."""
    member = world["members"][Role.ADMIN]
    client.force_login(member.user)
    session = client.session
    session["acting_membership"] = world["other_staff"].pk
    pass_second_factor(session, member.user)
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert world["own"].name in response.content.decode()
    assert world["other"].name not in response.content.decode()


def test_unknown_org_code_is_404_like_another_organisations(client, world):
    act_as(client, world["members"][Role.ADMIN])
    assert client.get(reverse("org_detail", kwargs={"code": "NOPE"})).status_code == 404


def _guarded(world) -> dict:
    """Every access function, asked for an object of the own organisation that it guards."""
    own = {name.removeprefix("own_"): value for name, value in world.items() if name.startswith("own_")}
    case = own["case"]
    return {
        "get_organisation": lambda a: org_access.get_organisation(a, world["own"].code),
        "get_membership": lambda a: org_access.get_membership(a, own["staff"].pk),
        "get_own_membership": lambda a: org_access.get_own_membership(a, own["staff"].pk),
        "get_case": lambda a: case_access.get_case(a, case.pk),
        "get_contact": lambda a: case_access.get_contact(a, case, own["contact"].pk),
        "get_appointment": lambda a: case_access.get_appointment(a, case, own["appointment"].pk),
        "get_consent": lambda a: case_access.get_consent(a, case, own["consent"].pk),
        "get_referral": lambda a: case_access.get_referral(a, case, own["referral"].pk),
        "get_incoming_referral": lambda a: case_access.get_incoming_referral(a, own["incoming"].pk),
        "get_ibasho": lambda a: ibasho_access.get_ibasho(a, own["ibasho"].pk),
        "get_event": lambda a: ibasho_access.get_event(a, own["event"].pk),
        "get_attendance": lambda a: ibasho_access.get_attendance(a, own["attendance"].pk),
        "get_indicator": lambda a: kpi_access.get_indicator(a, own["kpi"].pk),
        "get_job": lambda a: ledger_access.get_job(a, own["ledger_job"].pk),
        "get_consultation": lambda a: public_access.get_consultation(a, own["consultation"].pk),
        "get_host": lambda a: work_access.get_host(a, own["host"].pk),
        "get_placement": lambda a: work_access.get_placement(a, own["placement"].pk),
        "get_payment_list": lambda a: work_access.get_payment_list(a, own["payment_list"].pk),
        "get_registration": lambda a: employment_access.get_registration(a, own["registration"].pk),
    }


def test_an_actor_without_a_membership_reaches_nothing(world):
    """The actor of a visitor, or of a person who acts for no organisation, is not the system: every
    access function refuses it and every scoped list is empty for it."""
    member = world["members"][Role.ADMIN]
    for actor in (Actor(user=None, membership=None, ip="203.0.113.9"), Actor(user=member.user, membership=None)):
        for name, reach in _guarded(world).items():
            with pytest.raises((Http404, PermissionDenied)):
                reach(actor)
                pytest.fail(f"{name} let an actor without a membership in")
        for perm in sorted(set().union(*ROLE_PERMS.values())):
            with pytest.raises(PermissionDenied):
                org_access.require(actor, perm)
        assert not case_access.visible_cases(actor).exists()
        assert not case_access.incoming_referrals(actor).exists()
        assert not ibasho_access.own_ibasho(actor).exists()
        assert not public_access.intake_queue(actor).exists()
        assert ibasho_access.case_by_number(actor, world["own_case"].number) is None
    assert AuditEntry.objects.filter(allowed=False, ip="203.0.113.9").count() == len(_guarded(world)) + len(
        set().union(*ROLE_PERMS.values())
    )

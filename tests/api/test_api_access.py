"""The access harness for the REST API: every API URL, for every role, with a token of that role's
membership (all scopes), on the own organisation's records and on another's. The expectations are the
pages' (the same access functions answer): 404 outside the organisation, logged; 403 for a role
without the permission; nothing changes on another organisation's record."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import Case, Contact, Referral, ReferralStatus
from tsunagu.ibasho.models import Attendance
from tsunagu.orgs.models import Role

from .access_cases import API
from .tokens import bearer, make_token

A, C, P, V, S = Role.ADMIN, Role.COORDINATOR, Role.PEER, Role.VIEWER, Role.STATISTICIAN


def roles(**status):
    def expected(role):
        return status.get(role.value, status.get("rest"))

    return expected


@dataclass
class ApiCase:
    name: str
    kwargs: object  # (world, side) -> URL kwargs, or None
    own: object  # role -> status on the own organisation's object
    other: object = None  # role -> status on another's (default: 404 where own is not 403)
    method: str = "get"
    body: dict | None = None
    query: object = None  # (world, side) -> query dict


READ_CASE = roles(admin=200, coordinator=200, viewer=200, peer=404, statistician=403)
CASE_KW = lambda w, s: {"pk": w[f"{s}_case"].pk}  # noqa: E731

CASES = [
    ApiCase("api_organisations", None, roles(rest=200)),
    ApiCase("api_organisation", lambda w, s: {"code": w[s].code}, roles(rest=200)),
    ApiCase("api_cases", None, roles(statistician=403, rest=200)),
    ApiCase("api_case", CASE_KW, READ_CASE),
    ApiCase("api_case_contacts", CASE_KW, READ_CASE),
    ApiCase("api_case_referrals", CASE_KW, READ_CASE),
    ApiCase("api_incoming", None, roles(peer=403, statistician=403, rest=200)),
    ApiCase(
        "api_attendance",
        lambda w, s: {"pk": w[f"{s}_event"].pk},
        roles(peer=403, statistician=403, rest=200),
        other=roles(rest=404),
    ),
    ApiCase(
        "api_ledger_import",
        lambda w, s: {"pk": w[f"{s}_ledger_job"].pk},
        roles(admin=200, coordinator=200, rest=403),
    ),
    ApiCase(
        "api_report",
        None,
        roles(peer=403, rest=200),
        query=lambda w, s: {"org": w[s].code, "fy": 2021},
    ),
    # The prefecture's own approved return, signed (tests/returns/access_cases.py makes it and the key).
    ApiCase("api_return_signed", lambda w, s: {"pk": w[f"returns_{s}_approved"].pk}, roles(admin=200, rest=403)),
]

WRITES = [
    ApiCase("api_case", CASE_KW, None, method="patch", body={"name": "書き換え", "version": 1}),
    ApiCase(
        "api_case_contacts",
        CASE_KW,
        None,
        method="post",
        body={"date": "2021-06-01", "channel": "phone", "consulter": "family"},
    ),
    ApiCase(
        "api_case_referrals",
        CASE_KW,
        None,
        method="post",
        body={"date": "2021-06-01", "target": "person", "partner_name": "x"},
    ),
    ApiCase("api_incoming_accept", lambda w, s: {"pk": w[f"{s}_incoming"].pk}, None, method="post", body={}),
    ApiCase("api_incoming_decline", lambda w, s: {"pk": w[f"{s}_incoming"].pk}, None, method="post", body={}),
    ApiCase(
        "api_attendance",
        lambda w, s: {"pk": w[f"{s}_event"].pk},
        None,
        method="post",
        body={"nickname": "x", "target": "person"},
    ),
]


def _url(case, world, side):
    url = reverse(case.name, kwargs=case.kwargs(world, side) if case.kwargs else None)
    if case.query:
        from urllib.parse import urlencode

        url += "?" + urlencode(case.query(world, side))
    return url


def _call(client, case, url, raw):
    if case.method == "get":
        return client.get(url, **bearer(raw))
    return getattr(client, case.method)(url, case.body or {}, content_type="application/json", **bearer(raw))


def test_every_api_url_is_walked():
    assert {c.name for c in CASES} | {c.name for c in WRITES} | {
        "api_schema",
        "api_ledger_imports",
        "api_returns_received",
    } == API


ROLE_CASES = [(c, r) for c in CASES for r in Role]


@pytest.mark.parametrize("case,role", ROLE_CASES, ids=[f"{c.name}-{r.value}" for c, r in ROLE_CASES])
def test_own_and_other_organisation(client, world, case, role):
    member = world["members"][role]
    raw = make_token(member)
    own = case.own(role)
    assert _call(client, case, _url(case, world, "own"), raw).status_code == own
    if case.kwargs is None and case.query is None:
        return
    other = case.other(role) if case.other else (403 if own == 403 else 404)
    response = _call(client, case, _url(case, world, "other"), raw)
    assert response.status_code == other
    if other == 404:
        assert AuditEntry.objects.filter(action="access.denied", allowed=False, user=member.user).exists()
        assert world["other"].name not in response.content.decode()


WRITE_ROLES = [(c, r) for c in WRITES for r in Role]


def _other_unchanged(world) -> bool:
    case = Case.objects.get(pk=world["other_case"].pk)
    return (
        case.version == world["other_case"].version
        and Contact.objects.filter(case=case).count() == 1
        and Referral.objects.filter(case=case).count() == 1
        and Referral.objects.get(pk=world["other_incoming"].pk).status == ReferralStatus.REQUESTED
        and Attendance.objects.filter(event=world["other_event"]).count() == 1
    )


@pytest.mark.parametrize("case,role", WRITE_ROLES, ids=[f"{c.name}-{c.method}-{r.value}" for c, r in WRITE_ROLES])
def test_writes_to_another_organisation_change_nothing(client, world, case, role):
    raw = make_token(world["members"][role])
    response = _call(client, case, _url(case, world, "other"), raw)
    assert response.status_code in (403, 404)
    assert _other_unchanged(world)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_without_a_token_nothing(client, world, case):
    response = client.get(_url(case, world, "own"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"

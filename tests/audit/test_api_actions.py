"""Audit entries written during a request of the REST API name the token that acted (issue 13); the
audit page shows it (「APIトークン『name』」) and filters to what API tokens did, or one token did."""

from datetime import date

import pytest
from django.urls import reverse

from tsunagu.api.models import ApiToken
from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions
from tsunagu.cases.models import Consulter
from tsunagu.orgs.models import Role
from tsunagu.orgs.rules import Actor

from ..api.tokens import bearer, make_token
from ..conftest import act_as
from ..factories import make_staff


@pytest.fixture
def people(network):
    return {
        "admin": make_staff(network["own"], Role.ADMIN, username="kanri"),
        "coordinator": make_staff(network["own"], Role.COORDINATOR, username="soudan"),
        "stranger": make_staff(network["other"], Role.COORDINATOR, username="yoso"),
    }


def _open(membership, number):
    return actions.open_case(
        actor=Actor(user=membership.user, membership=membership),
        number=number,
        opened_on=date(2021, 4, 5),
        name="山田 太郎",
        furigana="やまだ たろう",
        first_consulter=Consulter.FAMILY,
    )


def test_an_api_read_of_a_case_names_the_token(client, people):
    case = _open(people["coordinator"], "2021-0007")
    elsewhere = _open(people["stranger"], "2021-0008")
    raw = make_token(people["coordinator"], name="基幹連携")
    token = ApiToken.objects.get(prefix=raw[4:12])
    assert (
        client.get(reverse("api_case", kwargs={"pk": case.pk}), REMOTE_ADDR="192.0.2.8", **bearer(raw)).status_code
        == 200
    )
    assert client.get(reverse("api_case", kwargs={"pk": elsewhere.pk}), **bearer(raw)).status_code == 404
    view = AuditEntry.objects.get(action="case.view")
    assert (view.user, view.organisation, view.object_id, view.ip, view.via, view.via_label) == (
        people["coordinator"].user,
        people["coordinator"].organisation,
        str(case.pk),
        "192.0.2.8",
        f"api:{token.pk}",
        "基幹連携",
    )
    denied = AuditEntry.objects.get(action="access.denied")
    assert (denied.allowed, denied.via, denied.via_label) == (False, f"api:{token.pk}", "基幹連携")
    # The same read from the page records no token.
    act_as(client, people["coordinator"])
    assert client.get(reverse("case_detail", kwargs={"pk": case.pk})).status_code == 200
    page_view = AuditEntry.objects.filter(action="case.view").latest("id")
    assert (page_view.via, page_view.via_label) == ("", "")
    # Opening the cases above (not through the API) and the token's own making record none either.
    assert set(AuditEntry.objects.exclude(via="").values_list("action", flat=True)) == {"case.view", "access.denied"}


def test_the_audit_page_shows_the_token_and_filters_to_api_actions(client, people):
    coordinator = people["coordinator"]
    case = _open(coordinator, "2021-0007")
    first, second = make_token(coordinator, name="基幹連携"), make_token(coordinator, name="夜間バッチ")
    first_id, second_id = (ApiToken.objects.get(prefix=raw[4:12]).pk for raw in (first, second))
    url = reverse("api_case", kwargs={"pk": case.pk})
    client.get(url, **bearer(first))
    client.get(url, **bearer(second))
    client.get(reverse("api_cases"), **bearer(second))
    act_as(client, people["admin"])
    page = client.get(reverse("audit_search"))
    text = page.content.decode()
    assert "APIトークン『基幹連携』" in text and "APIトークン『夜間バッチ』" in text
    assert f'href="?token={first_id}"' in text

    def shown(**filters):
        response = client.get(reverse("audit_search"), filters)
        assert response.status_code == 200
        return [(e.action, e.via_label) for e in response.context["page"]]

    assert shown(api_only="on") == [("case.list", "夜間バッチ"), ("case.view", "夜間バッチ"), ("case.view", "基幹連携")]
    assert shown(token=first_id) == [("case.view", "基幹連携")]
    assert shown(token=second_id, kind="case") == [("case.list", "夜間バッチ"), ("case.view", "夜間バッチ")]
    # What was done elsewhere shows without the filter, and goes with it.
    assert shown(kind="case") == [
        ("case.list", "夜間バッチ"),
        ("case.view", "夜間バッチ"),
        ("case.view", "基幹連携"),
        ("case.open", ""),
    ]
    # Another organisation's token's entries are never shown, filtered by its id or not.
    stranger_raw = make_token(people["stranger"], name="他県の連携")
    client.get(reverse("api_cases"), **bearer(stranger_raw))
    stranger_id = ApiToken.objects.get(prefix=stranger_raw[4:12]).pk
    assert shown(token=stranger_id) == []
    assert "他県の連携" not in client.get(reverse("audit_search"), {"api_only": "on"}).content.decode()
    # A wrong token number is a message, not an error.
    bad = client.get(reverse("audit_search"), {"token": "abc"})
    assert bad.status_code == 200 and "整数を入力してください" in bad.content.decode()

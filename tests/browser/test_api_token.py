"""A 相談員 makes an API token on the token page (after the second step) and, over HTTP against the live
server, reads their organisation's cases with it and gets 404 for another organisation's case."""

import json
import os
import urllib.error
import urllib.request
from datetime import date, timedelta

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import pass_second_step  # noqa: E402
from tests.factories import PASSWORD, make_org, make_staff, totp_device  # noqa: E402
from tsunagu.audit.models import AuditEntry  # noqa: E402
from tsunagu.cases import actions  # noqa: E402
from tsunagu.cases.models import Consulter  # noqa: E402
from tsunagu.orgs.models import OrgKind, Role  # noqa: E402
from tsunagu.orgs.rules import Actor  # noqa: E402

pytestmark = pytest.mark.browser


def _get(live_server, path: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(live_server.url + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_a_coordinators_token_reads_own_cases_and_not_anothers(page: Page, live_server):
    nation = make_org(OrgKind.NATIONAL, code="000000", name="国")
    own = make_org(OrgKind.CENTER, make_org(OrgKind.PREFECTURE, nation, name="つなぐ県"), name="つなぐ県センター")
    other = make_org(OrgKind.CENTER, make_org(OrgKind.PREFECTURE, nation, name="よそ県"), name="よそ県センター")
    sato = make_staff(own, Role.COORDINATOR, username="sato")
    totp_device(sato.user)
    own_case = actions.open_case(
        actor=Actor(user=sato.user, membership=sato), number="2026-0001", opened_on=date(2026, 4, 1),
        name="自県太郎", first_consulter=Consulter.FAMILY,
    )  # fmt: skip
    stranger = make_staff(other, Role.COORDINATOR)
    other_case = actions.open_case(
        actor=Actor(user=stranger.user, membership=stranger), number="2026-0009", opened_on=date(2026, 4, 1),
        name="他県花子", first_consulter=Consulter.FAMILY,
    )  # fmt: skip

    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill("sato")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    pass_second_step(page, sato.user)
    page.goto(reverse("api_tokens"))
    page.get_by_label("名前").fill("ケース連携")
    page.get_by_label("読み取り").check()
    page.get_by_label("ケース記録").check()
    page.get_by_label("有効期限").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="トークンを作る").click()
    token = page.get_by_test_id("new-token").inner_text()
    assert token.startswith("tsu_")
    page.reload()  # shown once: not on the page again
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    expect(page.get_by_role("button", name="「ケース連携」を失効させる")).to_be_visible()

    status, body = _get(live_server, reverse("api_cases"), token)
    assert status == 200
    assert [(c["number"], c["name"]) for c in body["results"]] == [("2026-0001", "自県太郎")]
    status, body = _get(live_server, reverse("api_case", kwargs={"pk": own_case.pk}), token)
    assert (status, body["name"]) == (200, "自県太郎")
    status, body = _get(live_server, reverse("api_case", kwargs={"pk": other_case.pk}), token)
    assert status == 404
    assert "他県花子" not in json.dumps(body, ensure_ascii=False)
    denied = AuditEntry.objects.get(action="access.denied", user=sato.user)
    assert denied.object_label == f"case:{other_case.pk}" and denied.allowed is False
    assert AuditEntry.objects.filter(action="case.view", user=sato.user, object_id=str(own_case.pk)).count() == 1
    # Without the write scope nothing is written.
    request = urllib.request.Request(
        live_server.url + reverse("api_cases"),
        data=b'{"opened_on": "2026-04-02", "first_consulter": "family"}',
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=15)
    assert refused.value.code == 403


def test_an_administrator_sees_a_members_token_in_the_trail_and_revokes_it(page: Page, live_server):
    """The 管理者 finds what a member's token read in the audit trail, named by the token, and revokes it
    from the organisation's token page, on a phone's width and with the keyboard."""
    from tests.api.tokens import make_token
    from tests.browser.conftest import log_in_administrator

    nation = make_org(OrgKind.NATIONAL, code="000000", name="国")
    own = make_org(OrgKind.CENTER, make_org(OrgKind.PREFECTURE, nation, name="つなぐ県"), name="つなぐ県センター")
    make_staff(own, Role.ADMIN, username="kanri")
    sato = make_staff(own, Role.COORDINATOR, username="sato")
    case = actions.open_case(
        actor=Actor(user=sato.user, membership=sato), number="2026-0001", opened_on=date(2026, 4, 1),
        name="自県太郎", first_consulter=Consulter.FAMILY,
    )  # fmt: skip
    token = make_token(sato, name="基幹連携")
    assert _get(live_server, reverse("api_case", kwargs={"pk": case.pk}), token)[0] == 200

    page.set_viewport_size({"width": 390, "height": 844})
    log_in_administrator(page, "kanri")
    page.goto(reverse("audit_search"))
    page.get_by_label("APIトークンによる操作だけ").check()
    page.get_by_role("button", name="検索").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("APIトークン『基幹連携』")
    expect(rows.first).to_contain_text("2026-0001")

    page.goto(reverse("api_organisation_tokens"))
    expect(page.locator("tbody")).to_contain_text("sato")
    expect(page.locator("tbody")).not_to_contain_text(token)
    revoke = page.get_by_role("button", name="satoさんの「基幹連携」を失効させる")
    revoke.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("satoさんのトークン「基幹連携」を失効させました。")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("失効")
    # The page fits the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path="/tmp/org_tokens_phone.png", full_page=True)
    assert _get(live_server, reverse("api_cases"), token)[0] == 401

"""The log-in path through real pages: log in, act for an organisation, switch language, log out;
and the lock-out after repeated wrong passwords."""

import os
import re

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
# In CI a missing Playwright is a collection error, never a skip.
from playwright.sync_api import Page, expect  # noqa: E402

from tests.factories import PASSWORD, make_org, make_staff  # noqa: E402
from tsunagu.audit.models import AuditEntry  # noqa: E402
from tsunagu.orgs.models import OrgKind, Role  # noqa: E402

pytestmark = pytest.mark.browser

LOGOUT_BUTTON = re.compile(r"^(ログアウト|Log out)$")


def log_in(page: Page, username: str, password: str):
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()


@pytest.fixture
def prefecture():
    return make_org(OrgKind.PREFECTURE, make_org(OrgKind.NATIONAL, code="000000", name="国"), name="つなぐ県")


def test_coordinator_logs_in_switches_to_english_and_logs_out(page: Page, live_server, prefecture):
    centre = make_org(OrgKind.CENTER, prefecture, name="つなぐ県ひきこもり地域支援センター")
    coordinator = make_staff(centre, Role.COORDINATOR, username="sato")

    log_in(page, "sato", PASSWORD)

    expect(page).to_have_url(live_server.url + reverse("home"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_test_id("acting-org")).to_contain_text("つなぐ県ひきこもり地域支援センター")
    expect(page.get_by_test_id("acting-org")).to_contain_text("相談員")
    expect(page.get_by_test_id("home-title")).to_have_text("つなぐ県ひきこもり地域支援センター")

    page.get_by_label("言語 / Language").select_option("en")
    page.get_by_role("button", name="切り替え").click()

    expect(page).to_have_url(live_server.url + reverse("home"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("select[name=language]")).to_have_value("en")
    expect(page.get_by_test_id("home-title")).to_have_text("つなぐ県ひきこもり地域支援センター")

    page.locator("header").get_by_role("button", name=LOGOUT_BUTTON).click()

    expect(page).to_have_url(live_server.url + reverse("login"))
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.get_by_test_id("acting-org")).to_have_count(0)
    actions = list(AuditEntry.objects.filter(user=coordinator.user).order_by("id").values_list("action", flat=True))
    assert actions == ["auth.login", "case.home", "case.home", "auth.logout"], actions


def test_staff_with_two_memberships_chooses_the_organisation_to_act_for(page: Page, live_server, prefecture):
    city = make_org(OrgKind.MUNICIPALITY, prefecture, name="つなぐ市")
    centre = make_org(OrgKind.CENTER, prefecture, name="つなぐ県ひきこもり地域支援センター")
    at_city = make_staff(city, Role.VIEWER, username="suzuki")
    make_staff(centre, Role.COORDINATOR, user=at_city.user)

    log_in(page, "suzuki", PASSWORD)

    expect(page).to_have_url(live_server.url + reverse("choose_organisation"))
    choices = page.locator("ul.choices button")
    expect(choices).to_have_count(2)
    expect(page.get_by_test_id("acting-org")).to_have_count(0)

    page.get_by_role("button", name=re.compile("^つなぐ市")).click()

    expect(page).to_have_url(live_server.url + reverse("home"))
    expect(page.get_by_test_id("acting-org")).to_contain_text("つなぐ市")
    expect(page.get_by_test_id("acting-org")).to_contain_text("閲覧")
    expect(page.get_by_test_id("home-title")).to_have_text("つなぐ市")
    chosen = AuditEntry.objects.get(user=at_city.user, action="auth.act_for")
    assert chosen.organisation == city


def test_sixth_attempt_after_five_wrong_passwords_is_locked_out_even_with_the_right_password(
    page: Page, live_server, prefecture
):
    make_staff(make_org(OrgKind.CENTER, prefecture), Role.COORDINATOR, username="takahashi")

    for attempt in range(1, 5):
        log_in(page, "takahashi", f"wrong-password-{attempt}")
        expect(page.locator("div.errors")).to_contain_text("正しいユーザー名とパスワードを入力してください")
        expect(page.get_by_test_id("locked-out")).to_have_count(0)
    # The fifth wrong password is the one that locks the account, and is already answered with the lock-out page.
    log_in(page, "takahashi", "wrong-password-5")
    expect(page.get_by_test_id("locked-out")).to_be_visible()

    log_in(page, "takahashi", PASSWORD)

    expect(page.get_by_test_id("locked-out")).to_be_visible()
    expect(page.get_by_test_id("acting-org")).to_have_count(0)
    page.goto(reverse("home"))
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("login"))))
    # axes announces the lock-out on every refused request (the fifth and the sixth), each one also a
    # failed log-in; the right password never produces an auth.login entry while the lock holds.
    trail = list(AuditEntry.objects.filter(username="takahashi").order_by("id").values_list("action", "allowed"))
    failed, locked = ("auth.login_failed", False), ("auth.locked_out", False)
    assert trail == [failed, failed, failed, failed, locked, failed, locked, failed]

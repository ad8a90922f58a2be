"""The second step through real pages: a new 相談員 enrols an authenticator app at the first sign-in and
opens no case before; a 管理者 registers a passkey and signs in with it (Chromium's virtual authenticator);
a recovery code works once."""

import os
import re
import time
from base64 import b32decode

import pytest
from django.urls import reverse

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("playwright", reason="Playwright is not installed: pip install -e '.[test]' (or make test)")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.factories import PASSWORD, make_org, make_staff, totp_device  # noqa: E402
from tsunagu.accounts.twofactor import issue_recovery_codes  # noqa: E402
from tsunagu.audit.models import AuditEntry  # noqa: E402
from tsunagu.orgs.models import OrgKind, Role  # noqa: E402

pytestmark = pytest.mark.browser


def code_from_secret(secret: str, at: float | None = None) -> str:
    """What an authenticator app shows for the key on the enrolment page (RFC 6238, via django-otp's TOTP)."""
    from django_otp.oath import TOTP

    compact = secret.replace(" ", "")
    key = b32decode(compact + "=" * (-len(compact) % 8))
    totp = TOTP(key)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def password_step(page: Page, username: str):
    page.goto(reverse("login"))
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()


def log_out(page: Page):
    page.locator("header").get_by_role("button", name="ログアウト").click()
    expect(page.locator("input[name=username]")).to_be_visible()


@pytest.fixture
def centre():
    prefecture = make_org(OrgKind.PREFECTURE, make_org(OrgKind.NATIONAL, code="000000", name="国"), name="つなぐ県")
    return make_org(OrgKind.CENTER, prefecture, name="つなぐ県ひきこもり地域支援センター")


def test_new_coordinator_enrols_an_authenticator_app_and_opens_no_case_before(page: Page, live_server, centre):
    centre.two_factor_roles = [Role.COORDINATOR]
    centre.save(update_fields=["two_factor_roles"])
    make_staff(centre, Role.COORDINATOR, username="sato")

    password_step(page, "sato")
    expect(page).to_have_url(live_server.url + reverse("two_factor_enrol"))
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()

    # Before enrolling, the case pages are out of reach: the password alone logged no one in.
    page.goto(reverse("case_add"))
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("login"))))
    assert not AuditEntry.objects.filter(username="sato", action="auth.login").exists()

    page.goto(reverse("two_factor_enrol"))
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("認証アプリに表示された6桁の数字").fill(code_from_secret(secret))
    page.get_by_role("button", name="登録する", exact=True).click()

    expect(page).to_have_url(live_server.url + reverse("two_factor_settings"))
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="保管しました。作業を始める").click()
    expect(page.get_by_test_id("acting-org")).to_contain_text("相談員")
    page.goto(reverse("case_add"))
    expect(page).to_have_url(live_server.url + reverse("case_add"))
    actions = list(AuditEntry.objects.filter(username="sato").order_by("id").values_list("action", flat=True))
    assert actions == ["auth.two_factor_enrol", "auth.login", "case.home"], actions


def test_administrator_registers_a_passkey_and_signs_in_with_it(page: Page, live_server, centre):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    make_staff(centre, Role.ADMIN, username="kanri")

    password_step(page, "kanri")
    expect(page).to_have_url(live_server.url + reverse("two_factor_enrol"))
    page.get_by_role("button", name="パスキーを登録する").click()
    expect(page).to_have_url(live_server.url + reverse("two_factor_settings"))
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.goto(reverse("home"))
    log_out(page)

    password_step(page, "kanri")
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("two_factor_verify"))))
    page.get_by_role("button", name="パスキーで確認する").click()
    expect(page).to_have_url(live_server.url + reverse("home"))
    expect(page.get_by_test_id("acting-org")).to_contain_text("管理者")
    actions = list(AuditEntry.objects.filter(username="kanri").order_by("id").values_list("action", flat=True))
    assert actions == ["auth.two_factor_enrol", "auth.login", "case.home", "auth.logout", "auth.login", "case.home"], (
        actions
    )


def test_a_recovery_code_works_once(page: Page, live_server, centre):
    admin = make_staff(centre, Role.ADMIN, username="kanri")
    totp_device(admin.user)
    codes = issue_recovery_codes(admin.user)

    password_step(page, "kanri")
    page.get_by_label("確認コード").fill(codes[0])
    page.get_by_role("button", name="確認する").click()
    expect(page).to_have_url(live_server.url + reverse("home"))
    expect(page.locator(".messages")).to_contain_text("残りは9個です")
    log_out(page)

    password_step(page, "kanri")
    page.get_by_label("確認コード").fill(codes[0])
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_text("コードが正しくありません。")).to_be_visible()
    expect(page.get_by_test_id("acting-org")).to_have_count(0)

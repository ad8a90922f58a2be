"""The second step of a log-in: enrolment, TOTP, recovery codes, the lock, the organisation's policy, resets."""

import re
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts import twofactor
from tsunagu.accounts.models import RecoveryCode, RecoveryCodeDevice, digest
from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import Organisation, Role

from ..conftest import act_as
from ..factories import PASSWORD, make_staff, totp_code, totp_device

CODE = re.compile(r"<code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code>")


def actions_of(username):
    return list(AuditEntry.objects.filter(username=username).order_by("id").values_list("action", flat=True))


def password_step(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def enrol_totp(client, username) -> list[str]:
    """Password, then the enrolment page's QR code confirmed with a code: returns the recovery codes."""
    assert password_step(client, username)["Location"] == reverse("two_factor_verify")
    assert client.get(reverse("two_factor_verify"))["Location"] == reverse("two_factor_enrol")
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    response = client.post(reverse("two_factor_enrol"), {"code": totp_code(device)})
    assert response["Location"] == reverse("two_factor_settings")
    return CODE.findall(client.get(reverse("two_factor_settings")).content.decode())


def test_administrator_without_a_device_enrols_before_any_staff_page(client, network):
    make_staff(network["own"], Role.ADMIN, username="kanri")
    response = password_step(client, "kanri")
    assert response["Location"] == reverse("two_factor_verify")
    # The password alone logs no one in: staff pages send to the log-in, and no auth.login is written.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("case_list"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("case_add"))["Location"].startswith(reverse("login"))
    assert actions_of("kanri") == []

    page = client.get(reverse("two_factor_enrol")).content.decode()
    assert "<svg" in page and "<script>" not in page
    device = TOTPDevice.objects.get(user__username="kanri", confirmed=False)
    assert client.post(reverse("two_factor_enrol"), {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("two_factor_enrol"), {"code": totp_code(device)})
    assert response["Location"] == reverse("two_factor_settings")
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert actions_of("kanri") == ["auth.two_factor_enrol", "auth.login"]

    codes = CODE.findall(client.get(reverse("two_factor_settings")).content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    # Shown once; kept only as digests.
    assert CODE.findall(client.get(reverse("two_factor_settings")).content.decode()) == []
    stored = set(RecoveryCode.objects.filter(device__user__username="kanri").values_list("digest", flat=True))
    assert stored == {digest(code) for code in codes}
    assert not stored & set(codes)
    assert client.get(reverse("case_list")).status_code == 200


def test_enrolled_administrator_passes_with_a_totp_code_and_the_login_is_audited_then(client, network):
    admin = make_staff(network["own"], Role.ADMIN, username="kanri")
    device = totp_device(admin.user)
    password_step(client, "kanri")
    assert actions_of("kanri") == []
    now = time.time()
    wrong = totp_code(device, at=now + 3600)
    response = client.post(reverse("two_factor_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "コードが正しくありません。" in response.content.decode()
    response = client.post(reverse("two_factor_verify"), {"code": totp_code(device)})
    assert response["Location"] == reverse("home")
    assert actions_of("kanri") == ["auth.second_factor_failed", "auth.login"]
    assert client.get(reverse("home")).status_code == 200


def test_a_totp_code_is_good_once(client, network):
    admin = make_staff(network["own"], Role.ADMIN, username="kanri")
    device = totp_device(admin.user)
    code = totp_code(device)
    password_step(client, "kanri")
    assert client.post(reverse("two_factor_verify"), {"code": code})["Location"] == reverse("home")
    client.post(reverse("logout"))
    password_step(client, "kanri")
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_wrong_codes_lock_like_wrong_passwords(client, network):
    admin = make_staff(network["own"], Role.ADMIN, username="kanri")
    device = totp_device(admin.user)
    password_step(client, "kanri")
    wrong = totp_code(device, at=time.time() + 3600)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("two_factor_verify"), {"code": wrong})
    assert response.status_code == 429
    assert "ログインを一時的に止めています" in response.content.decode()
    # The right code is refused while the lock lasts, and so is the right password.
    assert client.post(reverse("two_factor_verify"), {"code": totp_code(device)}).status_code == 429
    assert "_auth_user_id" not in client.session
    assert password_step(client, "kanri").status_code == 429
    actions = actions_of("kanri")
    assert actions[:6] == ["auth.second_factor_failed"] * 4 + ["auth.locked_out", "auth.second_factor_failed"]
    assert "auth.login" not in actions


def test_a_recovery_code_works_once(client, network):
    make_staff(network["own"], Role.ADMIN, username="kanri")
    codes = enrol_totp(client, "kanri")
    client.post(reverse("logout"))
    password_step(client, "kanri")
    # Typed by hand: lower case, without hyphens, in full-width letters.
    typed = codes[3].replace("-", " ").lower()
    response = client.post(reverse("two_factor_verify"), {"code": typed})
    assert response["Location"] == reverse("home")
    assert RecoveryCodeDevice.objects.get(user__username="kanri").remaining() == 9
    client.post(reverse("logout"))
    password_step(client, "kanri")
    assert client.post(reverse("two_factor_verify"), {"code": codes[3]}).status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("two_factor_verify"), {"code": codes[4]})["Location"] == reverse("home")


def test_other_roles_need_a_second_factor_only_when_their_organisation_says_so(client, network):
    make_staff(network["own"], Role.COORDINATOR, username="sato")
    assert password_step(client, "sato")["Location"] == reverse("home")
    client.post(reverse("logout"))
    Organisation.objects.filter(pk=network["own"].pk).update(two_factor_roles=[Role.COORDINATOR])
    assert password_step(client, "sato")["Location"] == reverse("two_factor_verify")
    assert client.get(reverse("two_factor_verify"))["Location"] == reverse("two_factor_enrol")
    assert "_auth_user_id" not in client.session


def test_a_session_from_before_the_policy_reaches_only_the_second_step(client, network):
    sato = make_staff(network["own"], Role.COORDINATOR, username="sato")
    client.force_login(sato.user)
    assert client.get(reverse("case_list")).status_code == 200
    Organisation.objects.filter(pk=network["own"].pk).update(two_factor_roles=[Role.COORDINATOR])
    assert client.get(reverse("case_list"))["Location"] == reverse("two_factor_verify")
    assert client.get(reverse("two_factor_verify"))["Location"] == reverse("two_factor_enrol")
    assert client.get(reverse("two_factor_enrol")).status_code == 200


def test_administrator_sets_the_policy_with_a_version_check(client, network):
    admin = make_staff(network["own"], Role.ADMIN)
    act_as(client, admin)
    url = reverse("org_two_factor", kwargs={"code": network["own"].code})
    version = network["own"].version
    response = client.post(url, {"roles": [Role.COORDINATOR, Role.PEER], "version": version})
    assert response["Location"] == reverse("org_detail", kwargs={"code": network["own"].code})
    assert Organisation.objects.get(pk=network["own"].pk).two_factor_roles == [Role.COORDINATOR, Role.PEER]
    entry = AuditEntry.objects.get(action="org.two_factor_policy")
    assert entry.changes == {"two_factor_roles": [[], [Role.COORDINATOR, Role.PEER]]}
    # The same form sent again from the old version is refused, showing what was saved.
    stale = client.post(url, {"roles": [Role.VIEWER], "version": version})
    assert stale.status_code == 200
    assert Organisation.objects.get(pk=network["own"].pk).two_factor_roles == [Role.COORDINATOR, Role.PEER]
    # 管理者 is not a choice: it is always required.
    client.post(url, {"roles": [Role.ADMIN], "version": version + 1})
    assert Organisation.objects.get(pk=network["own"].pk).two_factor_roles == [Role.COORDINATOR, Role.PEER]


def test_administrator_resets_a_members_devices(client, network):
    admin = make_staff(network["own"], Role.ADMIN, username="kanri")
    member = make_staff(network["own"], Role.ADMIN, username="lost-phone")
    totp_device(member.user)
    RecoveryCodeDevice.objects.create(user=member.user, name="r")
    act_as(client, admin)
    response = client.post(reverse("staff_reset_two_factor", kwargs={"pk": member.pk}))
    assert response["Location"] == reverse("staff_edit", kwargs={"pk": member.pk})
    assert list(devices_for_user(member.user, confirmed=None)) == []
    entry = AuditEntry.objects.get(action="staff.reset_2fa")
    assert (entry.username, entry.organisation, entry.changes) == ("kanri", network["own"], {"devices": [2, 0]})


def test_a_reset_ends_the_verified_session(client, network):
    member = make_staff(network["own"], Role.ADMIN, username="lost-phone")
    act_as(client, member)
    assert client.get(reverse("home")).status_code == 200
    for device in devices_for_user(member.user, confirmed=None):
        device.delete()
    assert client.get(reverse("home"))["Location"] == reverse("two_factor_verify")


def test_break_glass_command_resets_the_last_administrator(network, capsys):
    admin = make_staff(network["own"], Role.ADMIN, username="kanri")
    totp_device(admin.user)
    call_command("staff", "reset-2fa", "kanri")
    assert list(devices_for_user(admin.user, confirmed=None)) == []
    entry = AuditEntry.objects.get(action="staff.reset_2fa")
    assert entry.username == "system:staff reset-2fa"
    assert "kanri" in capsys.readouterr().out


def test_verified_tells_whether_the_session_passed_the_second_factor(client, network):
    coordinator = make_staff(network["own"], Role.COORDINATOR, username="sato")
    client.force_login(coordinator.user)
    request = RequestFactory().get("/")
    request.user = coordinator.user
    coordinator.user.is_verified = lambda: False
    assert twofactor.verified(request) is False
    coordinator.user.is_verified = lambda: True
    assert twofactor.verified(request) is True


def test_passkey_endpoints_refuse_without_a_password_step(client, network):
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code in (401, 403)


def test_passkey_options_name_only_the_pending_persons_credentials(client, network):
    make_staff(network["own"], Role.ADMIN, username="kanri")
    password_step(client, "kanri")
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code == 200
    assert response.json()["rpId"] == "testserver"
    assert response.json().get("allowCredentials", []) == []


def test_the_enrolment_page_keeps_the_strict_csp(client, network):
    make_staff(network["own"], Role.ADMIN, username="kanri")
    password_step(client, "kanri")
    response = client.get(reverse("two_factor_enrol"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    # Every script is a file of ours or the library's, or JSON data (json_script), never inline code.
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.parametrize("typed", ["", "   ", "x" * 40, "１２３４５６"])
def test_odd_codes_are_wrong_codes_not_errors(client, network, typed):
    admin = make_staff(network["own"], Role.ADMIN, username="kanri")
    totp_device(admin.user)
    password_step(client, "kanri")
    assert client.post(reverse("two_factor_verify"), {"code": typed}).status_code == 200


def test_new_recovery_codes_replace_the_old_ones_only_for_a_verified_session(client, network):
    make_staff(network["own"], Role.ADMIN, username="kanri")
    old = enrol_totp(client, "kanri")
    response = client.post(reverse("two_factor_settings"))
    assert response["Location"] == reverse("two_factor_settings")
    new = CODE.findall(client.get(reverse("two_factor_settings")).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert RecoveryCode.objects.filter(device__user__username="kanri").count() == 10
    assert actions_of("kanri")[-1] == "auth.recovery_codes"

    coordinator = make_staff(network["own"], Role.COORDINATOR, username="sato")
    client.force_login(coordinator.user)
    client.post(reverse("two_factor_settings"))
    assert not RecoveryCodeDevice.objects.filter(user=coordinator.user).exists()


def test_a_failed_passkey_is_a_failed_second_step(client, network):
    make_staff(network["own"], Role.ADMIN, username="kanri")
    password_step(client, "kanri")
    client.post(reverse("otp_webauthn:credential-authentication-begin"))
    response = client.post(
        reverse("otp_webauthn:credential-authentication-complete"),
        data='{"id": "forged", "rawId": "forged", "type": "public-key", "response": {}}',
        content_type="application/json",
    )
    assert response.status_code in (400, 404, 422)
    assert "_auth_user_id" not in client.session
    assert actions_of("kanri") == ["auth.second_factor_failed"]

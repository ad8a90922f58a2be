"""The second step of a log-in: who is between the password and the second factor, how a step passes or
fails, and whether a session passed it (`verified`, which the API's token pages ask).

A correct password for a person who needs a second factor does not log them in: the session only holds
them as pending (PENDING, for five minutes). Django's login() runs when the second step passes, so no
staff page opens before it and the `auth.login` audit entry is written then. A wrong code is a failed
log-in for django-axes (the same count and lock as a wrong password) and is audited as
`auth.second_factor_failed`. A person who needs a second factor and has no device is sent to enrol first.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.core.http import client_ip
from tsunagu.orgs.queries import active_memberships
from tsunagu.orgs.rules import Actor
from tsunagu.orgs.twofactor import two_factor_required

from .middleware import LOGIN_AT, SEEN_AT
from .models import CODE_COUNT, RecoveryCode, RecoveryCodeDevice, digest, new_code

PENDING = "_tsunagu_2fa_pending"
PENDING_SECONDS = 300
# Shown once on the page after enrolment, then gone from the session.
NEW_CODES = "_tsunagu_2fa_new_codes"


def verified(request) -> bool:
    """True when this session passed a second factor (the API makes tokens only from such a session)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_verified())


def client_actor(request, user) -> Actor:
    """The person at the second step, acting for no organisation yet."""
    return Actor(user=user, membership=None, ip=client_ip(request))


def required(user) -> bool:
    return two_factor_required(active_memberships(user))


def needs_second_step(user) -> bool:
    """A person with a device uses it even where the policy does not ask for one."""
    return user_has_device(user, confirmed=True) or required(user)


def start(request, user, next_url: str) -> None:
    """The password was right: hold the person as pending until the second step passes."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "at": int(time.time()),
        "next": next_url,
    }


def subject(request):
    """Whoever the second step is for: the pending person, or a logged-in person whose session is not
    verified although it must be (the policy changed, or a 管理者 reset their devices). None otherwise."""
    if request.user.is_authenticated:
        return None if request.user.is_verified() else request.user
    pending = request.session.get(PENDING)
    if not pending or int(time.time()) - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        # django-otp's views ask the person this, as they would ask request.user.
        user.is_verified = lambda: False
    return user


def next_url(request) -> str:
    pending = request.session.get(PENDING) or {}
    url = pending.get("next") or request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return ""


def is_locked(request, user) -> bool:
    AxesProxyHandler.update_request(request)
    return AxesProxyHandler.is_locked(request, credentials={"username": user.get_username()})


def fail(request, user, method: str) -> None:
    """A wrong code: django-axes counts it (and locks the name at the limit, answering with the lock-out
    page); the audit trail records it as a failed second step."""
    AxesProxyHandler.update_request(request)
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "second_factor": method},
        request=request,
    )


def complete(request, user, device) -> None:
    """The second step passed with `device`: log the pending person in (the `auth.login` entry) and mark
    the session verified."""
    pending = request.session.pop(PENDING, None) or {}
    if not request.user.is_authenticated or request.user.pk != user.pk:
        if hasattr(user, "is_verified"):
            del user.is_verified
        auth_login(request, user, backend=pending.get("backend", "django.contrib.auth.backends.ModelBackend"))
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now
    otp_login(request, device)


def match(user, token: str):
    """The person's confirmed TOTP device or recovery code device that accepts `token`, or None."""
    token = (token or "").strip()
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, (TOTPDevice, RecoveryCodeDevice)) and device.verify_token(token):
            return device
    return None


def has_passkey(user) -> bool:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def pending_totp(user) -> TOTPDevice:
    """The TOTP device being enrolled (unconfirmed until a code from it is typed back)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (no image request, no script: the CSP stays strict)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, title=gettext("認証アプリ用のQRコード"), dark="#000"
    )


@transaction.atomic
def issue_recovery_codes(user) -> list[str]:
    """Ten new codes (the old ones stop working); only their digests are stored."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="リカバリーコード", confirmed=True)
    codes = [new_code() for _ in range(CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, digest=digest(code)) for code in codes)
    return codes

"""The demo 管理者' second factor: a known TOTP key, printed with the log-ins, so `make demo` works with any
authenticator app. The demo organisations require a second factor of no other role (their policy is left
empty), so the other demo log-ins need only their password; a 管理者 always needs one."""

from base64 import b32encode

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.orgs.models import Role

# Fictional and public, like the demo password: never a real account's.
DEMO_TOTP_KEY = b"tsunagu-demo-totp-2026"


def demo_totp_secret() -> str:
    """The key as an authenticator app takes it (base32, in groups of four)."""
    key = b32encode(DEMO_TOTP_KEY).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def build_admin_devices(logins) -> int:
    """Give every demo 管理者 a confirmed TOTP device with the demo key (once); returns how many were added."""
    added = 0
    users = {login.username for login in logins if login.role == Role.ADMIN}
    for user in get_user_model().objects.filter(username__in=users):
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="デモ用認証アプリ", key=DEMO_TOTP_KEY.hex(), confirmed=True)
            added += 1
    return added

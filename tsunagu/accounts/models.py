"""Recovery codes: the second factor of last resort, ten per person, each good once.

django-otp's own static tokens are kept in clear text (otp_static.StaticToken.token), so a copy of the
database would be a set of working codes; these are kept as SHA-256 digests. A code is 16 characters
from a 32-letter alphabet (80 bits), so a digest cannot be reversed by trying codes, and no slow hash
is needed (a person's ten digests are compared at every try).
"""

import hashlib
import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

# No 0/O, 1/I/L: a code is read off paper and typed by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_COUNT = 10
GROUPS, GROUP_LENGTH = 4, 4


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def digest(code: str) -> str:
    """The stored form of a code, however it was typed (full-width, lower case, spaces or hyphens)."""
    folded = unicodedata.normalize("NFKC", code or "").upper()
    letters = "".join(ch for ch in folded if ch.isalnum())
    return hashlib.sha256(letters.encode()).hexdigest()


class RecoveryCodeDevice(Device):
    """One per person who enrolled: its codes, of which each unused one verifies once."""

    class Meta:
        verbose_name = _("リカバリーコード")
        verbose_name_plural = _("リカバリーコード")

    def verify_token(self, token) -> bool:
        # The conditional update makes a code good once even when two log-ins race with it.
        used = RecoveryCode.objects.filter(device=self, digest=digest(str(token)), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        return used == 1

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_once_per_device")]


class PasswordChangeRequired(models.Model):
    """A person whose password a 管理者 chose (orgs.hooks.initial_password_set): until they change it,
    their sessions reach only the password change page. Read once at log-in into the session, so pages
    pay no query for it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_change_required"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("パスワードの変更が必要")
        verbose_name_plural = _("パスワードの変更が必要")

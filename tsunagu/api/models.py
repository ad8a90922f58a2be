"""API tokens. A token belongs to one membership (so to one organisation and one role) and acts as
that membership through the same access functions as the pages. Only a digest of its secret is kept:
the token is shown once, when it is made."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.orgs.models import Membership


class Scope(models.TextChoices):
    READ = "read", _("読み取り")
    WRITE = "write", _("書き込み")
    CASES = "cases", _("ケース記録")
    STATISTICS = "statistics", _("統計")


class ApiToken(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名前"), max_length=100)
    # The first characters of the token, stored in clear to find its row; the rest is only hashed.
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("範囲"), default=list)
    allowed_addresses = models.JSONField(_("使えるアドレス"), default=list, blank=True)
    expires_at = models.DateTimeField(_("有効期限"))
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("最終使用"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def has(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> str:
        return "、".join(str(Scope(s).label) for s in self.scopes if s in Scope.values)

    def state_label(self) -> str:
        """有効, or why the token is not accepted (find_token refuses it for the same reasons)."""
        membership = self.membership
        if self.revoked_at is not None:
            return str(_("失効"))
        if self.expires_at <= timezone.now():
            return str(_("期限切れ"))
        if not membership.is_active:
            return str(_("使えない（所属が無効）"))
        if not membership.user.is_active:
            return str(_("使えない（利用者が無効）"))
        if not membership.organisation.is_active:
            return str(_("使えない（組織が無効）"))
        return str(_("有効"))

"""Returns upward (報告): an organisation's figures for a period (a fiscal year or a half year), counted by
stats.report.build_report over its subtree, handed to the body above. 作成中 → 提出 (a frozen copy and its
sha256) → 承認 (which locks the period) or 差戻し (with a reason, back to 作成中 on resubmission); a return
that need not be made is 対象外."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.orgs.models import Organisation


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    SUBMITTED = "submitted", _("提出")
    APPROVED = "approved", _("承認")
    SENT_BACK = "sent_back", _("差戻し")
    EXEMPT = "exempt", _("対象外")


class Return(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("提出する組織"), on_delete=models.PROTECT, related_name="returns"
    )
    starts_on = models.DateField(_("開始日"))
    ends_on = models.DateField(_("終了日"))
    status = models.CharField(_("状態"), max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    frozen = models.JSONField(_("提出した数値"), null=True, blank=True)
    sha256 = models.CharField(_("ハッシュ (SHA-256)"), max_length=64, blank=True)
    reason = models.TextField(_("差戻しの理由"), blank=True)
    submissions = models.PositiveIntegerField(_("提出回数"), default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "starts_on", "ends_on"], name="one_return_per_period"),
            models.CheckConstraint(condition=models.Q(starts_on__lte=models.F("ends_on")), name="return_starts_first"),
        ]
        ordering = ["organisation__path", "starts_on"]
        verbose_name = _("報告")
        verbose_name_plural = _("報告")

    def __str__(self):
        return f"{self.organisation} {self.starts_on}〜{self.ends_on} {self.get_status_display()}"


class SenderKey(models.Model):
    """A body of another installation that sends its approved returns to `receiver` as signed files, with
    its Ed25519 public key (PEM) registered here."""

    receiver = models.ForeignKey(
        Organisation, verbose_name=_("受け取る組織"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("送る組織のコード"), max_length=20)
    name = models.CharField(_("送る組織の名称"), max_length=200)
    public_key = models.TextField(_("公開鍵 (Ed25519, PEM)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["receiver", "code"], name="one_key_per_sender")]
        verbose_name = _("送信元の公開鍵")
        verbose_name_plural = _("送信元の公開鍵")

    def __str__(self):
        return f"{self.name}（{self.code}）"


class ReceivedReturn(models.Model):
    """An approved return of another installation, verified against its sender's key."""

    sender = models.ForeignKey(SenderKey, verbose_name=_("送信元"), on_delete=models.PROTECT, related_name="returns")
    starts_on = models.DateField(_("開始日"))
    ends_on = models.DateField(_("終了日"))
    frozen = models.JSONField(_("報告の数値"))
    sha256 = models.CharField(_("ハッシュ (SHA-256)"), max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sender", "starts_on", "ends_on"], name="one_received_per_period")
        ]
        verbose_name = _("受け取った報告")
        verbose_name_plural = _("受け取った報告")


class SigningKey(models.Model):
    """The organisation's own Ed25519 key for signing the approved returns it sends to another installation.
    The private key is kept encrypted (PKCS#8 with a password derived from SECRET_KEY, signing.py says why);
    the public key (PEM) is what the receiving body registers as a SenderKey."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="signing_key"
    )
    public_key = models.TextField(_("公開鍵 (Ed25519, PEM)"))
    private_key = models.TextField(_("秘密鍵（暗号化済み）"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("署名の鍵")
        verbose_name_plural = _("署名の鍵")

    def __str__(self):
        return f"{self.organisation} {self._meta.verbose_name}"

"""The audit trail: one append-only row per action on the data, allowed or denied."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


class ActorKind(models.TextChoices):
    """Who did it: a person signed in, tsunagu itself (the command line, the demo, the web form's
    system work: user name "system:LABEL"), or someone not signed in (a failed log-in, a visitor)."""

    PERSON = "person", _("職員")
    SYSTEM = "system", _("システム")
    ANONYMOUS = "anonymous", _("ログインしていない人")


# The start of AuditEntry.via for a request of the REST API: "api:<token id>".
VIA_API = "api:"


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("Audit entries cannot be changed.")

    def delete(self):
        raise AuditImmutableError("Audit entries cannot be deleted.")

    def for_object(self, object_type: str, object_id) -> "AuditEntryQuerySet":
        return self.filter(object_type=object_type, object_id=str(object_id))


class AuditEntry(models.Model):
    at = models.DateTimeField(_("日時"), default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text too, so the entry still reads right if a name changes; also covers failed log-ins.
    username = models.CharField(_("利用者名"), max_length=150, blank=True)
    actor_kind = models.CharField(_("操作した者"), max_length=10, choices=ActorKind.choices, default=ActorKind.PERSON)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("組織"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("対象の種類"), max_length=40, blank=True)
    object_id = models.CharField(_("対象ID"), max_length=40, blank=True)
    object_label = models.CharField(_("対象"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("アドレス"), null=True, blank=True)
    allowed = models.BooleanField(_("許可"), default=True)
    changes = models.JSONField(_("変更内容"), default=dict, blank=True)
    # Through what the person acted, when not a signed-in page: "api:<token id>" (orgs.rules.Actor.via),
    # and the token's name then, so the entry still reads right after the token is gone.
    via = models.CharField(_("経路"), max_length=40, blank=True, default="")
    via_label = models.CharField(_("経路の名前"), max_length=100, blank=True, default="")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["organisation", "at"], name="audit_org_at"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
        ]
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("Audit entries cannot be deleted.")

    @property
    def via_api(self) -> bool:
        return self.via.startswith(VIA_API)

    @property
    def via_token(self) -> str:
        """The id of the API token that acted ("" when none did)."""
        return self.via[len(VIA_API) :] if self.via_api else ""

    def via_text(self) -> str:
        """What the audit page shows for the route: 「APIトークン『name』」, or "" for a page."""
        if self.via_api:
            return gettext("APIトークン『%(name)s』") % {"name": self.via_label or self.via_token}
        return ""

"""居場所 (places to be) and their events. Only what the public listing and the staff pages need;
sessions with attendance can sit beside these later."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.orgs.models import Organisation


class IbashoKind(models.TextChoices):
    PHYSICAL = "physical", _("リアル")
    ONLINE = "online", _("オンライン（電子居場所）")
    HYBRID = "hybrid", _("ハイブリッド")


class Ibasho(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("運営する組織"), on_delete=models.PROTECT,
                                     related_name="ibasho")
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("形態"), max_length=10, choices=IbashoKind.choices, default=IbashoKind.PHYSICAL)
    municipality = models.ForeignKey(Organisation, verbose_name=_("市区町村"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("場所"), max_length=200, blank=True)
    description = models.TextField(_("説明"), max_length=2000, blank=True)
    is_public = models.BooleanField(_("一般に公開する"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("居場所")
        verbose_name_plural = _("居場所")

    def __str__(self):
        return self.name


class IbashoEvent(models.Model):
    """One opening of a 居場所 (開催日). The organisation is copied from the 居場所 so one indexed
    filter scopes events like every other row."""

    ibasho = models.ForeignKey(Ibasho, verbose_name=_("居場所"), on_delete=models.CASCADE, related_name="events")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    date = models.DateField(_("日付"))
    start_time = models.TimeField(_("開始時刻"))
    end_time = models.TimeField(_("終了時刻"), null=True, blank=True)
    place = models.CharField(_("場所"), max_length=200, blank=True)
    online = models.BooleanField(_("オンラインで開催"), default=False)
    how_to_join = models.TextField(_("参加のしかた"), max_length=1000, blank=True)
    is_public = models.BooleanField(_("一般に公開する"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["is_public", "date"], name="ibasho_event_public_date")]
        ordering = ["date", "start_time", "id"]
        verbose_name = _("居場所の開催")
        verbose_name_plural = _("居場所の開催")

    def __str__(self):
        return f"{self.ibasho} {self.date:%Y-%m-%d}"

    @property
    def where(self) -> str:
        """The place to show: the event's own, else the 居場所's."""
        return self.place or self.ibasho.place

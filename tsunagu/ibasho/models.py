"""居場所 (places to be), their events (開催) and who attended each (参加)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tsunagu.cases.models import Case, ReferralTarget
from tsunagu.orgs.models import Organisation


class IbashoKind(models.TextChoices):
    PHYSICAL = "physical", _("リアル")
    ONLINE = "online", _("オンライン（電子居場所）")
    HYBRID = "hybrid", _("ハイブリッド")


class Ibasho(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("運営する組織"), on_delete=models.PROTECT, related_name="ibasho"
    )
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("形態"), max_length=10, choices=IbashoKind.choices, default=IbashoKind.PHYSICAL)
    municipality = models.ForeignKey(
        Organisation, verbose_name=_("市区町村"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("場所"), max_length=200, blank=True)
    description = models.TextField(_("説明"), max_length=2000, blank=True)
    is_public = models.BooleanField(_("一般に公開する"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

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
    # A session known only by its day (a ledger row: 居場所参加) has no start time.
    start_time = models.TimeField(_("開始時刻"), null=True, blank=True)
    end_time = models.TimeField(_("終了時刻"), null=True, blank=True)
    place = models.CharField(_("場所"), max_length=200, blank=True)
    online = models.BooleanField(_("オンラインで開催"), default=False)
    how_to_join = models.TextField(_("参加のしかた"), max_length=1000, blank=True)
    is_public = models.BooleanField(_("一般に公開する"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        indexes = [
            models.Index(fields=["is_public", "date"], name="ibasho_event_public_date"),
            # The nation's report counts every organisation's sessions of a period from this index alone.
            models.Index(fields=["date", "ibasho"], name="ibasho_event_date"),
        ]
        ordering = ["date", "start_time", "id"]
        verbose_name = _("居場所の開催")
        verbose_name_plural = _("居場所の開催")

    def __str__(self):
        return f"{self.ibasho} {self.date:%Y-%m-%d}"

    @property
    def where(self) -> str:
        """The place to show: the event's own, else the 居場所's."""
        return self.place or self.ibasho.place


class Attendance(models.Model):
    """One attendee of an event: a case of the organisation (the person or a family member), someone
    known only by a nickname, or someone anonymous. Organisation and date are copied from the event
    so the statistics read this table alone; is_first marks a case's first 居場所 attendance per
    target, which the "connected" indicator counts (DOMAIN.md). The actions keep both copies true."""

    event = models.ForeignKey(IbashoEvent, verbose_name=_("開催"), on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    date = models.DateField(_("日付"))
    case = models.ForeignKey(
        Case,
        verbose_name=pgettext_lazy("one case", "ケース"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ibasho_attendances",
    )
    target = models.CharField(
        _("参加した人"), max_length=10, choices=ReferralTarget.choices, default=ReferralTarget.PERSON
    )
    nickname = models.CharField(_("ニックネーム"), max_length=60, blank=True)
    anonymous = models.BooleanField(_("匿名参加"), default=False)
    is_first = models.BooleanField(_("初回"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS = frozenset({"nickname"})

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "target"], condition=Q(is_first=True), name="attendance_one_first_per_case_target"
            ),
            models.UniqueConstraint(
                fields=["event", "case", "target"],
                condition=Q(case__isnull=False),
                name="attendance_case_once_per_event",
            ),
            # Exactly one of: a case, a nickname, anonymous.
            models.CheckConstraint(
                condition=Q(case__isnull=False, nickname="", anonymous=False)
                | (Q(case__isnull=True, anonymous=False) & ~Q(nickname=""))
                | Q(case__isnull=True, nickname="", anonymous=True),
                name="attendance_one_kind_of_attendee",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "date"], name="attendance_org_date"),
            # The nation's report counts every organisation's attendees of a period from this index alone.
            models.Index(fields=["date", "event", "case", "anonymous"], name="attendance_date_attendee"),
        ]
        ordering = ["date", "id"]
        verbose_name = _("居場所への参加")
        verbose_name_plural = _("居場所への参加")

    def __str__(self):
        return f"{self.event} #{self.pk}"

"""研修・啓発 (events), 広報 (materials and posts) and ひきこもりサポーター (a roster and its activities):
the network's capacity work, each row belonging to the organisation that did it (DOMAIN.md, "The rest
of the work"). Kinds and labels are DOMAIN.md's, in its order."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tsunagu.cases.models import Case
from tsunagu.core.models import EffectiveDated
from tsunagu.orgs.models import Organisation


class EventKind(models.TextChoices):
    TRAINING = "training", _("研修")
    LECTURE = "lecture", _("講演会・交流会")
    FAMILY_CLASS = "family_class", _("家族教室")
    SEMINAR = "seminar", _("セミナー")
    CONSULTATION_DAY = "consultation_day", _("相談会")
    LECTURER = "lecturer", _("講師派遣")
    OTHER = "other", _("その他")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("予定")
    HELD = "held", _("開催")
    CANCELLED = "cancelled", _("中止")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("対面")
    WEB = "web", _("Web")
    HYBRID = "hybrid", _("ハイブリッド")


class Event(models.Model):
    """One training, awareness event or lecturer dispatch (研修・啓発). A public one, not yet past and not
    cancelled, is announced on the public pages with where it is and how to join."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("実施した組織"), on_delete=models.PROTECT, related_name="outreach_events"
    )
    number = models.CharField(_("番号"), max_length=30)  # the ledger's key (研修・啓発 番号)
    date = models.DateField(_("日付"))
    kind = models.CharField(_("種別"), max_length=20, choices=EventKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状態"), max_length=10, choices=EventStatus.choices, default=EventStatus.HELD)
    format = models.CharField(_("形式"), max_length=10, choices=EventFormat.choices, blank=True)
    audience = models.CharField(_("対象"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    is_public = models.BooleanField(_("一般に公開する"), default=False)
    start_time = models.TimeField(_("開始時刻"), null=True, blank=True)
    place = models.CharField(_("場所"), max_length=200, blank=True)
    how_to_join = models.TextField(_("参加・申込の方法"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="outreach_event_number")]
        indexes = [
            models.Index(fields=["organisation", "date"], name="outreach_event_org_date"),
            models.Index(fields=["is_public", "date"], name="outreach_event_public_date"),
        ]
        ordering = ["date", "id"]
        verbose_name = _("研修・啓発")
        verbose_name_plural = _("研修・啓発")

    def __str__(self):
        return f"{self.name} {self.date:%Y-%m-%d}"


class MaterialKind(models.TextChoices):
    POSTER = "poster", _("ポスター")
    LEAFLET = "leaflet", _("リーフレット")
    VIDEO = "video", _("動画")
    ADVERT = "advert", _("広告")
    NEWSLETTER = "newsletter", _("通信")
    SNS_POST = "sns_post", _("SNS投稿")
    OTHER = "other", _("その他")


class Material(models.Model):
    """Printed or published material (広報): copies made and distributed, and where. An SNS post is a
    row each (its `made` figure counts rows)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("作成した組織"), on_delete=models.PROTECT, related_name="outreach_materials"
    )
    number = models.CharField(_("番号"), max_length=30)  # the ledger's key (広報 番号)
    date = models.DateField(_("日付"))
    kind = models.CharField(_("種別"), max_length=20, choices=MaterialKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    made = models.PositiveIntegerField(_("作成数"), default=0)
    distributed = models.PositiveIntegerField(_("配布数"), default=0)
    distributed_to = models.CharField(_("配布先"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="outreach_material_number")]
        indexes = [models.Index(fields=["organisation", "date"], name="outreach_material_org_date")]
        ordering = ["date", "id"]
        verbose_name = _("広報")
        verbose_name_plural = _("広報")

    def __str__(self):
        return f"{self.name} {self.date:%Y-%m-%d}"


class SupporterStatus(models.TextChoices):
    TRAINING = "training", _("養成中")
    REGISTERED = "registered", _("登録")
    RESTING = "resting", _("休止")
    LEFT = "left", _("退会")


class Supporter(models.Model):
    """A ひきこもりサポーター on an organisation's roster: a person who need not be a user of tsunagu.
    `status` is the status in force today; the history (SupporterStatusChange) answers "registered on
    the period's last day" for any period."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属する組織"), on_delete=models.PROTECT, related_name="supporters"
    )
    number = models.CharField(_("サポーター番号"), max_length=30)
    name = models.CharField(_("氏名"), max_length=100)
    status = models.CharField(
        _("状態"), max_length=12, choices=SupporterStatus.choices, default=SupporterStatus.TRAINING
    )
    trained_on = models.DateField(_("養成研修修了日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    PERSONAL_FIELDS = frozenset({"name"})

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="outreach_supporter_number")]
        ordering = ["number", "id"]
        verbose_name = _("ひきこもりサポーター")
        verbose_name_plural = _("ひきこもりサポーター")

    def __str__(self):
        return f"{self.number} {self.name}"


class SupporterStatusChange(EffectiveDated):
    """A supporter's status from a date on (the row in force on a day is its status that day)."""

    effective_key = ("supporter",)

    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="status_changes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    value = models.CharField(_("状態"), max_length=12, choices=SupporterStatus.choices)

    class Meta(EffectiveDated.Meta):
        constraints = [EffectiveDated.unique_key("supporter", name="outreach_supporter_status_key")]
        verbose_name = _("サポーターの状態")
        verbose_name_plural = _("サポーターの状態")


class ActivityKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("訪問支援")
    IBASHO = "ibasho", _("居場所運営")
    ACCOMPANY = "accompany", _("同行")
    CONSULTATION = "consultation", _("相談")
    OTHER = "other", _("その他")


class SupporterActivity(models.Model):
    """One activity of a supporter, optionally for a case of the organisation. The organisation is
    copied from the supporter so the statistics read this table alone."""

    supporter = models.ForeignKey(
        Supporter, verbose_name=_("サポーター"), on_delete=models.PROTECT, related_name="activities"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    date = models.DateField(_("日付"))
    kind = models.CharField(_("種別"), max_length=20, choices=ActivityKind.choices)
    minutes = models.PositiveIntegerField(_("時間（分）"), null=True, blank=True)
    case = models.ForeignKey(
        Case,
        verbose_name=pgettext_lazy("one case", "ケース"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supporter_activities",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "date"], name="outreach_activity_org_date"),
            # The nation's report counts every organisation's activities of a period from this index alone.
            models.Index(fields=["date", "kind", "minutes"], name="outreach_activity_date"),
        ]
        ordering = ["date", "id"]
        verbose_name = _("サポーターの活動")
        verbose_name_plural = _("サポーターの活動")

    def __str__(self):
        return f"{self.supporter.number} {self.date:%Y-%m-%d} {self.get_kind_display()}"

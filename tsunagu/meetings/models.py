"""会議 (meetings) held by an organisation, who attended them, the decisions taken, the cases a case
conference discussed, and the plans (how many meetings of a kind with a counterpart in a fiscal year)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import Case
from tsunagu.orgs.models import Organisation


class MeetingKind(models.TextChoices):
    """DOMAIN.md's kinds, in its order (the report lists them so)."""

    CASE_CONFERENCE = "case_conference", _("個別ケース検討会")
    CASE_STUDY = "case_study", _("事例検討会")
    COUNCIL = "council", _("連絡協議会・ネットワーク会議")
    AGENCY_SUPPORT = "agency_support", _("関係機関支援")
    STAFF = "staff", _("担当者会議")
    OTHER = "other", _("その他")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("予定")
    HELD = "held", _("開催")
    CANCELLED = "cancelled", _("中止")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("対面")
    WEB = "web", _("Web")
    HYBRID = "hybrid", _("ハイブリッド")


class Meeting(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("開催した組織"), on_delete=models.PROTECT, related_name="meetings"
    )
    # 会議番号: the ledger's key within the organisation; a meeting made on the pages is given one.
    number = models.CharField(_("会議番号"), max_length=30, blank=True)
    date = models.DateField(_("日付"))
    kind = models.CharField(_("種別"), max_length=20, choices=MeetingKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状態"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.HELD)
    cancel_reason = models.CharField(_("中止理由"), max_length=300, blank=True)
    format = models.CharField(_("形式"), max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON)
    region = models.CharField(_("地域・ブロック"), max_length=60, blank=True)
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("対象の市区町村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supervision = models.BooleanField(_("スーパーバイズ"), default=False)
    content = models.TextField(_("内容"), max_length=4000, blank=True)
    cases = models.ManyToManyField(Case, through="MeetingCase", related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "date"], name="meeting_org_date"),
            # The nation's report reads every organisation's meetings of a period (no subtree filter).
            models.Index(fields=["date"], name="meeting_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], condition=~Q(number=""), name="meeting_number_once"
            )
        ]
        ordering = ["-date", "-id"]
        verbose_name = _("会議")
        verbose_name_plural = _("会議")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class Attendance(models.Model):
    """One attending body of a meeting: an organisation of the tree or a typed outside body, with its head
    count. `body_name` holds the organisation's name as it was when recorded, or the typed name, so lists
    and the ledger read one column."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会議"), on_delete=models.CASCADE, related_name="attendances")
    body = models.ForeignKey(
        Organisation, verbose_name=_("参加機関"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body_name = models.CharField(_("参加機関名"), max_length=120)
    people = models.PositiveIntegerField(_("人数"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "body"], condition=Q(body__isnull=False), name="meeting_attendance_body_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "body_name"], condition=Q(body__isnull=True), name="meeting_attendance_name_once"
            ),
        ]
        # The report sums each meeting's bodies and people from this index alone.
        indexes = [models.Index(fields=["meeting", "people"], name="meeting_attendance_people")]
        ordering = ["id"]
        verbose_name = _("会議への参加")
        verbose_name_plural = _("会議への参加")

    def __str__(self):
        return f"{self.body_name} {self.people}"


class Decision(models.Model):
    """A decision taken at a meeting, with who sees to it and by when; listed until done."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会議"), on_delete=models.CASCADE, related_name="decisions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    text = models.CharField(_("決定事項"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("期限"), null=True, blank=True)
    done_on = models.DateField(_("完了日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        indexes = [models.Index(fields=["organisation", "done_on"], name="decision_org_done")]
        ordering = ["due_on", "id"]
        verbose_name = _("決定事項")
        verbose_name_plural = _("決定事項")

    def __str__(self):
        return self.text


class MeetingCase(models.Model):
    """A case a case conference discussed: the organisation's own case, or one whose consent covers it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="linked_cases")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="meeting_case_once")]
        ordering = ["id"]


class Plan(models.Model):
    """How many meetings of a kind the organisation plans with a counterpart in a fiscal year ("いの町
    ５回"). The counterpart is an organisation of the tree or a typed name (a 保健所管内, a block);
    `counterpart_name` always holds the name shown, so a typed one matches a meeting's region."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="meeting_plans")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("種別"), max_length=20, choices=MeetingKind.choices)
    counterpart = models.ForeignKey(
        Organisation, verbose_name=_("相手先"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counterpart_name = models.CharField(_("相手先名"), max_length=120)
    planned = models.PositiveIntegerField(_("予定回数"))
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year", "kind", "counterpart_name"], name="meeting_plan_once"
            )
        ]
        ordering = ["fiscal_year", "kind", "counterpart_name", "id"]
        verbose_name = _("会議の計画")
        verbose_name_plural = _("会議の計画")

    def __str__(self):
        return f"{self.fiscal_year} {self.counterpart_name}"

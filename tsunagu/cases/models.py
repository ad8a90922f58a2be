"""Case work: the person a case is about, what happened (contacts), consent, and referrals (つなぎ).

Every row carries the owning organisation so one indexed filter scopes it, and the statistics never
need a join to find whose a row is. Labels are DOMAIN.md's; code names are English.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tsunagu.orgs.models import Organisation, PartnerCategory


class Sex(models.TextChoices):
    MALE = "male", _("男性")
    FEMALE = "female", _("女性")
    OTHER = "other", _("その他")
    UNKNOWN = "unknown", _("不明")


class Consulter(models.TextChoices):
    """Who made the contact (相談者) or who first consulted (初回相談者)."""

    PERSON = "person", _("本人")
    FAMILY = "family", _("家族")
    AGENCY = "agency", _("関係機関")
    OTHER = "other", _("その他")


class Relation(models.TextChoices):
    """続柄 of a person around a case. The values are the words themselves, so the 8050 rule
    (rules.looks_like_8050) and the ledger read them as they always did."""

    MOTHER = "母", _("母")
    FATHER = "父", _("父")
    SIBLING = "兄弟", _("兄弟")
    GRANDPARENT = "祖父母", _("祖父母")
    SPOUSE = "配偶者", _("配偶者")
    OTHER = "その他", _("その他")


class AgeBand(models.TextChoices):
    UNDER_20 = "10s", _("10代以下")
    TWENTIES = "20s", _("20代")
    THIRTIES = "30s", _("30代")
    FORTIES = "40s", _("40代")
    FIFTIES = "50s", _("50代")
    SIXTY_PLUS = "60s", _("60代以上")
    UNKNOWN = "unknown", _("不明")


class Status(models.TextChoices):
    INTAKE = "intake", _("受付")
    ASSESSMENT = "assessment", _("アセスメント")
    SUPPORT = "support", _("支援中")
    CLOSED = "closed", _("終結")


class OutingLevel(models.IntegerChoices):
    HOBBY_ONLY = 1, _("1 趣味の用事のときだけ外出する（準ひきこもり）")
    NEIGHBOURHOOD = 2, _("2 近所のコンビニなどには出かける（狭義）")
    HOME_ONLY = 3, _("3 自室からは出るが、家からは出ない（狭義）")
    ROOM_ONLY = 4, _("4 自室からほとんど出ない（狭義）")


class Channel(models.TextChoices):
    PHONE = "phone", _("電話")
    EMAIL = "email", _("メール")
    VISIT_OFFICE = "office", _("来所")
    HOME_VISIT = "home_visit", _("訪問")
    ACCOMPANY = "accompany", _("同行")
    WEB = "web", _("Web")
    SNS = "sns", _("SNS")
    ONLINE = "online", _("オンライン")


OUTREACH_CHANNELS = {Channel.HOME_VISIT, Channel.ACCOMPANY}


class ReferralTarget(models.TextChoices):
    PERSON = "person", _("本人")
    FAMILY = "family", _("家族")


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("依頼")
    ARRANGING = "arranging", _("調整中")
    DECIDED = "decided", _("支援決定")
    FAILED = "failed", _("不成立")
    WITHDRAWN = "withdrawn", _("取下げ")


class Case(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="cases"
    )
    number = models.CharField(_("ケース番号"), max_length=30)
    opened_on = models.DateField(_("受付日"))
    name = models.CharField(_("氏名"), max_length=100, blank=True)
    furigana = models.CharField(_("ふりがな"), max_length=100, blank=True)
    # Name and furigana folded for search: NFKC, katakana→hiragana, no spaces (see core.text).
    search_key = models.CharField(max_length=220, blank=True, editable=False, db_index=True)
    birth_date = models.DateField(_("生年月日"), null=True, blank=True)
    # Known band when the ledger has no birth date; ignored when the birth date is known.
    age_band = models.CharField(_("年代"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    sex = models.CharField(_("性別"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("市区町村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_cases",
    )
    first_consulter = models.CharField(
        _("初回相談者"), max_length=10, choices=Consulter.choices, default=Consulter.FAMILY
    )
    reached_on = models.DateField(_("本人につながった日"), null=True, blank=True)
    outing_level = models.PositiveSmallIntegerField(_("外出状況"), choices=OutingLevel.choices, null=True, blank=True)
    duration_months = models.PositiveIntegerField(_("ひきこもり期間（月）"), null=True, blank=True)
    household_8050 = models.BooleanField(_("8050世帯"), null=True, blank=True)
    needs_medical_care = models.BooleanField(_("医療的ケアが必要"), default=False)
    suspected_disorder = models.BooleanField(_("発達障害・精神疾患の疑い"), default=False)
    school_refusal_history = models.BooleanField(_("不登校の経験"), default=False)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.INTAKE)
    closed_on = models.DateField(_("終結日"), null=True, blank=True)
    assigned = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("担当者"), blank=True, related_name="assigned_cases"
    )
    # Kept by the contact functions: the statistics count 新規 and the list sorts by last contact
    # without scanning contacts.
    first_contact_on = models.DateField(_("初回相談日"), null=True, blank=True, db_index=True)
    last_contact_on = models.DateField(_("最終相談日"), null=True, blank=True)
    origin_referral = models.OneToOneField(
        "Referral",
        verbose_name=_("紹介元のつなぎ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="receiving_case",
    )
    notes = models.TextField(_("備考"), blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    phone = models.CharField(_("電話"), max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PERSONAL_FIELDS = frozenset({"name", "furigana", "birth_date", "notes", "address", "phone"})

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="case_number_per_org")]
        indexes = [
            models.Index(fields=["organisation", "status", "last_contact_on"], name="case_org_status_last"),
            models.Index(fields=["organisation", "first_contact_on"], name="case_org_first_contact"),
            # The case list's default order (queries.SORTS["recent"]) and its name search.
            models.Index(
                F("organisation"),
                Coalesce("last_contact_on", "opened_on").desc(),
                F("id").desc(),
                name="case_org_recent",
            ),
            models.Index(fields=["organisation", "search_key", "status"], name="case_org_search"),
        ]
        ordering = ["-opened_on", "-id"]
        verbose_name = pgettext_lazy("one case", "ケース")
        verbose_name_plural = _("ケース")

    def __str__(self):
        return f"{self.number}"


class HouseholdMember(models.Model):
    """A person around a case: a household member or another contact (an aunt, a neighbour)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="household")
    relationship = models.CharField(_("続柄"), max_length=30)
    name = models.CharField(_("氏名"), max_length=100, blank=True)
    age = models.PositiveSmallIntegerField(_("年齢"), null=True, blank=True)
    phone = models.CharField(_("電話"), max_length=30, blank=True)
    may_contact = models.BooleanField(_("連絡してよい"), default=False)
    lives_with = models.BooleanField(_("同居"), default=True)
    notes = models.CharField(_("備考"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("家族・関係者")
        verbose_name_plural = _("家族・関係者")


class NumberingScheme(models.TextChoices):
    FISCAL = "fiscal", _("年度ごと（2025-0001は令和7年度の最初のケース）")
    CALENDAR = "calendar", _("暦年ごと（2026-0001は2026年の最初のケース）")


class CaseSettings(models.Model):
    """How an organisation numbers its cases. An organisation without a row numbers by fiscal year."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="case_settings")
    numbering = models.CharField(
        _("ケース番号の付け方"), max_length=10, choices=NumberingScheme.choices, default=NumberingScheme.FISCAL
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ケースの設定")
        verbose_name_plural = _("ケースの設定")


class StatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices)
    changed_on = models.DateField(_("日付"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("メモ"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "id"]
        verbose_name = _("状態の変更")
        verbose_name_plural = _("状態の変更")


class Contact(models.Model):
    """One consultation, home visit or accompaniment (相談・訪問・同行)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日付"))
    time = models.TimeField(_("時刻"), null=True, blank=True)
    channel = models.CharField(_("方法"), max_length=12, choices=Channel.choices)
    consulter = models.CharField(_("相談者"), max_length=10, choices=Consulter.choices)
    # Which family member consulted (母 rather than just 家族); the statistics still count 家族.
    consulter_relation = models.CharField(_("相談者（続柄）"), max_length=10, choices=Relation.choices, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    staff_name = models.CharField(_("担当者名"), max_length=100, blank=True)
    minutes = models.PositiveIntegerField(_("所要時間（分）"), null=True, blank=True)
    notes = models.TextField(_("内容"), blank=True)
    # Who went on a visit or accompaniment, besides the staff member.
    with_peer = models.BooleanField(_("ピアサポーター同行"), default=False)
    with_specialist_team = models.BooleanField(_("多職種チーム派遣"), default=False)
    visit_members = models.CharField(_("訪問者"), max_length=200, blank=True)
    # The person's age band at the contact date, even when a parent consulted (DOMAIN.md counting rule);
    # kept here so the statistics group by a column.
    age_band = models.CharField(_("年代"), max_length=10, choices=AgeBand.choices, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PERSONAL_FIELDS = frozenset({"notes"})

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "date"], name="contact_org_date"),
            models.Index(fields=["case", "date"], name="contact_case_date"),
        ]
        ordering = ["-date", "-id"]
        verbose_name = _("相談記録")
        verbose_name_plural = _("相談記録")


class Consent(models.Model):
    """What the person (or a family member on their behalf) agreed to be shared, with whom."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("同意した人"), max_length=10, choices=ReferralTarget.choices)
    purpose = models.CharField(_("目的"), max_length=200)
    share_with = models.ManyToManyField(Organisation, verbose_name=_("共有先の組織"), blank=True, related_name="+")
    share_with_categories = models.ManyToManyField(
        PartnerCategory, verbose_name=_("共有先の区分"), blank=True, related_name="+"
    )
    given_on = models.DateField(_("同意日"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("撤回日"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("同意")
        verbose_name_plural = _("同意")

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    def covers(self, org: Organisation) -> bool:
        if not self.is_active:
            return False
        return any(o.pk == org.pk for o in self.share_with.all()) or (
            org.category_id is not None and any(c.pk == org.category_id for c in self.share_with_categories.all())
        )


class Referral(models.Model):
    """つなぎ: a referral of the person or the family to a partner agency or a 居場所."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日付"))
    target = models.CharField(_("対象"), max_length=10, choices=ReferralTarget.choices)
    # None with to_ibasho=True is a referral to a 居場所, which the national table does not categorise.
    category = models.ForeignKey(
        PartnerCategory, verbose_name=_("つなぎ先区分"), null=True, blank=True, on_delete=models.PROTECT
    )
    to_ibasho = models.BooleanField(_("居場所へのつなぎ"), default=False)
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("つなぎ先（tsunagu利用）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_referrals",
    )
    partner_name = models.CharField(_("つなぎ先名称"), max_length=120, blank=True)
    status = models.CharField(
        _("結果"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    result_on = models.DateField(_("結果日"), null=True, blank=True)
    shares_personal_data = models.BooleanField(_("個人情報を共有する"), default=False)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    override_reason = models.CharField(_("同意なしで共有する理由"), max_length=300, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("メモ"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "date"], name="referral_org_date"),
            models.Index(fields=["partner", "status"], name="referral_partner_status"),
        ]
        ordering = ["-date", "-id"]
        verbose_name = _("つなぎ")
        verbose_name_plural = _("つなぎ")

    @property
    def is_decided(self) -> bool:
        return self.status == ReferralStatus.DECIDED


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("予定")
    DONE = "done", _("実施")
    CANCELLED = "cancelled", _("取消")


class Appointment(models.Model):
    """次回予定: a call, a meeting or a visit planned for a case. Recording the contact that took place
    closes it (status 実施, with the contact)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appointments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日付"))
    time = models.TimeField(_("時刻"), null=True, blank=True)
    channel = models.CharField(_("方法"), max_length=12, choices=Channel.choices, default=Channel.HOME_VISIT)
    place = models.CharField(_("場所"), max_length=200, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("行く職員"), blank=True, related_name="appointments"
    )
    notes = models.CharField(_("メモ"), max_length=500, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED
    )
    contact = models.OneToOneField(
        Contact, verbose_name=_("記録"), null=True, blank=True, on_delete=models.SET_NULL, related_name="appointment"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PERSONAL_FIELDS = frozenset({"place", "notes"})

    class Meta:
        indexes = [models.Index(fields=["organisation", "status", "date"], name="appointment_org_status_date")]
        ordering = ["date", F("time").asc(nulls_first=True), "id"]
        verbose_name = _("予定")
        verbose_name_plural = _("予定")

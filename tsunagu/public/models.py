"""What residents see without logging in: each organisation's consultation window (相談窓口), and the
web consultations (Web相談) they send, which land in an organisation's intake queue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tsunagu.cases.models import AgeBand
from tsunagu.orgs.models import Organisation


class Way(models.TextChoices):
    """How a resident can consult a window (相談方法)."""

    PHONE = "phone", _("電話")
    EMAIL = "email", _("メール")
    OFFICE = "office", _("来所")
    HOME_VISIT = "home_visit", _("訪問")
    WEB = "web", _("Web")
    SNS = "sns", _("SNS")
    ONLINE = "online", _("オンライン")


class Want(models.TextChoices):
    """What a visitor of the finder wants; a window lists the ones it is good for."""

    TALK = "talk", _("話を聞いてほしい")
    PLACE = "place", _("居場所を探したい")
    WORK = "work", _("仕事のことを相談したい")
    FAMILY = "family", _("家族として支援を受けたい")


class Window(models.Model):
    organisation = models.OneToOneField(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="window"
    )
    name = models.CharField(_("窓口の名称"), max_length=120)
    # How residents say the municipality and the window (あおみし), folded (core.text.fold) for the search.
    reading = models.CharField(_("よみがな"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=40, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    hours = models.CharField(_("受付時間"), max_length=200, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    # Lists of Way / Want values; a JSON list keeps the multi-select one column on SQLite and PostgreSQL.
    ways = models.JSONField(_("相談の方法"), default=list, blank=True)
    topics = models.JSONField(_("得意な相談"), default=list, blank=True)
    note = models.TextField(_("ひとこと"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("最終更新"), auto_now=True, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        ordering = ["organisation__path"]
        verbose_name = _("相談窓口")
        verbose_name_plural = _("相談窓口")

    def __str__(self):
        return self.name

    def way_labels(self) -> list[str]:
        return [str(Way(value).label) for value in Way.values if value in self.ways]

    def topic_labels(self) -> list[str]:
        return [str(Want(value).label) for value in Want.values if value in self.topics]


class Writer(models.TextChoices):
    """Who wrote a web consultation; the values are cases.Consulter's, so a case takes them as they are."""

    PERSON = "person", _("本人")
    FAMILY = "family", _("家族")
    OTHER = "other", _("その他")


class ReplyMethod(models.TextChoices):
    EMAIL = "email", _("メールで返事がほしい")
    PHONE = "phone", _("電話で返事がほしい")
    NONE = "none", _("返事はいらない")


class ConsultationStatus(models.TextChoices):
    NEW = "new", _("未対応")
    CONVERTED = "converted", _("ケースにした")
    CLOSED = "closed", _("対応不要")


class WebConsultation(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("受付組織"), on_delete=models.PROTECT, related_name="web_consultations"
    )
    reference = models.CharField(_("受付番号"), max_length=20, unique=True)
    received_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    writer = models.CharField(_("書いた人"), max_length=10, choices=Writer.choices)
    age_band = models.CharField(_("ご本人の年代"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("お住まいの市区町村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("お名前"), max_length=100, blank=True)
    reply_method = models.CharField(_("返事の方法"), max_length=10, choices=ReplyMethod.choices)
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    message = models.TextField(_("相談内容"))
    status = models.CharField(
        _("状態"), max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.NEW
    )
    # A ForeignKey: a second consultation of the same person is added to the case it already has.
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=pgettext_lazy("one case", "ケース"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="web_consultations",
    )
    closed_reason = models.CharField(_("対応不要の理由"), max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("対応日時"), null=True, blank=True)

    PERSONAL_FIELDS = frozenset({"name", "email", "phone", "message"})

    class Meta:
        indexes = [models.Index(fields=["organisation", "status", "received_at"], name="webconsult_queue")]
        ordering = ["-received_at", "-id"]
        verbose_name = _("Web相談")
        verbose_name_plural = _("Web相談")

    def __str__(self):
        return self.reference


class SubmissionAddress(models.Model):
    """One row per sending address, locked while its submissions are counted, so two app servers
    cannot both let the fourth one through. Holds only a keyed hash, never the address."""

    address_hash = models.CharField(max_length=64, unique=True)


class Submission(models.Model):
    """An accepted web consultation from an address, for the rate limit; purged after a day."""

    address_hash = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address_hash", "at"], name="submission_address_at")]


class ConsultationReply(models.Model):
    """A reply staff sent by e-mail to the address a web consultation gave. The address stays on the
    consultation (only the receiving organisation reaches it); the reply keeps what was sent and by whom."""

    consultation = models.ForeignKey(WebConsultation, on_delete=models.CASCADE, related_name="replies")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("送信日時"), auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))

    PERSONAL_FIELDS = frozenset({"body"})

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("Web相談への返信")
        verbose_name_plural = _("Web相談への返信")

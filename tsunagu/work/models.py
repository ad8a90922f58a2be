"""就労体験・就労訓練: host businesses, placements of cases with them, the days worked, the allowance
rates in force on each day, budgets per fiscal year and the monthly payment lists (DOMAIN.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tsunagu.cases.models import Case
from tsunagu.core.models import EffectiveDated, EffectiveDatedQuerySet
from tsunagu.orgs.models import Organisation


class HostKind(models.TextChoices):
    FARM = "farm", _("農家")
    FACTORY = "factory", _("工場")
    SHOP = "shop", _("店舗")
    OFFICE = "office", _("事業所")
    WELFARE = "welfare", _("福祉施設")
    OTHER = "other", _("その他")


class Program(models.TextChoices):
    WORK_EXPERIENCE = "experience", _("就労体験")
    WORK_TRAINING = "training", _("就労訓練")
    WORKPLACE_EXPERIENCE = "workplace", _("職場体験")
    SOCIAL_EXPERIENCE = "social", _("社会体験")


class Outcome(models.TextChoices):
    EMPLOYED = "employed", _("就職")
    JOB_SEEKING = "seeking", _("求職活動")
    CONTINUING = "continuing", _("支援の継続")
    DISCONTINUED = "discontinued", _("中断")


class Payee(models.TextChoices):
    PARTICIPANT = "participant", _("利用者")
    HOST = "host", _("事業者")


class RateUnit(models.TextChoices):
    DAY = "day", _("日")
    HOUR = "hour", _("時間")


class Host(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("種類"), max_length=10, choices=HostKind.choices, default=HostKind.FARM)
    contact_person = models.CharField(_("担当者"), max_length=60, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    offers = models.TextField(_("体験できる仕事"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("受入先")
        verbose_name_plural = _("受入先")

    def __str__(self):
        return self.name


class Placement(models.Model):
    """A case placed with a host under a program, from a start to an end date, with an outcome."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    number = models.CharField(_("番号"), max_length=30)
    case = models.ForeignKey(
        Case, verbose_name=pgettext_lazy("one case", "ケース"), on_delete=models.CASCADE, related_name="placements"
    )
    host = models.ForeignKey(Host, verbose_name=_("受入先"), on_delete=models.PROTECT, related_name="placements")
    program = models.CharField(_("種別"), max_length=12, choices=Program.choices)
    start = models.DateField(_("開始日"))
    end = models.DateField(_("終了日"), null=True, blank=True)
    outcome = models.CharField(_("結果"), max_length=12, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="placement_number_per_org")]
        indexes = [models.Index(fields=["organisation", "start"], name="placement_org_start")]
        ordering = ["-start", "-id"]
        verbose_name = _("就労体験")
        verbose_name_plural = _("就労体験")

    def __str__(self):
        return f"{self.number} {self.get_program_display()}"


class WorkedDay(models.Model):
    """One day worked in a placement, with its hours. The organisation is copied from the placement so
    one indexed filter scopes and counts the days."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="days")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    date = models.DateField(_("日付"))
    hours = models.DecimalField(_("時間"), max_digits=4, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["placement", "date"], name="worked_day_once_per_date"),
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="worked_day_hours_in_a_day"),
        ]
        indexes = [
            models.Index(fields=["organisation", "date"], name="worked_day_org_date"),
            # The nation's report sums every organisation's days of a period from this index alone.
            models.Index(fields=["date", "placement", "organisation", "hours"], name="worked_day_date"),
        ]
        ordering = ["date"]
        verbose_name = _("就労実績")
        verbose_name_plural = _("就労実績")


class AllowanceRate(EffectiveDated):
    """手当単価: what one payee is paid per day or hour under a program, from a date; `value` is yen."""

    effective_key = ("organisation", "program", "payee")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    program = models.CharField(_("種別"), max_length=12, choices=Program.choices)
    payee = models.CharField(_("支払先"), max_length=12, choices=Payee.choices)
    unit = models.CharField(_("単位"), max_length=4, choices=RateUnit.choices)
    value = models.PositiveIntegerField(_("単価（円）"))
    cap_per_day = models.PositiveIntegerField(_("1日上限（円）"), null=True, blank=True)

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        constraints = [EffectiveDated.unique_key("organisation", "program", "payee", name="allowance_rate_key")]
        ordering = ["program", "payee", "applies_from"]
        verbose_name = _("手当単価")
        verbose_name_plural = _("手当単価")


class ProgramBudget(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    program = models.CharField(_("種別"), max_length=12, choices=Program.choices)
    fiscal_year = models.PositiveIntegerField(_("年度"))
    amount = models.PositiveBigIntegerField(_("予算額（円）"))
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "program", "fiscal_year"], name="program_budget_key")
        ]
        ordering = ["-fiscal_year", "program"]
        verbose_name = _("予算")
        verbose_name_plural = _("予算")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    APPROVED = "approved", _("承認")
    SETTLED = "settled", _("確定")


class PaymentList(models.Model):
    """The allowances of one month to one kind of payee. While 作成中 its lines follow the worked days;
    from 承認 on they are frozen, and a 確定 list never changes: a correction for its month becomes an
    adjustment line on the next list."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    month = models.DateField(_("月"))  # the first day of the month
    payee = models.CharField(_("支払先"), max_length=12, choices=Payee.choices)
    status = models.CharField(_("状態"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT)
    approved_by = models.CharField(_("承認者"), max_length=150, blank=True)
    approved_at = models.DateTimeField(_("承認日時"), null=True, blank=True)
    settled_by = models.CharField(_("確定者"), max_length=150, blank=True)
    settled_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "month", "payee"], name="payment_list_key")]
        ordering = ["-month", "payee"]
        verbose_name = _("支払一覧")
        verbose_name_plural = _("支払一覧")

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_payee_display()}"


class PaymentLine(models.Model):
    """One placement's allowance for one month (`for_month`): the list's own month, or an earlier
    settled month whose worked days changed afterwards (an adjustment: the new total less what was paid)."""

    payment_list = models.ForeignKey(PaymentList, on_delete=models.CASCADE, related_name="lines")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="+")
    for_month = models.DateField()
    days = models.IntegerField(_("日数"))
    hours = models.DecimalField(_("時間"), max_digits=7, decimal_places=2)
    rate = models.CharField(_("単価"), max_length=80)
    amount = models.IntegerField(_("金額（円）"))

    class Meta:
        ordering = ["for_month", "placement__number", "id"]

    @property
    def is_adjustment(self) -> bool:
        return self.for_month != self.payment_list.month

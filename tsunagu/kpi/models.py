"""KPIs: indicators of an organisation, their yearly targets (計画値), hand-entered actuals, multi-year
plans, and the thresholds that turn an achievement ratio into a progress judgement.

Values are decimals with one place: counts are whole numbers, survey results are percentages such as
65.3. Computed indicators keep no actuals here; they are read from the records (see indicators.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.orgs.models import Organisation

MANUAL = "manual"
VALUE_DIGITS = {"max_digits": 12, "decimal_places": 1}


class Indicator(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="kpi_indicators"
    )
    name = models.CharField(_("指標名"), max_length=120)
    unit = models.CharField(_("単位"), max_length=10)
    # A key of indicators.COMPUTED, or MANUAL for values entered by hand (surveys, counts kept elsewhere).
    source = models.CharField(_("実績値の取り方"), max_length=30)
    # A cohort (stats.cohorts key: 就職氷河期世代, 40代…) the computed figure is counted for; blank: everyone.
    cohort = models.CharField(_("対象者"), max_length=20, blank=True)
    monitoring = models.BooleanField(_("モニタリング指標（目標値を置かない）"), default=False)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    description = models.CharField(_("説明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="kpi_indicator_name_per_org")]
        ordering = ["order", "id"]
        verbose_name = _("指標")
        verbose_name_plural = _("指標")

    def __str__(self):
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.source == MANUAL


class Target(models.Model):
    """計画値 B of one indicator for one fiscal year (in a multi-year plan: that year's 増加分)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("計画値"), **VALUE_DIGITS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "fiscal_year"], name="kpi_target_per_year")]
        ordering = ["fiscal_year"]
        verbose_name = _("計画値")
        verbose_name_plural = _("計画値")


class EnteredValue(models.Model):
    """実績値 A entered by hand for an indicator that is not computed from the records."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="entered_values")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("実績値"), **VALUE_DIGITS)
    note = models.CharField(_("出典・メモ"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "fiscal_year"], name="kpi_entered_per_year")]
        ordering = ["fiscal_year"]
        verbose_name = _("手入力の実績値")
        verbose_name_plural = _("手入力の実績値")


class Plan(models.Model):
    """A multi-year KPI plan: a baseline before the project, and for each plan year an increment
    (増加分) kept as that year's Target. Its cumulative total is the sum of the increments over the
    plan period (the seeds' 計画期間中の増加分の累計: baseline 13; +5, +10, +5 → 20)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="plans")
    first_year = models.PositiveSmallIntegerField(_("初年度"))
    last_year = models.PositiveSmallIntegerField(_("最終年度"))
    baseline = models.DecimalField(_("基準値"), **VALUE_DIGITS)
    baseline_label = models.CharField(_("基準値の時点"), max_length=40, default="事業開始前（現時点）")
    # Stocks (窓口設置数) grow from the baseline: 13 + 20 = 33 at the end. Flows (相談件数) do not.
    adds_to_baseline = models.BooleanField(_("増加分を基準値に積み上げる"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        ordering = ["first_year"]
        verbose_name = _("複数年計画")
        verbose_name_plural = _("複数年計画")

    def __str__(self):
        return f"{self.indicator} {self.first_year}–{self.last_year}"

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


class JudgementLevel(models.Model):
    """One step of the progress judgement: ratios at or above min_ratio get this label. Rows without
    an organisation are the defaults; an organisation's own rows replace them for it and below it."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("組織"), null=True, blank=True, on_delete=models.CASCADE, related_name="kpi_levels"
    )
    label = models.CharField(_("進捗状況"), max_length=20)
    min_ratio = models.DecimalField(_("達成割合の下限（%）"), max_digits=6, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "label"], name="kpi_level_label_per_org"),
        ]
        ordering = ["-min_ratio"]
        verbose_name = _("進捗状況の区分")
        verbose_name_plural = _("進捗状況の区分")

    def __str__(self):
        return f"{self.label} ≥ {self.min_ratio}%"


class Measure(models.Model):
    """A 主な取組 of the PDCA verification sheet 様式1: its header and Plan, and up to three activity
    indicators (KPIs of the organisation) whose figures the sheet shows."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="pdca_measures"
    )
    name = models.CharField(_("主な取組"), max_length=120)
    policy = models.CharField(_("施策展開"), max_length=200, blank=True)
    policy_item = models.CharField(_("施策"), max_length=200, blank=True)
    sub_item = models.CharField(_("施策の小項目名"), max_length=200, blank=True)
    summary = models.CharField(_("取組の概要"), max_length=300, blank=True)
    issue = models.TextField(_("対応する主な課題"), blank=True)
    content = models.TextField(_("取組内容"), blank=True)
    implementer = models.CharField(_("実施主体"), max_length=60, blank=True)
    department = models.CharField(_("担当部課【連絡先】"), max_length=120, blank=True)
    budget_name = models.CharField(_("予算事業名"), max_length=120, blank=True)
    funding = models.CharField(_("主な財源"), max_length=60, blank=True)
    method = models.CharField(_("実施方法"), max_length=60, blank=True)
    indicators = models.ManyToManyField(Indicator, verbose_name=_("活動指標"), blank=True, related_name="measures")
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        ordering = ["id"]
        verbose_name = _("主な取組")
        verbose_name_plural = _("主な取組")

    def __str__(self):
        return self.name


class Budget(models.Model):
    """A measure's budget for one fiscal year in 千円: on the sheet of year Y, years up to Y−1 show as
    決算額, Y as 決算見込額 and Y+1 as 当初予算額."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="budgets")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.PositiveIntegerField(_("金額（千円）"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "fiscal_year"], name="pdca_budget_per_year")]
        ordering = ["fiscal_year"]
        verbose_name = _("予算・決算")
        verbose_name_plural = _("予算・決算")


SHEET_TEXTS = ["plan_text", "activity", "basis", "reflection", "check_text", "action"]


class SheetYear(models.Model):
    """The texts of a measure's sheet for one fiscal year, written on the page. Last year's Action
    (改善案) shows as this year's (2) これまでの改善案, beside its 反映状況 (reflection)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="sheet_years")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    plan_text = models.TextField(_("年度別計画"), blank=True)
    activity = models.TextField(_("活動概要"), blank=True)
    basis = models.TextField(_("進捗状況の判定根拠、要因及び取組の効果"), blank=True)
    reflection = models.TextField(_("反映状況"), blank=True)
    check_text = models.TextField(_("取組の検証（Check）"), blank=True)
    action = models.TextField(_("今後の取組方針・改善案（Action）"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "fiscal_year"], name="pdca_sheet_per_year")]
        verbose_name = _("検証票の記述")
        verbose_name_plural = _("検証票の記述")


class Program(models.TextChoices):
    """The pages of the yearly progress report (令和3年度の取組状況), in the seed's order."""

    CONSULTATION = "consultation", _("相談支援")
    PEER_SUPPORT = "peer_support", _("ピアサポート")
    EMPLOYMENT = "employment", _("就労支援")
    SAPOSUTE = "saposute", _("若者サポートステーション")
    CENTRE = "centre", _("ひきこもり地域支援センター")
    NETWORK = "network", _("地域支援（会議・ネットワーク）")
    TRAINING = "training", _("人材養成（研修）")
    AWARENESS = "awareness", _("普及啓発・広報")


class ReportPart(models.TextChoices):
    YEAR = "fy", _("年度")
    FIRST_HALF = "h1", _("上半期（4月〜9月）")
    SECOND_HALF = "h2", _("下半期（10月〜3月）")


class ProgressPage(models.Model):
    """What staff write on one page of an organisation's progress report for a period, and whose figures
    the page shows (an organisation of its subtree, such as the ピアサポートセンター; blank: the whole subtree)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="progress_pages"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    part = models.CharField(_("期間"), max_length=2, choices=ReportPart.choices)
    program = models.CharField(_("事業"), max_length=20, choices=Program.choices)
    source = models.ForeignKey(
        Organisation,
        verbose_name=_("数字を取る組織"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("取組の状況・課題と対策"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (core.versions)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year", "part", "program"], name="kpi_progress_page_per_period"
            )
        ]
        verbose_name = _("進捗報告のページ")
        verbose_name_plural = _("進捗報告のページ")

    def __str__(self):
        return f"{self.organisation} {self.fiscal_year} {self.part} {self.program}"

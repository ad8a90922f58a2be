"""就労支援 (employment support, サポステ): a case's registration at an organisation that supports work, the
STEP it reached with the date of each step, its 進路決定 and its end (DOMAIN.md "就労支援"), and each
organisation's yearly target of the 進路決定率.

A registration belongs to the organisation of its case (cases never leave their organisation), so the
statistics find it with the same organisation filter as contacts.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import Case, Referral
from tsunagu.orgs.models import Organisation


class Step(models.IntegerChoices):
    KNOW = 1, _("STEP1 知る・関心をもつ")
    INTAKE = 2, _("STEP2 初回面談・登録")
    PREPARE = 3, _("STEP3 就職に向けた支援")
    SEEK = 4, _("STEP4 就職に向けた支援（求職活動）")
    EMPLOYED = 5, _("STEP5 就職決定")


class Outcome(models.TextChoices):
    REGULAR = "regular", _("就職（正規）")
    NON_REGULAR = "non_regular", _("就職（非正規）")
    SCHOOL = "school", _("修学")
    TRAINING = "training", _("職業訓練")
    OTHER = "other", _("その他")


EMPLOYED_OUTCOMES = frozenset({Outcome.REGULAR, Outcome.NON_REGULAR})
DEFAULT_TARGET_PERCENT = 40


class Registration(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="employment_registrations")
    registered_on = models.DateField(_("登録日"))
    step = models.PositiveSmallIntegerField(_("STEP"), choices=Step.choices, default=Step.INTAKE)
    # The date each step was reached; STEP2 is the registration itself (its date is 登録日) and STEP5
    # the 進路決定日 of a job. A step reached without a known date (a ledger that gives only the STEP) has none.
    step1_on = models.DateField(_("STEP1の日付"), null=True, blank=True)
    step3_on = models.DateField(_("STEP3の日付"), null=True, blank=True)
    step4_on = models.DateField(_("STEP4の日付"), null=True, blank=True)
    decided_on = models.DateField(_("進路決定日"), null=True, blank=True)
    outcome = models.CharField(_("進路"), max_length=12, choices=Outcome.choices, blank=True)
    ended_on = models.DateField(_("終了日"), null=True, blank=True)
    origin_referral = models.ForeignKey(
        Referral, verbose_name=_("紹介元のつなぎ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("メモ"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "registered_on"], name="employment_registration_per_day")
        ]
        indexes = [
            models.Index(fields=["organisation", "registered_on"], name="employment_org_registered"),
            models.Index(fields=["organisation", "decided_on"], name="employment_org_decided"),
            # A contact is a use when a registration of its case at its organisation was open on its day:
            # the report matches each contact to one from this index alone.
            models.Index(fields=["case", "organisation", "registered_on", "ended_on"], name="employment_case_org_open"),
        ]
        ordering = ["-registered_on", "-id"]
        verbose_name = _("就労支援の登録")
        verbose_name_plural = _("就労支援の登録")

    def __str__(self):
        return f"{self.case.number} {self.registered_on.isoformat()}"

    def step_date(self, step: int):
        """The date the registration reached `step`, None when not reached or not known."""
        if step > self.step:
            return None
        if step == Step.INTAKE:
            return self.registered_on
        if step == Step.EMPLOYED:
            return self.decided_on
        return getattr(self, f"step{step}_on")

    @property
    def is_employed(self) -> bool:
        return self.outcome in EMPLOYED_OUTCOMES


class DecisionRateTarget(models.Model):
    """単年度進路決定率の目標 of one organisation for one fiscal year (40% when none is set)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    percent = models.DecimalField(_("目標（%）"), max_digits=4, decimal_places=1)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "fiscal_year"], name="employment_target_per_year")
        ]
        verbose_name = _("進路決定率の目標")
        verbose_name_plural = _("進路決定率の目標")

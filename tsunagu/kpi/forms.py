import unicodedata
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tsunagu.core.forms import FiscalYearField, field_message
from tsunagu.orgs.models import Organisation

from .actions import MAX_PLAN_YEARS
from .indicators import cohort_choices, source_choices
from .models import ReportPart


class AmountField(forms.DecimalField):
    """A number as people type it: full-width digits, thousands separators and a trailing ％ are fine."""

    def __init__(self, *, label, required=False, **kwargs):
        super().__init__(
            label=label,
            required=required,
            max_digits=12,
            decimal_places=1,
            min_value=Decimal(0),
            error_messages={
                "required": field_message(gettext_noop("%(field)sを入力してください。"), label),
                "invalid": field_message(gettext_noop("%(field)sは数で入力してください（例: 20、65.3）。"), label),
                "min_value": field_message(gettext_noop("%(field)sは0以上の数で入力してください。"), label),
                "max_decimal_places": field_message(gettext_noop("%(field)sの小数点以下は1桁までです。"), label),
                "max_digits": field_message(gettext_noop("%(field)sが大きすぎます。"), label),
                "max_whole_digits": field_message(gettext_noop("%(field)sが大きすぎます。"), label),
            },
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).replace(",", "").replace("%", "").strip()
        return super().to_python(value)


class IndicatorForm(forms.Form):
    name = forms.CharField(
        label=_("指標名"), max_length=120, error_messages={"required": _("指標名を入力してください。")}
    )
    unit = forms.CharField(
        label=_("単位"),
        max_length=10,
        required=False,
        help_text=_("例: 件、人、%、回。記録から計算する指標は空欄でもかまいません"),
    )
    source = forms.ChoiceField(label=_("実績値の取り方"))
    cohort = forms.ChoiceField(
        label=_("対象者"),
        required=False,
        help_text=_("記録から計算する指標を、就職氷河期世代や年代の人の記録だけで数えます"),
    )
    monitoring = forms.BooleanField(label=_("モニタリング指標（目標値を置かず、実績だけを見る）"), required=False)
    order = forms.IntegerField(
        label=_("表示順"),
        min_value=0,
        max_value=32767,
        initial=0,
        error_messages={
            "invalid": _("表示順は0以上の整数で入力してください。"),
            "min_value": _("表示順は0以上の整数で入力してください。"),
            "required": _("表示順を入力してください。"),
        },
    )
    description = forms.CharField(label=_("説明"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("有効（KPIの一覧に表示する）"), required=False, initial=True)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = source_choices()
        self.fields["cohort"].choices = cohort_choices()
        if not editing:
            del self.fields["is_active"]


class TargetForm(forms.Form):
    fiscal_year = FiscalYearField()
    value = AmountField(label=_("計画値"), help_text=_("空欄で保存するとその年度の計画値を削除します"))


class EnteredValueForm(forms.Form):
    fiscal_year = FiscalYearField()
    value = AmountField(label=_("実績値"), help_text=_("空欄で保存するとその年度の実績値を削除します"))
    note = forms.CharField(
        label=_("出典・メモ"), max_length=200, required=False, help_text=_("例: 県民意識調査（回答数 1,200）")
    )


class PlanForm(forms.Form):
    first_year = FiscalYearField(label=_("1年目の年度"))
    baseline = AmountField(label=_("基準値"), required=True)
    baseline_label = forms.CharField(
        label=_("基準値の時点"), max_length=40, initial="事業開始前（現時点）", required=False
    )
    adds_to_baseline = forms.BooleanField(
        label=_("増加分を基準値に積み上げる（設置数など、年々たまっていく指標）"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_PLAN_YEARS + 1):
            self.fields[f"increment_{n}"] = AmountField(
                label=_("%(n)d年目の増加分") % {"n": n},
                required=n == 1,
            )

    def clean(self):
        data = super().clean()
        values = [data.get(f"increment_{n}") for n in range(1, MAX_PLAN_YEARS + 1)]
        filled = [n for n, value in enumerate(values, start=1) if value is not None]
        if filled and filled != list(range(1, filled[-1] + 1)):
            gap = next(n for n in range(1, filled[-1] + 1) if n not in filled)
            self.add_error(
                f"increment_{gap}", _("%(n)d年目の増加分を入力してください（年は続けて入力します）。") % {"n": gap}
            )
        data["increments"] = [value for value in values if value is not None]
        return data


class LevelForm(forms.Form):
    """One judgement level. A row left blank is dropped, so a level is removed by clearing its row."""

    label = forms.CharField(label=_("進捗状況"), max_length=20, required=False)
    min_ratio = forms.DecimalField(
        label=_("達成割合の下限（%）"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal(0),
        required=False,
        error_messages={
            "invalid": _("達成割合の下限は数で入力してください（例: 80）。"),
            "min_value": _("達成割合の下限は0以上で入力してください。"),
            "max_decimal_places": _("達成割合の下限の小数点以下は1桁までです。"),
            "max_digits": _("達成割合の下限が大きすぎます。"),
            "max_whole_digits": _("達成割合の下限が大きすぎます。"),
        },
    )

    def clean(self):
        data = super().clean()
        label, bound = (data.get("label") or "").strip(), data.get("min_ratio")
        if label and bound is None and "min_ratio" not in self.errors:
            self.add_error("min_ratio", _("達成割合の下限を入力してください。"))
        if bound is not None and not label:
            self.add_error("label", _("進捗状況の名前を入力してください。"))
        return data


LevelFormSet = forms.formset_factory(LevelForm, extra=2, max_num=10)


class PeriodChoiceForm(forms.Form):
    """The fiscal year picker on the KPI page (GET)."""

    fy = FiscalYearField()


class SheetTextsForm(forms.Form):
    """The texts of a PDCA sheet 様式1 for one fiscal year, with the version the page was opened at."""

    plan_text = forms.CharField(label=_("年度別計画"), required=False, max_length=4000, widget=forms.Textarea)
    activity = forms.CharField(label=_("活動概要"), required=False, max_length=4000, widget=forms.Textarea)
    basis = forms.CharField(
        label=_("進捗状況の判定根拠、要因及び取組の効果"), required=False, max_length=4000, widget=forms.Textarea
    )
    reflection = forms.CharField(label=_("改善案の反映状況"), required=False, max_length=4000, widget=forms.Textarea)
    check_text = forms.CharField(label=_("取組の検証（Check）"), required=False, max_length=4000, widget=forms.Textarea)
    action = forms.CharField(
        label=_("今後の取組方針・改善案（Action）"), required=False, max_length=4000, widget=forms.Textarea
    )


class ProgressPeriodForm(forms.Form):
    """The period of the progress report (GET): a fiscal year, or its first or second half."""

    fy = FiscalYearField()
    part = forms.ChoiceField(label=_("期間"), choices=ReportPart.choices, initial=ReportPart.YEAR)


class ProgressPageForm(forms.Form):
    """One page's text and whose figures it shows, with the version the page was opened at."""

    source = forms.ModelChoiceField(
        label=_("数字を取る組織"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("（既定の組織）"),
        help_text=_("このページの数字を、どの組織（その下の組織を含む）の記録から取るか"),
    )
    text = forms.CharField(label=_("取組の状況・課題と対策"), required=False, max_length=8000, widget=forms.Textarea)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Organisation.objects.filter(path__startswith=organisation.path).order_by(
            "path"
        )

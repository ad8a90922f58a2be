from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.forms import JapaneseDateField
from tsunagu.core.templatetags.wareki import fiscal_year_label

from .models import Outcome, Step


class RegistrationForm(forms.Form):
    """A registration's fields; the rules between them are the domain's (domain.registration_errors)."""

    registered_on = JapaneseDateField(
        label=_("登録日"),
        help_text=_("STEP2 初回面談・登録の日"),
        error_messages={"required": _("「登録日」を入力してください。")},
    )
    step = forms.TypedChoiceField(label=_("到達したSTEP"), coerce=int, choices=Step.choices, initial=Step.INTAKE)
    step1_on = JapaneseDateField(label=_("STEP1 知る・関心をもつ の日付"), required=False)
    step3_on = JapaneseDateField(label=_("STEP3 の日付"), required=False)
    step4_on = JapaneseDateField(label=_("STEP4 の日付"), required=False)
    outcome = forms.ChoiceField(
        label=_("進路"), required=False, choices=[("", _("（未決定）"))] + list(Outcome.choices)
    )
    decided_on = JapaneseDateField(
        label=_("進路決定日"), required=False, help_text=_("就職が決まったときはSTEP5になります")
    )
    ended_on = JapaneseDateField(
        label=_("終了日"), required=False, help_text=_("進路決定の後も、定着支援が終わるまでは空欄のままにします")
    )
    notes = forms.CharField(
        label=_("メモ"), required=False, max_length=16_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TargetForm(forms.Form):
    percent = forms.DecimalField(
        label=_("単年度進路決定率の目標（%）"),
        max_digits=4,
        decimal_places=1,
        min_value=0.1,
        max_value=100,
        error_messages={
            "required": _("目標を入力してください。"),
            "invalid": _("目標は数字で入力してください（例: 40）。"),
        },
    )


class FunnelForm(forms.Form):
    """A GET form: the funnel of a fiscal year, or one of its halves."""

    fy = forms.TypedChoiceField(label=_("年度"), coerce=int)
    half = forms.TypedChoiceField(
        label=_("期間"),
        coerce=int,
        required=False,
        choices=[(0, _("年度全体")), (1, _("上半期（4月〜9月）")), (2, _("下半期（10月〜3月）"))],
    )

    def __init__(self, data, *, years, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["fy"].choices = [(year, fiscal_year_label(year)) for year in sorted(years, reverse=True)]

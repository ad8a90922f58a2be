from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core import wareki
from tsunagu.core.forms import FiscalYearField, JapaneseDateField, ModelChoiceField
from tsunagu.core.versions import VersionField
from tsunagu.orgs.rules import Actor

from .access import case_by_number, own_hosts
from .domain import day_field
from .models import HostKind, Outcome, Payee, Program, RateUnit


class HostForm(forms.Form):
    name = forms.CharField(
        label=_("名称"), max_length=120, error_messages={"required": _("「名称」を入力してください。")}
    )
    kind = forms.ChoiceField(label=_("種類"), choices=HostKind.choices)
    contact_person = forms.CharField(label=_("担当者"), max_length=60, required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=30, required=False)
    offers = forms.CharField(
        label=_("体験できる仕事"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例: 野菜の収穫と袋詰め、午前中のみ"),
    )


class PlacementForm(forms.Form):
    case = forms.CharField(label=_("ケース番号"), max_length=30)
    host = ModelChoiceField(label=_("受入先"), queryset=None, empty_label=None)
    program = forms.ChoiceField(label=_("種別"), choices=Program.choices)
    start = JapaneseDateField(label=_("開始日"), error_messages={"required": _("「開始日」を入力してください。")})
    end = JapaneseDateField(label=_("終了日"), required=False)
    outcome = forms.ChoiceField(label=_("結果"), choices=[("", _("（まだ）")), *Outcome.choices], required=False)

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["host"].queryset = own_hosts(actor)

    def clean_case(self):
        number = self.cleaned_data["case"].strip()
        case = case_by_number(self.actor, number)
        if case is None:
            raise forms.ValidationError(
                _("「ケース番号」%(number)s のケースはこの組織にありません。"), params={"number": number}
            )
        return case


def week_start(text: str | None, placement) -> date:
    """The Monday of the week asked for (?start=2024-05-13), else of the placement's latest worked day
    or its start."""
    try:
        on = date.fromisoformat(text) if text else None
    except ValueError:
        on = None
    if on is None or not date(1989, 1, 8) <= on <= date(2100, 1, 1):
        latest = placement.days.order_by("-date").values_list("date", flat=True).first()
        on = latest or placement.start
    return on - timedelta(days=on.weekday())


class WeekForm(forms.Form):
    """Seven days from a Monday, each with its hours (blank: not worked)."""

    version = VersionField()

    def __init__(self, *args, start: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.days = [start + timedelta(days=n) for n in range(7)]
        for on in self.days:
            self.fields[day_field(on)] = forms.DecimalField(
                label=wareki.format_date(on) + "（" + "月火水木金土日"[on.weekday()] + "）",
                required=False,
                min_value=0,
                max_value=24,
                decimal_places=2,
                max_digits=4,
                widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal", "class": "hours"}),
                error_messages={
                    "invalid": _("「時間」は数字で入力してください（例: 6 や 5.5）。"),
                    "max_value": _("「時間」は24以下で入力してください。"),
                    "min_value": _("「時間」は0以上で入力してください。"),
                    "max_digits": _("「時間」は24以下で入力してください。"),
                    "max_decimal_places": _("「時間」は小数2桁までで入力してください。"),
                },
            )

    def hours(self) -> dict:
        return {on: self.cleaned_data.get(day_field(on)) for on in self.days}


class RateForm(forms.Form):
    program = forms.ChoiceField(label=_("種別"), choices=Program.choices)
    payee = forms.ChoiceField(label=_("支払先"), choices=Payee.choices)
    unit = forms.ChoiceField(label=_("単位"), choices=RateUnit.choices)
    value = forms.IntegerField(label=_("単価（円）"), min_value=1, max_value=10_000_000)
    cap_per_day = forms.IntegerField(label=_("1日上限（円）"), min_value=1, max_value=10_000_000, required=False)
    applies_from = JapaneseDateField(label=_("適用開始日"))


class BudgetForm(forms.Form):
    program = forms.ChoiceField(label=_("種別"), choices=Program.choices)
    fiscal_year = FiscalYearField(label=_("年度"))
    amount = forms.IntegerField(label=_("予算額（円）"), min_value=0, max_value=10_000_000_000)


class PaymentListForm(forms.Form):
    month = JapaneseDateField(label=_("月"), help_text=_("その月のどの日でもかまいません（例: R6.5.1）"))
    payee = forms.ChoiceField(label=_("支払先"), choices=Payee.choices)


class ListStepForm(forms.Form):
    version = VersionField()

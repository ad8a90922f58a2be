"""The forms of the outreach pages. The rules are domain.py's (the actions call it); the forms only
read what was typed, with the same limits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.forms import FiscalYearField, JapaneseDateField, ModelChoiceField

from . import domain
from .access import case_by_number
from .models import ActivityKind, EventFormat, EventKind, EventStatus, MaterialKind, Supporter, SupporterStatus


def _count(label, limit, **kwargs):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=limit,
        required=False,
        error_messages={
            "invalid": _("整数で入力してください。"),
            "min_value": _("0以上で入力してください。"),
            "max_value": _("大きすぎます（%(limit_value)sまで）。"),
        },
        **kwargs,
    )


def _text(label, limit, *, required=False, **kwargs):
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        error_messages={
            "required": _("「%(field)s」を入力してください。") % {"field": label},
            "max_length": _("%(limit_value)s文字以内で入力してください。"),
        },
        **kwargs,
    )


class YearForm(forms.Form):
    """The 年度 a list shows (a search form: no one-time token)."""

    fy = FiscalYearField()


class EventForm(forms.Form):
    date = JapaneseDateField(label=_("日付"), error_messages={"required": _("「日付」を入力してください。")})
    kind = forms.ChoiceField(label=_("種別"), choices=EventKind.choices)
    name = _text(_("名称"), domain.EVENT_LIMITS["name"], required=True, help_text=_("例: ひきこもり支援者研修"))
    status = forms.ChoiceField(label=_("状態"), choices=EventStatus.choices, initial=EventStatus.HELD)
    format = forms.ChoiceField(
        label=_("形式"), choices=[("", _("（指定しない）")), *EventFormat.choices], required=False
    )
    audience = _text(_("対象"), domain.EVENT_LIMITS["audience"], help_text=_("例: 市町村職員、家族、一般"))
    participants = _count(_("参加人数"), domain.MAX_PARTICIPANTS, help_text=_("講師派遣は1回を1件と数えます"))
    number = _text(_("番号"), domain.EVENT_LIMITS["number"], help_text=_("台帳の番号。空欄なら自動でつけます"))
    is_public = forms.BooleanField(label=_("一般に公開する（公開ページのお知らせに出ます）"), required=False)
    start_time = forms.TimeField(
        label=_("開始時刻"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": _("「開始時刻」は 14:00 の形で入力してください。")},
    )
    place = _text(_("場所"), domain.EVENT_LIMITS["place"], help_text=_("公開するときは必須（Webだけなら空欄可）"))
    how_to_join = _text(
        _("参加・申込の方法"),
        domain.EVENT_LIMITS["how_to_join"],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例: 申込不要。当日会場へ。／ 電話 099-000-0000 で3日前までに申込み"),
    )


class MaterialForm(forms.Form):
    date = JapaneseDateField(label=_("日付"), error_messages={"required": _("「日付」を入力してください。")})
    kind = forms.ChoiceField(label=_("種別"), choices=MaterialKind.choices)
    name = _text(_("名称"), domain.MATERIAL_LIMITS["name"], required=True, help_text=_("例: 相談窓口ポスター"))
    made = _count(_("作成数"), domain.MAX_COPIES, help_text=_("SNS投稿は1投稿を1件として数えます"))
    distributed = _count(_("配布数"), domain.MAX_COPIES)
    distributed_to = _text(
        _("配布先"), domain.MATERIAL_LIMITS["distributed_to"], help_text=_("例: 市町村窓口、医療機関")
    )
    number = _text(_("番号"), domain.MATERIAL_LIMITS["number"], help_text=_("台帳の番号。空欄なら自動でつけます"))


class SupporterForm(forms.Form):
    name = _text(_("氏名"), domain.SUPPORTER_LIMITS["name"], required=True)
    status = forms.ChoiceField(label=_("状態"), choices=SupporterStatus.choices)
    status_from = JapaneseDateField(
        label=_("状態の変更日"), required=False, help_text=_("空欄なら今日。状態を変えたときだけ使います")
    )
    trained_on = JapaneseDateField(label=_("養成研修修了日"), required=False)
    number = _text(_("サポーター番号"), domain.SUPPORTER_LIMITS["number"], help_text=_("空欄なら自動でつけます"))


class ActivityForm(forms.Form):
    supporter = ModelChoiceField(label=_("サポーター"), queryset=Supporter.objects.none())
    date = JapaneseDateField(label=_("日付"), error_messages={"required": _("「日付」を入力してください。")})
    kind = forms.ChoiceField(label=_("種別"), choices=ActivityKind.choices)
    minutes = _count(_("時間（分）"), domain.MAX_MINUTES)
    case = forms.CharField(
        label=_("ケース番号"), max_length=30, required=False, help_text=_("ケースの支援だったとき（任意）")
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        org = actor.organisation
        self.fields["supporter"].queryset = Supporter.objects.filter(organisation=org).order_by("number")

    def clean_case(self):
        number = self.cleaned_data["case"].strip()
        if not number:
            return None
        case = case_by_number(self.actor, number)
        if case is None:
            raise forms.ValidationError(
                _("「ケース番号」%(number)s のケースは見つかりません。"), params={"number": number}
            )
        return case

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.cases.models import ReferralTarget
from tsunagu.core.forms import JapaneseDateField, ModelChoiceField
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.regions import municipalities, region_of
from tsunagu.orgs.rules import Actor

from .access import case_by_number
from .models import IbashoKind


class IbashoForm(forms.Form):
    name = forms.CharField(
        label=_("名称"), max_length=120, error_messages={"required": _("「名称」を入力してください。")}
    )
    kind = forms.ChoiceField(label=_("形態"), choices=IbashoKind.choices)
    municipality = ModelChoiceField(
        label=_("市区町村"), queryset=Organisation.objects.none(), required=False, empty_label=_("（指定しない）")
    )
    place = forms.CharField(
        label=_("場所"),
        max_length=200,
        required=False,
        help_text=_("例: 青海市民会館 2階 和室（オンラインだけのときは空欄でかまいません）"),
    )
    description = forms.CharField(
        label=_("説明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("どんな場所か、誰が来てよいか（2000文字まで）"),
    )
    is_public = forms.BooleanField(label=_("一般に公開する（公開ページの居場所一覧に出ます）"), required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        region = region_of(organisation)
        if region is not None:
            self.fields["municipality"].queryset = municipalities(region)


class EventForm(forms.Form):
    date = JapaneseDateField(label=_("日付"), error_messages={"required": _("「日付」を入力してください。")})
    start_time = forms.TimeField(
        label=_("開始時刻"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": _("「開始時刻」を入力してください。"),
            "invalid": _("「開始時刻」は 14:00 の形で入力してください。"),
        },
    )
    end_time = forms.TimeField(
        label=_("終了時刻"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": _("「終了時刻」は 16:00 の形で入力してください。")},
    )
    online = forms.BooleanField(label=_("オンラインで開催"), required=False)
    place = forms.CharField(
        label=_("場所"), max_length=200, required=False, help_text=_("空欄なら居場所の場所で開催します")
    )
    how_to_join = forms.CharField(
        label=_("参加のしかた"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例: 申し込み不要。途中参加・途中退出できます。オンラインはURLを電話でお伝えします。"),
    )
    is_public = forms.BooleanField(label=_("一般に公開する"), required=False)


class AttendanceForm(forms.Form):
    """One attendee: a case by its number, or a nickname, or 匿名. Which one is the action's rule
    (actions._validate_attendance); the form only finds the case."""

    case = forms.CharField(
        label=_("ケース番号"), max_length=30, required=False, help_text=_("支援しているケースの人（または家族）のとき")
    )
    nickname = forms.CharField(
        label=_("ニックネーム"), max_length=60, required=False, help_text=_("ケースではない人が名乗った呼び名")
    )
    anonymous = forms.BooleanField(label=_("匿名で参加"), required=False)
    target = forms.ChoiceField(
        label=_("参加した人"), choices=ReferralTarget.choices, initial=ReferralTarget.PERSON, widget=forms.RadioSelect
    )

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_case(self):
        number = self.cleaned_data["case"].strip()
        if not number:
            return None
        case = case_by_number(self.actor, number)
        if case is None:
            raise forms.ValidationError(
                _("「ケース番号」%(number)s のケースはこの組織にありません。"), params={"number": number}
            )
        return case

"""Forms of the meeting pages. They turn what was typed into values; the rules are domain.py's."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tsunagu.core.forms import FiscalYearField, JapaneseDateField, ModelChoiceField
from tsunagu.core.text import fold
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.regions import municipalities, region_of

from . import domain
from .models import MeetingFormat, MeetingKind, MeetingStatus


def tree_of(organisation: Organisation) -> Organisation:
    """Where attending bodies and counterparts are picked from: the region (prefecture or designated
    city) the organisation sits in, else its own subtree."""
    return region_of(organisation) or organisation


def find_body(organisation: Organisation, text: str) -> Organisation | None:
    """The organisation of the region whose code or whole name is `text` (in any width or kana), else None:
    a typed name that is an organisation of the tree is recorded as that organisation."""
    query = fold(text)
    if not query:
        return None
    for pk, code, name in Organisation.objects.filter(path__startswith=tree_of(organisation).path).values_list(
        "pk", "code", "name"
    ):
        if query in (fold(code), fold(name)):
            return Organisation.objects.get(pk=pk)
    return None


class MeetingForm(forms.Form):
    date = JapaneseDateField(label=_("日付"), error_messages={"required": _("「日付」を入力してください。")})
    kind = forms.ChoiceField(label=_("種別"), choices=MeetingKind.choices)
    name = forms.CharField(
        label=_("名称"),
        max_length=domain.LIMITS["name"],
        error_messages={"required": _("「名称」を入力してください。")},
        help_text=_("例: 中部地区ひきこもり支援連絡協議会"),
    )
    status = forms.ChoiceField(
        label=_("状態"), choices=MeetingStatus.choices, initial=MeetingStatus.HELD, widget=forms.RadioSelect
    )
    cancel_reason = forms.CharField(
        label=_("中止理由"),
        max_length=domain.LIMITS["cancel_reason"],
        required=False,
        help_text=_("中止のときは必ず入力してください（例: 緊急事態宣言の発出のため中止）"),
    )
    format = forms.ChoiceField(
        label=_("形式"), choices=MeetingFormat.choices, initial=MeetingFormat.IN_PERSON, widget=forms.RadioSelect
    )
    region = forms.CharField(
        label=_("地域・ブロック"),
        max_length=domain.LIMITS["region"],
        required=False,
        widget=forms.TextInput(attrs={"list": "region-suggestions", "autocomplete": "off"}),
        help_text=_("例: 中部、西部ブロック（これまでに入力したものから選べます）"),
    )
    municipality = ModelChoiceField(
        label=_("対象の市区町村"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("（指定しない）"),
    )
    supervision = forms.BooleanField(label=_("スーパーバイズを行った"), required=False)
    content = forms.CharField(
        label=_("内容"),
        max_length=domain.LIMITS["content"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("個人が特定される内容は書かないでください（4000文字まで）"),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities(tree_of(organisation))


class AttendanceForm(forms.Form):
    """One attending body: an organisation picked (its id) or a typed name, which is matched to an
    organisation of the region by code or whole name, else kept as an outside body."""

    body = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**62)
    body_name = forms.CharField(
        label=_("参加機関"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
        help_text=_("名称・よみ・コードで探して選ぶか、tsunaguにない機関は名称を入力してください"),
    )
    people = forms.IntegerField(
        label=_("人数"),
        min_value=1,
        max_value=domain.MAX_PEOPLE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"}),
        error_messages={
            "required": _("「人数」を入力してください。"),
            "invalid": _("「人数」は数字で入力してください。"),
            "min_value": _("「人数」は1以上にしてください。"),
            "max_value": _("「人数」が大きすぎます。"),
        },
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean(self):
        data = super().clean()
        body_id = data.get("body")
        tree = tree_of(self.organisation)
        if body_id:
            body = Organisation.objects.filter(pk=body_id, path__startswith=tree.path).first()
            if body is None:
                self.add_error("body_name", _("選んだ機関が見つかりません。もう一度選んでください。"))
            data["body"] = body
        else:
            data["body"] = find_body(self.organisation, data.get("body_name", ""))
        return data


class AttendancePeopleForm(forms.Form):
    people = AttendanceForm.base_fields["people"]


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("決定事項"), max_length=500, error_messages={"required": _("「決定事項」を入力してください。")}
    )
    owner = ModelChoiceField(
        label=_("担当者"), queryset=get_user_model().objects.none(), required=False, empty_label=_("（未定）")
    )
    due_on = JapaneseDateField(label=_("期限"), required=False)
    done_on = JapaneseDateField(label=_("完了日"), required=False, help_text=_("済んだら入力してください"))

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(memberships__organisation=organisation, memberships__is_active=True)
            .distinct()
            .order_by("username")
        )
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.username


class CaseLinkForm(forms.Form):
    case = forms.CharField(
        label=_("ケース番号"),
        max_length=30,
        error_messages={"required": _("「ケース番号」を入力してください。")},
        help_text=_("この組織のケース、またはこの組織との共有に同意のある他の組織のケース"),
    )


class PlanForm(forms.Form):
    fiscal_year = FiscalYearField()
    kind = forms.ChoiceField(label=_("種別"), choices=MeetingKind.choices)
    counterpart = ModelChoiceField(
        label=_("相手先（tsunaguの組織）"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("（名称を入力する）"),
    )
    counterpart_name = forms.CharField(
        label=_("相手先の名称"),
        max_length=120,
        required=False,
        help_text=_("組織を選ばないとき: 例 幡多福祉保健所管内、サポステ"),
    )
    planned = forms.IntegerField(
        label=_("予定回数"),
        min_value=1,
        max_value=domain.MAX_PLANNED,
        error_messages={
            "required": _("「予定回数」を入力してください。"),
            "invalid": _("「予定回数」は数字で入力してください。"),
            "min_value": _("「予定回数」は1以上にしてください。"),
            "max_value": _("「予定回数」が大きすぎます。"),
        },
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        tree = tree_of(organisation)
        self.fields["counterpart"].queryset = Organisation.objects.filter(
            path__startswith=tree.path, is_active=True
        ).order_by("path")


class ListFilterForm(forms.Form):
    fy = FiscalYearField(required=False)
    kind = forms.ChoiceField(label=_("種別"), choices=[("", _("すべて")), *MeetingKind.choices], required=False)
    status = forms.ChoiceField(label=_("状態"), choices=[("", _("すべて")), *MeetingStatus.choices], required=False)

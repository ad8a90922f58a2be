import json

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tsunagu.core.forms import ModelChoiceField

from .chooser import Resolution
from .models import ALLOWED_PARENT_KINDS, OrgKind, PartnerCategory, Role
from .usernames import validate_username


class OrganisationForm(forms.Form):
    code = forms.CharField(
        label=_("コード"),
        max_length=20,
        help_text=_("都道府県・市区町村は6桁の地方公共団体コード、その他は英数字の短いコード"),
    )
    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("種別"), choices=OrgKind.choices)
    category = ModelChoiceField(
        label=_("関係機関の区分"),
        queryset=PartnerCategory.objects.all(),
        required=False,
        help_text=_("種別が関係機関のときだけ選びます"),
    )

    is_active = forms.BooleanField(
        label=_("有効"),
        required=False,
        initial=True,
        help_text=_("無効にした組織の職員はその組織として作業できなくなります"),
    )

    def __init__(self, *args, parent_kind=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["is_active"]  # a new organisation starts active
        if parent_kind is not None:
            # Offer only the kinds that may sit under this parent.
            self.fields["kind"].choices = [
                (value, label)
                for value, label in OrgKind.choices
                if parent_kind in ALLOWED_PARENT_KINDS[OrgKind(value)]
            ]


class StaffAddForm(forms.Form):
    username = forms.CharField(
        label=_("ログイン名"),
        max_length=150,
        validators=[validate_username],
        help_text=_(
            "半角の英数字と . _ @ -。すでに別の組織で使っている人はそのログイン名を入力します。"
            "本人がログインして承諾すると職員になります"
        ),
    )
    full_name = forms.CharField(label=_("氏名"), max_length=150, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    role = forms.ChoiceField(label=_("役割"), choices=Role.choices)
    password = forms.CharField(
        label=_("初期パスワード"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("そのログイン名の利用者がまだいないときに使われます。12文字以上"),
    )


class StaffEditForm(forms.Form):
    role = forms.ChoiceField(label=_("役割"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("有効（ログインしてこの組織として作業できる）"), required=False)


class OrganisationChooserForm(forms.Form):
    """The 組織 field: a select over a small subtree, else a text field that takes a code or part of a
    name and, with htmx, lists the organisations that fit as one types. What the text comes to is
    worked out before the form (chooser.resolve); the form only reports it on the field."""

    org = forms.CharField(label=_("組織"), max_length=120, required=False)

    def __init__(self, data, *, resolution: Resolution, choices=None, page: str = ""):
        super().__init__(data)
        self.resolution = resolution
        field = self.fields["org"]
        if choices is not None:
            field.widget = forms.Select(choices=choices)
            return
        field.help_text = gettext("名前の一部かコードを入力すると候補が出ます（例: 横浜、141003）。")
        field.widget = forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "enterkeyhint": "search",
                "aria-controls": "org-results",
                "hx-get": reverse("org_search"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#org-results",
                "hx-include": "closest form",
                "hx-vals": json.dumps({"for": page}),
                "hx-sync": "this:replace",
            }
        )

    def clean_org(self) -> str:
        if self.resolution.org is None:
            raise ValidationError(self.resolution.error)
        return self.resolution.org.code


class TwoFactorPolicyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("二要素認証を必須にする役割（管理者は常に必須）"),
        choices=[(value, label) for value, label in Role.choices if value != Role.ADMIN],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class SmallCellForm(forms.Form):
    k = forms.IntegerField(
        label=_("小さな数の基準 k（人）"),
        help_text=_("空欄にすると既定の10人です。"),
        min_value=2,
        max_value=100,
        required=False,
        error_messages={
            "invalid": _("小さな数の基準 k は2以上100以下の整数で入力してください。"),
            "min_value": _("小さな数の基準 k は2以上100以下の整数で入力してください。"),
            "max_value": _("小さな数の基準 k は2以上100以下の整数で入力してください。"),
        },
    )

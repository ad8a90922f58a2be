from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tsunagu.core.forms import JapaneseDateField, ModelChoiceField

from .signing import MAX_BYTES, too_large

PERIODS = [("fy", _("年度")), ("h1", _("上半期（4〜9月）")), ("h2", _("下半期（10〜3月）"))]


class PeriodForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("年度（西暦）"), min_value=2000, max_value=2100)
    part = forms.ChoiceField(label=_("期間"), choices=PERIODS, initial="fy")


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("差戻しの理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ExceptionForm(forms.Form):
    user = ModelChoiceField(label=_("変更できる人"), queryset=get_user_model().objects.none())
    until = JapaneseDateField(label=_("期限"))
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["user"].queryset = (
                get_user_model()
                .objects.filter(
                    memberships__organisation__path__startswith=organisation.path, memberships__is_active=True
                )
                .distinct()
                .order_by("username")
            )


class SenderForm(forms.Form):
    code = forms.CharField(
        label=_("送る組織のコード"),
        max_length=20,
        error_messages={"required": _("送る組織のコードを入力してください。")},
    )
    name = forms.CharField(
        label=_("送る組織の名称"),
        max_length=200,
        error_messages={"required": _("送る組織の名称を入力してください。")},
    )
    public_key = forms.CharField(
        label=_("公開鍵 (Ed25519, PEM)"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        max_length=2000,
        error_messages={"required": _("送る組織の公開鍵を貼り付けてください。")},
        help_text=_("送る組織のtsunaguの「報告の提出と承認」のページに表示される公開鍵を、そのまま貼り付けます。"),
    )


class ReceivedFileForm(forms.Form):
    file = forms.FileField(
        label=_("署名付きの報告ファイル"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
        error_messages={"required": _("署名付きの報告ファイルを選んでください。")},
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:  # before reading a byte of it
            raise too_large()
        return upload.read()

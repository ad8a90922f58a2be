from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("確認コード"),
        max_length=40,
        help_text=_("認証アプリに表示される6桁の数字、またはリカバリーコード（XXXX-XXXX-XXXX-XXXX）"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )


class EnrolTotpForm(forms.Form):
    code = forms.CharField(
        label=_("認証アプリに表示された6桁の数字"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

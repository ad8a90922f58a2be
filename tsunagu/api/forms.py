from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.forms import JapaneseDateField

from .models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名前"), max_length=100, help_text=_("例: 市の基幹システム連携"))
    scopes = forms.MultipleChoiceField(
        label=_("範囲"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("読み取り・書き込みと、ケース記録・統計のどちらを扱うか"),
    )
    expires_on = JapaneseDateField(label=_("有効期限"), help_text=_("1年以内の日付（この日の終わりまで使えます）"))
    allowed_addresses = forms.CharField(
        label=_("使えるアドレス"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("IPアドレスかネットワーク（例: 192.0.2.0/24）を1行に1つ。空欄ならどこからでも"),
    )

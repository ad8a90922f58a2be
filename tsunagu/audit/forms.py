from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.forms import JapaneseDateField

from .labels import kind_choices


class AuditSearchForm(forms.Form):
    user = forms.CharField(label=_("職員（氏名・ログイン名）"), max_length=150, required=False)
    record = forms.CharField(label=_("対象（ID・名称）"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("操作の種類"), choices=kind_choices, required=False)
    date_from = JapaneseDateField(label=_("開始日"), required=False)
    date_to = JapaneseDateField(label=_("終了日"), required=False)
    denied_only = forms.BooleanField(label=_("拒否されたものだけ"), required=False)
    api_only = forms.BooleanField(label=_("APIトークンによる操作だけ"), required=False)
    token = forms.IntegerField(label=_("APIトークンの番号"), required=False, min_value=1, max_value=2**53)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("終了日は開始日より後にしてください。"))
        return data

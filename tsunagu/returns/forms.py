from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tsunagu.core.forms import JapaneseDateField, ModelChoiceField

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

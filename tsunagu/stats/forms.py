"""The choices on the statistics pages: which organisation (orgs.forms.OrganisationChooserForm, which the
KPI page shares), and which period or which fiscal years.

Both forms are GET forms: a report is a link that can be bookmarked or sent to a colleague.
"""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.core import wareki
from tsunagu.core.forms import JapaneseDateField
from tsunagu.core.templatetags.wareki import both_dates
from tsunagu.core.templatetags.wareki import fiscal_year_label as fiscal_year_text
from tsunagu.orgs.forms import OrganisationChooserForm

from . import cohorts
from .report import Period, other_organisation_problem

FY, HALF, RANGE = "fy", "half", "range"
MAX_TREND_YEARS = 15


def fiscal_year_choices(years) -> list[tuple[int, str]]:
    return [(year, fiscal_year_text(year)) for year in sorted(years, reverse=True)]


class ReportForm(OrganisationChooserForm):
    period = forms.ChoiceField(
        label=gettext_lazy("期間の決め方"),
        widget=forms.RadioSelect,
        choices=[
            (FY, gettext_lazy("年度")),
            (HALF, gettext_lazy("半期（上半期・下半期）")),
            (RANGE, gettext_lazy("日付で指定")),
        ],
    )
    fy = forms.TypedChoiceField(label=gettext_lazy("対象年度"), coerce=int)
    half = forms.TypedChoiceField(
        label=gettext_lazy("半期"),
        coerce=int,
        required=False,
        choices=[(1, gettext_lazy("上半期（4月〜9月）")), (2, gettext_lazy("下半期（10月〜3月）"))],
    )
    start = JapaneseDateField(
        label=gettext_lazy("開始日"), required=False, help_text=gettext_lazy("例: 2021/4/1、R3.4.1、令和3年4月1日")
    )
    end = JapaneseDateField(label=gettext_lazy("終了日"), required=False, help_text=gettext_lazy("この日を含みます"))
    cohort = forms.ChoiceField(
        label=gettext_lazy("対象者"),
        required=False,
        help_text=gettext_lazy(
            "ケースのある数字だけを、その日に対象者に当たる人の記録で数えます（会議などは含みません）"
        ),
    )

    def __init__(self, data, *, fiscal_years, acting=None, **organisation):
        super().__init__(data, **organisation)
        self.acting = acting  # the acting organisation: another one's figures need a month at least
        self.fields["fy"].choices = fiscal_year_choices(fiscal_years)
        self.fields["cohort"].choices = [("", _("全員"))] + [(c.key, c.key) for c in cohorts.cohorts()]

    def chosen_cohort(self) -> cohorts.Cohort | None:
        return cohorts.by_key(self.cleaned_data.get("cohort"))

    def _date(self, name: str):
        if name in self.errors:  # typed but not a date: the field's own message says why
            return None
        value = self.cleaned_data.get(name)
        if value is None:
            label = self.fields[name].label
            self.add_error(name, _("日付で指定するときは%(field)sを入力してください。") % {"field": label})
        return value

    def clean(self):
        data = super().clean()
        if data.get("period") == RANGE:
            start, end = self._date("start"), self._date("end")
            if start and end and end < start:
                self.add_error("end", _("終了日は開始日と同じか、それより後の日付にしてください。"))
            elif start and end and self.acting is not None and self.resolution.org is not None:
                if problem := other_organisation_problem(self.acting, self.resolution.org, Period(start, end)):
                    self.add_error("end", problem)
            data["start_date"], data["end_date"] = start, end
        elif data.get("period") == HALF and not data.get("half"):
            self.add_error("half", _("上半期か下半期を選んでください。"))
        return data

    def chosen_period(self) -> Period:
        data = self.cleaned_data
        if data["period"] == RANGE:
            return Period(data["start_date"], data["end_date"])
        if data["period"] == HALF:
            return Period(*wareki.half_year_range(data["fy"], data["half"]))
        return Period(*wareki.fiscal_year_range(data["fy"]))

    def period_label(self) -> str:
        """2021年度（令和3年度）, 2021年度（令和3年度）上半期, or the two dates in 西暦 and 和暦."""
        data = self.cleaned_data
        if data["period"] == RANGE:
            label = f"{both_dates(data['start_date'])}〜{both_dates(data['end_date'])}"
        else:
            label = fiscal_year_text(data["fy"])
            if data["period"] == HALF:
                label = f"{label} {dict(self.fields['half'].choices)[data['half']]}"
        if data.get("cohort"):  # the page's heading and the files' titles say whose figures these are
            label = _("%(period)s（%(cohort)s）") % {"period": label, "cohort": data["cohort"]}
        return label

    def query_string(self) -> str:
        """The chosen organisation and period as a query string, for the download links."""
        data = self.cleaned_data
        params = {"org": data["org"], "period": data["period"], "fy": data["fy"]}
        if data["period"] == HALF:
            params["half"] = data["half"]
        if data["period"] == RANGE:
            params.update(start=data["start_date"].isoformat(), end=data["end_date"].isoformat())
        if data.get("cohort"):
            params["cohort"] = data["cohort"]
        return urlencode(params)


class TrendsForm(OrganisationChooserForm):
    to = forms.TypedChoiceField(label=gettext_lazy("最後の年度"), coerce=int)
    years = forms.TypedChoiceField(label=gettext_lazy("年数"), coerce=int)

    def __init__(self, data, *, fiscal_years, acting=None, **organisation):
        super().__init__(data, **organisation)
        self.acting = acting  # the acting organisation: another one's figures need a month at least
        self.fields["to"].choices = fiscal_year_choices(fiscal_years)
        self.fields["years"].choices = [(n, _("%(n)d年間") % {"n": n}) for n in range(1, MAX_TREND_YEARS + 1)]

    def fiscal_years(self) -> list[int]:
        last, count = self.cleaned_data["to"], self.cleaned_data["years"]
        return list(range(last - count + 1, last + 1))

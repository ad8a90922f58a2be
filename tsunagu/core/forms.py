"""What every form page shares."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .versions import StaleEdit, stale_rows
from .wareki import DateParseError, current_fiscal_year, fiscal_year_label_both, format_date, parse_date


def apply_errors(form, error: ValidationError) -> None:
    """Show a domain function's ValidationError on the fields it names (others above the form),
    keeping what the person typed. A StaleEdit also leaves the other person's values in `form.stale`
    for the page to show beside what this person typed (stale.html)."""
    if isinstance(error, StaleEdit):
        form.stale = stale_rows(form, error.current)
    named = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for field, messages in named:
        form.add_error(field if field in form.fields else None, messages)


def field_message(template: str, label) -> str:
    """A message naming the field, translated when shown (the form classes are built at import)."""
    return lazy(lambda: gettext(template) % {"field": label}, str)()


def fiscal_year_choices(extra: int | None = None) -> list[tuple[int, str]]:
    """Ten years back and five ahead of the current fiscal year, labelled in 西暦 and 和暦."""
    now = current_fiscal_year()
    years = set(range(now - 10, now + 6)) | ({extra} if extra else set())
    return [(fy, fiscal_year_label_both(fy)) for fy in sorted(years)]


class FiscalYearField(forms.TypedChoiceField):
    """A fiscal year picked from those around this one (the KPI pages, the published figures)."""

    def __init__(self, *, label=_("年度"), extra=None, **kwargs):
        super().__init__(
            label=label,
            coerce=int,
            # A callable: the years and their labels are those of the request (the current fiscal year,
            # the active language), not of the moment the form class was imported.
            choices=lambda: fiscal_year_choices(extra),
            error_messages={
                "invalid_choice": field_message(gettext_noop("%(field)sを一覧から選んでください。"), label),
                "required": field_message(gettext_noop("%(field)sを選んでください。"), label),
            },
            **kwargs,
        )


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def understood_text(value: date) -> str:
    """ "2024年4月5日（令和6年4月5日）と読み取りました": what a typed date was taken to mean."""
    western = gettext("%(year)d年%(month)d月%(day)d日") % {"year": value.year, "month": value.month, "day": value.day}
    wareki = format_date(value)
    if wareki == western:  # before 明治 there is no 和暦 to show
        return gettext("%(western)sと読み取りました") % {"western": western}
    return gettext("%(western)s（%(wareki)s）と読み取りました") % {"western": western, "wareki": wareki}


class DateInput(forms.DateInput):
    """A text box that takes what people type (R6.4.5, 令和6年4月5日, 2024/4/5), a calendar beside it for
    those who prefer one (static/tsunagu/dates.js copies its day into the box), and, with htmx, the date
    it was understood as before the save (core.views.date_understood)."""

    input_type = "text"
    template_name = "core/widgets/date.html"

    def __init__(self, attrs=None):
        defaults = {"autocomplete": "off", "inputmode": "text", "class": "date-text", "size": "16"}
        super().__init__({**defaults, **(attrs or {})}, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        typed = widget["value"] or ""
        widget["iso"] = typed if _ISO.fullmatch(typed) else ""
        if typed:
            try:
                widget["understood"] = understood_text(parse_date(typed))
            except DateParseError:
                pass  # the field's own error says why
        widget["attrs"].setdefault("placeholder", gettext("例: 2024/4/5、R6.4.5"))
        widget["attrs"].update(
            {
                "hx-get": f"{reverse('date_understood')}?field={name}",
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{widget['attrs'].get('id', name)}_understood",
                "hx-swap": "innerHTML",
                "aria-describedby": " ".join(
                    filter(
                        None, [widget["attrs"].get("aria-describedby"), f"{widget['attrs'].get('id', name)}_understood"]
                    )
                ),
            }
        )
        return context


class JapaneseDateField(forms.DateField):
    """The one date field of every form: 2024-04-05, 2024/4/5, R6.4.5, 令和6年4月5日, H31.4.30, full-width
    digits and spaces (core.wareki.parse_date), refused with a Japanese message that says what is wrong.
    Plausible ranges are the domain's to decide (cases.rules), so imports and the API get them too."""

    widget = DateInput

    def __init__(self, *, placeholder=None, **kwargs):
        super().__init__(**kwargs)
        if placeholder is not None:
            self.widget.attrs["placeholder"] = placeholder

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except DateParseError as error:
            raise ValidationError(str(error), code="invalid") from None


# Past this an id is no row of ours; SQLite cannot even bind it (OverflowError, a server error).
_MAX_ID = 2**63 - 1


def _outside_ids(value) -> bool:
    text = str(value).strip()
    return text.lstrip("-").isdigit() and abs(int(text)) > _MAX_ID


class ModelChoiceField(forms.ModelChoiceField):
    """Django's, refusing as not offered an id larger than a database integer holds."""

    def to_python(self, value):
        if self.to_field_name is None and value not in self.empty_values and _outside_ids(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing as not offered an id larger than a database integer holds."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for each in value or ():
                if _outside_ids(each):
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(each)[:20]}
                    )
        return super()._check_values(value)

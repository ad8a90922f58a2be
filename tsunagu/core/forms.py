"""What every form page shares."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .versions import StaleEdit, stale_rows
from .wareki import current_fiscal_year, fiscal_year_label_both


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
            choices=fiscal_year_choices(extra),
            error_messages={
                "invalid_choice": field_message(gettext_noop("%(field)sを一覧から選んでください。"), label),
                "required": field_message(gettext_noop("%(field)sを選んでください。"), label),
            },
            **kwargs,
        )


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

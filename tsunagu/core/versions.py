"""Optimistic locking for every edit form: the form carries the version the person opened, the action
saves only if the row still has it, and a refusal carries what the other person saved so the page can
show both. Two people editing the same record never lose each other's work silently."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .wareki import format_date

STALE_MESSAGE = _(
    "この記録は、あなたが開いた後に他の人が保存しました。上書きしないよう保存を止めました。"
    "画面を開き直して最新の内容を確かめてから、もう一度入力してください。"
)
MISSING_MESSAGE = _(
    "この画面には、開いたときの記録の版がありません。上書きしないよう保存を止めました。"
    "画面を開き直してから、もう一度入力してください。"
)


class StaleEdit(ValidationError):
    """Somebody else saved the record after this person opened it (or the form did not say which
    version it was opened at). `current` holds the other person's values by field name."""

    def __init__(self, message=None, *, current: dict | None = None):
        super().__init__(message or STALE_MESSAGE, code="stale")
        self.current = current or {}


def current_values(obj: Model, fields) -> dict:
    """The saved values of `fields`, read afresh from the database (what the other person saved)."""
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return {}
    return {name: getattr(fresh, name) for name in fields}


def claim(obj: Model, version: int | None, *, fields=(), **values) -> None:
    """Move `obj` from `version` to the next one, with `values` saved in the same UPDATE; refuse with
    StaleEdit when the row has moved on. None means a caller that just loaded `obj` itself (code, not a
    form: forms refuse a missing version through VersionField). The UPDATE takes the row lock, so two
    concurrent saves from the same version cannot both pass."""
    expected = obj.version if version is None else version
    updated = type(obj)._base_manager.filter(pk=obj.pk, version=expected).update(version=F("version") + 1, **values)
    if not updated:
        raise StaleEdit(current=current_values(obj, fields))
    obj.version = expected + 1
    for name, value in values.items():
        setattr(obj, name, value)


class VersionField(forms.IntegerField):
    """The hidden version an edit form was opened at. Missing or malformed is refused like a stale one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault(
            "error_messages",
            dict.fromkeys(("required", "invalid", "min_value", "max_value", "step_size"), MISSING_MESSAGE),
        )
        super().__init__(min_value=0, max_value=2**31 - 1, **kwargs)


def _display(field, value) -> str:
    if value is None or value == "" or value == [] or value == ():
        return gettext("（なし）")
    if isinstance(value, bool):
        return gettext("はい") if value else gettext("いいえ")
    if isinstance(value, date):
        try:
            return f"{value.isoformat()}（{format_date(value)}）"
        except ValueError:  # outside the era table
            return value.isoformat()
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, (list, tuple, set)) or hasattr(value, "all"):
        items = list(value.all()) if hasattr(value, "all") else list(value)
        return "、".join(_display(field, item) for item in items) or gettext("（なし）")
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField):
        labels = {str(key): label for key, label in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    return str(value)


def stale_rows(form, current: dict) -> list[tuple[str, str]]:
    """(label, the other person's value) for each visible field of `form` that `current` knows."""
    rows = []
    for name, field in form.fields.items():
        if name in current and not field.widget.is_hidden:
            rows.append((str(field.label or name), _display(field, current[name])))
    return rows


def with_version(form):
    """Give an edit form its hidden version field (the forms are shared with the create pages, which
    have none). Returns the form."""
    form.fields["version"] = VersionField()
    return form

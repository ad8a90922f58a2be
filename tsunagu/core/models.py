"""Model bases shared by the apps, and the one table core keeps: the one-time tokens of create forms
(formtokens.py)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _


class EffectiveDatedQuerySet(models.QuerySet):
    """Queries over effective-dated rows: the row of a key in force on a date is the one with the latest
    `applies_from` on or before that date; before the first row, nothing is in force."""

    def in_force_on(self, on: date):
        """One row per key: the one in force on `on` (keys with no row yet in force are left out)."""
        keys = self.model.effective_key
        latest = (
            self.model._default_manager.filter(applies_from__lte=on, **{key: OuterRef(key) for key in keys})
            .order_by("-applies_from")
            .values("applies_from")[:1]
        )
        return self.filter(applies_from__lte=on, applies_from=Subquery(latest))

    def row_on(self, on: date, **key):
        """The row in force on `on` for the key given by keyword (all of `effective_key`), or None."""
        missing = set(self.model.effective_key) - set(key)
        if missing:
            raise TypeError(f"row_on() needs the whole key; missing {sorted(missing)}")
        return self.filter(applies_from__lte=on, **key).order_by("-applies_from").first()

    def value_on(self, on: date, default=None, **key):
        """The value in force on `on` for the key, or `default` before the first row."""
        row = self.row_on(on, **key)
        return row.value if row is not None else default


class EffectiveDated(models.Model):
    """A value with the date from which it applies (a rate, a unit price, a target): a new row from a
    date supersedes the previous one without rewriting it, so figures for past dates keep the value
    that was in force then.

    A concrete model names its key fields in `effective_key` and declares the uniqueness with
    `EffectiveDated.unique_key(...)` in its Meta constraints: no two rows with the same key and date.
    It may redeclare `value` with the field type it needs."""

    effective_key: tuple[str, ...] = ()

    value = models.DecimalField(_("値"), max_digits=14, decimal_places=4)
    applies_from = models.DateField(_("適用開始日"))

    objects = EffectiveDatedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["applies_from"]

    @staticmethod
    def unique_key(*fields: str, name: str) -> models.UniqueConstraint:
        return models.UniqueConstraint(
            fields=[*fields, "applies_from"],
            name=name,
            violation_error_message=_("同じ適用開始日の値がすでにあります。"),
        )


class FormToken(models.Model):
    """A create form that was saved: its one-time token and the page of the record it made, so the same
    form sent again (a double click, the back button) goes to that record instead of making another."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("送信済みフォーム")
        verbose_name_plural = _("送信済みフォーム")

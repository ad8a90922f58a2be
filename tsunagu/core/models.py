"""The one table core keeps: the one-time tokens of create forms (formtokens.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

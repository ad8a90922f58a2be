"""Records as JSON: what the pages show, with ids for the fields that name other records."""

from datetime import date, datetime, time
from decimal import Decimal

from django.db import models


def plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if hasattr(value, "all") and callable(value.all):
        return [plain(v) for v in value.all()]
    return value


def fields(obj, names) -> dict:
    return {name: plain(getattr(obj, name)) for name in names}

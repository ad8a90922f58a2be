"""Writing audit entries. Call log_action inside the transaction that makes the change."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models

from .models import AuditEntry

MASK = "***"


def _plain(value):
    """A JSON-safe rendering of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The current values of the named fields, for diff() after the change."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict, personal: frozenset[str] | set[str] = frozenset()) -> dict:
    """Changed fields as {field: [old, new]}; personal values are masked so the trail does not
    become a second copy of the personal data."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [MASK, MASK] if name in personal else [old, new]
    return changes


def log_action(
    actor,
    action: str,
    *,
    obj: models.Model | None = None,
    label: str = "",
    changes: dict | None = None,
    allowed: bool = True,
    organisation=None,
    username: str | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is an orgs.rules.Actor; `organisation` defaults to the acting one."""
    user = getattr(actor, "user", None)
    if username is None:
        username = user.get_username() if user is not None else getattr(actor, "label", "")
    return AuditEntry.objects.create(
        user=user if user is not None and user.pk else None,
        username=username or "",
        organisation=organisation if organisation is not None else getattr(actor, "organisation", None),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(label or (str(obj) if obj is not None else ""))[:200],
        ip=getattr(actor, "ip", None),
        allowed=allowed,
        changes=changes or {},
    )

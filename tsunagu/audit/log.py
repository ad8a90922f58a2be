"""Writing audit entries. Call log_action inside the transaction that makes the change."""

from datetime import date, datetime, time
from decimal import Decimal

from django.db import models

from .models import ActorKind, AuditEntry

MASK = "***"
# The user name of work no person does (orgs.rules.SystemActor): Django's user names cannot hold ":",
# so no account's entries can read like these.
SYSTEM_PREFIX = "system:"


def system_name(label: str) -> str:
    """The user name recorded for system work named `label` ("import-ledger" → "system:import-ledger")."""
    return f"{SYSTEM_PREFIX}{label}"


def typed_name(text: str) -> str:
    """A user name as someone typed it at the log-in, recorded so it can never read as system work."""
    return text.replace(":", "\uff1a")


def _plain(value):
    """A JSON-safe rendering of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (date, datetime, time)):
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


def keep_after_rollback(entry: AuditEntry) -> AuditEntry:
    """The entry, written again if the transaction it was written in has since been rolled back: a
    refusal inside a state change is undone with the change, but must stay in the trail."""
    if AuditEntry.objects.filter(pk=entry.pk).exists():
        return entry
    fields = {field.attname: getattr(entry, field.attname) for field in AuditEntry._meta.concrete_fields}
    del fields["id"]
    return AuditEntry.objects.create(**fields)


# organisation=NO_ORGANISATION writes an entry of no organisation, which no organisation's audit page
# shows (the account an invitation creates: its existence is nobody else's business).
NO_ORGANISATION = object()


def actor_kind(actor) -> str:
    if getattr(actor, "is_system", False):
        return ActorKind.SYSTEM
    return ActorKind.PERSON if actor.user is not None else ActorKind.ANONYMOUS


def _entry(actor, action, *, obj, label, changes, allowed, organisation, at=None) -> AuditEntry:
    user = actor.user
    if organisation is NO_ORGANISATION:
        organisation = None
    elif organisation is None:
        organisation = actor.organisation
    entry = AuditEntry(
        user=user if user is not None and user.pk else None,
        username=actor.audit_name,
        actor_kind=actor_kind(actor),
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(label or (str(obj) if obj is not None else ""))[:200],
        ip=actor.ip,
        allowed=allowed,
        changes=changes or {},
        via=getattr(actor, "via", "")[:40],
        via_label=getattr(actor, "via_label", "")[:100],
    )
    if at is not None:
        entry.at = at
    return entry


def log_action(
    actor,
    action: str,
    *,
    obj: models.Model | None = None,
    label: str = "",
    changes: dict | None = None,
    allowed: bool = True,
    organisation=None,
) -> AuditEntry:
    """Append one entry. `actor` is an orgs.rules.Actor: the entry records its user and user name
    (actor.audit_name: "system:LABEL" for system work) and its address; `organisation` defaults to the
    acting one."""
    entry = _entry(actor, action, obj=obj, label=label, changes=changes, allowed=allowed, organisation=organisation)
    entry.save(force_insert=True)
    return entry


def log_actions(actor, entries, *, organisation=None, batch_size: int = 500) -> list[AuditEntry]:
    """Append many entries of one actor at once (a ledger import writes one per case): each item of
    `entries` is a dict of log_action's keyword arguments (action, obj, label, changes). The entries
    are those log_action would write, inserted in bulk."""
    rows = [
        _entry(
            actor,
            item["action"],
            obj=item.get("obj"),
            label=item.get("label", ""),
            changes=item.get("changes"),
            allowed=item.get("allowed", True),
            organisation=item.get("organisation", organisation),
            at=item.get("at"),
        )
        for item in entries
    ]
    return AuditEntry.objects.bulk_create(rows, batch_size=batch_size)

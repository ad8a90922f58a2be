"""State changes of events, materials, supporters and their activities: each checks the actor,
validates through domain.py, refuses a locked period (orgs.periods.ensure_open), moves the row's
version (core.versions.claim) on an edit, and writes its audit entry in the same transaction."""

from datetime import date, time

from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_action, snapshot
from tsunagu.core.versions import claim
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.periods import ensure_open
from tsunagu.orgs.rules import Actor

from . import domain
from .access import WRITE_PERM
from .domain import ACTIVITY_FIELDS, EVENT_FIELDS, MATERIAL_FIELDS, SUPPORTER_FIELDS
from .models import Event, EventStatus, Material, Supporter, SupporterActivity, SupporterStatusChange


def _require(actor: Actor, organisation: Organisation) -> None:
    require(actor, WRITE_PERM, organisation, message=_("他の組織の記録は編集できません。"))


def _snapshot(obj, fields) -> dict:
    return {k: v.isoformat() if isinstance(v, time) else v for k, v in snapshot(obj, fields).items()}


def _number(model, organisation, values: dict, *, exclude_pk=None) -> str:
    number = (values.get("number") or "").strip()
    if not number:
        return domain.next_number(model, organisation, domain.NUMBER_PREFIX[model])
    domain.raise_if({"number": domain.number_taken_error(model, organisation, number, exclude_pk=exclude_pk)})
    return number


def _moved(organisation, before: date, after: date, *, actor: Actor) -> None:
    """A dated row moves: out of a locked period or into one, both are refused."""
    ensure_open(organisation, before, field="date", actor=actor)
    if after != before:
        ensure_open(organisation, after, field="date", actor=actor)


# --- events ----------------------------------------------------------------------------------------------


@state_change
def create_event(*, actor: Actor, organisation: Organisation, **values) -> Event:
    """Lock: the event's 日付."""
    _require(actor, organisation)
    values = domain.clean_event({"status": EventStatus.HELD, **values})
    values["number"] = _number(Event, organisation, values)
    ensure_open(organisation, values["date"], field="date", actor=actor)
    event = Event.objects.create(organisation=organisation, **{k: values.get(k) for k in EVENT_FIELDS})
    log_action(actor, "outreach.event_create", obj=event, changes=diff({}, _snapshot(event, EVENT_FIELDS)))
    return event


@state_change
def update_event(*, actor: Actor, event: Event, version: int | None = None, **values) -> Event:
    """Lock: the event's 日付, old and new."""
    _require(actor, event.organisation)
    before = _snapshot(event, EVENT_FIELDS)
    values = domain.clean_event({name: values.get(name, getattr(event, name)) for name in EVENT_FIELDS})
    values["number"] = (
        _number(Event, event.organisation, values, exclude_pk=event.pk) if values["number"] else event.number
    )
    _moved(event.organisation, event.date, values["date"], actor=actor)
    claim(event, version, fields=EVENT_FIELDS)
    for name in EVENT_FIELDS:
        setattr(event, name, values[name])
    event.save()
    log_action(actor, "outreach.event_update", obj=event, changes=diff(before, _snapshot(event, EVENT_FIELDS)))
    return event


# --- materials -------------------------------------------------------------------------------------------


@state_change
def create_material(*, actor: Actor, organisation: Organisation, **values) -> Material:
    """Lock: the material's 日付."""
    _require(actor, organisation)
    values = domain.clean_material(values)
    values["number"] = _number(Material, organisation, values)
    ensure_open(organisation, values["date"], field="date", actor=actor)
    material = Material.objects.create(organisation=organisation, **{k: values.get(k) for k in MATERIAL_FIELDS})
    log_action(actor, "outreach.material_create", obj=material, changes=diff({}, snapshot(material, MATERIAL_FIELDS)))
    return material


@state_change
def update_material(*, actor: Actor, material: Material, version: int | None = None, **values) -> Material:
    """Lock: the material's 日付, old and new."""
    _require(actor, material.organisation)
    before = snapshot(material, MATERIAL_FIELDS)
    values = domain.clean_material({name: values.get(name, getattr(material, name)) for name in MATERIAL_FIELDS})
    values["number"] = (
        _number(Material, material.organisation, values, exclude_pk=material.pk)
        if values["number"]
        else material.number
    )
    _moved(material.organisation, material.date, values["date"], actor=actor)
    claim(material, version, fields=MATERIAL_FIELDS)
    for name in MATERIAL_FIELDS:
        setattr(material, name, values[name])
    material.save()
    log_action(
        actor, "outreach.material_update", obj=material, changes=diff(before, snapshot(material, MATERIAL_FIELDS))
    )
    return material


# --- supporters ------------------------------------------------------------------------------------------

SUPPORTER_AUDIT_FIELDS = [*SUPPORTER_FIELDS, "status"]


def _set_status(supporter: Supporter, status: str, since: date) -> None:
    """Record the status from `since` (replacing that day's if there is one) and keep the roster's
    current status the latest one. The caller has checked the lock on `since` (the roster's registered
    count is the status in force on the period's last day)."""
    last = supporter.status_changes.order_by("-applies_from").values_list("applies_from", flat=True).first()
    domain.raise_if(domain.status_errors(status, since, last_change=last))
    SupporterStatusChange.objects.update_or_create(
        supporter=supporter,
        applies_from=since,
        defaults={"value": status, "organisation": supporter.organisation},
    )
    supporter.status = status


@state_change
def create_supporter(
    *, actor: Actor, organisation: Organisation, status: str, status_from: date | None = None, **values
) -> Supporter:
    """Add a supporter to the roster with a status from a date (default today)."""
    _require(actor, organisation)
    values = domain.clean_supporter(values)
    since = status_from or timezone.localdate()
    domain.raise_if(domain.status_errors(status, since, last_change=None))
    values["number"] = _number(Supporter, organisation, values)
    ensure_open(organisation, since, field="status_from", actor=actor)
    supporter = Supporter.objects.create(
        organisation=organisation, status=status, **{k: values.get(k) for k in SUPPORTER_FIELDS}
    )
    _set_status(supporter, status, since)
    log_action(
        actor,
        "outreach.supporter_create",
        obj=supporter,
        label=supporter.number,
        changes=diff(
            {},
            snapshot(supporter, SUPPORTER_AUDIT_FIELDS) | {"status_from": since.isoformat()},
            Supporter.PERSONAL_FIELDS,
        ),
    )
    return supporter


@state_change
def update_supporter(
    *,
    actor: Actor,
    supporter: Supporter,
    version: int | None = None,
    status: str | None = None,
    status_from: date | None = None,
    **values,
) -> Supporter:
    """Edit a supporter; a new status is recorded from `status_from` (default today)."""
    _require(actor, supporter.organisation)
    before = snapshot(supporter, SUPPORTER_AUDIT_FIELDS)
    values = domain.clean_supporter({name: values.get(name, getattr(supporter, name)) for name in SUPPORTER_FIELDS})
    values["number"] = (
        _number(Supporter, supporter.organisation, values, exclude_pk=supporter.pk)
        if values["number"]
        else supporter.number
    )
    changes_status = status is not None and status != supporter.status
    if changes_status:  # before the claim: a refusal leaves the supporter as it was
        ensure_open(supporter.organisation, status_from or timezone.localdate(), field="status_from", actor=actor)
    claim(supporter, version, fields=SUPPORTER_AUDIT_FIELDS)
    if changes_status:
        _set_status(supporter, status, status_from or timezone.localdate())
    for name in SUPPORTER_FIELDS:
        setattr(supporter, name, values[name])
    supporter.save()
    after = snapshot(supporter, SUPPORTER_AUDIT_FIELDS)
    if changes_status:
        after["status_from"] = (status_from or timezone.localdate()).isoformat()
    log_action(
        actor,
        "outreach.supporter_update",
        obj=supporter,
        label=supporter.number,
        changes=diff(before, after, Supporter.PERSONAL_FIELDS),
    )
    return supporter


# --- activities ------------------------------------------------------------------------------------------


def _activity_label(activity: SupporterActivity) -> str:
    # The trail names the supporter by number and the case by number, never by name.
    case = f" {activity.case.number}" if activity.case_id else ""
    return f"{activity.supporter.number} {activity.date:%Y-%m-%d} {activity.get_kind_display()}{case}"


def _duplicate_error(values: dict, exclude_pk=None) -> str | None:
    """The ledger's key of an activity is (supporter, date, kind, case): two rows alike would be one."""
    rows = SupporterActivity.objects.filter(
        supporter=values["supporter"], date=values["date"], kind=values["kind"], case=values.get("case")
    )
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    if rows.exists():
        return _("同じサポーター・日付・種別（・ケース）の活動がすでにあります。時間を足して1件にしてください。")
    return None


@state_change
def record_activity(*, actor: Actor, organisation: Organisation, **values) -> SupporterActivity:
    """Lock: the activity's 日付."""
    _require(actor, organisation)
    domain.raise_if(domain.activity_errors(values, organisation=organisation))
    domain.raise_if({"date": _duplicate_error(values)})
    ensure_open(organisation, values["date"], field="date", actor=actor)
    activity = SupporterActivity.objects.create(
        organisation=organisation, **{k: values.get(k) for k in ACTIVITY_FIELDS}
    )
    log_action(
        actor,
        "outreach.activity_create",
        obj=activity,
        label=_activity_label(activity),
        changes=diff({}, snapshot(activity, ACTIVITY_FIELDS)),
    )
    return activity


@state_change
def update_activity(
    *, actor: Actor, activity: SupporterActivity, version: int | None = None, **values
) -> SupporterActivity:
    """Lock: the activity's 日付, old and new."""
    _require(actor, activity.organisation)
    before = snapshot(activity, ACTIVITY_FIELDS)
    values = {name: values.get(name, getattr(activity, name)) for name in ACTIVITY_FIELDS}
    domain.raise_if(domain.activity_errors(values, organisation=activity.organisation))
    domain.raise_if({"date": _duplicate_error(values, exclude_pk=activity.pk)})
    _moved(activity.organisation, activity.date, values["date"], actor=actor)
    claim(activity, version, fields=ACTIVITY_FIELDS)
    for name in ACTIVITY_FIELDS:
        setattr(activity, name, values[name])
    activity.save()
    log_action(
        actor,
        "outreach.activity_update",
        obj=activity,
        label=_activity_label(activity),
        changes=diff(before, snapshot(activity, ACTIVITY_FIELDS)),
    )
    return activity

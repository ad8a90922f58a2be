"""State changes of 居場所, their events and attendance, each in one transaction with its audit entry."""

from datetime import time

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_action, snapshot
from tsunagu.cases import rules as case_rules
from tsunagu.cases.models import Case, ReferralTarget
from tsunagu.core.versions import claim
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.locks import lock_statistics
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.periods import ensure_open
from tsunagu.orgs.rules import Actor

from . import domain
from .access import WRITE_PERM
from .models import Attendance, Ibasho, IbashoEvent

IBASHO_FIELDS = ["name", "kind", "municipality", "place", "description", "is_public"]
EVENT_FIELDS = ["date", "start_time", "end_time", "place", "online", "how_to_join", "is_public"]


def _require(actor: Actor, organisation: Organisation) -> None:
    require(actor, WRITE_PERM, organisation, message=_("他の組織の居場所は編集できません。"))


def _validate_ibasho(values: dict) -> dict:
    errors = domain.ibasho_errors(values)
    if errors:
        raise ValidationError(errors)
    return {**values, "name": values["name"].strip(), "place": (values.get("place") or "").strip()}


@state_change
def create_ibasho(*, actor: Actor, organisation: Organisation, **values) -> Ibasho:
    _require(actor, organisation)
    values = _validate_ibasho(values)
    ibasho = Ibasho.objects.create(organisation=organisation, **{k: values[k] for k in IBASHO_FIELDS if k in values})
    log_action(
        actor, "ibasho.create", obj=ibasho, organisation=organisation, changes=diff({}, snapshot(ibasho, IBASHO_FIELDS))
    )
    return ibasho


@state_change
def update_ibasho(*, actor: Actor, ibasho: Ibasho, version: int | None = None, **values) -> Ibasho:
    """Edit a 居場所 opened at `version` (a stale one is refused with the saved values)."""
    _require(actor, ibasho.organisation)
    before = snapshot(ibasho, IBASHO_FIELDS)
    values = _validate_ibasho({name: values.get(name, getattr(ibasho, name)) for name in IBASHO_FIELDS})
    claim(ibasho, version, fields=IBASHO_FIELDS)
    for name in IBASHO_FIELDS:
        setattr(ibasho, name, values[name])
    ibasho.save()
    log_action(actor, "ibasho.update", obj=ibasho, changes=diff(before, snapshot(ibasho, IBASHO_FIELDS)))
    return ibasho


def _event_snapshot(event: IbashoEvent) -> dict:
    # Times are not JSON; the trail keeps them as "14:00:00".
    return {k: v.isoformat() if isinstance(v, time) else v for k, v in snapshot(event, EVENT_FIELDS).items()}


def _validate_event(values: dict, ibasho: Ibasho) -> dict:
    errors = {}
    if values.get("date") is None:
        errors["date"] = _("「日付」を入力してください。")
    elif problem := case_rules.record_date_error(values["date"]):
        errors["date"] = problem  # an opening may be planned ahead, up to a year
    if values.get("start_time") is None:
        errors["start_time"] = _("「開始時刻」を入力してください。")
    elif values.get("end_time") is not None and values["end_time"] <= values["start_time"]:
        errors["end_time"] = _("「終了時刻」は開始時刻より後にしてください。")
    place = (values.get("place") or "").strip()
    if not values.get("online") and not place and not ibasho.place:
        errors["place"] = _("「場所」を入力するか、「オンラインで開催」を選んでください。")
    if errors:
        raise ValidationError(errors)
    return {**values, "place": place, "how_to_join": (values.get("how_to_join") or "").strip()}


@state_change
def create_event(*, actor: Actor, ibasho: Ibasho, **values) -> IbashoEvent:
    """Lock: the session's 日付 (sessions and places count by it)."""
    _require(actor, ibasho.organisation)
    values = _validate_event(values, ibasho)
    ensure_open(ibasho.organisation, values["date"], field="date", actor=actor)
    event = IbashoEvent.objects.create(
        ibasho=ibasho, organisation=ibasho.organisation, **{k: v for k, v in values.items() if k in EVENT_FIELDS}
    )
    log_action(
        actor,
        "ibasho.event_create",
        obj=event,
        organisation=ibasho.organisation,
        label=str(event),
        changes=diff({}, _event_snapshot(event)),
    )
    return event


@state_change
def update_event(*, actor: Actor, event: IbashoEvent, version: int | None = None, **values) -> IbashoEvent:
    """Edit a session opened at `version` (a stale one is refused with the saved values). Lock: the session's 日付,
    old and new, when it moves (its attendances move with it)."""
    _require(actor, event.organisation)
    lock_statistics(event.organisation_id)  # a new date moves its attendances: orgs/locks.py
    before = _event_snapshot(event)
    values = _validate_event({name: values.get(name, getattr(event, name)) for name in EVENT_FIELDS}, event.ibasho)
    if values["date"] != event.date:
        # Moving a session moves its attendances: out of a locked period or into one, both are refused.
        ensure_open(event.organisation, event.date, field="date", actor=actor)
        ensure_open(event.organisation, values["date"], field="date", actor=actor)
    claim(event, version, fields=EVENT_FIELDS)
    for name in EVENT_FIELDS:
        setattr(event, name, values[name])
    event.save()
    if event.date.isoformat() != before["date"]:
        _follow_event_date(event)
    log_action(actor, "ibasho.event_update", obj=event, label=str(event), changes=diff(before, _event_snapshot(event)))
    return event


# --- attendance ------------------------------------------------------------------------------------------


def _lock_cases(case_ids) -> None:
    """Lock the cases whose firsts are about to be recomputed, in id order, so two sessions recording the
    same case wait for each other instead of both marking a first (on PostgreSQL; SQLite serialises
    writers anyway)."""
    list(Case.objects.select_for_update().filter(pk__in=sorted(case_ids)).order_by("pk").values_list("pk"))


_refresh_first = domain.refresh_first


def _follow_event_date(event: IbashoEvent) -> None:
    """An event moved to another day: its attendances move with it, and a case's first may change."""
    event.attendances.update(date=event.date)
    pairs = sorted(set(event.attendances.filter(case__isnull=False).values_list("case_id", "target")))
    _lock_cases({case_id for case_id, _target in pairs})
    for case_id, target in pairs:
        _refresh_first(case_id, target)


_attendance_snapshot = domain.attendance_snapshot


def _attendance_label(attendance: Attendance) -> str:
    return f"{attendance.case.number} {attendance.event}" if attendance.case_id else str(attendance.event)


def _validate_attendance(*, event: IbashoEvent, case: Case | None, target: str, nickname: str, anonymous: bool) -> str:
    """The nickname to store, or a ValidationError keyed by the form's field names."""
    errors = {}
    nickname = (nickname or "").strip()
    kinds = (case is not None) + bool(nickname) + bool(anonymous)
    if kinds == 0:
        errors[NON_FIELD_ERRORS] = _(
            "参加した人を「ケース番号」「ニックネーム」「匿名で参加」のどれかで入力してください。"
        )
    elif kinds > 1:
        errors[NON_FIELD_ERRORS] = _(
            "「ケース番号」「ニックネーム」「匿名で参加」は、どれか一つだけを入力してください。"
        )
    if target not in ReferralTarget.values:
        errors["target"] = _("「参加した人」は本人か家族を選んでください。")
    if case is not None:
        if case.organisation_id != event.organisation_id:
            errors["case"] = _("「ケース番号」のケースはこの組織のケースではありません。")
        elif event.attendances.filter(case=case, target=target).exists():
            errors["case"] = _("ケース%(number)sの%(target)sは、この開催にすでに記録されています。") % {
                "number": case.number,
                "target": ReferralTarget(target).label,
            }
    if errors:
        raise ValidationError(errors)
    return nickname


@state_change
def record_attendance(
    *,
    actor: Actor,
    event: IbashoEvent,
    case: Case | None = None,
    target: str = ReferralTarget.PERSON,
    nickname: str = "",
    anonymous: bool = False,
) -> Attendance:
    """Record one attendee of an event: a case of the organisation (本人 or 家族), a nickname, or 匿名. Lock: the
    session's date, which the attendance carries."""
    _require(actor, event.organisation)
    lock_statistics(event.organisation_id)  # before the case rows: orgs/locks.py
    if case is not None:
        _lock_cases([case.pk])
    nickname = _validate_attendance(event=event, case=case, target=target, nickname=nickname, anonymous=anonymous)
    ensure_open(event.organisation, event.date, actor=actor)
    attendance = Attendance.objects.create(
        event=event,
        organisation=event.organisation,
        date=event.date,
        case=case,
        target=target,
        nickname=nickname,
        anonymous=bool(anonymous),
    )
    _refresh_first(attendance.case_id, attendance.target)
    attendance.refresh_from_db(fields=["is_first"])
    log_action(
        actor,
        "ibasho.attendance_add",
        obj=attendance,
        organisation=event.organisation,
        label=_attendance_label(attendance),
        changes=diff({}, _attendance_snapshot(attendance), Attendance.PERSONAL_FIELDS),
    )
    return attendance


@state_change
def remove_attendance(*, actor: Actor, attendance: Attendance) -> None:
    """Remove an attendee recorded by mistake; the case's next attendance becomes its first. Lock: the attendance's
    (its session's) date."""
    _require(actor, attendance.organisation)
    lock_statistics(attendance.organisation_id)
    case_id, target = attendance.case_id, attendance.target
    ensure_open(attendance.organisation, attendance.date, actor=actor)
    if case_id is not None:
        _lock_cases([case_id])
    log_action(
        actor,
        "ibasho.attendance_remove",
        obj=attendance,
        organisation=attendance.organisation,
        label=_attendance_label(attendance),
        changes=diff(_attendance_snapshot(attendance), {}, Attendance.PERSONAL_FIELDS),
    )
    attendance.delete()
    _refresh_first(case_id, target)

"""State changes of 居場所 and their events, each in one transaction with its audit entry."""

from datetime import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_action, snapshot
from tsunagu.orgs.models import Organisation, OrgKind
from tsunagu.orgs.rules import Actor

from .access import WRITE_PERM
from .models import Ibasho, IbashoEvent, IbashoKind

IBASHO_FIELDS = ["name", "kind", "municipality", "place", "description", "is_public"]
EVENT_FIELDS = ["date", "start_time", "end_time", "place", "online", "how_to_join", "is_public"]


def _require(actor: Actor, organisation: Organisation) -> None:
    if not actor.can(WRITE_PERM):
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    if actor.organisation is not None and organisation != actor.organisation:
        raise PermissionDenied(_("他の組織の居場所は編集できません。"))


def _validate_ibasho(values: dict) -> dict:
    errors = {}
    if not (values.get("name") or "").strip():
        errors["name"] = _("「名称」を入力してください。")
    if values.get("kind") not in IbashoKind.values:
        errors["kind"] = _("「形態」を選んでください。")
    municipality = values.get("municipality")
    if municipality is not None and municipality.kind not in (OrgKind.MUNICIPALITY, OrgKind.DESIGNATED_CITY):
        errors["municipality"] = _("「市区町村」は市区町村を選んでください。")
    if values.get("kind") == IbashoKind.PHYSICAL and not (values.get("place") or "").strip():
        errors["place"] = _("リアルの居場所には「場所」を入力してください。")
    if errors:
        raise ValidationError(errors)
    return {**values, "name": values["name"].strip(), "place": (values.get("place") or "").strip()}


@transaction.atomic
def create_ibasho(*, actor: Actor, organisation: Organisation, **values) -> Ibasho:
    _require(actor, organisation)
    values = _validate_ibasho(values)
    ibasho = Ibasho.objects.create(organisation=organisation, **{k: values[k] for k in IBASHO_FIELDS if k in values})
    log_action(actor, "ibasho.create", obj=ibasho, organisation=organisation,
               changes=diff({}, snapshot(ibasho, IBASHO_FIELDS)))
    return ibasho


@transaction.atomic
def update_ibasho(*, actor: Actor, ibasho: Ibasho, **values) -> Ibasho:
    _require(actor, ibasho.organisation)
    before = snapshot(ibasho, IBASHO_FIELDS)
    values = _validate_ibasho({name: values.get(name, getattr(ibasho, name)) for name in IBASHO_FIELDS})
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


@transaction.atomic
def create_event(*, actor: Actor, ibasho: Ibasho, **values) -> IbashoEvent:
    _require(actor, ibasho.organisation)
    values = _validate_event(values, ibasho)
    event = IbashoEvent.objects.create(ibasho=ibasho, organisation=ibasho.organisation,
                                       **{k: v for k, v in values.items() if k in EVENT_FIELDS})
    log_action(actor, "ibasho.event_create", obj=event, organisation=ibasho.organisation, label=str(event),
               changes=diff({}, _event_snapshot(event)))
    return event


@transaction.atomic
def update_event(*, actor: Actor, event: IbashoEvent, **values) -> IbashoEvent:
    _require(actor, event.organisation)
    before = _event_snapshot(event)
    values = _validate_event({name: values.get(name, getattr(event, name)) for name in EVENT_FIELDS}, event.ibasho)
    for name in EVENT_FIELDS:
        setattr(event, name, values[name])
    event.save()
    log_action(actor, "ibasho.event_update", obj=event, label=str(event),
               changes=diff(before, _event_snapshot(event)))
    return event

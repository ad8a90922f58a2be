"""Access declarations for the 居場所 staff pages."""

from datetime import date, time

from tsunagu.cases.models import Case
from tsunagu.ibasho.models import Attendance, Ibasho, IbashoEvent
from tsunagu.orgs.rules import Perm

from ..access import UrlCase


def _ibasho(world, side):
    return {"pk": world[f"{side}_ibasho"].pk}


def _event(world, side):
    return {"pk": world[f"{side}_event"].pk}


def _attendance(world, side):
    return {"pk": world[f"{side}_attendance"].pk}


URL_CASES = [
    UrlCase("ibasho_list", Perm.VIEW_ORG, leak=lambda w: w["other_ibasho"].name),
    UrlCase("ibasho_add", Perm.EDIT_CASES, leak=lambda w: w["other_ibasho"].name),
    UrlCase("ibasho_detail", Perm.VIEW_ORG, kwargs=_ibasho),
    UrlCase(
        "ibasho_edit",
        Perm.EDIT_CASES,
        kwargs=_ibasho,
        post={"name": "書き換え", "kind": "online", "version": "1"},
        changed=lambda w: Ibasho.objects.filter(name="書き換え").exists(),
    ),
    UrlCase(
        "ibasho_event_add",
        Perm.EDIT_CASES,
        kwargs=_ibasho,
        post={"date": "2026-01-05", "start_time": "10:00", "online": "on"},
        changed=lambda w: IbashoEvent.objects.filter(date=date(2026, 1, 5)).exists(),
    ),
    UrlCase(
        "ibasho_event_edit",
        Perm.EDIT_CASES,
        kwargs=_event,
        post={"date": "2031-01-05", "start_time": "10:00", "online": "on", "version": "1"},
        changed=lambda w: IbashoEvent.objects.filter(date=date(2031, 1, 5)).exists(),
    ),
    # Who attended shows case numbers: reading it is reading case records.
    UrlCase("ibasho_event_detail", Perm.VIEW_CASES, kwargs=_event),
    UrlCase(
        "ibasho_attendance_add",
        Perm.EDIT_CASES,
        kwargs=_event,
        post={"nickname": "書き換え", "target": "person"},
        changed=lambda w: Attendance.objects.filter(nickname="書き換え").exists(),
    ),
    UrlCase(
        "ibasho_attendance_remove",
        Perm.EDIT_CASES,
        kwargs=_attendance,
        post={},
        changed=lambda w: not Attendance.objects.filter(pk=w["other_attendance"].pk).exists(),
    ),
]


def extend_world(world):
    for side in ("own", "other"):
        ibasho = Ibasho.objects.create(
            organisation=world[side], name=f"{side}-secret-ibasho", kind="physical", place="会館"
        )
        world[f"{side}_ibasho"] = ibasho
        event = world[f"{side}_event"] = IbashoEvent.objects.create(
            ibasho=ibasho, organisation=world[side], date=date(2029, 6, 1), start_time=time(14)
        )
        case = Case.objects.create(organisation=world[side], number=f"{side}-ibasho-case", opened_on=date(2029, 1, 1))
        world[f"{side}_attendance"] = Attendance.objects.create(
            event=event, organisation=world[side], date=event.date, case=case, is_first=True
        )

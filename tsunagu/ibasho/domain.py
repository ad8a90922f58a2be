"""The rules of 居場所 records in one place: validation and derived fields of 居場所, their sessions and
attendance. The actions (pages) and the ledger import (ledger/activities/ibasho.py, with the bulk
builders) call these, so a rule or a message changes here only.

Derived fields: an attendance copies its session's organisation and date, and is_first marks a case's
earliest attendance per target (the "connected" indicator counts it); refresh_first keeps it true.
"""

from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext as _

from tsunagu.cases import rules as case_rules
from tsunagu.cases.models import ReferralTarget
from tsunagu.orgs.models import Organisation, OrgKind

from .models import Attendance, Ibasho, IbashoEvent, IbashoKind

IBASHO_LIMITS = {"name": 120, "place": 200}
ATTENDANCE_LIMITS = {"nickname": 60}


def ibasho_errors(values: dict, *, place_required: bool = True) -> dict[str, str]:
    """{field: message}. A ledger row carries no 場所, so the import checks with place_required=False."""
    errors = {}
    if not (values.get("name") or "").strip():
        errors["name"] = _("「名称」を入力してください。")
    if values.get("kind") not in IbashoKind.values:
        errors["kind"] = _("「形態」を選んでください。")
    municipality = values.get("municipality")
    if municipality is not None and municipality.kind not in (OrgKind.MUNICIPALITY, OrgKind.DESIGNATED_CITY):
        errors["municipality"] = _("「市区町村」は市区町村を選んでください。")
    if place_required and values.get("kind") == IbashoKind.PHYSICAL and not (values.get("place") or "").strip():
        errors["place"] = _("リアルの居場所には「場所」を入力してください。")
    return errors


def attendance_date_error(on: date, *, today: date | None = None) -> str | None:
    """Somebody attended on a day that has come (a session ahead is planned, but nobody came yet)."""
    return case_rules.record_date_error(on, today=today, future=False)


def build_ibasho(*, organisation: Organisation, name: str, kind: str, municipality_id: int | None) -> Ibasho:
    return Ibasho(organisation=organisation, name=name.strip(), kind=kind, municipality_id=municipality_id)


def build_session(ibasho: Ibasho, on: date) -> IbashoEvent:
    """A session known only by its day (a ledger row): no start time, online when the 居場所 is."""
    return IbashoEvent(
        ibasho=ibasho, organisation_id=ibasho.organisation_id, date=on, online=ibasho.kind == IbashoKind.ONLINE
    )


def build_attendance(
    event: IbashoEvent, *, case_id: int | None, target: str = ReferralTarget.PERSON, nickname: str = ""
) -> Attendance:
    """One attendee: a case, else a nickname, else anonymous (DOMAIN.md: 匿名)."""
    nickname = "" if case_id else (nickname or "").strip()
    return Attendance(
        event=event,
        organisation_id=event.organisation_id,
        date=event.date,
        case_id=case_id,
        target=target,
        nickname=nickname,
        anonymous=not case_id and not nickname,
    )


def refresh_first(case_id: int | None, target: str) -> None:
    """Mark the earliest attendance (by date, then id) of a case for one target as its first, and no
    other row. Clear before set, so the partial unique constraint never sees two firsts; rows that
    keep their mark are not written."""
    if case_id is None:
        return
    rows = Attendance.objects.filter(case_id=case_id, target=target)
    first = rows.order_by("date", "id").values_list("pk", flat=True).first()
    rows.filter(is_first=True).exclude(pk=first).update(is_first=False)
    if first is not None:
        rows.filter(pk=first, is_first=False).update(is_first=True)


def refresh_firsts(pairs: Iterable[tuple[int, str]], *, chunk: int = 500) -> None:
    """refresh_first for many (case, target) pairs in a few queries (a ledger import): the rows of
    their cases read once, the marks that move cleared, then set."""
    wanted = set(pairs)
    case_ids = sorted({case_id for case_id, _target in wanted})
    first: dict[tuple[int, str], tuple] = {}
    marked = set()
    for start in range(0, len(case_ids), chunk):
        rows = Attendance.objects.filter(case_id__in=case_ids[start : start + chunk]).values_list(
            "id", "case_id", "target", "date", "is_first"
        )
        for pk, case_id, target, on, is_first in rows:
            if (case_id, target) not in wanted:
                continue
            if is_first:
                marked.add(pk)
            if (case_id, target) not in first or (on, pk) < first[(case_id, target)]:
                first[(case_id, target)] = (on, pk)
    firsts = {pk for _on, pk in first.values()}
    clear, mark = sorted(marked - firsts), sorted(firsts - marked)
    for start in range(0, len(clear), chunk):
        Attendance.objects.filter(pk__in=clear[start : start + chunk]).update(is_first=False)
    for start in range(0, len(mark), chunk):
        Attendance.objects.filter(pk__in=mark[start : start + chunk]).update(is_first=True)


def attendance_snapshot(attendance: Attendance) -> dict:
    """The fields that say who this attendee is: the case and whether it is its first, or the nickname
    (masked in the trail), or anonymous. Ids, read without loading the case (a bulk import)."""
    values = {"event": attendance.event_id, "date": attendance.date.isoformat(), "target": attendance.target}
    if attendance.case_id:
        values |= {"case": attendance.case_id, "is_first": attendance.is_first}
    elif attendance.nickname:
        values["nickname"] = attendance.nickname
    else:
        values["anonymous"] = attendance.anonymous
    return values

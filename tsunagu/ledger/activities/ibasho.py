"""The 居場所 and 居場所参加 sheets (DOMAIN.md), written through tsunagu.ibasho.domain.

居場所 rows are matched on 居場所名 within the organisation. A 居場所参加 row is one attendee of the
session of that 居場所 on that day (the session is made when the day has none): a case (ケース番号, of
the organisation or of this workbook), else a nickname, else 匿名. A case attends a session once per
対象, so its rows are keyed on (居場所名, 日付, ケース番号, 対象); nickname and anonymous rows are counted as
a multiset, like contacts: two 匿名 rows on one day are two people, and importing them again finds both.
"""

from collections import Counter, defaultdict

from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_actions, snapshot
from tsunagu.cases.models import Case, ReferralTarget
from tsunagu.ibasho import domain
from tsunagu.ibasho.models import Attendance, Ibasho, IbashoEvent, IbashoKind

from .. import mapping as m
from . import ActivitySheet, Counts

IBASHO, ATTENDANCE = "居場所", "居場所参加"
KINDS = m.Labels(IbashoKind.choices, default=IbashoKind.PHYSICAL)
ATTENDEE_TARGETS = m.Labels(ReferralTarget.choices, default=ReferralTarget.PERSON)
IBASHO_FIELDS = ["name", "kind", "municipality"]
CHUNK = 500


def _name(value) -> str:
    return m.parse_text(value, domain.IBASHO_LIMITS["name"])


def _ibasho_by_name(organisation) -> dict[str, Ibasho]:
    """The organisation's 居場所 by NFKC name; of two with one name, the older."""
    found: dict[str, Ibasho] = {}
    for ibasho in Ibasho.objects.filter(organisation=organisation).order_by("id"):
        found.setdefault(m.nfkc(ibasho.name), ibasho)
    return found


# --- 居場所 ------------------------------------------------------------------------------------------


def parse_ibasho(cells, ctx) -> dict:
    values = {
        "name": cells.take("name", _name),
        "kind": cells.take("kind", KINDS.parse),
        "municipality": cells.take("municipality", ctx.lookups.municipality),
    }
    if cells.ok:
        # The municipality is one already: Lookups finds nothing else.
        checked = {"name": values["name"], "kind": values["kind"] if cells.has("kind") else IbashoKind.PHYSICAL}
        for name, problem in domain.ibasho_errors(checked, place_required=False).items():
            cells.problem(name, problem)
    return {k: v for k, v in values.items() if cells.has(k)}


def apply_ibasho(rows, ctx) -> Counts:
    counts, existing = Counts(), _ibasho_by_name(ctx.organisation)
    new, changed, audit = [], [], []
    for row in rows:
        v = row.values
        municipality_id = v["municipality"].pk if v.get("municipality") is not None else None
        ibasho = existing.get(m.nfkc(v["name"]))
        if ibasho is None:
            ibasho = domain.build_ibasho(
                organisation=ctx.organisation,
                name=v["name"],
                kind=v.get("kind") or IbashoKind.PHYSICAL,
                municipality_id=municipality_id,
            )
            new.append(ibasho)
            existing[m.nfkc(v["name"])] = ibasho
            continue
        wanted = {}
        if "kind" in v:
            wanted["kind"] = v["kind"]
        if "municipality" in v:
            wanted["municipality_id"] = municipality_id
        if all(getattr(ibasho, k) == value for k, value in wanted.items()):
            counts.unchanged += 1
            continue
        before = snapshot(ibasho, IBASHO_FIELDS)
        for k, value in wanted.items():
            setattr(ibasho, k, value)
        ibasho.version += 1
        ibasho.updated_at = ctx.now
        changed.append(ibasho)
        audit.append(
            {"action": "ibasho.update", "obj": ibasho, "changes": diff(before, snapshot(ibasho, IBASHO_FIELDS))}
        )
    Ibasho.objects.bulk_create(new, batch_size=CHUNK)
    Ibasho.objects.bulk_update(changed, ["kind", "municipality_id", "version", "updated_at"], batch_size=CHUNK)
    audit += [
        {"action": "ibasho.create", "obj": ibasho, "changes": diff({}, snapshot(ibasho, IBASHO_FIELDS))}
        for ibasho in new
    ]
    log_actions(ctx.actor, audit, organisation=ctx.organisation, batch_size=CHUNK)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def export_ibasho(organisation) -> list[list]:
    lookups = m.Lookups(organisation)
    return [
        [m.clean_text(name), KINDS.label(kind), lookups.municipality_cell(municipality_id)]
        for name, kind, municipality_id in Ibasho.objects.filter(organisation=organisation)
        .order_by("name", "id")
        .values_list("name", "kind", "municipality_id")
    ]


# --- 居場所参加 --------------------------------------------------------------------------------------


def parse_attendance(cells, ctx) -> dict:
    values = {
        "name": cells.take("name", _name),
        "date": cells.take("date", m.parse_date_cell),
        "number": cells.take("number", m.parse_case_number, ""),
        "nickname": m.nfkc(
            cells.take("nickname", lambda v: m.parse_text(v, domain.ATTENDANCE_LIMITS["nickname"]), "") or ""
        ),
        "target": cells.take("target", ATTENDEE_TARGETS.parse, ReferralTarget.PERSON),
    }
    if not cells.ok:
        return values
    if values["date"] is not None and (problem := domain.attendance_date_error(values["date"], today=ctx.today)):
        cells.problem("date", problem)
    if values["number"] and values["nickname"]:
        cells.problem("nickname", _("「ケース番号」と「ニックネーム」は、どちらか一方だけを入力してください"))
    elif values["number"] and not ctx.case_known(values["number"]):
        cells.problem(
            "number", _("「%(number)s」はケースシートにもこの組織のケースにもありません") % {"number": values["number"]}
        )
    name = m.nfkc(values["name"])
    if name not in {m.nfkc(r.values["name"]) for r in ctx.rows.get(IBASHO, ())} and name not in ctx.memo(
        "ibasho_names", lambda: set(_ibasho_by_name(ctx.organisation))
    ):
        cells.problem(
            "name", _("「%(name)s」は居場所シートにもこの組織の居場所にもありません") % {"name": values["name"]}
        )
    return values


def attendance_key(values: dict) -> tuple | None:
    if not values["number"]:
        return None  # a nickname or 匿名: counted, not keyed
    return (m.nfkc(values["name"]), values["date"], values["number"], values["target"])


def apply_attendance(rows, ctx) -> Counts:
    counts = Counts()
    places = _ibasho_by_name(ctx.organisation)
    case_ids = ctx.case_ids()
    sessions: dict[tuple[int, object], IbashoEvent] = {}
    for event in IbashoEvent.objects.filter(organisation=ctx.organisation).order_by("id"):
        sessions.setdefault((event.ibasho_id, event.date), event)  # of two sessions on a day, the older
    # What is recorded, per 居場所 and day: a day with two sessions (entered on the pages) is one day here.
    cases_seen, others_seen = set(), defaultdict(Counter)
    for ibasho_id, on, case_id, target, nickname in Attendance.objects.filter(
        organisation=ctx.organisation
    ).values_list("event__ibasho_id", "date", "case_id", "target", "nickname"):
        if case_id:
            cases_seen.add((ibasho_id, on, case_id, target))
        else:
            others_seen[(ibasho_id, on)][(nickname, target)] += 1
    new_sessions, new_rows = [], []
    for row in rows:
        v = row.values
        ibasho = places[m.nfkc(v["name"])]
        day = (ibasho.pk, v["date"])
        case_id = case_ids[m.nfkc(v["number"])] if v["number"] else None
        if case_id and (*day, case_id, v["target"]) in cases_seen:
            counts.unchanged += 1
            continue
        if not case_id and others_seen[day][(v["nickname"], v["target"])] > 0:
            others_seen[day][(v["nickname"], v["target"])] -= 1
            counts.unchanged += 1
            continue
        if ctx.locked(ATTENDANCE, row.row, "日付", v["date"]):
            continue
        event = sessions.get(day)
        if event is None:
            event = domain.build_session(ibasho, v["date"])
            sessions[day] = event
            new_sessions.append(event)
        new_rows.append((event, case_id, v))
    IbashoEvent.objects.bulk_create(new_sessions, batch_size=CHUNK)
    pairs = {(case_id, v["target"]) for _event, case_id, v in new_rows if case_id}
    # Locked in id order, as record_attendance does, before their firsts are recomputed.
    list(
        Case.objects.select_for_update().filter(pk__in=sorted({c for c, _t in pairs})).order_by("pk").values_list("pk")
    )
    attendances = [
        domain.build_attendance(event, case_id=case_id, target=v["target"], nickname=v["nickname"])
        for event, case_id, v in new_rows
    ]
    Attendance.objects.bulk_create(attendances, batch_size=CHUNK)
    domain.refresh_firsts(pairs)
    firsts = set(
        Attendance.objects.filter(pk__in=[a.pk for a in attendances if a.case_id], is_first=True).values_list(
            "pk", flat=True
        )
    )
    for attendance in attendances:
        attendance.is_first = attendance.pk in firsts
    audit = [
        {
            "action": "ibasho.event_create",
            "obj": event,
            "label": f"{event.ibasho.name} {event.date:%Y-%m-%d}",
            "changes": diff({}, {"date": event.date.isoformat(), "online": event.online}),
        }
        for event in new_sessions
    ]
    audit += [
        {
            "action": "ibasho.attendance_add",
            "obj": attendance,
            "label": f"{v['number']} {attendance.event.ibasho.name} {attendance.date:%Y-%m-%d}".strip(),
            "changes": diff({}, domain.attendance_snapshot(attendance), Attendance.PERSONAL_FIELDS),
        }
        for attendance, (_event, _case_id, v) in zip(attendances, new_rows, strict=True)
    ]
    log_actions(ctx.actor, audit, organisation=ctx.organisation, batch_size=CHUNK)
    counts.created = len(attendances)
    return counts


def export_attendance(organisation) -> list[list]:
    query = Attendance.objects.filter(organisation=organisation).order_by("event__ibasho__name", "date", "id")
    return [
        [m.clean_text(name), on, number or "", nickname, ATTENDEE_TARGETS.label(target)]
        for name, on, number, nickname, target in query.values_list(
            "event__ibasho__name", "date", "case__number", "nickname", "target"
        )
    ]


SHEETS = [
    ActivitySheet(
        name=IBASHO,
        columns=(
            m.Column("居場所名", "name", required=True, key=True),
            m.Column("形態", "kind"),
            m.Column("市区町村", "municipality"),
        ),
        parse_row=parse_ibasho,
        apply=apply_ibasho,
        export=export_ibasho,
        key=lambda values: (m.nfkc(values["name"]),),
    ),
    ActivitySheet(
        name=ATTENDANCE,
        columns=(
            m.Column("居場所名", "name", required=True, key=True),
            m.Column("日付", "date", required=True, key=True),
            m.Column("ケース番号", "number", key=True),
            m.Column("ニックネーム", "nickname", key=True),
            m.Column("対象", "target"),
        ),
        parse_row=parse_attendance,
        apply=apply_attendance,
        export=export_attendance,
        key=attendance_key,
    ),
]

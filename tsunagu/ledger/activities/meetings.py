"""The 会議, 会議参加 and 会議予定 sheets (DOMAIN.md), checked by tsunagu.meetings.domain.

会議 rows are matched on 会議番号 within the organisation; 会議参加 rows on (会議番号, 参加機関), the body
being a tsunagu organisation (by code or name) or the name as typed; 会議予定 rows on (年度, 種別, 相手先).
A row whose record is stored with the same values is unchanged; other values update it.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_actions, snapshot
from tsunagu.core import wareki
from tsunagu.meetings import domain
from tsunagu.meetings.models import Attendance, Meeting, MeetingFormat, MeetingKind, MeetingStatus, Plan
from tsunagu.orgs.models import Organisation

from .. import mapping as m
from . import ActivitySheet, Counts

MEETING, ATTENDANCE, PLAN = "会議", "会議参加", "会議予定"
KINDS = m.Labels(MeetingKind.choices)
STATUSES = m.Labels(MeetingStatus.choices, default=MeetingStatus.HELD)
FORMATS = m.Labels(MeetingFormat.choices, default=MeetingFormat.IN_PERSON)
# Fields a 会議 row sets; a column the sheet lacks leaves the stored value alone on update.
MEETING_FIELDS = {
    "date": "date",
    "kind": "kind",
    "name": "name",
    "status": "status",
    "cancel_reason": "cancel_reason",
    "region": "region",
    "municipality": "municipality",
    "format": "format",
    "supervision": "supervision",
    "content": "content",
}
CHUNK = 500


def _number(value) -> str:
    return m.nfkc(m.parse_text(value, 30))


def _meetings(organisation) -> dict[str, Meeting]:
    return {m.nfkc(meeting.number): meeting for meeting in Meeting.objects.filter(organisation=organisation)}


def _problems(cells, error: ValidationError, fields: dict[str, str]) -> None:
    for name, messages in error.message_dict.items():
        cells.problem(fields.get(name, name), messages[0])


# --- 会議 ----------------------------------------------------------------------------------------------


def parse_meeting(cells, ctx) -> dict:
    values = {
        "number": cells.take("number", _number),
        "date": cells.take("date", m.parse_date_cell),
        "kind": cells.take("kind", KINDS.parse),
        "name": cells.take("name", lambda v: m.parse_text(v, domain.LIMITS["name"])),
        "status": cells.take("status", STATUSES.parse, MeetingStatus.HELD),
        "cancel_reason": cells.take("cancel_reason", lambda v: m.parse_text(v, domain.LIMITS["cancel_reason"]), ""),
        "region": cells.take("region", lambda v: m.parse_text(v, domain.LIMITS["region"]), ""),
        "municipality": cells.take("municipality", ctx.lookups.municipality),
        "format": cells.take("format", FORMATS.parse, MeetingFormat.IN_PERSON),
        "supervision": cells.take("supervision", m.parse_yes_no, False),
        "content": cells.take("content", lambda v: m.parse_text(v, domain.LIMITS["content"]), ""),
    }
    if cells.ok:
        try:
            cleaned = domain.clean_meeting({k: v for k, v in values.items() if k != "number"})
        except ValidationError as error:
            _problems(cells, error, {})
        else:
            values |= cleaned
    return values


def apply_meetings(rows, ctx) -> Counts:
    counts, existing = Counts(), _meetings(ctx.organisation)
    present = ctx.present[MEETING]
    new, changed, audit = [], [], []
    for row in rows:
        v = row.values
        meeting = existing.get(v["number"])
        wanted = {name: v[name] for name in MEETING_FIELDS if name in present or meeting is None}
        if "cancel_reason" not in present and meeting is not None and v["status"] != MeetingStatus.CANCELLED:
            wanted["cancel_reason"] = ""
        if meeting is not None and all(getattr(meeting, k) == value for k, value in wanted.items()):
            counts.unchanged += 1
            continue
        if ctx.locked(MEETING, row.row, "日付", v["date"], meeting.date if meeting else None):
            continue
        if meeting is None:
            meeting = Meeting(organisation=ctx.organisation, number=v["number"], **wanted)
            new.append(meeting)
            existing[v["number"]] = meeting
            continue
        before = snapshot(meeting, list(MEETING_FIELDS))
        for k, value in wanted.items():
            setattr(meeting, k, value)
        meeting.version += 1
        meeting.updated_at = ctx.now
        changed.append(meeting)
        audit.append(
            {
                "action": "meeting.update",
                "obj": meeting,
                "label": str(meeting),
                "changes": diff(before, snapshot(meeting, list(MEETING_FIELDS))),
            }
        )
    Meeting.objects.bulk_create(new, batch_size=CHUNK)
    Meeting.objects.bulk_update(changed, [*MEETING_FIELDS, "version", "updated_at"], batch_size=CHUNK)
    audit += [
        {
            "action": "meeting.create",
            "obj": meeting,
            "label": str(meeting),
            "changes": diff({}, snapshot(meeting, list(MEETING_FIELDS))),
        }
        for meeting in new
    ]
    log_actions(ctx.actor, audit, organisation=ctx.organisation, batch_size=CHUNK)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def export_meetings(organisation) -> list[list]:
    lookups = m.Lookups(organisation)
    return [
        [
            meeting.number,
            meeting.date,
            KINDS.label(meeting.kind),
            m.clean_text(meeting.name),
            STATUSES.label(meeting.status),
            meeting.cancel_reason,
            meeting.region,
            lookups.municipality_cell(meeting.municipality_id),
            FORMATS.label(meeting.format),
            m.yes_no(meeting.supervision),
            m.clean_text(meeting.content),
        ]
        for meeting in Meeting.objects.filter(organisation=organisation).order_by("date", "number", "id")
    ]


# --- 会議参加 ------------------------------------------------------------------------------------------


def _known_numbers(ctx) -> set[str]:
    return {r.values["number"] for r in ctx.rows.get(MEETING, ())} | ctx.memo(
        "meeting_numbers", lambda: set(_meetings(ctx.organisation))
    )


def parse_attendance(cells, ctx) -> dict:
    values = {
        "number": cells.take("number", _number),
        "body": cells.take("body", lambda v: ctx.counterparts.match(v, 120)),
        "people": cells.take("people", lambda v: m.parse_int(v, 1, domain.MAX_PEOPLE)),
    }
    if cells.ok and values["number"] not in _known_numbers(ctx):
        cells.problem(
            "number", _("「%(number)s」は会議シートにもこの組織の会議にもありません") % {"number": values["number"]}
        )
    if values.get("body") == (None, ""):
        cells.problem("body", _("入力が必要です"))
    return values


def apply_attendance(rows, ctx) -> Counts:
    counts, meetings = Counts(), _meetings(ctx.organisation)
    stored = {}
    for row in Attendance.objects.filter(meeting__organisation=ctx.organisation):
        stored[(row.meeting_id, row.body_id, "" if row.body_id else m.nfkc(row.body_name))] = row
    orgs = Organisation.objects.in_bulk({v["body"][0] for v in (r.values for r in rows) if v["body"][0]})
    new, changed, audit = [], [], []
    for row in rows:
        v = row.values
        meeting = meetings[v["number"]]
        body_id, typed = v["body"]
        found = stored.get((meeting.pk, body_id, typed))
        if found is not None and found.people == v["people"]:
            counts.unchanged += 1
            continue
        if ctx.locked(ATTENDANCE, row.row, "会議番号", meeting.date):
            continue
        name, people = domain.clean_attendance(body=orgs.get(body_id), body_name=typed, people=v["people"])
        if found is None:
            new.append(Attendance(meeting=meeting, body_id=body_id, body_name=name, people=people))
            change = diff({}, {"body": name, "people": people})
        else:
            change = diff({"body": name, "people": found.people}, {"body": name, "people": people})
            found.people = people
            changed.append(found)
        audit.append(
            {
                "action": "meeting.attendance_add" if found is None else "meeting.attendance_update",
                "obj": meeting,
                "label": str(meeting),
                "changes": change,
            }
        )
    Attendance.objects.bulk_create(new, batch_size=CHUNK)
    Attendance.objects.bulk_update(changed, ["people"], batch_size=CHUNK)
    log_actions(ctx.actor, audit, organisation=ctx.organisation, batch_size=CHUNK)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def export_attendance(organisation) -> list[list]:
    counterparts = m.Counterparts()
    return [
        [number, counterparts.cell(body_id, name), people]
        for number, body_id, name, people in Attendance.objects.filter(meeting__organisation=organisation)
        .order_by("meeting__date", "meeting__number", "id")
        .values_list("meeting__number", "body_id", "body_name", "people")
    ]


# --- 会議予定 ------------------------------------------------------------------------------------------


def parse_plan(cells, ctx) -> dict:
    values = {
        "year": cells.take("year", m.parse_fiscal_year),
        "kind": cells.take("kind", KINDS.parse),
        "counterpart": cells.take("counterpart", lambda v: ctx.counterparts.match(v, 120)),
        "planned": cells.take("planned", lambda v: m.parse_int(v, 1, domain.MAX_PLANNED)),
    }
    if cells.ok:
        body_id, typed = values["counterpart"]
        org = Organisation.objects.filter(pk=body_id).first() if body_id else None
        try:
            cleaned = domain.clean_plan(
                fiscal_year=values["year"],
                kind=values["kind"],
                counterpart=org,
                counterpart_name=typed,
                planned=values["planned"],
            )
        except ValidationError as error:
            _problems(cells, error, {"fiscal_year": "year", "counterpart_name": "counterpart"})
        else:
            values["cleaned"] = cleaned
    return values


def plan_key(values: dict) -> tuple:
    return (values["year"], values["kind"], values["counterpart"])


def apply_plans(rows, ctx) -> Counts:
    counts = Counts()
    stored = {
        (plan.fiscal_year, plan.kind, m.nfkc(plan.counterpart_name)): plan
        for plan in Plan.objects.filter(organisation=ctx.organisation)
    }
    new, changed, audit = [], [], []
    fields = ["fiscal_year", "kind", "counterpart", "counterpart_name", "planned"]
    for row in rows:
        c = row.values["cleaned"]
        plan = stored.get((c["fiscal_year"], c["kind"], m.nfkc(c["counterpart_name"])))
        if (
            plan is not None
            and plan.planned == c["planned"]
            and plan.counterpart_id == (c["counterpart"].pk if c["counterpart"] else None)
        ):
            counts.unchanged += 1
            continue
        # A plan counts in every period of its fiscal year (held against planned): any locked month refuses it.
        if ctx.locked_span(PLAN, row.row, "年度", *wareki.fiscal_year_range(c["fiscal_year"])):
            continue
        if plan is None:
            plan = Plan(organisation=ctx.organisation, **c)
            new.append(plan)
            stored[(c["fiscal_year"], c["kind"], m.nfkc(c["counterpart_name"]))] = plan
            continue
        before = snapshot(plan, fields)
        plan.planned, plan.counterpart = c["planned"], c["counterpart"]
        plan.version += 1
        changed.append(plan)
        audit.append({"action": "meeting.plan_update", "obj": plan, "changes": diff(before, snapshot(plan, fields))})
    Plan.objects.bulk_create(new, batch_size=CHUNK)
    Plan.objects.bulk_update(changed, ["planned", "counterpart", "version"], batch_size=CHUNK)
    audit += [
        {"action": "meeting.plan_create", "obj": plan, "changes": diff({}, snapshot(plan, fields))} for plan in new
    ]
    log_actions(ctx.actor, audit, organisation=ctx.organisation, batch_size=CHUNK)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def export_plans(organisation) -> list[list]:
    counterparts = m.Counterparts()
    order = {kind: i for i, kind in enumerate(MeetingKind.values)}
    plans = sorted(Plan.objects.filter(organisation=organisation), key=lambda p: (p.fiscal_year, order[p.kind], p.id))
    return [
        [
            m.fiscal_year_cell(plan.fiscal_year),
            KINDS.label(plan.kind),
            counterparts.cell(plan.counterpart_id, plan.counterpart_name),
            plan.planned,
        ]
        for plan in plans
    ]


SHEETS = [
    ActivitySheet(
        name=MEETING,
        columns=(
            m.Column("会議番号", "number", required=True, key=True),
            m.Column("日付", "date", required=True),
            m.Column("種別", "kind", required=True),
            m.Column("名称", "name", required=True),
            m.Column("状態", "status"),
            m.Column("中止理由", "cancel_reason"),
            m.Column("地域", "region"),
            m.Column("市区町村", "municipality"),
            m.Column("形式", "format"),
            m.Column("スーパーバイズ", "supervision"),
            m.Column("内容", "content"),
        ),
        parse_row=parse_meeting,
        apply=apply_meetings,
        export=export_meetings,
    ),
    ActivitySheet(
        name=ATTENDANCE,
        columns=(
            m.Column("会議番号", "number", required=True, key=True),
            m.Column("参加機関", "body", required=True, key=True),
            m.Column("人数", "people", required=True),
        ),
        parse_row=parse_attendance,
        apply=apply_attendance,
        export=export_attendance,
    ),
    ActivitySheet(
        name=PLAN,
        columns=(
            m.Column("年度", "year", required=True, key=True),
            m.Column("種別", "kind", required=True, key=True),
            m.Column("相手先", "counterpart", required=True, key=True),
            m.Column("予定回数", "planned", required=True),
        ),
        parse_row=parse_plan,
        apply=apply_plans,
        export=export_plans,
        key=plan_key,
    ),
]

"""The 研修・啓発, 広報, サポーター and サポーター活動 sheets (DOMAIN.md), checked by tsunagu.outreach.domain.

研修・啓発 and 広報 rows are matched on 番号 within the organisation, サポーター rows on サポーター番号; a
サポーター活動 row is one activity, keyed on (サポーター番号, 日付, 種別, ケース番号) as the pages key it too
(outreach.actions refuses a second activity alike). Values are the labels; a blank 状態 is 開催 for an
event and, for a new supporter, 登録. A supporter's status read from the sheet applies from its
養成研修修了日 when new, else from the day of the import (the history only grows forward).
"""

from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_actions, snapshot
from tsunagu.outreach import domain
from tsunagu.outreach.models import (
    ActivityKind,
    Event,
    EventFormat,
    EventKind,
    EventStatus,
    Material,
    MaterialKind,
    Supporter,
    SupporterActivity,
    SupporterStatus,
    SupporterStatusChange,
)

from .. import mapping as m
from . import ActivitySheet, Counts

EVENTS, MATERIALS, SUPPORTERS, ACTIVITIES = "研修・啓発", "広報", "サポーター", "サポーター活動"
EVENT_KINDS = m.Labels(EventKind.choices)
EVENT_STATUSES = m.Labels(EventStatus.choices, default=EventStatus.HELD)
FORMATS = m.Labels(EventFormat.choices, default="")
MATERIAL_KINDS = m.Labels(MaterialKind.choices)
SUPPORTER_STATUSES = m.Labels(SupporterStatus.choices)
ACTIVITY_KINDS = m.Labels(ActivityKind.choices)


def _number(value) -> str:
    return m.nfkc(m.parse_text(value, domain.EVENT_LIMITS["number"]))


def _text(limit):
    return lambda value: m.parse_text(value, limit)


def _problems(cells, errors: dict, fields) -> None:
    """The domain's messages on the columns the sheet has (else on 日付: a held event in the future
    with no 状態 column)."""
    for name, problem in errors.items():
        if problem and name in fields:
            cells.problem(name if cells.has(name) else "date", problem)


def _apply_simple(rows, ctx, *, sheet, model, fields, action):
    """Create or update rows matched on 番号 (研修・啓発, 広報): only the columns the sheet has change."""
    counts = Counts()
    existing = {m.nfkc(obj.number): obj for obj in model.objects.filter(organisation=ctx.organisation)}
    present = ctx.present[sheet]
    new, audit = [], []
    for row in rows:
        v = row.values
        obj = existing.get(v["number"])
        if obj is None:
            if ctx.locked(sheet, row.row, "日付", v["date"]):
                continue
            obj = model(organisation=ctx.organisation, **{k: v[k] for k in fields if k in v})
            new.append(obj)
            existing[v["number"]] = obj
            continue
        wanted = {k: v[k] for k in fields if k in present and k != "number"}
        if all(getattr(obj, k) == value for k, value in wanted.items()):
            counts.unchanged += 1
            continue
        if ctx.locked(sheet, row.row, "日付", obj.date, v.get("date", obj.date)):
            continue
        before = snapshot(obj, fields)
        for k, value in wanted.items():
            setattr(obj, k, value)
        obj.version += 1
        obj.save()
        counts.updated += 1
        audit.append({"action": f"{action}_update", "obj": obj, "changes": diff(before, snapshot(obj, fields))})
    model.objects.bulk_create(new)
    audit += [{"action": f"{action}_create", "obj": obj, "changes": diff({}, snapshot(obj, fields))} for obj in new]
    log_actions(ctx.actor, audit, organisation=ctx.organisation)
    counts.created = len(new)
    return counts


# --- 研修・啓発 --------------------------------------------------------------------------------------

EVENT_SHEET_FIELDS = ["number", "date", "kind", "name", "status", "format", "audience", "participants"]


def parse_event(cells, ctx) -> dict:
    values = {
        "number": cells.take("number", _number),
        "date": cells.take("date", m.parse_date_cell),
        "kind": cells.take("kind", EVENT_KINDS.parse),
        "name": cells.take("name", _text(domain.EVENT_LIMITS["name"])),
        "status": cells.take("status", EVENT_STATUSES.parse, EventStatus.HELD) or EventStatus.HELD,
        "format": cells.take("format", FORMATS.parse, "") or "",
        "audience": cells.take("audience", _text(domain.EVENT_LIMITS["audience"]), ""),
        "participants": cells.take("participants", lambda v: m.parse_int(v, 0, domain.MAX_PARTICIPANTS), 0) or 0,
    }
    if cells.ok:
        _problems(cells, domain.event_errors(values, today=ctx.today), EVENT_SHEET_FIELDS)
    return {k: v for k, v in values.items() if cells.has(k) or k in ("status", "participants", "format")}


def apply_events(rows, ctx) -> Counts:
    return _apply_simple(rows, ctx, sheet=EVENTS, model=Event, fields=EVENT_SHEET_FIELDS, action="outreach.event")


def export_events(organisation) -> list[list]:
    return [
        [
            event.number,
            event.date,
            EVENT_KINDS.label(event.kind),
            m.clean_text(event.name),
            EVENT_STATUSES.label(event.status),
            FORMATS.label(event.format),
            m.clean_text(event.audience),
            event.participants,
        ]
        for event in Event.objects.filter(organisation=organisation).order_by("number", "id")
    ]


# --- 広報 ------------------------------------------------------------------------------------------

MATERIAL_SHEET_FIELDS = ["number", "date", "kind", "name", "made", "distributed", "distributed_to"]


def parse_material(cells, ctx) -> dict:
    count = lambda v: m.parse_int(v, 0, domain.MAX_COPIES)  # noqa: E731
    values = {
        "number": cells.take("number", _number),
        "date": cells.take("date", m.parse_date_cell),
        "kind": cells.take("kind", MATERIAL_KINDS.parse),
        "name": cells.take("name", _text(domain.MATERIAL_LIMITS["name"])),
        "made": cells.take("made", count, 0) or 0,
        "distributed": cells.take("distributed", count, 0) or 0,
        "distributed_to": cells.take("distributed_to", _text(domain.MATERIAL_LIMITS["distributed_to"]), ""),
    }
    if cells.ok:
        _problems(cells, domain.material_errors(values, today=ctx.today), MATERIAL_SHEET_FIELDS)
    return {k: v for k, v in values.items() if cells.has(k) or k in ("made", "distributed")}


def apply_materials(rows, ctx) -> Counts:
    return _apply_simple(
        rows, ctx, sheet=MATERIALS, model=Material, fields=MATERIAL_SHEET_FIELDS, action="outreach.material"
    )


def export_materials(organisation) -> list[list]:
    return [
        [
            material.number,
            material.date,
            MATERIAL_KINDS.label(material.kind),
            m.clean_text(material.name),
            material.made,
            material.distributed,
            m.clean_text(material.distributed_to),
        ]
        for material in Material.objects.filter(organisation=organisation).order_by("number", "id")
    ]


# --- サポーター --------------------------------------------------------------------------------------


def parse_supporter(cells, ctx) -> dict:
    values = {
        "number": cells.take("number", _number),
        "name": cells.take("name", _text(domain.SUPPORTER_LIMITS["name"])),
        "status": cells.take("status", SUPPORTER_STATUSES.parse),
        "trained_on": cells.take("trained_on", m.parse_date_cell),
    }
    if cells.ok:
        _problems(cells, domain.supporter_errors(values, today=ctx.today), ["name", "trained_on"])
    return {k: v for k, v in values.items() if cells.has(k)}


def _supporters(organisation) -> dict[str, Supporter]:
    return {m.nfkc(s.number): s for s in Supporter.objects.filter(organisation=organisation)}


SUPPORTER_AUDIT = ["number", "name", "status", "trained_on"]


def apply_supporters(rows, ctx) -> Counts:
    counts, existing, audit = Counts(), _supporters(ctx.organisation), []
    last_change = dict(
        SupporterStatusChange.objects.filter(organisation=ctx.organisation)
        .order_by("supporter_id", "applies_from")
        .values_list("supporter_id", "applies_from")
    )
    for row in rows:
        v = row.values
        supporter = existing.get(v["number"])
        if supporter is None:
            status = v.get("status") or SupporterStatus.REGISTERED
            since = v.get("trained_on") if status == SupporterStatus.REGISTERED and v.get("trained_on") else ctx.today
            if ctx.locked(SUPPORTERS, row.row, "状態", since):
                continue
            supporter = Supporter.objects.create(
                organisation=ctx.organisation,
                number=v["number"],
                name=v["name"],
                status=status,
                trained_on=v.get("trained_on"),
            )
            SupporterStatusChange.objects.create(
                supporter=supporter, organisation=ctx.organisation, value=status, applies_from=since
            )
            existing[v["number"]] = supporter
            counts.created += 1
            audit.append(
                {
                    "action": "outreach.supporter_create",
                    "obj": supporter,
                    "label": supporter.number,
                    "changes": diff({}, snapshot(supporter, SUPPORTER_AUDIT), Supporter.PERSONAL_FIELDS),
                }
            )
            continue
        wanted = {k: v[k] for k in ("name", "trained_on") if k in v}
        new_status = v.get("status")
        changes_status = new_status is not None and new_status != supporter.status
        if not changes_status and all(getattr(supporter, k) == value for k, value in wanted.items()):
            counts.unchanged += 1
            continue
        before = snapshot(supporter, SUPPORTER_AUDIT)
        if changes_status:
            problem = domain.status_errors(
                new_status, ctx.today, last_change=last_change.get(supporter.pk), today=ctx.today
            ).get("status_from")
            if problem:
                ctx.cell_error(SUPPORTERS, row.row, "状態", problem)
                continue
            if ctx.locked(SUPPORTERS, row.row, "状態", ctx.today):
                continue
            SupporterStatusChange.objects.update_or_create(
                supporter=supporter,
                applies_from=ctx.today,
                defaults={"value": new_status, "organisation": ctx.organisation},
            )
            supporter.status = new_status
        for k, value in wanted.items():
            setattr(supporter, k, value)
        supporter.version += 1
        supporter.save()
        counts.updated += 1
        audit.append(
            {
                "action": "outreach.supporter_update",
                "obj": supporter,
                "label": supporter.number,
                "changes": diff(before, snapshot(supporter, SUPPORTER_AUDIT), Supporter.PERSONAL_FIELDS),
            }
        )
    log_actions(ctx.actor, audit, organisation=ctx.organisation)
    return counts


def export_supporters(organisation) -> list[list]:
    return [
        [s.number, m.clean_text(s.name), SUPPORTER_STATUSES.label(s.status), s.trained_on]
        for s in Supporter.objects.filter(organisation=organisation).order_by("number", "id")
    ]


# --- サポーター活動 ----------------------------------------------------------------------------------


def parse_activity(cells, ctx) -> dict:
    values = {
        "number": cells.take("number", _number),
        "date": cells.take("date", m.parse_date_cell),
        "kind": cells.take("kind", ACTIVITY_KINDS.parse),
        "minutes": cells.take("minutes", lambda v: m.parse_int(v, 0, domain.MAX_MINUTES)),
        "case": cells.take("case", m.parse_case_number, "") or "",
    }
    if not cells.ok:
        return values
    if problem := domain.activity_date_error(values["date"], today=ctx.today):
        cells.problem("date", problem)
    if values["case"] and not ctx.case_known(values["case"]):
        cells.problem(
            "case", _("「%(number)s」はケースシートにもこの組織のケースにもありません") % {"number": values["case"]}
        )
    listed = {r.values["number"] for r in ctx.rows.get(SUPPORTERS, ())}
    if values["number"] not in listed and values["number"] not in ctx.memo(
        "supporter_numbers", lambda: set(_supporters(ctx.organisation))
    ):
        cells.problem(
            "number",
            _("「%(number)s」はサポーターシートにもこの組織のサポーターにもありません") % {"number": values["number"]},
        )
    return values


ACTIVITY_AUDIT = ["supporter", "date", "kind", "minutes", "case"]


def apply_activities(rows, ctx) -> Counts:
    counts, supporters, case_ids = Counts(), _supporters(ctx.organisation), ctx.case_ids()
    stored = {
        (a.supporter_id, a.date, a.kind, a.case_id): a
        for a in SupporterActivity.objects.filter(organisation=ctx.organisation)
    }
    new, audit = [], []
    for row in rows:
        v = row.values
        supporter = supporters[v["number"]]
        case_id = case_ids[v["case"]] if v["case"] else None
        activity = stored.get((supporter.pk, v["date"], v["kind"], case_id))
        if activity is not None:
            if "minutes" not in ctx.present[ACTIVITIES] or activity.minutes == v["minutes"]:
                counts.unchanged += 1
                continue
            if ctx.locked(ACTIVITIES, row.row, "日付", v["date"]):
                continue
            before = snapshot(activity, ACTIVITY_AUDIT)
            activity.minutes = v["minutes"]
            activity.version += 1
            activity.save()
            counts.updated += 1
            audit.append(
                {
                    "action": "outreach.activity_update",
                    "obj": activity,
                    "changes": diff(before, snapshot(activity, ACTIVITY_AUDIT)),
                }
            )
            continue
        if ctx.locked(ACTIVITIES, row.row, "日付", v["date"]):
            continue
        new.append(
            SupporterActivity(
                supporter=supporter,
                organisation=ctx.organisation,
                date=v["date"],
                kind=v["kind"],
                minutes=v["minutes"],
                case_id=case_id,
            )
        )
    SupporterActivity.objects.bulk_create(new)
    audit += [
        {"action": "outreach.activity_create", "obj": a, "changes": diff({}, snapshot(a, ACTIVITY_AUDIT))} for a in new
    ]
    log_actions(ctx.actor, audit, organisation=ctx.organisation)
    counts.created = len(new)
    return counts


def export_activities(organisation) -> list[list]:
    query = SupporterActivity.objects.filter(organisation=organisation).order_by(
        "supporter__number", "date", "kind", "id"
    )
    return [
        [number, on, ACTIVITY_KINDS.label(kind), minutes, case_number or ""]
        for number, on, kind, minutes, case_number in query.values_list(
            "supporter__number", "date", "kind", "minutes", "case__number"
        )
    ]


SHEETS = [
    ActivitySheet(
        name=EVENTS,
        columns=(
            m.Column("番号", "number", required=True, key=True),
            m.Column("日付", "date", required=True),
            m.Column("種別", "kind", required=True),
            m.Column("名称", "name", required=True),
            m.Column("状態", "status"),
            m.Column("形式", "format"),
            m.Column("対象", "audience"),
            m.Column("参加人数", "participants"),
        ),
        parse_row=parse_event,
        apply=apply_events,
        export=export_events,
    ),
    ActivitySheet(
        name=MATERIALS,
        columns=(
            m.Column("番号", "number", required=True, key=True),
            m.Column("日付", "date", required=True),
            m.Column("種別", "kind", required=True),
            m.Column("名称", "name", required=True),
            m.Column("作成数", "made"),
            m.Column("配布数", "distributed"),
            m.Column("配布先", "distributed_to"),
        ),
        parse_row=parse_material,
        apply=apply_materials,
        export=export_materials,
    ),
    ActivitySheet(
        name=SUPPORTERS,
        columns=(
            m.Column("サポーター番号", "number", required=True, key=True),
            m.Column("氏名", "name", required=True),
            m.Column("状態", "status"),
            m.Column("養成研修修了日", "trained_on"),
        ),
        parse_row=parse_supporter,
        apply=apply_supporters,
        export=export_supporters,
    ),
    ActivitySheet(
        name=ACTIVITIES,
        columns=(
            m.Column("サポーター番号", "number", required=True, key=True),
            m.Column("日付", "date", required=True, key=True),
            m.Column("種別", "kind", required=True, key=True),
            m.Column("時間（分）", "minutes"),
            m.Column("ケース番号", "case", key=True),
        ),
        parse_row=parse_activity,
        apply=apply_activities,
        export=export_activities,
    ),
]

"""The 手当単価, 就労体験 and 就労実績 sheets (DOMAIN.md), written through tsunagu.work.domain.

手当単価 rows are keyed on (種別, 支払先, 適用開始日); 就労体験 on its 番号 within the organisation (a
受入先 not yet on the organisation's list is added to it, as その他); 就労実績 on (番号, 日付). Nothing is
deleted: a row missing from the sheet leaves its record alone. After the worked days are written the
programs' budgets are checked and the 作成中 payment lists follow, as when the days are typed in.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_actions
from tsunagu.cases.rules import record_date_error
from tsunagu.core import wareki
from tsunagu.work import domain
from tsunagu.work.allowances import RateBook
from tsunagu.work.models import (
    AllowanceRate,
    Host,
    HostKind,
    Outcome,
    Payee,
    Placement,
    Program,
    RateUnit,
    WorkedDay,
)

from .. import mapping as m
from . import ActivitySheet, Counts

RATES, PLACEMENTS, DAYS = "手当単価", "就労体験", "就労実績"
PROGRAMS = m.Labels(Program.choices)
PAYEES = m.Labels(Payee.choices)
UNITS = m.Labels(RateUnit.choices)
OUTCOMES = m.Labels(Outcome.choices, default="")
CHUNK = 500


def _yen(value):
    return m.parse_int(value, 1, 10_000_000)


def _hours(value) -> Decimal | None:
    text = m.nfkc(m.cell_text(value))
    if not text:
        return None
    if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
        raise m.CellError(_("「%(text)s」は時間として読めません（例: 6、5.5）") % {"text": text})
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise m.CellError(_("「%(text)s」は時間として読めません（例: 6、5.5）") % {"text": text}) from None
    if not 0 < hours <= domain.MAX_HOURS:
        raise m.CellError(_("「時間」は0より多く24以下で入力してください。"))
    return hours


# --- 手当単価 --------------------------------------------------------------------------------------------


def parse_rate(cells, ctx) -> dict:
    return {
        "program": cells.take("program", PROGRAMS.parse),
        "payee": cells.take("payee", PAYEES.parse),
        "unit": cells.take("unit", UNITS.parse),
        "value": cells.take("value", _yen),
        "cap_per_day": cells.take("cap_per_day", _yen),
        "applies_from": cells.take("applies_from", m.parse_date_cell),
    }


def apply_rates(rows, ctx) -> Counts:
    counts = Counts()
    existing = {
        (r.program, r.payee, r.applies_from): r for r in AllowanceRate.objects.filter(organisation=ctx.organisation)
    }
    new, changed, audit = [], [], []
    for row in rows:
        v = row.values
        rate = existing.get((v["program"], v["payee"], v["applies_from"]))
        wanted = {"unit": v["unit"], "value": v["value"], "cap_per_day": v["cap_per_day"]}
        if rate is not None and all(getattr(rate, k) == value for k, value in wanted.items()):
            counts.unchanged += 1
            continue
        later_days = WorkedDay.objects.filter(
            organisation=ctx.organisation, placement__program=v["program"], date__gte=v["applies_from"]
        )
        if ctx.locked(RATES, row.row, "適用開始日", v["applies_from"], domain.first_locked_day(ctx.locks, later_days)):
            continue
        months = later_days.dates("date", "month")
        if problem := domain.frozen_list_error(ctx.organisation.pk, months):
            ctx.cell_error(RATES, row.row, "適用開始日", problem)
            continue
        if rate is None:
            rate = AllowanceRate(
                organisation=ctx.organisation,
                program=v["program"],
                payee=v["payee"],
                applies_from=v["applies_from"],
                **wanted,
            )
            new.append(rate)
            action = "work.rate_add"
        else:
            for k, value in wanted.items():
                setattr(rate, k, value)
            changed.append(rate)
            action = "work.rate_update"
        audit.append({"action": action, "obj": rate, "changes": {k: [None, value] for k, value in wanted.items()}})
    AllowanceRate.objects.bulk_create(new, batch_size=CHUNK)
    AllowanceRate.objects.bulk_update(changed, ["unit", "value", "cap_per_day"], batch_size=CHUNK)
    log_actions(ctx.actor, audit, organisation=ctx.organisation, batch_size=CHUNK)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def export_rates(organisation) -> list[list]:
    return [
        [PROGRAMS.label(r.program), PAYEES.label(r.payee), UNITS.label(r.unit), r.value, r.cap_per_day, r.applies_from]
        for r in AllowanceRate.objects.filter(organisation=organisation).order_by("program", "payee", "applies_from")
    ]


# --- 就労体験 --------------------------------------------------------------------------------------------


def parse_placement(cells, ctx) -> dict:
    values = {
        "number": m.nfkc(cells.take("number", lambda v: m.parse_text(v, 30)) or ""),
        "case": cells.take("case", m.parse_case_number),
        "program": cells.take("program", PROGRAMS.parse),
        "host": m.nfkc(cells.take("host", lambda v: m.parse_text(v, 120)) or ""),
        "start": cells.take("start", m.parse_date_cell),
        "end": cells.take("end", m.parse_date_cell),
        "outcome": cells.take("outcome", OUTCOMES.parse, "") or "",
    }
    if not cells.ok:
        return values
    if not ctx.case_known(values["case"]):
        cells.problem(
            "case", _("「%(number)s」はケースシートにもこの組織のケースにもありません") % {"number": values["case"]}
        )
    for name in ("start", "end"):
        if values[name] is not None and (problem := record_date_error(values[name], today=ctx.today)):
            cells.problem(name, problem)
    if values["end"] is not None and values["end"] < values["start"]:
        cells.problem("end", _("「終了日」は開始日より後にしてください。"))
    if values["outcome"] and values["end"] is None:
        cells.problem("outcome", _("「結果」は終了日と一緒に入力してください。"))
    return values


def _hosts(organisation) -> dict[str, Host]:
    found: dict[str, Host] = {}
    for host in Host.objects.filter(organisation=organisation).order_by("id"):
        found.setdefault(m.nfkc(host.name), host)
    return found


PLACEMENT_FIELDS = ["case_id", "host_id", "program", "start", "end", "outcome"]


def _counted_dates(placement: Placement | None, wanted: dict) -> list:
    """The dates a placement row's change is counted on (work.actions.update_placement says which): the
    start and end, old and new; the end when the outcome changes; the worked days when the case, the host
    or the program changes."""
    if placement is None:
        return [wanted["start"], wanted["end"]]
    dates = [
        on
        for name in ("start", "end")
        if getattr(placement, name) != wanted[name]
        for on in (getattr(placement, name), wanted[name])
    ]
    if placement.outcome != wanted["outcome"]:
        dates += [placement.end, wanted["end"]]
    if any(getattr(placement, name) != wanted[name] for name in ("case_id", "host_id", "program")):
        dates += list(placement.days.values_list("date", flat=True))
    return dates


def apply_placements(rows, ctx) -> Counts:
    counts, hosts, case_ids = Counts(), _hosts(ctx.organisation), ctx.case_ids()
    existing = {p.number: p for p in Placement.objects.filter(organisation=ctx.organisation)}
    new_hosts = []
    for row in rows:
        name = row.values["host"]
        if name not in hosts:
            hosts[name] = Host(organisation=ctx.organisation, name=name, kind=HostKind.OTHER)
            new_hosts.append(hosts[name])
    Host.objects.bulk_create(new_hosts, batch_size=CHUNK)
    new, changed, audit = [], [], []
    for row in rows:
        v = row.values
        wanted = {
            "case_id": case_ids[m.nfkc(v["case"])],
            "host_id": hosts[v["host"]].pk,
            "program": v["program"],
            "start": v["start"],
            "end": v["end"],
            "outcome": v["outcome"],
        }
        placement = existing.get(v["number"])
        if placement is not None and all(getattr(placement, k) == value for k, value in wanted.items()):
            counts.unchanged += 1
            continue
        if ctx.locked(PLACEMENTS, row.row, "開始日", *_counted_dates(placement, wanted)):
            continue
        if placement is None:
            placement = Placement(organisation=ctx.organisation, number=v["number"], **wanted)
            new.append(placement)
            action = "work.placement_create"
        else:
            if placement.program != v["program"] and (
                problem := domain.frozen_list_error(ctx.organisation.pk, placement.days.dates("date", "month"))
            ):
                ctx.cell_error(PLACEMENTS, row.row, "種別", problem)
                continue
            for k, value in wanted.items():
                setattr(placement, k, value)
            placement.version += 1
            changed.append(placement)
            action = "work.placement_update"
        audit.append(
            {
                "action": action,
                "obj": placement,
                "label": f"{v['case']} {v['number']}",
                "changes": {
                    k: [None, value.isoformat() if isinstance(value, date) else value] for k, value in wanted.items()
                },
            }
        )
    Placement.objects.bulk_create(new, batch_size=CHUNK)
    Placement.objects.bulk_update(changed, [*PLACEMENT_FIELDS, "version"], batch_size=CHUNK)
    audit += [{"action": "work.host_create", "obj": host, "changes": {"name": [None, host.name]}} for host in new_hosts]
    log_actions(ctx.actor, audit, organisation=ctx.organisation, batch_size=CHUNK)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def export_placements(organisation) -> list[list]:
    return [
        [p.number, p.case.number, PROGRAMS.label(p.program), p.host.name, p.start, p.end, OUTCOMES.label(p.outcome)]
        for p in Placement.objects.filter(organisation=organisation).select_related("case", "host").order_by("number")
    ]


# --- 就労実績 --------------------------------------------------------------------------------------------


def _spans(ctx) -> dict[str, tuple]:
    """番号 → (開始日, 終了日) of the organisation's placements, this workbook's rows over the stored ones."""
    spans = ctx.memo(
        "placement_spans",
        lambda: {
            n: (s, e)
            for n, s, e in Placement.objects.filter(organisation=ctx.organisation).values_list("number", "start", "end")
        },
    )
    return spans | {r.values["number"]: (r.values["start"], r.values["end"]) for r in ctx.rows.get(PLACEMENTS, ())}


def parse_day(cells, ctx) -> dict:
    values = {
        "number": m.nfkc(cells.take("number", lambda v: m.parse_text(v, 30)) or ""),
        "date": cells.take("date", m.parse_date_cell),
        "hours": cells.take("hours", _hours),
    }
    if not cells.ok:
        return values
    span = _spans(ctx).get(values["number"])
    if span is None:
        cells.problem(
            "number",
            _("「%(number)s」は就労体験シートにもこの組織の就労体験にもありません") % {"number": values["number"]},
        )
    elif values["date"] < span[0] or (span[1] is not None and values["date"] > span[1]):
        cells.problem("date", _("就労体験の期間（開始日から終了日まで）の外の日です。"))
    elif problem := record_date_error(values["date"], today=ctx.today, future=False):
        cells.problem("date", problem)
    if values["hours"] is None:
        cells.problem("hours", _("入力が必要です"))
    return values


def apply_days(rows, ctx) -> Counts:
    counts = Counts()
    placements = {p.number: p for p in Placement.objects.filter(organisation=ctx.organisation)}
    existing = {(d.placement_id, d.date): d for d in WorkedDay.objects.filter(organisation=ctx.organisation)}
    new, changed, audit, touched = [], [], [], {}
    for row in rows:
        v = row.values
        placement = placements[v["number"]]
        day = existing.get((placement.pk, v["date"]))
        if day is not None and day.hours == v["hours"]:
            counts.unchanged += 1
            continue
        if ctx.locked(DAYS, row.row, "日付", v["date"]):
            continue
        if problem := domain.frozen_list_error(ctx.organisation.pk, [domain.month_of(v["date"])]):
            ctx.cell_error(DAYS, row.row, "日付", problem)
            continue
        touched.setdefault((placement.program, wareki.fiscal_year(v["date"])), row.row)
        before = str(day.hours) if day is not None else None
        if day is None:
            new.append(WorkedDay(placement=placement, organisation=ctx.organisation, date=v["date"], hours=v["hours"]))
        else:
            day.hours = v["hours"]
            changed.append(day)
        audit.append(
            {
                "action": "work.days_record",
                "obj": placement,
                "label": f"{v['number']} {v['date']:%Y-%m-%d}",
                "changes": {v["date"].isoformat(): [before, str(v["hours"])]},
            }
        )
    WorkedDay.objects.bulk_create(new, batch_size=CHUNK)
    WorkedDay.objects.bulk_update(changed, ["hours"], batch_size=CHUNK)
    if new or changed:
        book = RateBook.of(ctx.organisation.pk)
        for (program, year), first_row in sorted(touched.items()):
            try:
                domain.check_budgets(ctx.organisation.pk, program, [year], book)
            except ValidationError as error:
                ctx.cell_error(DAYS, first_row, "時間", " ".join(error.messages))
        domain.rebuild_drafts(ctx.organisation.pk, book)
    log_actions(ctx.actor, audit, organisation=ctx.organisation, batch_size=CHUNK)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def export_days(organisation) -> list[list]:
    return [
        [number, on, float(hours)]
        for number, on, hours in WorkedDay.objects.filter(organisation=organisation)
        .order_by("placement__number", "date")
        .values_list("placement__number", "date", "hours")
    ]


SHEETS = [
    ActivitySheet(
        name=RATES,
        columns=(
            m.Column("種別", "program", required=True, key=True),
            m.Column("支払先", "payee", required=True, key=True),
            m.Column("単位", "unit", required=True),
            m.Column("単価", "value", required=True),
            m.Column("1日上限", "cap_per_day"),
            m.Column("適用開始日", "applies_from", required=True, key=True),
        ),
        parse_row=parse_rate,
        apply=apply_rates,
        export=export_rates,
    ),
    ActivitySheet(
        name=PLACEMENTS,
        columns=(
            m.Column("番号", "number", required=True, key=True),
            m.Column("ケース番号", "case", required=True),
            m.Column("種別", "program", required=True),
            m.Column("受入先", "host", required=True),
            m.Column("開始日", "start", required=True),
            m.Column("終了日", "end"),
            m.Column("結果", "outcome"),
        ),
        parse_row=parse_placement,
        apply=apply_placements,
        export=export_placements,
    ),
    ActivitySheet(
        name=DAYS,
        columns=(
            m.Column("番号", "number", required=True, key=True),
            m.Column("日付", "date", required=True, key=True),
            m.Column("時間", "hours"),
        ),
        parse_row=parse_day,
        apply=apply_days,
        export=export_days,
    ),
]

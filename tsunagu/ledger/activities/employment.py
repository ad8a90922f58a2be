"""The 就労支援 sheet (DOMAIN.md): a case's employment support registration, matched on (ケース番号, 登録日)
within the organisation, written through tsunagu.employment.domain (the pages' rules and messages).
STEP is 1–5 ("STEP3", "３" also read; blank = 2, the registration itself); a job decided is STEP5."""

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from tsunagu.audit.log import diff, log_actions, snapshot
from tsunagu.cases.models import Case
from tsunagu.employment import domain
from tsunagu.employment.models import Outcome, Registration, Step

from .. import mapping as m
from . import ActivitySheet, Counts

SHEET = "就労支援"
OUTCOMES = m.Labels(Outcome.choices, default="")
EDITABLE = ["step", "decided_on", "outcome", "ended_on"]
HEADERS = {"number": "ケース番号", "registered_on": "登録日", "step": "STEP", "decided_on": "進路決定日",
           "outcome": "進路", "ended_on": "終了日"}  # fmt: skip
CHUNK = 500


def parse_step(value) -> int | None:
    text = m.nfkc(m.cell_text(value)).upper().replace(" ", "")
    if not text:
        return None
    match = re.fullmatch(r"(?:STEP)?([1-5])(?:\.0+)?", text)
    if match is None:
        raise m.CellError(_("「%(text)s」は使えません（1から5、またはSTEP1〜STEP5）") % {"text": text})
    return int(match.group(1))


def parse_registration(cells, ctx) -> dict:
    values = {
        "number": cells.take("number", m.parse_case_number),
        "registered_on": cells.take("registered_on", m.parse_date_cell),
        "step": cells.take("step", parse_step),
        "decided_on": cells.take("decided_on", m.parse_date_cell),
        "outcome": cells.take("outcome", OUTCOMES.parse, ""),
        "ended_on": cells.take("ended_on", m.parse_date_cell),
    }
    if not cells.ok:
        return values
    if not ctx.case_known(values["number"]):
        cells.problem(
            "number", _("「%(number)s」はケースシートにもこの組織のケースにもありません") % {"number": values["number"]}
        )
        return values
    checked = domain.normalised(_domain_values(values))
    for name, problem in domain.registration_errors(checked, birth_date=None, today=ctx.today).items():
        cells.problem(name if name in HEADERS else "registered_on", problem)
    return values


def _domain_values(values: dict) -> dict:
    return {
        "registered_on": values["registered_on"],
        "step": values["step"] or Step.INTAKE,
        "decided_on": values["decided_on"],
        "outcome": values["outcome"] or "",
        "ended_on": values["ended_on"],
    }


def apply_registrations(rows, ctx) -> Counts:
    counts = Counts()
    case_ids = ctx.case_ids()
    cases = Case.objects.in_bulk(list(case_ids.values()))
    existing = {(r.case_id, r.registered_on): r for r in Registration.objects.filter(organisation=ctx.organisation)}
    by_case = defaultdict(list)
    for registration in existing.values():
        by_case[registration.case_id].append(registration)
    new, changed, audit = [], [], []
    for row in rows:
        v = row.values
        case = cases[case_ids[m.nfkc(v["number"])]]
        values = domain.normalised(_domain_values(v))
        registration = existing.get((case.pk, v["registered_on"]))
        if registration is not None and all(getattr(registration, k) == values[k] for k in EDITABLE):
            counts.unchanged += 1
            continue
        others = [r for r in by_case[case.pk] if r is not registration]
        problems = domain.registration_errors(values, birth_date=case.birth_date, today=ctx.today, others=others)
        for name, problem in problems.items():
            ctx.cell_error(SHEET, row.row, HEADERS.get(name, "登録日"), problem)
        if problems:
            continue
        if registration is None:
            if ctx.locked(SHEET, row.row, "登録日", *(values[k] for k in domain.DATE_FIELDS)):
                continue
            registration = domain.build_registration(case=case, values=values)
            new.append(registration)
            by_case[case.pk].append(registration)
            existing[(case.pk, v["registered_on"])] = registration
            continue
        moved = [d for k in EDITABLE if k.endswith("_on") and getattr(registration, k) != values[k]
                 for d in (getattr(registration, k), values[k])]  # fmt: skip
        if registration.outcome != values["outcome"]:  # by_outcome counts by 進路決定日
            moved += [registration.decided_on, values["decided_on"]]
        if ctx.locked(SHEET, row.row, "進路決定日", *moved):
            continue
        before = snapshot(registration, domain.FIELDS)
        for k in EDITABLE:
            setattr(registration, k, values[k])
        registration.version += 1
        registration.updated_at = ctx.now
        changed.append(registration)
        audit.append(
            {
                "action": "employment.update",
                "obj": registration,
                "label": case.number,
                "changes": diff(before, snapshot(registration, domain.FIELDS), {"notes"}),
            }
        )
    Registration.objects.bulk_create(new, batch_size=CHUNK)
    Registration.objects.bulk_update(changed, [*EDITABLE, "version", "updated_at"], batch_size=CHUNK)
    audit += [
        {
            "action": "employment.register",
            "obj": registration,
            "label": cases[registration.case_id].number,
            "changes": diff({}, snapshot(registration, domain.FIELDS), {"notes"}),
        }
        for registration in new
    ]
    log_actions(ctx.actor, audit, organisation=ctx.organisation, batch_size=CHUNK)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def export_registrations(organisation) -> list[list]:
    query = Registration.objects.filter(organisation=organisation).order_by("case__number", "registered_on", "id")
    return [
        [number, registered_on, step, decided_on, OUTCOMES.label(outcome) if outcome else "", ended_on]
        for number, registered_on, step, decided_on, outcome, ended_on in query.values_list(
            "case__number", "registered_on", "step", "decided_on", "outcome", "ended_on"
        )
    ]


SHEETS = [
    ActivitySheet(
        name=SHEET,
        columns=(
            m.Column("ケース番号", "number", required=True, key=True),
            m.Column("登録日", "registered_on", required=True, key=True),
            m.Column("STEP", "step"),
            m.Column("進路決定日", "decided_on"),
            m.Column("進路", "outcome"),
            m.Column("終了日", "ended_on"),
        ),
        parse_row=parse_registration,
        apply=apply_registrations,
        export=export_registrations,
        key=lambda values: (m.nfkc(values["number"]), values["registered_on"]),
    )
]

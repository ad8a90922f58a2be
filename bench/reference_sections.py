"""The report's further sections (meetings, events, materials, supporters, 居場所, network,
work_experience, employment) as DuckDB computes them for bench/report_national.py.

EXPORTS are the record tables those sections' builders read, each row with its organisation's path (the
subtree is a path prefix, as for the consultation tables); FILES the reference SQL of bench/reference/
per section; `contract` puts the rows in the shape of the report contract (DOMAIN.md "The report
contract, continued": every label of each breakdown, zeros included), so the whole section is compared.
Nothing here calls the section builders or the queries they use: the rules are written again in SQL.
"""

import unicodedata
from datetime import date

# name: (SQL over Django's tables, DuckDB column types); {name} is the db_table of TABLES[name].
EXPORTS = {
    "meetings": (
        "SELECT m.id, m.organisation_id, o.path, m.date, m.kind, m.name, m.status, m.region, m.municipality_id, "
        "mu.name FROM {meeting} m JOIN {org} o ON o.id = m.organisation_id "
        "LEFT JOIN {org} mu ON mu.id = m.municipality_id",
        {
            "id": "BIGINT",
            "organisation_id": "BIGINT",
            "path": "VARCHAR",
            "date": "DATE",
            "kind": "VARCHAR",
            "name": "VARCHAR",
            "status": "VARCHAR",
            "region": "VARCHAR",
            "municipality_id": "BIGINT",
            "municipality_name": "VARCHAR",
        },
    ),
    # The attending bodies: an organisation of the tree (body_id) or a typed name, with a head count.
    "meeting_attendances": (
        "SELECT a.meeting_id, a.body_id, a.body_name, a.people FROM {meeting_attendance} a",
        {"meeting_id": "BIGINT", "body_id": "BIGINT", "body_name": "VARCHAR", "people": "BIGINT"},
    ),
    "meeting_plans": (
        "SELECT p.id, p.organisation_id, o.name, o.path, p.fiscal_year, p.kind, p.counterpart_id, "
        "p.counterpart_name, p.planned FROM {plan} p JOIN {org} o ON o.id = p.organisation_id",
        {
            "id": "BIGINT",
            "organisation_id": "BIGINT",
            "organisation_name": "VARCHAR",
            "path": "VARCHAR",
            "fiscal_year": "INTEGER",
            "kind": "VARCHAR",
            "counterpart_id": "BIGINT",
            "counterpart_name": "VARCHAR",
            "planned": "BIGINT",
        },
    ),
    "events": (
        "SELECT e.id, o.path, e.date, e.kind, e.status, e.participants "
        "FROM {event} e JOIN {org} o ON o.id = e.organisation_id",
        {
            "id": "BIGINT",
            "path": "VARCHAR",
            "date": "DATE",
            "kind": "VARCHAR",
            "status": "VARCHAR",
            "participants": "BIGINT",
        },
    ),
    "materials": (
        "SELECT m.id, o.path, m.date, m.kind, m.made, m.distributed "
        "FROM {material} m JOIN {org} o ON o.id = m.organisation_id",
        {
            "id": "BIGINT",
            "path": "VARCHAR",
            "date": "DATE",
            "kind": "VARCHAR",
            "made": "BIGINT",
            "distributed": "BIGINT",
        },
    ),
    "supporters": (
        "SELECT s.id, o.path FROM {supporter} s JOIN {org} o ON o.id = s.organisation_id",
        {"id": "BIGINT", "path": "VARCHAR"},
    ),
    "supporter_status": (
        "SELECT c.supporter_id, c.applies_from, c.value FROM {supporter_status} c",
        {"supporter_id": "BIGINT", "applies_from": "DATE", "value": "VARCHAR"},
    ),
    "supporter_activities": (
        "SELECT a.id, o.path, a.date, a.kind, a.minutes FROM {supporter_activity} a "
        "JOIN {org} o ON o.id = a.organisation_id",
        {"id": "BIGINT", "path": "VARCHAR", "date": "DATE", "kind": "VARCHAR", "minutes": "BIGINT"},
    ),
    "ibasho": (
        "SELECT i.id, i.kind FROM {ibasho} i",
        {"id": "BIGINT", "kind": "VARCHAR"},
    ),
    "ibasho_events": (
        "SELECT e.id, e.ibasho_id, e.date, o.path FROM {ibasho_event} e JOIN {org} o ON o.id = e.organisation_id",
        {"id": "BIGINT", "ibasho_id": "BIGINT", "date": "DATE", "path": "VARCHAR"},
    ),
    "organisations": (
        "SELECT o.id, o.path, o.kind, o.is_active, w.name FROM {org} o LEFT JOIN {window} w ON w.organisation_id = o.id",
        {"id": "BIGINT", "path": "VARCHAR", "kind": "VARCHAR", "is_active": "BOOLEAN", "window_name": "VARCHAR"},
    ),
    "placements": (
        'SELECT p.id, p.case_id, p.host_id, p.program, p.start, p."end", p.outcome, o.path '
        "FROM {placement} p JOIN {org} o ON o.id = p.organisation_id",
        {
            "id": "BIGINT",
            "case_id": "BIGINT",
            "host_id": "BIGINT",
            "program": "VARCHAR",
            "start": "DATE",
            "end": "DATE",
            "outcome": "VARCHAR",
            "path": "VARCHAR",
        },
    ),
    "worked_days": (
        "SELECT w.id, w.placement_id, w.organisation_id, w.date, w.hours FROM {worked_day} w",
        {
            "id": "BIGINT",
            "placement_id": "BIGINT",
            "organisation_id": "BIGINT",
            "date": "DATE",
            "hours": "DECIMAL(4,2)",
        },
    ),
    "allowance_rates": (
        "SELECT r.organisation_id, r.program, r.payee, r.unit, r.value, r.cap_per_day, r.applies_from "
        "FROM {allowance_rate} r",
        {
            "organisation_id": "BIGINT",
            "program": "VARCHAR",
            "payee": "VARCHAR",
            "unit": "VARCHAR",
            "value": "BIGINT",
            "cap_per_day": "BIGINT",
            "applies_from": "DATE",
        },
    ),
    "registrations": (
        "SELECT r.id, r.case_id, r.registered_on, r.ended_on, r.decided_on, r.outcome, o.path "
        "FROM {registration} r JOIN {org} o ON o.id = r.organisation_id",
        {
            "id": "BIGINT",
            "case_id": "BIGINT",
            "registered_on": "DATE",
            "ended_on": "DATE",
            "decided_on": "DATE",
            "outcome": "VARCHAR",
            "path": "VARCHAR",
        },
    ),
}


def tables() -> dict[str, str]:
    """The db_table of each placeholder of EXPORTS."""
    from tsunagu.employment.models import Registration
    from tsunagu.ibasho.models import Ibasho, IbashoEvent
    from tsunagu.meetings.models import Attendance, Meeting, Plan
    from tsunagu.outreach.models import Event, Material, Supporter, SupporterActivity, SupporterStatusChange
    from tsunagu.public.models import Window
    from tsunagu.work.models import AllowanceRate, Placement, WorkedDay

    models = {
        "meeting": Meeting,
        "meeting_attendance": Attendance,
        "plan": Plan,
        "event": Event,
        "material": Material,
        "supporter": Supporter,
        "supporter_status": SupporterStatusChange,
        "supporter_activity": SupporterActivity,
        "ibasho": Ibasho,
        "ibasho_event": IbashoEvent,
        "window": Window,
        "placement": Placement,
        "worked_day": WorkedDay,
        "allowance_rate": AllowanceRate,
        "registration": Registration,
    }
    return {name: model._meta.db_table for name, model in models.items()}


# The reference files of each section (bench/reference/<name>.sql).
FILES = {
    "meetings": ["meetings_by_kind", "meetings_held", "meetings_cancelled", "meetings_plans"],
    "events": ["events_by_kind"],
    "materials": ["materials_by_kind"],
    "supporters": ["supporters_registered", "supporters_activities", "supporters_previous"],
    "ibasho": ["ibasho_sessions", "ibasho_attendances"],
    "network": ["network"],
    "work_experience": [
        "work_experience_placements",
        "work_experience_by_program",
        "work_experience_by_age_band",
        "work_experience_by_outcome",
        "work_experience_allowances",
    ],
    "employment": [
        "employment_registered",
        "employment_new_by_age_band",
        "employment_by_outcome",
        "employment_uses",
    ],
}


def fold(text: str | None) -> str:
    """How a plan's counterpart is compared with names (DOMAIN.md: widths and kana do not matter):
    NFKC, katakana ァ–ヶ to hiragana, no white space, lower case. Registered with DuckDB as fold()."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)
    return "".join(text.split()).lower()


def prepare(con) -> None:
    """The macros of bench/reference/_macros.sql and fold() on a DuckDB connection."""
    from pathlib import Path

    con.create_function("fold", fold, ["VARCHAR"], "VARCHAR", null_handling="special")
    con.execute((Path(__file__).parent / "reference" / "_macros.sql").read_text())


def parameters(today: date) -> dict:
    """The parameters the section files take besides $root, $start and $end."""
    from tsunagu.meetings.models import MeetingKind
    from tsunagu.work.models import Payee

    return {"today": today, "kinds": list(MeetingKind.values), "payees": list(Payee.values)}


def contract(raw: dict) -> dict:
    """{section key: the section as the report contract has it} from {file name: rows}."""
    from django.utils import translation

    with translation.override("ja"):
        return {
            "meetings": _meetings(raw),
            "events": _events(raw),
            "materials": _materials(raw),
            "supporters": _supporters(raw),
            "ibasho": _ibasho(raw),
            "network": _network(raw),
            "work_experience": _work_experience(raw),
            "employment": _employment(raw),
        }


def _labelled(choices, counts: dict, zero=0) -> dict:
    return {str(label): counts.get(value, zero) for value, label in choices}


def _meetings(raw: dict) -> dict:
    from tsunagu.meetings.models import MeetingKind

    labels = {value: str(label) for value, label in MeetingKind.choices}
    keys = ("held", "planned", "cancelled", "municipalities", "agency_attendances", "people")
    found = {row[0]: dict(zip(keys, row[1:])) for row in raw["meetings_by_kind"]}
    return {
        "by_kind": _labelled(MeetingKind.choices, found, dict.fromkeys(keys, 0)),
        "held": [
            {
                "date": on.isoformat(),
                "kind": labels[kind],
                "name": name,
                "region": region,
                "municipality": municipality,
                "agencies": agencies,
                "people": people,
            }
            for on, kind, name, region, municipality, agencies, people in raw["meetings_held"]
        ],
        "cancelled": [
            {"date": on.isoformat(), "kind": labels[kind], "name": name, "region": region}
            for on, kind, name, region in raw["meetings_cancelled"]
        ],
        "plans": [
            {
                "id": plan_id,
                "fiscal_year": year,
                "organisation": organisation,
                "kind": labels[kind],
                "counterpart": counterpart,
                "planned": planned,
                "held": held,
            }
            for plan_id, year, organisation, kind, counterpart, planned, held in raw["meetings_plans"]
        ],
    }


def _events(raw: dict) -> dict:
    from tsunagu.outreach.models import EventKind

    keys = ("held", "participants", "planned", "cancelled")
    found = {row[0]: dict(zip(keys, row[1:])) for row in raw["events_by_kind"]}
    by_kind = _labelled(EventKind.choices, found, dict.fromkeys(keys, 0))
    return {"by_kind": by_kind, **{key: sum(f[key] for f in by_kind.values()) for key in keys}}


def _materials(raw: dict) -> dict:
    from tsunagu.outreach.models import MaterialKind

    found = {kind: (rows, made, distributed) for kind, rows, made, distributed in raw["materials_by_kind"]}
    by_kind = {}
    for value, label in MaterialKind.choices:
        rows, made, distributed = found.get(value, (0, 0, 0))
        by_kind[str(label)] = {"made": rows if value == MaterialKind.SNS_POST else made, "distributed": distributed}
    return {"by_kind": by_kind, "items": sum(rows for rows, _made, _distributed in found.values())}


def _supporters(raw: dict) -> dict:
    from tsunagu.outreach.models import ActivityKind

    found = {kind: (n, minutes) for kind, n, minutes in raw["supporters_activities"]}
    return {
        "registered": raw["supporters_registered"][0][0],
        "activities": sum(n for n, _minutes in found.values()),
        "previous_activities": raw["supporters_previous"][0][0],
        "by_kind": _labelled(ActivityKind.choices, {kind: n for kind, (n, _m) in found.items()}),
        "minutes": sum(minutes for _n, minutes in found.values()),
    }


def _ibasho(raw: dict) -> dict:
    from tsunagu.ibasho.models import IbashoKind

    sessions = {kind: (places, n) for kind, places, n in raw["ibasho_sessions"]}
    attended = {row[0]: row[1:] for row in raw["ibasho_attendances"]}
    by_kind = {
        str(label): {
            "places": sessions.get(value, (0, 0))[0],
            "sessions": sessions.get(value, (0, 0))[1],
            "attendances": attended.get(value, (0,))[0],
        }
        for value, label in IbashoKind.choices
    }
    by_attendee = {
        "ケース": sum(row[1] for row in attended.values()),
        "ニックネーム": sum(row[3] for row in attended.values()),
        "匿名": sum(row[2] for row in attended.values()),
    }
    return {
        "places": sessions.get(None, (0, 0))[0],  # the grouping set over every kind
        "sessions": sessions.get(None, (0, 0))[1],
        "attendances": sum(row[0] for row in attended.values()),
        "by_kind": by_kind,
        "by_attendee": by_attendee,
    }


def _network(raw: dict) -> dict:
    municipalities, windows = raw["network"][0]
    return {"municipalities": municipalities, "windows": windows}


def _work_experience(raw: dict) -> dict:
    from tsunagu.cases.models import AgeBand
    from tsunagu.work.models import Outcome, Payee, Program

    placements, persons, hosts, fewest, most = raw["work_experience_placements"][0]
    by_outcome = _labelled(Outcome.choices, dict(raw["work_experience_by_outcome"]))
    return {
        "placements": placements,
        "persons": persons,
        "by_age_band": _labelled(AgeBand.choices, dict(raw["work_experience_by_age_band"])),
        "by_program": _labelled(Program.choices, dict(raw["work_experience_by_program"])),
        "by_outcome": by_outcome,
        "days": {"min": fewest, "max": most},
        "hosts": hosts,
        "allowances": _labelled(Payee.choices, {payee: int(n) for payee, n in raw["work_experience_allowances"]}),
        "ended": sum(by_outcome.values()),
    }


def _employment(raw: dict) -> dict:
    from tsunagu.cases.models import AgeBand
    from tsunagu.employment.models import EMPLOYED_OUTCOMES, Outcome
    from tsunagu.stats.report import rate

    by_outcome = dict(raw["employment_by_outcome"])
    new_by_band = dict(raw["employment_new_by_age_band"])
    new, decided = sum(new_by_band.values()), sum(by_outcome.values())
    return {
        "registered": raw["employment_registered"][0][0],
        "new_registrations": new,
        "uses": raw["employment_uses"][0][0],
        "decided": decided,
        "employed": sum(by_outcome.get(outcome, 0) for outcome in EMPLOYED_OUTCOMES),
        "by_outcome": _labelled(Outcome.choices, by_outcome),
        "new_by_age_band": _labelled(AgeBand.choices, new_by_band),
        "decision_rate": rate(decided, new),
    }

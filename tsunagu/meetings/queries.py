"""Reads of meetings for the pages, the report section (stats.sections.meetings) and the KPI sources.

The figures follow DOMAIN.md's counting rules for 会議: a meeting counts in the period when its date is
in it, as `held` (開催), `planned` (still 予定) or `cancelled` (中止); `municipalities` is the distinct
市区町村 named by held meetings (attending bodies do not count); `agency_attendances` the attending
bodies summed over held meetings and `people` their head counts. A plan's `held` counts its own
organisation's held meetings of its kind in the period (within the plan's fiscal year) whose
municipality, region or an attending body is the counterpart.
"""

from collections import defaultdict
from datetime import date
from functools import lru_cache

from django.db.models import CharField, Count, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tsunagu.core import figures, wareki
from tsunagu.core.text import fold
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.queries import holds_every_organisation

from .models import Attendance, Decision, Meeting, MeetingKind, MeetingStatus, Plan

# How many bodies the attendance picker offers before anything is typed: the ones this organisation's
# meetings had most recently.
RECENT_BODIES = 12


class _IsoDate(Func):
    """A date as its ISO text (2024-04-05), as the report lists it: read as text, a nation's thousands of
    meeting dates skip the date converters of the driver and of Django, and so do their rows."""

    output_field = CharField()
    template = "CAST(%(expressions)s AS TEXT)"  # SQLite stores a date as this text

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM-DD')", **extra)


# The columns of a meeting row as _load reads them (tuples: a nation's year has thousands of meetings, and
# a dict per row cost more than its counting); DATE is the ISO text of the date.
ID, ORG, DATE, KIND, NAME, STATUS, REGION, MUNICIPALITY, MUNICIPALITY_NAME, AGENCIES, PEOPLE = range(11)
# The keys _progress and _matches read of a held meeting.
_HELD_KEYS = ("id", "organisation_id", "date", "kind", "region", "municipality_id", "municipality__name")


def _load(org: Organisation, start: date, end: date):
    """The subtree's meetings between the dates as tuples (the columns above), each with its attending bodies
    and people summed by the database; its plans of the fiscal years the dates touch; and the bodies of the
    held meetings a plan may count (of a plan's organisation and kind); the nation's without a subtree filter.
    Three queries: a nation's attendance rows are summed, and read only where a plan needs them."""
    every = holds_every_organisation(org)
    within = Q() if every else Q(organisation__path__startswith=org.path)
    # Each meeting's bodies and people as a subquery on the (meeting, people) index: grouping the joined rows
    # of a nation's meetings by every column read took three times as long. Without a GROUP BY in the
    # subquery, a meeting without attendance counts 0 bodies.
    attending = Attendance.objects.filter(meeting=OuterRef("pk")).order_by()
    meetings = list(
        Meeting.objects.filter(within, date__range=(start, end))
        .annotate(
            on=_IsoDate("date"),
            agencies=Subquery(attending.values(n=Func("id", function="COUNT", output_field=IntegerField()))),
            people=Coalesce(
                Subquery(attending.values(n=Func("people", function="SUM", output_field=IntegerField()))), 0
            ),
        )
        .order_by("date", "id")
        .values_list(
            "id",
            "organisation_id",
            "on",
            "kind",
            "name",
            "status",
            "region",
            "municipality_id",
            "municipality__name",
            "agencies",
            "people",
        )
    )
    plans = _plan_rows(Plan.objects.filter(within), start, end)
    bodies = defaultdict(list)
    if plans:
        # The held meetings of the plans' organisations and kinds, and a few more (another kind of one of
        # those organisations): _progress looks up only those of a plan's organisation and kind. An OR of
        # each (organisation, kind) pair cost more to build than to run for a nation's plans.
        for meeting_id, *body in (
            Attendance.objects.filter(
                meeting__date__range=(start, end),
                meeting__status=MeetingStatus.HELD,
                meeting__organisation_id__in={p["organisation_id"] for p in plans},
                meeting__kind__in={p["kind"] for p in plans},
            )
            .order_by()
            .values_list("meeting_id", "body_id", "body_name")
        ):
            bodies[meeting_id].append(body)
    return meetings, bodies, plans


def meeting_figures(org: Organisation, start: date, end: date) -> dict:
    """The report's `meetings` section for the organisation's subtree and the period (three queries)."""
    return _figures_of(*_load(org, start, end), start, end)


def figures_by_year(org: Organisation, years: list[int]) -> dict[int, dict]:
    """meeting_figures for each fiscal year, in three queries whatever the number of years (trends)."""
    if not years:
        return {}
    first, last = wareki.fiscal_year_range(min(years))[0], wareki.fiscal_year_range(max(years))[1]
    meetings, bodies, plans = _load(org, first, last)
    result = {}
    for year in years:
        start, end = wareki.fiscal_year_range(year)
        result[year] = _figures_of(
            [m for m in meetings if start.isoformat() <= m[DATE] <= end.isoformat()],
            bodies,
            [p for p in plans if p["fiscal_year"] == year],
            start,
            end,
        )
    return result


def _figures_of(meetings: list[tuple], bodies, plans: list[dict], start: date, end: date) -> dict:
    """The section from _load's rows, in one pass over the meetings: the labels are translated once, and a
    held meeting becomes a dict of the keys _progress reads only when a plan of its organisation and kind
    may count it."""
    labels = {kind: str(label) for kind, label in MeetingKind.choices}
    counts = {
        kind: {"held": 0, "planned": 0, "cancelled": 0, "agency_attendances": 0, "people": 0}
        for kind in MeetingKind.values
    }
    municipalities = {kind: set() for kind in MeetingKind.values}
    planned_for = {(p["organisation_id"], p["kind"]) for p in plans}
    held_list, cancelled, held = [], [], []
    for m in meetings:
        kind, status = m[KIND], m[STATUS]
        of_kind = counts[kind]
        of_kind[status] += 1
        if status == MeetingStatus.HELD:
            of_kind["agency_attendances"] += m[AGENCIES]
            of_kind["people"] += m[PEOPLE]
            if m[MUNICIPALITY]:
                municipalities[kind].add(m[MUNICIPALITY])
            held_list.append(
                {
                    "date": m[DATE],
                    "kind": labels[kind],
                    "name": m[NAME],
                    "region": m[REGION],
                    "municipality": m[MUNICIPALITY_NAME] or "",
                    "agencies": m[AGENCIES],
                    "people": m[PEOPLE],
                }
            )
            if (m[ORG], kind) in planned_for:
                held.append(
                    dict(
                        zip(
                            _HELD_KEYS,
                            (m[ID], m[ORG], date.fromisoformat(m[DATE]), kind, m[REGION], *m[MUNICIPALITY:AGENCIES]),
                        )
                    )
                )
        elif status == MeetingStatus.CANCELLED:
            cancelled.append({"date": m[DATE], "kind": labels[kind], "name": m[NAME], "region": m[REGION]})
    by_kind = {
        labels[kind]: {
            "held": counts[kind]["held"],
            "planned": counts[kind]["planned"],
            "cancelled": counts[kind]["cancelled"],
            "municipalities": len(municipalities[kind]),
            "agency_attendances": counts[kind]["agency_attendances"],
            "people": counts[kind]["people"],
        }
        for kind in MeetingKind.values
    }
    return {
        "by_kind": by_kind,
        "held": held_list,
        "cancelled": cancelled,
        "plans": _progress(plans, start, end, held, bodies),
    }


def _counterparts(meeting: dict, bodies: list[list], folded=fold) -> tuple[set, set]:
    """What a plan's counterpart is matched against in a held meeting: the ids of its municipality and bodies
    (each [body id, body name]), and the names (folded: widths and kana) of its region, municipality and
    bodies. `folded` is fold, or a cache of it (a nation's meetings fold the same names many times)."""
    ids = {meeting["municipality_id"], *(body_id for body_id, _name in bodies)}
    names = {folded(meeting["region"]), folded(meeting["municipality__name"] or "")}
    names.update(folded(body_name) for _id, body_name in bodies)
    return ids, names


def _plan_rows(plans: QuerySet[Plan], start: date, end: date) -> list[dict]:
    years = range(wareki.fiscal_year(start), wareki.fiscal_year(end) + 1)
    return list(
        plans.filter(fiscal_year__in=years).values(
            "id",
            "organisation_id",
            "organisation__name",
            "fiscal_year",
            "kind",
            "counterpart_id",
            "counterpart_name",
            "planned",
        )
    )


def plan_progress(plans: QuerySet[Plan], start: date, end: date) -> list[dict]:
    """Each plan of a fiscal year the period touches, with the held meetings that count for it so far."""
    rows = _plan_rows(plans, start, end)
    org_ids = {row["organisation_id"] for row in rows}
    held = list(
        Meeting.objects.filter(organisation_id__in=org_ids, date__range=(start, end), status=MeetingStatus.HELD)
        .order_by("date", "id")
        .values("id", "organisation_id", "date", "kind", "region", "municipality_id", "municipality__name")
    )
    bodies = defaultdict(list)
    for meeting_id, *body in Attendance.objects.filter(meeting_id__in=[m["id"] for m in held]).values_list(
        "meeting_id", "body_id", "body_name"
    ):
        bodies[meeting_id].append(body)
    return _progress(rows, start, end, held, bodies)


def _progress(rows: list[dict], start: date, end: date, held: list[dict], bodies) -> list[dict]:
    order = {kind: i for i, kind in enumerate(MeetingKind.values)}
    # In the order they were entered within a year, organisation and kind: the order the seed prints them.
    rows.sort(key=lambda p: (p["fiscal_year"], p["organisation__name"], order[p["kind"]], p["id"]))
    # Each plan looks only at its own organisation's held meetings of its kind (a nation has thousands).
    by_org_kind = defaultdict(list)
    for m in held:
        by_org_kind[m["organisation_id"], m["kind"]].append(m)
    folded = lru_cache(maxsize=None)(fold)
    labels = {kind: str(label) for kind, label in MeetingKind.choices}  # translated once, not per plan
    # A held meeting is with the plan's counterpart by the organisation when the plan names one, or by name
    # against the region, the municipality and the bodies; each meeting's are gathered once, not per plan.
    counterparts = {m["id"]: _counterparts(m, bodies[m["id"]], folded) for m in held}
    result = []
    for plan in rows:
        first, last = wareki.fiscal_year_range(plan["fiscal_year"])
        counterpart_id, name = plan["counterpart_id"], folded(plan["counterpart_name"])
        count = 0
        for m in by_org_kind[plan["organisation_id"], plan["kind"]]:
            if max(first, start) <= m["date"] <= min(last, end):
                ids, names = counterparts[m["id"]]
                count += (counterpart_id is not None and counterpart_id in ids) or name in names
        result.append(
            {
                "id": plan["id"],
                "fiscal_year": plan["fiscal_year"],
                "organisation": plan["organisation__name"],
                "kind": labels[plan["kind"]],
                "counterpart": plan["counterpart_name"],
                "planned": plan["planned"],
                "held": count,
            }
        )
    return result


def progress_text(plan: dict) -> str:
    """The seed's wording: 「いの町（２／５回）」 with full-width digits."""
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    return f"{plan['counterpart']}（{str(plan['held']).translate(wide)}／{str(plan['planned']).translate(wide)}回）"


# --- pages ---------------------------------------------------------------------------------------------


def meeting_list(org: Organisation, fiscal_year: int, *, kind: str = "", status: str = "") -> QuerySet[Meeting]:
    first, last = wareki.fiscal_year_range(fiscal_year)
    rows = Meeting.objects.filter(organisation=org, date__range=(first, last))
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("municipality")
        .annotate(
            body_count=Count("attendances", distinct=True),
        )
        .order_by("-date", "-id")
    )


def attendance_totals(meeting: Meeting) -> dict:
    rows = list(meeting.attendances.all())
    return {"rows": rows, "bodies": len(rows), "people": sum(row.people for row in rows)}


def open_decisions(org: Organisation) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(organisation=org, done_on__isnull=True)
        .select_related("meeting", "owner")
        .order_by("due_on", "id")
    )


def region_suggestions(org: Organisation) -> list[str]:
    """The regions and blocks the organisation's meetings named before, most used first."""
    return list(
        Meeting.objects.filter(organisation=org)
        .exclude(region="")
        .values("region")
        .annotate(n=Count("id"))
        .order_by("-n", "region")
        .values_list("region", flat=True)[:30]
    )


def recent_body_ids(org: Organisation, limit: int = RECENT_BODIES) -> list[int]:
    """The tree organisations that attended the organisation's meetings, most recent first."""
    seen, ids = set(), []
    rows = (
        Attendance.objects.filter(meeting__organisation=org, body__isnull=False)
        .order_by("-meeting__date", "-id")
        .values_list("body_id", flat=True)[: limit * 10]
    )
    for body_id in rows:
        if body_id not in seen:
            seen.add(body_id)
            ids.append(body_id)
        if len(ids) == limit:
            break
    return ids


# --- KPI sources ---------------------------------------------------------------------------------------


def _figures(period, scope: Organisation) -> dict:
    with translation.override("ja"):
        return meeting_figures(scope, period.start, period.end)


def _kind(kind: MeetingKind, name: str) -> callable:
    label = str(kind.label)

    def pick(section: dict) -> int:
        return section["by_kind"][label][name]

    return pick


def register_figures() -> None:
    kinds = []
    with translation.override("ja"):
        for kind in MeetingKind:
            kinds.append(
                (
                    f"meetings_held_{kind.value}",
                    _("%(kind)sの開催回数") % {"kind": kind.label},
                    "回",
                    _kind(kind, "held"),
                )
            )
    figures.register(
        "meeting_records",
        _figures,
        [
            ("councils_held", _("連絡協議会開催回数"), "回", _kind(MeetingKind.COUNCIL, "held")),
            (
                "case_conference_municipalities",
                _("ケース会議を実施した市町村数"),
                "市町村",
                _kind(MeetingKind.CASE_CONFERENCE, "municipalities"),
            ),
            (
                "case_conferences_held",
                _("個別ケース検討会の開催回数"),
                "回",
                _kind(MeetingKind.CASE_CONFERENCE, "held"),
            ),
            (
                "council_agencies",
                _("連絡協議会の参加機関数（延べ）"),
                "機関",
                _kind(MeetingKind.COUNCIL, "agency_attendances"),
            ),
            ("council_people", _("連絡協議会の参加者数"), "人", _kind(MeetingKind.COUNCIL, "people")),
            (
                "meetings_held_all",
                _("会議の開催回数（全種別）"),
                "回",
                lambda s: sum(row["held"] for row in s["by_kind"].values()),
            ),
            *kinds[1:],  # 個別ケース検討会 is above; the other kinds' held counts
        ],
    )

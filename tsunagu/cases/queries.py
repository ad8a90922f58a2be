"""Reads that feed the case-work pages. Each does a fixed number of queries, whatever the number of rows.

The case list leans on the index (organisation, status, last_contact_on): cases carry their own last
contact date, so no list query touches the million rows of contacts.
"""

import difflib
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tsunagu.audit.log import log_action
from tsunagu.audit.models import AuditEntry
from tsunagu.core.templatetags.durations import months
from tsunagu.core.templatetags.wareki import both_dates
from tsunagu.core.text import fold
from tsunagu.core.wareki import age_on, fiscal_year_range
from tsunagu.orgs.models import Organisation, OrgKind

from . import domain
from .access import incoming_referrals, search_filter, visible_appointments, visible_cases
from .actions import shared_case_fields
from .models import (
    AgeBand,
    Appointment,
    AppointmentStatus,
    Case,
    Consulter,
    OutingLevel,
    Referral,
    ReferralStatus,
    ReferralTarget,
    Sex,
    Status,
    StatusChange,
)
from .rules import age_band_on, looks_like_8050

User = get_user_model()

PAGE_SIZE = 50
TIMELINE_SIZE = 50
# Roles that do case work, and so may be assigned to a case or named on a contact.
CASE_ROLES = domain.CASE_ROLES
DIRECTORY_KINDS = (OrgKind.PARTNER, OrgKind.CONTRACTOR, OrgKind.CENTER, OrgKind.STATION)
CONSENT_KINDS = (OrgKind.PARTNER, OrgKind.CONTRACTOR, OrgKind.CENTER, OrgKind.STATION, OrgKind.MUNICIPALITY)
SIMILAR_RATIO = 0.85
BAND_AGES = {
    AgeBand.UNDER_20: (0, 19),
    AgeBand.TWENTIES: (20, 29),
    AgeBand.THIRTIES: (30, 39),
    AgeBand.FORTIES: (40, 49),
    AgeBand.FIFTIES: (50, 59),
    AgeBand.SIXTY_PLUS: (60, 200),
}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def current_band(case: Case, today: date) -> str:
    return age_band_on(birth_date=case.birth_date, known_band=case.age_band, on=today)


# --- the case list -------------------------------------------------------------------------------------


def _age_band_filter(band: str, today: date) -> Q:
    """A band today: from the birth date when known, else the band the case was given."""
    if band == AgeBand.UNKNOWN:
        return Q(birth_date__isnull=True, age_band=AgeBand.UNKNOWN)
    low, high = BAND_AGES[band]
    # Age >= low means born on or before today - low years; age <= high means born after today - (high+1).
    by_birth = Q(birth_date__lte=years_before(today, low), birth_date__gt=years_before(today, high + 1))
    return by_birth | Q(birth_date__isnull=True, age_band=band)


def _last_contact_filter(choice: str, today: date) -> Q:
    """Answered from last_contact_on alone, which the index (organisation, status, last_contact_on) holds.
    "No contact for N days" is about cases that had contacts; cases with none are the "none" choice."""
    if choice == "none":
        return Q(last_contact_on__isnull=True)
    days = int(choice)
    cutoff = today - timedelta(days=days)
    return Q(last_contact_on__gte=cutoff) if days == 30 else Q(last_contact_on__lt=cutoff)


# The recent/stale orders follow the index case_org_recent exactly (a case without contacts sorts by
# its 受付日), so the first page is read from the index instead of sorting every case.
RECENT = Coalesce("last_contact_on", "opened_on")
SORTS = {
    "recent": [RECENT.desc(), "-id"],
    "stale": [RECENT.asc(), "id"],
    "number_desc": ["-number", "-id"],
    "number": ["number", "id"],
}


def case_list(actor, filters: dict, today: date) -> QuerySet:
    """Ids of the actor's cases narrowed by the list's filters (a cleaned CaseFilterForm), in order.

    Only ids: sorting 100,000 narrow index entries is fast where sorting the wide rows is not, and the
    page's 50 rows are then fetched by id (case_rows)."""
    cases = visible_cases(actor)
    if filters.get("q"):
        cases = cases.filter(search_filter(filters["q"]))
    status = filters.get("status")
    if status == "open":
        cases = cases.exclude(status=Status.CLOSED)
    elif status:
        cases = cases.filter(status=status)
    if filters.get("staff"):
        cases = cases.filter(assigned=filters["staff"])
    if filters.get("municipality"):
        cases = _narrow(cases, Q(municipality=filters["municipality"]))
    if filters.get("age_band"):
        cases = _narrow(cases, _age_band_filter(filters["age_band"], today))
    if filters.get("last_contact"):
        cases = cases.filter(_last_contact_filter(filters["last_contact"], today))
    if filters.get("fy"):
        start, end = fiscal_year_range(filters["fy"])
        cases = cases.filter(opened_on__range=(start, end))
    if filters.get("opened_from"):
        cases = cases.filter(opened_on__gte=filters["opened_from"])
    if filters.get("opened_to"):
        cases = cases.filter(opened_on__lte=filters["opened_to"])
    order = SORTS.get(filters.get("sort") or "recent", SORTS["recent"])
    return cases.order_by(*order).values_list("id", flat=True)


def _narrow(cases: QuerySet, condition: Q) -> QuerySet:
    """Filter by columns outside the list's index as an id subquery: the database then scans the table
    once, instead of looking up every row of the organisation through the index one by one
    (SQLite, 100,000 cases in one organisation: ~30 ms instead of ~140 ms)."""
    return cases.filter(pk__in=Case.objects.filter(condition).values("pk"))


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list, ready to print."""

    case: Case
    band: str
    staff: str


def case_list_page(actor, filters: dict, today: date, number) -> tuple[Page, list[CaseRow]]:
    """Page `number` of the actor's case list (case_list) and its rows. A list shows names: who saw
    which cases is part of the trail (case.list with the case numbers), as for the case page."""
    page = Paginator(case_list(actor, filters, today), PAGE_SIZE).get_page(number)
    rows = case_rows(list(page), today)
    log_action(
        actor,
        "case.list",
        label=_("%(n)s件中%(shown)s件") % {"n": page.paginator.count, "shown": len(rows)},
        changes={"cases": [None, [row.case.number for row in rows]]},
    )
    return page, rows


def case_rows(ids: list[int], today: date) -> list[CaseRow]:
    """The cases of one page, in the order of `ids`, with their municipality and assigned staff."""
    staff = User.objects.only("id", "username", "first_name").order_by("username")
    found = {
        case.pk: case
        for case in Case.objects.filter(pk__in=ids)
        .select_related("municipality")
        .prefetch_related(Prefetch("assigned", queryset=staff))
    }
    rows = []
    for pk in ids:
        case = found[pk]
        names = "、".join(u.first_name or u.username for u in case.assigned.all())
        rows.append(CaseRow(case, AgeBand(current_band(case, today)).label, names))
    return rows


def case_staff(org: Organisation) -> QuerySet:
    """Active staff of the organisation who do case work: those a case can be assigned to."""
    return User.objects.filter(
        memberships__organisation=org, memberships__is_active=True, memberships__role__in=CASE_ROLES
    ).order_by("username")


def region_of(org: Organisation) -> Organisation:
    """The prefecture or designated city the organisation belongs to (itself when it is one, or above)."""
    codes = [code for code in org.path.split("/") if code]
    top = (
        Organisation.objects.filter(code__in=codes, kind__in=(OrgKind.PREFECTURE, OrgKind.DESIGNATED_CITY))
        .order_by("path")
        .first()
    )
    return top or org


def municipalities(org: Organisation) -> QuerySet:
    region = region_of(org)
    return Organisation.objects.filter(
        path__startswith=region.path, kind__in=(OrgKind.MUNICIPALITY, OrgKind.DESIGNATED_CITY)
    ).order_by("path")


# --- a new case that looks like an existing one ---------------------------------------------------------


@dataclass(frozen=True)
class SimilarCase:
    pk: int
    number: str
    age_band: str

    @property
    def age_band_label(self) -> str:
        return AgeBand(self.age_band).label


def similar_cases(
    org: Organisation, *, furigana: str, birth_date: date | None, today: date, exclude_pk=None
) -> list[SimilarCase]:
    """Cases of the organisation with the same folded furigana and birth date, or a furigana at least
    85% alike (difflib) and the same birth year. Only number and age band leave this function."""
    folded = fold(furigana)
    if not folded or birth_date is None:
        return []
    rows = (
        Case.objects.filter(organisation=org, birth_date__year=birth_date.year)
        .exclude(pk=exclude_pk)
        .values_list("pk", "number", "search_key", "birth_date", "age_band")
        .order_by("number")
    )
    found = []
    for pk, number, search_key, other_birth, band in rows:
        other = search_key.split("|", 1)[-1]
        if not other:
            continue
        same = other == folded and other_birth == birth_date
        if same or difflib.SequenceMatcher(None, folded, other).ratio() >= SIMILAR_RATIO:
            found.append(SimilarCase(pk, number, age_band_on(birth_date=other_birth, known_band=band, on=today)))
    return found


def similar_cases_shown(actor, *, furigana: str, birth_date: date | None, today: date, exclude_pk=None):
    """similar_cases for the new-case form: the warning names case numbers found by a furigana and a
    birth date, so each time it shows any it is a read in the trail (case.similar_shown, with them)."""
    found = similar_cases(
        actor.organisation, furigana=furigana, birth_date=birth_date, today=today, exclude_pk=exclude_pk
    )
    if found:
        log_action(
            actor,
            "case.similar_shown",
            label=_("%(n)s件") % {"n": len(found)},
            changes={"cases": [None, [case.number for case in found]]},
        )
    return found


def suggests_8050(*, birth_date: date | None, age_band: str, household: list[dict], today: date) -> bool:
    """rules.looks_like_8050 from what a form holds; with only a band, its youngest age stands in."""
    if birth_date is not None:
        person_age = age_on(birth_date, today) if birth_date <= today else None
    else:
        person_age = BAND_AGES.get(age_band, (None, None))[0]
    members = [_Member(m["relationship"], m.get("age")) for m in household]
    return looks_like_8050(person_age=person_age, household=members)


@dataclass(frozen=True)
class _Member:
    relationship: str
    age: int | None


# --- the case page ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One line of the timeline: what happened on a day (kind names the template part that draws it)."""

    on: date
    kind: str
    obj: object
    order: float  # when it was recorded, for events of the same day
    template: str = ""  # the template that draws an event an app above registered (register_timeline_source)

    @property
    def sort_key(self):
        return (self.on, self.order, self.obj.pk)


# Apps above cases add their records to the timeline: source(case, since) -> Events (since: None, or the
# oldest date the shortened timeline shows). Registered from the app's ready().
TIMELINE_SOURCES: list = []


def register_timeline_source(source) -> None:
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)


def _recorded(obj) -> float:
    return obj.created_at.timestamp()


LATER = float("inf")  # a withdrawal or a result is recorded after what it ends


def timeline(case: Case, *, consents, referrals, everything: bool = False) -> tuple[list[Event], bool]:
    """Contacts, status changes, consents, referrals and 居場所 attendances, newest first. Without
    `everything` the newest TIMELINE_SIZE contacts are shown, and the other events older than the oldest
    shown contact are left for the full view. Returns (events, truncated)."""
    contacts = list(
        case.contacts.select_related("staff").order_by("-date", "-id")[: None if everything else TIMELINE_SIZE + 1]
    )
    truncated = not everything and len(contacts) > TIMELINE_SIZE
    contacts = contacts[:TIMELINE_SIZE] if truncated else contacts
    events = [Event(c.date, "contact", c, _recorded(c)) for c in contacts]
    for change in StatusChange.objects.filter(case=case).select_related("changed_by"):
        events.append(Event(change.changed_on, "status", change, _recorded(change)))
    for consent in consents:
        events.append(Event(consent.given_on, "consent", consent, _recorded(consent)))
        if consent.withdrawn_on:
            events.append(Event(consent.withdrawn_on, "consent_withdrawn", consent, LATER))
    for referral in referrals:
        events.append(Event(referral.date, "referral", referral, _recorded(referral)))
        if referral.result_on:
            events.append(Event(referral.result_on, "referral_result", referral, LATER))
    attendances = case.ibasho_attendances.select_related("event__ibasho")
    if truncated:  # attendances are unbounded too (a weekly 居場所 for years)
        attendances = attendances.filter(date__gte=contacts[-1].date)
    for attendance in attendances:
        events.append(Event(attendance.date, "attendance", attendance, _recorded(attendance)))
    for source in TIMELINE_SOURCES:
        events.extend(source(case, since=contacts[-1].date if truncated else None))
    if truncated:
        oldest = min(e.sort_key for e in events if e.kind == "contact")
        events = [e for e in events if e.sort_key >= oldest]
    events.sort(key=lambda e: e.sort_key, reverse=True)
    return events, truncated


def case_page(case: Case, *, everything: bool = False) -> dict:
    """Everything the case page shows besides the case row itself."""
    consents = list(
        case.consents.select_related("recorded_by", "withdrawn_by")
        .prefetch_related("share_with", "share_with_categories")
        .order_by("-given_on", "-id")
    )
    referrals = list(case.referrals.select_related("partner", "category", "override_by").order_by("-date", "-id"))
    events, truncated = timeline(case, consents=consents, referrals=referrals, everything=everything)
    return {
        "events": events,
        "timeline_truncated": truncated,
        "appointments": list(
            case.appointments.filter(status=AppointmentStatus.PLANNED).prefetch_related(
                Prefetch("staff", queryset=User.objects.only("id", "username", "first_name").order_by("username"))
            )
        ),
        "household": list(case.household.all()),
        "assigned": list(case.assigned.order_by("username")),
        "consents": consents,
        "referrals": referrals,
    }


def case_viewers(case: Case) -> list[dict]:
    """Who has opened this case page: each person once, with how often and when last."""
    return list(
        AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk), action="case.view", allowed=True)
        .values("username", "user__first_name")
        .annotate(times=Count("id"), last=Max("at"))
        .order_by("-last")[:50]
    )


# --- partners, consent and referrals --------------------------------------------------------------------


def partner_directory(org: Organisation, *, category=None, query: str = "") -> QuerySet[Organisation]:
    """Agencies of the region a case can be referred to (つなぎ先), the acting organisation excluded."""
    region = region_of(org)
    partners = (
        Organisation.objects.filter(path__startswith=region.path, kind__in=DIRECTORY_KINDS, is_active=True)
        .exclude(pk=org.pk)
        .select_related("category", "parent")
    )
    if category is not None:
        partners = partners.filter(category=category)
    if query:
        query = unicodedata.normalize("NFKC", query).strip()
        partners = partners.filter(Q(name__icontains=query) | Q(parent__name__icontains=query))
    return partners.order_by(F("category__order").asc(nulls_last=True), "kind", "name")


def likely_consenter(case: Case) -> str:
    """Who probably gives consent: the family on a case where only the family has consulted so far (the
    person not reached yet), else the person."""
    if case.reached_on is None and not case.contacts.filter(consulter=Consulter.PERSON).exists():
        if case.first_consulter != Consulter.PERSON:
            return ReferralTarget.FAMILY
    return ReferralTarget.PERSON


def consent_organisations(org: Organisation) -> QuerySet[Organisation]:
    region = region_of(org)
    return (
        Organisation.objects.filter(path__startswith=region.path, kind__in=CONSENT_KINDS, is_active=True)
        .exclude(pk=org.pk)
        .order_by("kind", "name")
    )


@dataclass(frozen=True)
class IncomingRow:
    referral: Referral
    shared: dict

    @property
    def facts(self) -> list[tuple[str, str]]:
        """The shared fields as (label, value) in a fixed order; only keys shared_case_fields gave."""
        shared, facts = self.shared, []
        for key, label, show in SHARED_LABELS:
            if key in shared:
                facts.append((label, show(shared[key])))
        return facts

    @property
    def personal(self) -> bool:
        return "name" in self.shared


def _label(choices):
    return lambda value: choices(value).label if value not in (None, "") else "—"


SHARED_LABELS = [
    ("name", _("氏名"), lambda v: v or "—"),
    ("furigana", _("ふりがな"), lambda v: v or "—"),
    ("birth_date", _("生年月日"), lambda v: both_dates(v) or "—"),
    ("age_band", _("年代"), _label(AgeBand)),
    ("sex", _("性別"), _label(Sex)),
    ("municipality", _("市区町村"), lambda v: v.name if v else "—"),
    ("target", _("対象"), _label(ReferralTarget)),
    ("first_consulter", _("初回相談者"), _label(Consulter)),
    ("outing_level", _("外出状況"), _label(OutingLevel)),
    ("duration_months", _("ひきこもり期間"), lambda v: "—" if v is None else months(v)),  # 180 → 15年
    ("household_8050", _("8050世帯"), lambda v: "—" if v is None else (_("はい") if v else _("いいえ"))),
]


OPEN_REFERRAL = (ReferralStatus.REQUESTED, ReferralStatus.ARRANGING)


def incoming_queue(actor, *, done: bool = False) -> QuerySet[Referral]:
    referrals = incoming_referrals(actor)
    referrals = referrals.exclude(status__in=OPEN_REFERRAL) if done else referrals.filter(status__in=OPEN_REFERRAL)
    return referrals.select_related(
        "organisation", "category", "consent", "case", "case__municipality", "receiving_case"
    ).order_by("-date", "-id")


def incoming_page(actor, *, done: bool, number) -> tuple[Page, list[IncomingRow]]:
    """Page `number` of the acting organisation's incoming queue and its rows; recorded as
    referral.incoming_list with the referrals shown."""
    page = Paginator(incoming_queue(actor, done=done), PAGE_SIZE).get_page(number)
    rows = incoming_rows(page)
    log_action(
        actor,
        "referral.incoming_list",
        label=_("%(n)s件") % {"n": len(rows)},
        changes={"referrals": [None, [row.referral.pk for row in rows]]},
    )
    return page, rows


def incoming_rows(referrals) -> list[IncomingRow]:
    """Each referral with only what shared_case_fields lets the partner see."""
    return [IncomingRow(referral, shared_case_fields(referral)) for referral in referrals]


# --- appointments and the home page -----------------------------------------------------------------------


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday of the week that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def planned_appointments(actor, *, start: date, end: date, staff=None) -> list[Appointment]:
    """The actor's planned appointments from start to end (of one staff member, or the organisation's),
    with their case and staff, in two queries."""
    appointments = visible_appointments(actor).filter(status=AppointmentStatus.PLANNED, date__range=(start, end))
    if staff is not None:
        appointments = appointments.filter(staff=staff)
    return list(
        appointments.select_related("case").prefetch_related(
            Prefetch("staff", queryset=User.objects.only("id", "username", "first_name").order_by("username"))
        )
    )


def week_page(actor, *, day: date, staff=None) -> dict:
    """The week view: seven days with their appointments; the reading is logged with the cases shown."""
    start, end = week_of(day)
    appointments = planned_appointments(actor, start=start, end=end, staff=staff)
    days = [(start + timedelta(days=n), []) for n in range(7)]
    for appointment in appointments:
        days[(appointment.date - start).days][1].append(appointment)
    log_action(
        actor,
        "appointment.week",
        label=f"{start.isoformat()}〜{end.isoformat()}",
        changes={"cases": [None, sorted({a.case.number for a in appointments})]},
    )
    return {"start": start, "end": end, "days": days, "count": len(appointments)}


QUIET_CHOICES = (30, 60, 90)
HOME_ROWS = 20


@dataclass(frozen=True)
class MyCase:
    case: Case
    next_appointment: Appointment | None


def home_casework(actor, *, today: date, quiet_days: int) -> dict:
    """What a 相談員 or ピアサポーター has to do today: their own open cases with the next appointment,
    those without contact for `quiet_days`, today's and this week's appointments, referrals waiting for an
    answer (sent and received). A fixed number of queries, whatever the number of rows."""
    user = actor.user
    mine = visible_cases(actor).filter(assigned=user).exclude(status=Status.CLOSED)
    start, end = week_of(today)
    week = planned_appointments(actor, start=min(start, today), end=max(end, today), staff=user)
    upcoming = {}
    for appointment in (
        Appointment.objects.filter(case__in=mine.values("pk"), status=AppointmentStatus.PLANNED, date__gte=today)
        .order_by("case_id", "date", F("time").asc(nulls_first=True), "id")
        .only("id", "case_id", "date", "time", "channel", "place")
    ):
        upcoming.setdefault(appointment.case_id, appointment)
    my_cases = list(mine.order_by(RECENT.desc(), "-id")[:HOME_ROWS])
    cutoff = today - timedelta(days=quiet_days)
    quiet = list(
        mine.filter(Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True, opened_on__lt=cutoff)).order_by(
            RECENT.asc(), "id"
        )[:HOME_ROWS]
    )
    sent = list(
        Referral.objects.filter(case__in=mine.values("pk"), status__in=OPEN_REFERRAL)
        .select_related("case")
        .order_by("date", "id")[:HOME_ROWS]
    )
    received = list(incoming_queue(actor)[:HOME_ROWS])
    shown = {c.number for c in my_cases} | {c.number for c in quiet} | {a.case.number for a in week}
    log_action(actor, "case.home", label=_("%(n)s件") % {"n": len(shown)}, changes={"cases": [None, sorted(shown)]})
    return {
        "my_cases": [MyCase(case, upcoming.get(case.pk)) for case in my_cases],
        "quiet": quiet,
        "quiet_days": quiet_days,
        "quiet_choices": QUIET_CHOICES,
        "today_appointments": [a for a in week if a.date == today],
        "week_appointments": [a for a in week if a.date != today and start <= a.date <= end],
        "week_start": start,
        "week_end": end,
        "sent_waiting": sent,
        "received_waiting": received,
    }


def find_case(actor, query: str) -> Case | None:
    """The one case a search names: an exact number, or a serial typed alone (0022 → 2026-0022) when
    only one case of the actor ends with it."""
    text = unicodedata.normalize("NFKC", query or "").strip()
    if not text:
        return None
    cases = visible_cases(actor)
    exact = list(cases.filter(number=text).values_list("pk", flat=True)[:2])
    if len(exact) == 1:
        return cases.get(pk=exact[0])
    if text.isdigit():
        found = list(cases.filter(number__endswith=f"-{text}").values_list("pk", flat=True)[:2])
        if len(found) == 1:
            return cases.get(pk=found[0])
    return None

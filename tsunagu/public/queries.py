"""Reads behind the public pages and the staff pages of this app; each does a fixed number of queries."""

import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.core.text import fold
from tsunagu.ibasho.models import Ibasho, IbashoEvent, IbashoKind
from tsunagu.orgs.models import Organisation, OrgKind
from tsunagu.orgs.regions import CENTRE_KINDS, MUNICIPAL_KINDS, regions
from tsunagu.outreach.models import Event, EventStatus

from .models import ConsultationStatus, Want, WebConsultation, Window, Writer
from .windows import WINDOW_KINDS


def directory_version() -> str:
    """Changes whenever an organisation or a window is added, changed or removed: the cache key of the
    rendered directory pages."""
    row = Organisation.objects.aggregate(
        orgs=Count("id"), org_at=Max("updated_at"), windows=Count("window"), window_at=Max("window__updated_at")
    )
    # The region pages announce public events too: a change to one is a change of the directory.
    events = Event.objects.filter(is_public=True).aggregate(n=Count("id"), at=Max("updated_at"))
    stamp = lambda value: value.timestamp() if value else 0  # noqa: E731
    return (
        f"{row['orgs']}-{stamp(row['org_at'])}-{row['windows']}-{stamp(row['window_at'])}"
        f"-{events['n']}-{stamp(events['at'])}"
    )


@dataclass(frozen=True)
class RegionSummary:
    region: Organisation
    total: int  # municipalities in the region
    named: int  # of which have a named window (窓口の明確化)

    @property
    def missing(self) -> int:
        return self.total - self.named


def overview() -> list[RegionSummary]:
    """For each prefecture (and designated city), how many of its municipalities have a named window."""
    counts = {
        row["parent"]: row
        for row in Organisation.objects.filter(kind=OrgKind.MUNICIPALITY, is_active=True)
        .values("parent")
        .annotate(total=Count("id"), named=Count("window"))
    }
    summaries = []
    for region in regions().select_related("window"):
        if region.kind == OrgKind.DESIGNATED_CITY:
            summaries.append(RegionSummary(region, 1, int(hasattr(region, "window"))))
        else:
            row = counts.get(region.pk, {"total": 0, "named": 0})
            summaries.append(RegionSummary(region, row["total"], row["named"]))
    return summaries


@dataclass
class RegionDirectory:
    region: Organisation
    centres: list[Organisation] = field(default_factory=list)  # specialist windows, with .window
    municipalities: list[Organisation] = field(default_factory=list)  # every municipality, window or not

    @property
    def named(self) -> int:
        return sum(1 for org in self.municipalities if hasattr(org, "window"))


def region_directory(region: Organisation) -> RegionDirectory:
    directory = RegionDirectory(region)
    orgs = Organisation.objects.filter(
        path__startswith=region.path, kind__in=WINDOW_KINDS, is_active=True
    ).select_related("window")
    for org in orgs.order_by("path"):
        if org.kind in MUNICIPAL_KINDS:
            directory.municipalities.append(org)
        elif hasattr(org, "window"):
            directory.centres.append(org)
    directory.municipalities.sort(key=lambda org: org.code)
    return directory


def normalise(query: str) -> str:
    return unicodedata.normalize("NFKC", query or "").strip()[:60]


def search(query: str) -> list[Organisation]:
    """Windows, and municipalities without one, whose name, address or よみがな contains the query."""
    query = normalise(query)
    if not query:
        return []
    matches = Q(name__icontains=query) | Q(window__name__icontains=query) | Q(window__address__icontains=query)
    if reading := fold(query):  # あおみし, アオミシ or ｱｵﾐｼ: the window's よみがな
        matches |= Q(window__reading__contains=reading)
    orgs = (
        Organisation.objects.filter(kind__in=WINDOW_KINDS, is_active=True)
        .filter(matches)
        .filter(Q(window__isnull=False) | Q(kind__in=MUNICIPAL_KINDS))
        .select_related("window", "parent")
        .order_by("path")
    )
    return list(orgs[:50])


def window_for(code: str) -> Window | None:
    return (
        Window.objects.select_related("organisation", "organisation__parent")
        .filter(organisation__code=code, organisation__is_active=True)
        .first()
    )


def region_windows(region: Organisation) -> QuerySet[Window]:
    return Window.objects.filter(organisation__path__startswith=region.path, organisation__is_active=True)


# Partner categories that serve what the finder's visitor wants (names of DOMAIN.md's list).
SERVICE_CATEGORIES = {
    Want.WORK: ("地域若者サポートステーション", "ハローワーク"),
    Want.FAMILY: ("民間支援団体（当事者団体・NPO法人等）",),
}


@dataclass
class FinderResult:
    region: Organisation
    municipality: Organisation | None
    want: str
    who: str
    municipal_window: Window | None = None
    centre_windows: list[Window] = field(default_factory=list)
    fitting_windows: list[Window] = field(default_factory=list)  # other windows good for what is wanted
    services: list[Organisation] = field(default_factory=list)
    ibasho: list[Ibasho] = field(default_factory=list)
    events: list[IbashoEvent] = field(default_factory=list)


def finder_result(region: Organisation, *, municipality: Organisation | None, who: str, want: str) -> FinderResult:
    result = FinderResult(region, municipality, want, who)
    wants = {want} | ({Want.FAMILY} if who == Writer.FAMILY else set())
    windows = list(region_windows(region).select_related("organisation").order_by("organisation__path"))
    for window in windows:
        org = window.organisation
        if municipality is not None and org.pk == municipality.pk:
            result.municipal_window = window
        elif org.kind in CENTRE_KINDS:
            result.centre_windows.append(window)
        elif org.kind not in MUNICIPAL_KINDS and wants & set(window.topics):
            result.fitting_windows.append(window)
    categories = [name for w in sorted(wants) for name in SERVICE_CATEGORIES.get(w, ())]
    if categories:
        result.services = list(
            Organisation.objects.filter(
                path__startswith=region.path, kind=OrgKind.PARTNER, is_active=True, category__name__in=categories
            )
            .select_related("category")
            .order_by("category__order", "name")
        )
    ibasho = list(public_ibasho(region))
    # Near ones first, then those anyone can join from home.
    near = lambda place: (  # noqa: E731
        0
        if municipality is not None and place.municipality_id == municipality.pk
        else 1
        if place.kind != IbashoKind.PHYSICAL
        else 2
    )
    ibasho.sort(key=lambda place: (near(place), place.name))
    result.ibasho = ibasho[: 10 if want == Want.PLACE else 3]
    if want == Want.PLACE:
        result.events = list(upcoming_events(region)[:10])
    return result


def public_ibasho(region: Organisation | None = None) -> QuerySet[Ibasho]:
    places = Ibasho.objects.filter(is_public=True, organisation__is_active=True)
    if region is not None:
        places = places.filter(organisation__path__startswith=region.path)
    return places.select_related("organisation", "municipality").order_by("name", "id")


def upcoming_events(region: Organisation | None = None, *, days: int = 28) -> QuerySet[IbashoEvent]:
    """Public dates of public 居場所 from today, for the next `days` days."""
    today = timezone.localdate()
    events = IbashoEvent.objects.filter(
        is_public=True,
        ibasho__is_public=True,
        organisation__is_active=True,
        date__gte=today,
        date__lt=today + timedelta(days=days),
    )
    if region is not None:
        events = events.filter(organisation__path__startswith=region.path)
    return events.select_related("ibasho", "ibasho__municipality").order_by("date", "start_time", "id")


def manageable_windows(org: Organisation) -> QuerySet[Organisation]:
    """The organisations whose window this organisation's 管理者 keeps: itself and those below it."""
    return (
        Organisation.objects.filter(path__startswith=org.path, kind__in=WINDOW_KINDS, is_active=True)
        .select_related("window")
        .order_by("path")
    )


def queue(consultations: QuerySet[WebConsultation], status: str) -> QuerySet[WebConsultation]:
    if status in ConsultationStatus.values:
        consultations = consultations.filter(status=status)
    return consultations.select_related("municipality", "case").order_by("-received_at", "-id")


def queue_counts(consultations: QuerySet[WebConsultation]) -> dict[str, int]:
    counts = dict(consultations.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {value: counts.get(value, 0) for value in ConsultationStatus.values}


def network_figures(org: Organisation) -> dict:
    """窓口の明確化 for a subtree: `municipalities` (active municipalities and designated cities in it) and
    `windows` (those with a named consultation window published here). The directory has no history,
    so these are today's figures whatever the period (one query)."""
    return Organisation.objects.filter(path__startswith=org.path, kind__in=MUNICIPAL_KINDS, is_active=True).aggregate(
        municipalities=Count("id"), windows=Count("window", filter=~Q(window__name=""))
    )


def public_events(region: Organisation | None = None) -> QuerySet[Event]:
    """研修・講演会 and other events an organisation announced to residents, from today on: not those past
    and not those cancelled."""
    events = Event.objects.filter(is_public=True, organisation__is_active=True, date__gte=timezone.localdate()).exclude(
        status=EventStatus.CANCELLED
    )
    if region is not None:
        events = events.filter(organisation__path__startswith=region.path)
    return events.select_related("organisation").order_by("date", "start_time", "id")


def _digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())


def existing_cases(consultation: WebConsultation) -> list[Case]:
    """Cases of the receiving organisation that may be the same person: the same name (folded:
    hiragana = katakana, no spaces) or the same phone number (digits only). Checked before a
    consultation becomes a new case, so one person does not get two."""
    name, phone = fold(consultation.name), _digits(consultation.phone)
    if not name and len(phone) < 10:
        return []
    condition = Q()
    if name:
        condition |= Q(search_key__startswith=f"{name}|") | Q(search_key__endswith=f"|{name}")
    cases = Case.objects.filter(organisation=consultation.organisation).order_by("-opened_on", "-id")
    found = list(cases.filter(condition)[:10]) if name else []
    if len(phone) >= 10:
        seen = {c.pk for c in found}
        for case in cases.exclude(phone="").only("pk", "number", "opened_on", "phone", "status", "name"):
            if case.pk not in seen and _digits(case.phone) == phone:
                found.append(case)
    return found

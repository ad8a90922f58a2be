"""The national view: the sum of the approved returns of the prefectures (not the live records), in the
tables of the ministry's summary (seed 004): 延べ相談件数 per fiscal year, referrals per category with
率. A prefecture without an approved return for a year is counted from its live records and marked, so
switching approval on hides no earlier year."""

from dataclasses import dataclass, field

from tsunagu.core import wareki
from tsunagu.orgs.models import Organisation
from tsunagu.stats.report import rate

from .actions import figures
from .models import ReceivedReturn, Return, ReturnStatus


@dataclass
class Year:
    fiscal_year: int
    label: str
    contacts: int = 0
    referrals: int = 0
    by_category: dict = field(default_factory=dict)  # name → count
    approved: list = field(default_factory=list)  # names of the prefectures counted from approved returns
    live: list = field(default_factory=list)  # names of those counted from live records (no approved return)

    @property
    def categories(self) -> list[tuple[str, int, float]]:
        """(category, referrals, 率 of all referrals of the year), every category present, 0 included."""
        return [(name, n, rate(n, self.referrals)) for name, n in self.by_category.items()]


def _add(year: Year, report: dict) -> None:
    year.contacts += report["contacts"]["total"]
    year.referrals += report["referrals"]["total"]
    for name, cell in report["referrals"]["by_category"].items():
        year.by_category[name] = year.by_category.get(name, 0) + cell["count"]


def national_years(nation: Organisation, fiscal_years: list[int]) -> list[Year]:
    prefectures = list(nation.children.order_by("code"))
    years = []
    for fy in fiscal_years:
        start, end = wareki.fiscal_year_range(fy)
        approved = {
            r.organisation_id: r
            for r in Return.objects.filter(
                organisation__in=prefectures, starts_on=start, ends_on=end, status=ReturnStatus.APPROVED
            )
        }
        year = Year(fy, wareki.fiscal_year_label(fy))
        for pref in prefectures:
            if pref.pk in approved:
                _add(year, approved[pref.pk].frozen)
                year.approved.append(pref.name)
            else:
                _add(year, figures(pref, start, end))
                year.live.append(pref.name)
        # Approved returns of bodies of other installations, verified on receipt (signing.receive).
        for received in ReceivedReturn.objects.filter(
            sender__receiver=nation, starts_on=start, ends_on=end
        ).select_related("sender"):
            _add(year, received.frozen)
            year.approved.append(received.sender.name)
        years.append(year)
    return years

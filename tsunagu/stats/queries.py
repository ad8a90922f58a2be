"""The statistics as the apps above read them (kpi, reporting): this module is their only way in, which
pyproject's import-linter contract "kpi-reads-stats-queries" holds them to, so the report's internals
(rollup tables, section builders) can change without touching them.

The report's figures are registered here as KPI sources (tsunagu.core.figures), by StatsConfig.ready().
"""

from datetime import date

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tsunagu.core import figures

from . import cohorts, smallcells
from .exporters import _ranged
from .models import ContactMonth, OrgAncestor
from .report import (
    Period,
    build_report,
    connected_from_counts,
    connected_section,
    contact_section,
    contacts_from_rows,
    counts_other_organisations,
    partner_categories,
    rate,
    referral_section,
    referrals_from_rows,
)
from .sections import employment as employment_section

__all__ = [
    "RANGED_SOURCES",
    "Period",
    "cohort_choices",
    "counts_other_organisations",
    "is_ranged",
    "organisations_with_contacts",
    "rate",
    "register_figures",
    "report",
    "shown_report",
    "shown_sources",
]


def report(org, period: Period, cohort: str = "") -> dict:
    """The report contract (`tsunagu report`) of the organisation's subtree over the period, optionally
    for a cohort (its key: 就職氷河期世代, 40代); the progress report's pages read their figures from it."""
    return build_report(org, period, cohorts.by_key(cohort))


def shown_report(acting, org, period: Period, cohort: str = "") -> dict:
    """report() as the staff of `acting` see it: small cells as ranges when it counts another organisation's
    records (issue 13, smallcells.shown_report)."""
    return smallcells.shown_report(acting, org, period, cohorts.by_key(cohort))


# The KPI sources whose figures are sections of the report that describe persons (smallcells ranges their
# small cells); the other sources count meetings, events, materials, supporters and places, no person.
RANGED_SOURCES = ("contacts", "referrals", "connected", "employment", "work_experience", "ibasho")


def shown_sources(org, period: Period, cohort: str = "") -> dict:
    """{source: its figures} for RANGED_SOURCES, as the sections of the report of `org` whose small cells
    are ranges (smallcells.protect): what the staff of an organisation for which counts_other_organisations
    holds see, the same cells ranged as on the report page."""
    found = cohorts.by_key(cohort)
    shown, _any = smallcells.protect(build_report(org, period, found), org, period, cohort=found)
    return {source: shown[source] for source in RANGED_SOURCES if source in shown}


def is_ranged(value) -> bool:
    """Whether a figure of the shown report is a range text (no rate, sum or bar is made of it)."""
    return _ranged(value)


def _in_japanese(section, for_cohort=None):
    """compute(period, scope[, cohort key]): the section, or with a cohort for_cohort(records, period)
    over the cohort's records (stats.cohorts)."""

    def compute(period: Period, scope, cohort: str = "") -> dict:
        # The sections key some breakdowns by their Japanese labels; read them in Japanese.
        with translation.override("ja"):
            if cohort:
                return for_cohort(cohorts.CohortRecords(scope, cohorts.by_key(cohort)), (period.start, period.end))
            return section(scope, period)

    return compute


def _cohort_contacts(records, span) -> dict:
    return contacts_from_rows(records.contact_rows(*span), records.persons(*span), records.new_cases(*span))


def _cohort_referrals(records, span) -> dict:
    return referrals_from_rows(records.referral_rows(*span), partner_categories())


def _cohort_connected(records, span) -> dict:
    return connected_from_counts(records.connected(*span))


def _employment(period: Period, scope, cohort: str = "") -> dict:
    with translation.override("ja"):
        return employment_section.build(scope, period, cohorts.by_key(cohort))


def cohort_choices() -> list[tuple[str, str]]:
    """The cohorts a KPI indicator may count (key, label)."""
    return [(cohort.key, cohort.key) for cohort in cohorts.cohorts()]


def register_figures() -> None:
    figures.register(
        "contacts",
        _in_japanese(contact_section, _cohort_contacts),
        [
            ("new_cases", _("新規相談件数"), "件", lambda s: s["new_cases"]),
            ("contacts", _("延べ相談件数"), "件", lambda s: s["total"]),
            ("persons", _("実人数"), "人", lambda s: s["persons"]),
            ("visits", _("訪問件数"), "件", lambda s: s["outreach"]["visits"]),
            ("accompaniment", _("同行件数"), "件", lambda s: s["outreach"]["accompaniment"]),
        ],
        cohorts=True,
    )
    figures.register(
        "referrals",
        _in_japanese(referral_section, _cohort_referrals),
        [
            ("referrals", _("つなぎ件数"), "件", lambda s: s["total"]),
            ("decided", _("支援決定件数（専門機関での支援が決定した件数）"), "件", lambda s: s["decided"]),
        ],
        cohorts=True,
    )
    figures.register(
        "connected",
        _in_japanese(connected_section, _cohort_connected),
        [
            ("connected", _("居場所等の支援につながった件数"), "件", lambda s: s["total"]),
            ("connected_person", _("居場所等の支援につながった件数（本人）"), "件", lambda s: s["本人"]),
            ("connected_family", _("居場所等の支援につながった件数（家族）"), "件", lambda s: s["家族"]),
        ],
        cohorts=True,
    )
    figures.register(
        "employment",
        _employment,
        [
            ("employment_registered", _("就労支援の利用登録者数"), "人", lambda s: s["registered"]),
            ("employment_new", _("就労支援の新規登録者数"), "人", lambda s: s["new_registrations"]),
            ("employment_uses", _("就労支援の利用回数（延べ）"), "回", lambda s: s["uses"]),
            ("employment_decided", _("就労支援の進路決定者数"), "人", lambda s: s["decided"]),
            ("employment_employed", _("就労支援で就職した人数"), "人", lambda s: s["employed"]),
        ],
        cohorts=True,
    )


def organisations_with_contacts(ids, first: date, last: date) -> set[int]:
    """Which of the organisations `ids` (or something below them) recorded a contact between the dates.
    The rollup rows are each organisation's own (stats.models), so the organisations below `ids` are
    read through the closure and mapped back to the one of `ids` above them."""
    below = OrgAncestor.objects.filter(ancestor_id__in=ids).values("org_id")
    worked = (
        ContactMonth.objects.filter(ancestor_id__in=below, month__range=(first, last))
        .order_by()
        .values("ancestor_id")
        .distinct()
    )
    return set(OrgAncestor.objects.filter(ancestor_id__in=ids, org_id__in=worked).values_list("ancestor_id", flat=True))

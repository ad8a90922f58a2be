"""The statistics as the apps above read them (kpi, reporting): this module is their only way in, which
pyproject's import-linter contract "kpi-reads-stats-queries" holds them to, so the report's internals
(rollup tables, section builders) can change without touching them.

The report's figures are registered here as KPI sources (tsunagu.core.figures), by StatsConfig.ready().
"""

from datetime import date

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tsunagu.core import figures

from .models import ContactMonth, OrgAncestor
from .report import Period, connected_section, contact_section, rate, referral_section

__all__ = ["Period", "organisations_with_contacts", "rate", "register_figures"]


def _in_japanese(section):
    def compute(period: Period, scope) -> dict:
        # The sections key some breakdowns by their Japanese labels; read them in Japanese.
        with translation.override("ja"):
            return section(scope, period)

    return compute


def register_figures() -> None:
    figures.register(
        "contacts",
        _in_japanese(contact_section),
        [
            ("new_cases", _("新規相談件数"), "件", lambda s: s["new_cases"]),
            ("contacts", _("延べ相談件数"), "件", lambda s: s["total"]),
            ("persons", _("実人数"), "人", lambda s: s["persons"]),
            ("visits", _("訪問件数"), "件", lambda s: s["outreach"]["visits"]),
            ("accompaniment", _("同行件数"), "件", lambda s: s["outreach"]["accompaniment"]),
        ],
    )
    figures.register(
        "referrals",
        _in_japanese(referral_section),
        [
            ("referrals", _("つなぎ件数"), "件", lambda s: s["total"]),
            ("decided", _("支援決定件数（専門機関での支援が決定した件数）"), "件", lambda s: s["decided"]),
        ],
    )
    figures.register(
        "connected",
        _in_japanese(connected_section),
        [
            ("connected", _("居場所等の支援につながった件数"), "件", lambda s: s["total"]),
            ("connected_person", _("居場所等の支援につながった件数（本人）"), "件", lambda s: s["本人"]),
            ("connected_family", _("居場所等の支援につながった件数（家族）"), "件", lambda s: s["家族"]),
        ],
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

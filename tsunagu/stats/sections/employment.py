"""The report section `employment` (DOMAIN.md "Employment support"): registrations at the organisations
that support work, their 進路決定 and the 進路決定率. The counting is employment.queries.counts; this module
labels it as the report contract says, with every label of each breakdown present."""

from django.utils.translation import gettext as _

from tsunagu.cases.models import AgeBand
from tsunagu.core import wareki
from tsunagu.employment import queries
from tsunagu.employment.models import EMPLOYED_OUTCOMES, Outcome
from tsunagu.orgs.queries import holds_every_organisation

from ..exporters import LABEL, RATE, Column, Table
from ..report import rate
from . import Section


def _ids(org):
    """The subtree's ids as a subquery, or None (no filter) for the nation, whose subtree is every
    organisation."""
    return None if holds_every_organisation(org) else queries.subtree_ids(org)


def build(org, period, cohort=None) -> dict:
    keep = cohort.includes if cohort is not None else None
    return _labelled(queries.counts(_ids(org), period.start, period.end, keep))


def build_years(org, years: list[int]) -> dict[int, dict]:
    return {year: _labelled(counts) for year, counts in queries.counts_by_year(_ids(org), years).items()}


def _labelled(counts: queries.Counts) -> dict:
    new = counts.new_registrations
    return {
        "registered": counts.registered,
        "new_registrations": new,
        "uses": counts.uses,
        "decided": counts.decided,
        "employed": sum(counts.by_outcome.get(outcome, 0) for outcome in EMPLOYED_OUTCOMES),
        "by_outcome": {str(label): counts.by_outcome.get(value, 0) for value, label in Outcome.choices},
        "new_by_age_band": {str(label): counts.new_by_band.get(value, 0) for value, label in AgeBand.choices},
        "decision_rate": rate(counts.decided, new),
    }


def tables(figures: dict) -> list[Table]:
    return [
        Table(
            "employment",
            _("就労支援"),
            [Column(_("項目"), LABEL), Column(_("人数・件数"))],
            [
                [_("利用登録者数"), figures["registered"]],
                [_("新規登録者数"), figures["new_registrations"]],
                [_("利用回数（延べ）"), figures["uses"]],
                [_("進路決定者数"), figures["decided"]],
                [_("うち就職"), figures["employed"]],
            ],
            note=_(
                "利用登録者数は期間中に登録が続いていた人、利用回数は登録中の人の登録先での相談の延べ件数、"
                "進路決定率は進路決定者数÷新規登録者数です。"
            ),
        ),
        Table(
            "employment_rate",
            _("単年度進路決定率"),
            [Column(_("項目"), LABEL), Column(_("率（%）"), RATE)],
            [[_("進路決定率"), figures["decision_rate"]]],
        ),
        Table(
            "employment_outcomes",
            _("進路別の進路決定者数"),
            [Column(_("進路"), LABEL), Column(_("人数"))],
            [[_(label), n] for label, n in figures["by_outcome"].items()],
            total=[_("計"), figures["decided"]],
        ),
        Table(
            "employment_new_by_age_band",
            _("新規登録者の年代"),
            [Column(_("年代"), LABEL), Column(_("人数"))],
            [[_(label), n] for label, n in figures["new_by_age_band"].items()],
            total=[_("計"), figures["new_registrations"]],
            note=_("年代は登録日時点の本人の年齢です。"),
        ),
    ]


def trend(years: list[int], by_year: dict[int, dict]) -> list[Table]:
    rows = [
        (_("利用登録者数"), "registered"),
        (_("新規登録者数"), "new_registrations"),
        (_("利用回数（延べ）"), "uses"),
        (_("進路決定者数"), "decided"),
        (_("うち就職"), "employed"),
    ]
    return [
        Table(
            "employment_trend",
            _("就労支援の推移"),
            [Column(_("項目"), LABEL)]
            + [Column(wareki.fiscal_year_label(y, "short"), full=wareki.fiscal_year_label_both(y)) for y in years],
            [[label] + [by_year[y][key] for y in years] for label, key in rows],
        )
    ]


SECTION = Section("employment", build, tables, case_based=True, trend=trend, build_years=build_years)

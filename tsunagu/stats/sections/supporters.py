"""The report's `supporters` section (ひきこもりサポーター): registered on the period's last day,
activities in the period and in the same period one year earlier (the national outcome target asks
that activities exceed the previous year's)."""

from django.utils.translation import gettext as _

from tsunagu.outreach.counting import supporter_figures, supporter_years

from ..exporters import LABEL, Column, Table
from ..models import OrgAncestor
from . import Section
from ._years import year_columns


def build(org, period, cohort=None) -> dict:
    return supporter_figures(
        org, period.start, period.end, OrgAncestor.objects.filter(ancestor_id=org.pk).values("org_id")
    )


def build_years(org, years: list[int]) -> dict[int, dict]:
    return supporter_years(org, years, OrgAncestor.objects.filter(ancestor_id=org.pk).values("org_id"))


def tables(section: dict) -> list[Table]:
    return [
        Table(
            "supporters",
            _("ひきこもりサポーター"),
            [Column(_("項目"), LABEL), Column(_("人数・件数"))],
            [
                [_("登録サポーター数（期間の末日）"), section["registered"]],
                [_("活動件数"), section["activities"]],
                [_("前年同期の活動件数"), section["previous_activities"]],
                [_("活動時間（分）"), section["minutes"]],
            ],
            note=_("国の成果目標: サポーターの活動件数が前年度を上回ること。"),
        ),
        Table(
            "supporter_activities",
            _("サポーターの活動（種別）"),
            [Column(_("種別"), LABEL), Column(_("件数"))],
            [[_(kind), n] for kind, n in section["by_kind"].items()],
            total=[_("計"), section["activities"]],
        ),
    ]


def trend(years: list[int], by_year: dict[int, dict]) -> list[Table]:
    return [
        Table(
            "supporters_trend",
            _("ひきこもりサポーターの推移"),
            [Column(_("項目"), LABEL)] + year_columns(years),
            [
                [_("登録サポーター数（年度末）")] + [by_year[y]["registered"] for y in years],
                [_("活動件数")] + [by_year[y]["activities"] for y in years],
            ],
        )
    ]


SECTION = Section("supporters", build, tables, case_based=False, trend=trend, build_years=build_years)

"""The report's `materials` section (広報): per kind, copies made and distributed ("ポスター 5,000枚作成",
"リーフレット 30,000部"); for SNS投稿, made counts the posts."""

from django.utils.translation import gettext as _

from tsunagu.outreach.counting import material_figures, material_years

from ..exporters import LABEL, Column, Table
from ..models import OrgAncestor
from . import Section
from ._years import year_columns


def build(org, period, cohort=None) -> dict:
    return material_figures(
        org, period.start, period.end, OrgAncestor.objects.filter(ancestor_id=org.pk).values("org_id")
    )


def build_years(org, years: list[int]) -> dict[int, dict]:
    return material_years(org, years, OrgAncestor.objects.filter(ancestor_id=org.pk).values("org_id"))


def tables(section: dict) -> list[Table]:
    return [
        Table(
            "materials",
            _("広報"),
            [Column(_("種別"), LABEL), Column(_("作成数")), Column(_("配布数"))],
            [[_(kind), f["made"], f["distributed"]] for kind, f in section["by_kind"].items()],
            note=_("期間中の日付の広報の作成数・配布数の合計です。SNS投稿の作成数は投稿の件数です。"),
        )
    ]


def trend(years: list[int], by_year: dict[int, dict]) -> list[Table]:
    kinds = list(by_year[years[0]]["by_kind"])
    return [
        Table(
            "materials_trend",
            _("広報の作成数の推移"),
            [Column(_("種別"), LABEL)] + year_columns(years),
            [[_(kind)] + [by_year[y]["by_kind"][kind]["made"] for y in years] for kind in kinds],
            note=_("SNS投稿は投稿の件数です。"),
        )
    ]


SECTION = Section("materials", build, tables, case_based=False, trend=trend, build_years=build_years)

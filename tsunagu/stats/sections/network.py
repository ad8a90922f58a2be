"""The report's `network` section (窓口の明確化: "34市町村"): the municipalities in the subtree and those
with a named public consultation window (tsunagu.public). The directory keeps no history, so the
figures are today's for any period, and the section has no trend."""

from django.utils.translation import gettext as _

from tsunagu.public.queries import network_figures

from ..exporters import LABEL, Column, Table
from . import Section


def build(org, period, cohort=None) -> dict:
    return network_figures(org)


def build_years(org, years: list[int]) -> dict[int, dict]:
    figures = network_figures(org)  # today's directory: the same for every year
    return dict.fromkeys(years, figures)


def tables(section: dict) -> list[Table]:
    return [
        Table(
            "network",
            _("相談窓口の明確化"),
            [Column(_("項目"), LABEL), Column(_("市区町村数"))],
            [
                [_("市区町村"), section["municipalities"]],
                [_("相談窓口を明確化した市区町村"), section["windows"]],
            ],
            note=_("公開ページに名称のある相談窓口を載せている市区町村の数です（現在の窓口情報）。"),
        )
    ]


SECTION = Section("network", build, tables, case_based=False, trend=None, build_years=build_years)

"""The report's `events` section (研修・啓発): per kind, held and participants (DOMAIN.md: "89名参加",
"講師派遣 2回": a dispatch is held once each), with those still planned or cancelled in the period."""

from django.utils.translation import gettext as _

from tsunagu.outreach.counting import event_figures, event_years

from ..exporters import LABEL, Column, Table
from ..models import OrgAncestor
from . import Section
from ._years import year_columns


def build(org, period, cohort=None) -> dict:
    return event_figures(org, period.start, period.end, OrgAncestor.objects.filter(ancestor_id=org.pk).values("org_id"))


def build_years(org, years: list[int]) -> dict[int, dict]:
    return event_years(org, years, OrgAncestor.objects.filter(ancestor_id=org.pk).values("org_id"))


def tables(section: dict) -> list[Table]:
    rows = [
        [_(kind), f["held"], f["participants"], f["planned"], f["cancelled"]] for kind, f in section["by_kind"].items()
    ]
    return [
        Table(
            "events",
            _("研修・啓発"),
            [
                Column(_("種別"), LABEL),
                Column(_("開催回数")),
                Column(_("参加者数")),
                Column(_("予定")),
                Column(_("中止")),
            ],
            rows,
            total=[_("計"), section["held"], section["participants"], section["planned"], section["cancelled"]],
            note=_(
                "開催回数と参加者数は期間中に開催したもの（講師派遣は派遣回数）、予定・中止は期間中の日付で"
                "まだ予定のもの・中止したものの数です。"
            ),
        )
    ]


def trend(years: list[int], by_year: dict[int, dict]) -> list[Table]:
    kinds = list(by_year[years[0]]["by_kind"])
    return [
        Table(
            "events_trend",
            _("研修・啓発の参加者数の推移"),
            [Column(_("種別"), LABEL)] + year_columns(years),
            [[_(kind)] + [by_year[y]["by_kind"][kind]["participants"] for y in years] for kind in kinds],
            total=[_("計")] + [by_year[y]["participants"] for y in years],
            note=_("講師派遣は参加者数のかわりに下の開催回数の表を見てください。"),
        ),
        Table(
            "events_held_trend",
            _("研修・啓発の開催回数の推移"),
            [Column(_("種別"), LABEL)] + year_columns(years),
            [[_(kind)] + [by_year[y]["by_kind"][kind]["held"] for y in years] for kind in kinds],
            total=[_("計")] + [by_year[y]["held"] for y in years],
        ),
    ]


SECTION = Section("events", build, tables, case_based=False, trend=trend, build_years=build_years)

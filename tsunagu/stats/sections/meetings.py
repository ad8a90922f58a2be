"""The report's `meetings` section (DOMAIN.md "The report contract, continued"): meetings per kind,
the held meetings with their bodies and people, and the plans held against planned. The figures are
tsunagu.meetings.queries.meeting_figures'; this module turns them into the report's tables."""

from datetime import date

from django.utils.translation import gettext as _

from tsunagu.core import wareki
from tsunagu.meetings.queries import figures_by_year, meeting_figures, progress_text

from ..exporters import LABEL, Column, Table
from . import Section


def build(org, period, cohort=None) -> dict:
    return meeting_figures(org, period.start, period.end)


_KIND_COLUMNS = [
    ("held", "開催"),
    ("planned", "予定"),
    ("cancelled", "中止"),
    ("municipalities", "市区町村数"),
    ("agency_attendances", "参加機関（延べ）"),
    ("people", "参加人数"),
]


def tables(section: dict) -> list[Table]:
    by_kind = section["by_kind"]
    rows = [[_(kind)] + [figures[key] for key, _label in _KIND_COLUMNS] for kind, figures in by_kind.items()]
    totals = [_("計")] + [sum(f[key] for f in by_kind.values()) for key, _label in _KIND_COLUMNS]
    totals[4] = None  # distinct municipalities do not add up across kinds
    return [
        Table(
            "meetings_by_kind",
            _("会議の種別ごとの回数"),
            [Column(_("種別"), LABEL)] + [Column(_(label)) for _key, label in _KIND_COLUMNS],
            rows,
            total=totals,
            note=_(
                "市区町村数は、開催した会議の「対象の市区町村」の数です（参加機関は数えません）。参加機関と参加人数は"
                "開催した会議の合計です。"
            ),
        ),
        Table(
            "meetings_held",
            _("開催した会議"),
            [
                Column(_("日付"), LABEL),
                Column(_("種別"), LABEL),
                Column(_("名称"), LABEL),
                Column(_("地域・ブロック"), LABEL),
                Column(_("市区町村"), LABEL),
                Column(_("参加機関")),
                Column(_("参加人数")),
            ],
            [
                [
                    wareki.format_date(date.fromisoformat(m["date"])),
                    _(m["kind"]),
                    m["name"],
                    m["region"],
                    m["municipality"],
                    m["agencies"],
                    m["people"],
                ]
                for m in section["held"]
            ],
        ),
        Table(
            "meeting_plans",
            _("会議の計画と実績"),
            [
                Column(_("年度"), LABEL),
                Column(_("組織"), LABEL),
                Column(_("種別"), LABEL),
                Column(_("相手先"), LABEL),
                Column(_("開催")),
                Column(_("予定回数")),
                Column(_("実績／予定"), LABEL),
            ],
            [
                [
                    wareki.fiscal_year_label(p["fiscal_year"], "short"),
                    p["organisation"],
                    _(p["kind"]),
                    p["counterpart"],
                    p["held"],
                    p["planned"],
                    progress_text(p),
                ]
                for p in section["plans"]
            ],
        ),
    ]


def trend(years: list[int], per_year: dict[int, dict]) -> list[Table]:
    kinds = list(per_year[years[0]]["by_kind"])
    return [
        Table(
            "meetings_trend",
            _("会議の開催回数の推移"),
            [Column(_("種別"), LABEL)]
            + [Column(wareki.fiscal_year_label(y, "short"), full=wareki.fiscal_year_label_both(y)) for y in years],
            [[_(kind)] + [per_year[y]["by_kind"][kind]["held"] for y in years] for kind in kinds],
            total=[_("計")] + [sum(f["held"] for f in per_year[y]["by_kind"].values()) for y in years],
        )
    ]


def trend_build(org, years: list[int]) -> dict[int, dict]:
    return figures_by_year(org, years)


SECTION = Section("meetings", build, tables, case_based=False, trend=trend, build_years=trend_build)

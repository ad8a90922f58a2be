"""The report's further sections (DOMAIN.md, "The report contract, continued"): one module per record
type in this package, each defining SECTION. build_report and counted_report add every section's
figures under its key, and report_tables adds its tables after the consultation tables, so a record
type joins the report (page, XLSX, PDF, `tsunagu report`) by adding its module to MODULES.

A section computes its figures for an organisation subtree (stats.models.subtree) and a Period;
`cohort` is None or the stats.cohorts restriction of the case-based figures (a section whose figures
have no case, such as meetings, leaves it out of a cohort's report: case_based=False).
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

MODULES: list[str] = [
    "meetings",
    "events",
    "materials",
    "supporters",
    "ibasho",
    "network",
    "work_experience",
    "employment",
]


@dataclass(frozen=True)
class Section:
    key: str  # the report contract's key: "meetings"
    build: Callable  # build(org, period, cohort=None) -> dict with every label of each breakdown
    tables: Callable  # tables(section_dict) -> list[exporters.Table]
    case_based: bool = False
    # trend(years, {fiscal year: section figures}) -> list[exporters.Table]: the section's table on the
    # trends page; None leaves it out.
    trend: Callable | None = None
    # KPI figures of the section, each (key, label, unit, pick(section figures)), registered as the source
    # named by the section's key (core.figures) when the stats app is ready.
    figures: tuple | list = ()
    # build_years(org, years) -> {fiscal year: build()'s figures for that year}, in a fixed number of
    # queries whatever the number of years (the trends page); None builds each year in turn. A section
    # with build_years and no trend is in the trends' figures but shows no table there.
    build_years: Callable | None = None


def sections() -> list[Section]:
    return [import_module(f"{__name__}.{name}").SECTION for name in MODULES]


def register_figures() -> None:
    """Each section's figures as KPI sources (from StatsConfig.ready)."""
    from django.utils import translation

    from tsunagu.core import figures as kpi_figures

    for section in sections():
        if not section.figures:
            continue

        def compute(period, scope, build=section.build):
            # The sections key their breakdowns by DOMAIN.md's Japanese labels; read them in Japanese.
            with translation.override("ja"):
                return build(scope, period, None)

        kpi_figures.register(section.key, compute, list(section.figures))


def figures(org, period, cohort=None) -> dict:
    """{key: section figures} of every section that applies (case-based ones only under a cohort)."""
    return {
        section.key: section.build(org, period, cohort)
        for section in sections()
        if cohort is None or section.case_based
    }


def tables(report: dict) -> list:
    return [table for section in sections() if section.key in report for table in section.tables(report[section.key])]


def trend_figures(org, years: list[int]) -> dict[int, dict]:
    """{fiscal year: {key: section figures}} of the sections with a trend table."""
    from tsunagu.core import wareki
    from tsunagu.stats.report import Period

    built: dict[int, dict] = {year: {} for year in years}
    for section in sections():
        if section.build_years is not None:
            for year, figures in section.build_years(org, years).items():
                built[year][section.key] = figures
        elif section.trend:
            for year in years:
                built[year][section.key] = section.build(org, Period(*wareki.fiscal_year_range(year)), None)
    return built


def trend_tables(years: list[int], trends: dict[int, dict]) -> list:
    return [
        table
        for section in sections()
        if section.trend and all(section.key in trends[year] for year in years)
        for table in section.trend(years, {year: trends[year][section.key] for year in years})
    ]

"""The report's figures per fiscal year over many years.

One grouped query per section covers the whole range, with the fiscal year computed from each row's
date by a CASE over the April boundaries; the rows are then folded in Python into exactly the
structure build_report gives for each year (tests/stats/test_trends.py checks they are equal).
Another organisation's trends are shown through smallcells.shown_trends (each year's small cells as
ranges), so the tables take a range text wherever a figure can be one: a 計 is the year's total from the
report, and a chart that would plot a range is not drawn.
"""

from django.db.models import Case, Count, IntegerField, Max, Min, Sum, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tsunagu.core import wareki
from tsunagu.orgs.models import Organisation

from . import charts, sections
from .exporters import LABEL, RATE, Column, Table, _ranged
from .models import CaseYear, ConnectedYear, ContactMonth, NewCaseMonth, ReferralMonth, subtree
from .report import connected_from_counts, contacts_from_rows, partner_categories, referrals_from_rows


def data_years(org: Organisation) -> tuple[int, int] | None:
    """The first and last fiscal year with a contact in the subtree, or None (one query)."""
    span = ContactMonth.objects.filter(subtree(org.pk)).aggregate(first=Min("month"), last=Max("month"))
    if span["first"] is None:
        return None
    return wareki.fiscal_year(span["first"]), wareki.fiscal_year(span["last"])


def selectable_years(span: tuple[int, int] | None, *, at_least: int = 10) -> list[int]:
    """Fiscal years to offer: every year with data, and at least the last `at_least` up to this one."""
    current = wareki.fiscal_year(timezone.localdate())
    first = min(span[0], current - at_least + 1) if span else current - at_least + 1
    return list(range(first, max(current, span[1] if span else current) + 1))


def default_years(span: tuple[int, int] | None, count: int = 5) -> list[int]:
    """The last `count` fiscal years that have data (this year alone when there is none)."""
    if span is None:
        return [wareki.fiscal_year(timezone.localdate())]
    first, last = span
    return list(range(max(first, last - count + 1), last + 1))


def _fiscal_year_of(field: str, years: list[int]) -> Case:
    return Case(
        *[When(**{f"{field}__range": wareki.fiscal_year_range(y)}, then=Value(y)) for y in years],
        output_field=IntegerField(),
    )


def build_trends(org: Organisation, years: list[int]) -> dict[int, dict]:
    """{fiscal year: the build_report dict for that fiscal year}, from six rollup queries whatever the
    range."""
    years = sorted(years)
    with translation.override("ja"):
        built = _build(org, years)
        for year, figures in sections.trend_figures(org, years).items():
            built[year] |= figures
        return built


def _monthly(model, org: Organisation, years: list[int], span, keys: list[str]):
    """Rows (fiscal year, keys…, n) of a monthly rollup, summed per fiscal year."""
    return (
        model.objects.filter(subtree(org.pk), month__range=span)
        .annotate(fy=_fiscal_year_of("month", years))
        .values_list("fy", *keys)
        .annotate(total=Sum("n"))
        .values_list("fy", *keys, "total")
    )


def _build(org: Organisation, years: list[int]) -> dict[int, dict]:
    span = (wareki.fiscal_year_range(years[0])[0], wareki.fiscal_year_range(years[-1])[1])
    contact_rows = _by_year(_monthly(ContactMonth, org, years, span, ["channel", "consulter", "age_band", "with_peer"]))
    new_cases = dict(_monthly(NewCaseMonth, org, years, span, []))
    referral_rows = _by_year(_monthly(ReferralMonth, org, years, span, ["category_id", "target", "decided"]))
    yearly = {"fy__range": (years[0], years[-1])}
    persons = dict(
        CaseYear.objects.filter(subtree(org.pk), **yearly)
        .values_list("fy")
        .annotate(n=Count("id"))
        .values_list("fy", "n")
    )
    connected: dict[int, dict] = {}
    for fy, target, n in (
        ConnectedYear.objects.filter(subtree(org.pk), **yearly)
        .values_list("fy", "target")
        .annotate(n=Count("id"))
        .values_list("fy", "target", "n")
    ):
        connected.setdefault(fy, {})[target] = n
    categories = partner_categories()
    result = {}
    for year in years:
        start, end = wareki.fiscal_year_range(year)
        result[year] = {
            "org": org.code,
            "org_name": org.name,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "contacts": contacts_from_rows(contact_rows.get(year, []), persons.get(year, 0), new_cases.get(year, 0)),
            "referrals": referrals_from_rows(referral_rows.get(year, []), categories),
            "connected": connected_from_counts(connected.get(year, {})),
        }
    return result


def _by_year(rows) -> dict[int, list[tuple]]:
    """Rows whose first value is the fiscal year, bucketed by it (the year dropped)."""
    buckets: dict[int, list[tuple]] = {}
    for row in rows:
        buckets.setdefault(row[0], []).append(row[1:])
    return buckets


# --- tables and charts ----------------------------------------------------------------------------------


def _year_columns(years: list[int]) -> list[Column]:
    return [Column(wareki.fiscal_year_label(y, "short"), full=wareki.fiscal_year_label_both(y)) for y in years]


def _per_year(key, title, heading, years, trends, pick, labels, *, total, note="", chart=None) -> Table:
    """A breakdown per year; its 計 is total(year's figures), the report's own total (a range where it is one)."""
    rows = [[_(label)] + [pick(trends[y])[label] for y in years] for label in labels]
    totals = [total(trends[y]) for y in years]
    return Table(
        key,
        title,
        [Column(heading, LABEL)] + _year_columns(years),
        rows,
        total=[_("計")] + totals,
        note=note,
        chart=chart or "",
    )


def _plots_a_range(series) -> bool:
    """Whether a chart of the series would plot a range (smallcells: a point or bar shows the count)."""
    return _ranged(*(value for _label, values in series for value in values))


def _line_chart(series, **kwargs) -> str:
    """A line chart, or none when a value it would plot is a range."""
    return "" if _plots_a_range(series) else charts.line_chart(series=series, **kwargs)


def trend_tables(trends: dict[int, dict]) -> list[Table]:
    return _consultation_trend_tables(trends) + sections.trend_tables(sorted(trends), trends)


def _consultation_trend_tables(trends: dict[int, dict]) -> list[Table]:
    years = sorted(trends)
    x_labels = [wareki.fiscal_year_label(y, "short") for y in years]
    reports = [trends[y] for y in years]
    main = [
        (_("延べ相談件数"), [r["contacts"]["total"] for r in reports]),
        (_("実人数"), [r["contacts"]["persons"] for r in reports]),
        (_("新規相談件数"), [r["contacts"]["new_cases"] for r in reports]),
        (_("訪問件数"), [r["contacts"]["outreach"]["visits"] for r in reports]),
        (_("同行件数"), [r["contacts"]["outreach"]["accompaniment"] for r in reports]),
        (_("つなぎ件数"), [r["referrals"]["total"] for r in reports]),
        (_("専門機関での支援が決定した件数"), [r["referrals"]["decided"] for r in reports]),
        (_("居場所等の支援につながった件数（本人）"), [r["connected"]["本人"] for r in reports]),
        (_("居場所等の支援につながった件数（家族）"), [r["connected"]["家族"] for r in reports]),
        (_("居場所等の支援につながった件数（計）"), [r["connected"]["total"] for r in reports]),
    ]
    first = reports[0]
    channels = [
        c for c in first["contacts"]["by_channel"] if any(r["contacts"]["by_channel"][c] for r in reports)
    ] or list(first["contacts"]["by_channel"])
    return [
        Table(
            "main",
            _("主な指標の推移"),
            [Column(_("指標"), LABEL)] + _year_columns(years),
            [[label] + values for label, values in main],
            chart=_line_chart(
                chart_id="chart-trend-contacts",
                title=_("相談件数の推移"),
                x_labels=x_labels,
                series=main[:3],
                unit=_("件"),
            ),
        ),
        _per_year(
            "by_channel",
            _("相談方法別の件数の推移"),
            _("方法"),
            years,
            trends,
            lambda r: r["contacts"]["by_channel"],
            list(first["contacts"]["by_channel"]),
            total=lambda r: r["contacts"]["total"],
            chart=_line_chart(
                chart_id="chart-trend-channels",
                title=_("相談方法別の件数の推移"),
                x_labels=x_labels,
                unit=_("件"),
                series=[(_(c), [r["contacts"]["by_channel"][c] for r in reports]) for c in channels],
            ),
        ),
        _per_year(
            "by_consulter",
            _("相談者別の件数の推移"),
            _("相談者"),
            years,
            trends,
            lambda r: r["contacts"]["by_consulter"],
            list(first["contacts"]["by_consulter"]),
            total=lambda r: r["contacts"]["total"],
        ),
        _per_year(
            "by_age_band",
            _("本人の年代別の件数の推移"),
            _("年代"),
            years,
            trends,
            lambda r: r["contacts"]["by_age_band"],
            list(first["contacts"]["by_age_band"]),
            total=lambda r: r["contacts"]["total"],
            note=_("年代は本人の相談日時点の年齢です（家族からの相談も本人の年代に数えます）。"),
        ),
        _referral_table(years, reports, x_labels),
    ]


def _referral_table(years: list[int], reports: list[dict], x_labels: list[str]) -> Table:
    """Like the national table of referrals per partner category: count and share for each year."""
    columns = [Column(_("つなぎ先区分"), LABEL)]
    for year, label in zip(years, x_labels):
        full = wareki.fiscal_year_label_both(year)
        columns += [
            Column(_("%(year)s 件数") % {"year": label}, full=full),
            Column(_("%(year)s 率（%%）") % {"year": label}, RATE, full=full),
        ]
    rows = []
    for name in reports[0]["referrals"]["by_category"]:
        row = [_(name)]  # the key is the category's Japanese name, the msgid of its label (orgs.categories)
        for report in reports:
            figures = report["referrals"]["by_category"][name]
            row += [figures["count"], figures["rate"]]
        rows.append(row)
    total = [_("総計")]
    for report in reports:
        total += [report["referrals"]["total"], 100.0 if report["referrals"]["total"] else 0.0]
    series = [
        (_("つなぎ件数"), [r["referrals"]["total"] for r in reports]),
        (_("専門機関での支援が決定した件数"), [r["referrals"]["decided"] for r in reports]),
    ]
    chart = (
        ""
        if _plots_a_range(series)
        else charts.column_chart(
            chart_id="chart-trend-referrals",
            title=_("つなぎ件数と支援決定件数の推移"),
            x_labels=x_labels,
            unit=_("件"),
            series=series,
        )
    )
    return Table(
        "referrals",
        _("つなぎ先区分別の件数の推移"),
        columns,
        rows,
        total=total,
        chart=chart,
        note=_("率は各年度のつなぎ件数全体に対する割合（小数第1位で四捨五入）です。"),
    )


def year_range_label(years: list[int]) -> str:
    first, last = years[0], years[-1]
    return wareki.fiscal_year_span_label(first, last)

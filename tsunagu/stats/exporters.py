"""The report as tables: one row generator (report_tables) that the page, the XLSX workbook and the PDF
all render, so the three always show the same figures under the same headings.

Downloads are always in Japanese: they are the figures an office files, whatever language the
person reading the page prefers.
"""

from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from tsunagu.core import exporting, wareki
from tsunagu.core.exporting import Sheet, sheet_name

from . import charts, sections
from .report import Period, rate

LABEL, COUNT, RATE = "label", "count", "rate"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT
    full: str = ""  # a longer form of the label (e.g. 令和3年度 for R3), shown as its title


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str
    label: str = ""  # its column's label: a table shown as cards on a phone names each figure

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, str):  # a range (smallcells): 「1〜9」
            return self.value
        if self.kind == COUNT:
            return f"{self.value:,}"
        if self.kind == RATE:
            return f"{self.value:.1f}"
        return str(self.value)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    total: list | None = None  # the 計 row, kept apart so pages and sheets can set it off
    note: str = ""
    chart: str = ""  # inline SVG markup from charts.py

    def cells(self, row: list) -> list[Cell]:
        return [Cell(value, column.kind, column.label) for value, column in zip(row, self.columns)]

    @property
    def body(self) -> list[list[Cell]]:
        return [self.cells(row) for row in self.rows]

    @property
    def total_cells(self) -> list[Cell] | None:
        return self.cells(self.total) if self.total is not None else None


def _label(text: str) -> str:
    # Breakdown keys are DOMAIN.md's Japanese labels, which are also the msgids of the choices.
    return _(text)


def _ranged(*values) -> bool:
    """Whether any of the values is a range text of smallcells (no rate, no bar is drawn for it)."""
    return any(isinstance(value, str) for value in values)


def _rate(part, whole) -> float | None:
    """The share, or None (not shown) when it would give a ranged count back; none of nothing is 0."""
    if part == 0:
        return 0.0
    return None if _ranged(part, whole) else rate(part, whole)


def _bar_chart(rows, **kwargs) -> str:
    if _ranged(*(row[1] for row in rows)):
        return ""
    return charts.bar_chart(items=[(row[0], row[1]) for row in rows], **kwargs)


def _breakdown(
    key: str, title: str, heading: str, counts: dict, total: int, *, note: str = "", chart: bool = False
) -> Table:
    rows = [[_label(label), n, _rate(n, total)] for label, n in counts.items()]
    table = Table(
        key,
        title,
        [Column(heading, LABEL), Column(_("件数")), Column(_("割合（%）"), RATE)],
        rows,
        total=[_("計"), total, 100.0 if total else 0.0],
        note=note,
    )
    if chart and not _ranged(*(row[1] for row in rows)):
        table.chart = charts.bar_chart(
            chart_id=f"chart-{key}", title=title, items=[(row[0], row[1]) for row in rows], unit=_("件")
        )
    return table


def report_tables(report: dict) -> list[Table]:
    """The tables of a build_report result, in the order the page and the files show them."""
    return consultation_tables(report) + sections.tables(report)


def consultation_tables(report: dict) -> list[Table]:
    contacts, referrals, connected = report["contacts"], report["referrals"], report["connected"]
    total = contacts["total"]
    consulters = list(contacts["by_consulter"])
    cross_rows = [
        [_label(channel)] + [row[c] for c in consulters] + [contacts["by_channel"][channel]]
        for channel, row in contacts["channel_by_consulter"].items()
    ]
    category_rows = [
        [_label(name), figures["count"], figures["rate"], figures["decided"]]
        for name, figures in referrals["by_category"].items()
    ]
    outreach = contacts["outreach"]
    return [
        Table(
            "contacts",
            _("相談件数"),
            [Column(_("項目"), LABEL), Column(_("件数"))],
            [
                [_("延べ相談件数"), total],
                [_("実人数"), contacts["persons"]],
                [_("新規相談件数"), contacts["new_cases"]],
            ],
            note=_(
                "実人数は期間中に相談のあったケースの数、新規相談件数は初めての相談が期間中にあったケースの数です。"
            ),
        ),
        _breakdown("by_channel", _("相談方法別の件数"), _("方法"), contacts["by_channel"], total, chart=True),
        _breakdown("by_consulter", _("相談者別の件数"), _("相談者"), contacts["by_consulter"], total),
        _breakdown(
            "by_age_band",
            _("本人の年代別の件数"),
            _("年代"),
            contacts["by_age_band"],
            total,
            note=_(
                "年代は、相談の対象となっている本人の相談日時点の年齢で数えています。家族など本人以外からの"
                "相談も本人の年代に数えます。生年月日が分からない場合は記録された年代、それもない場合は"
                "「不明」です。"
            ),
            chart=True,
        ),
        Table(
            "channel_by_consulter",
            _("相談方法×相談者"),
            [Column(_("方法"), LABEL)] + [Column(_label(c)) for c in consulters] + [Column(_("計"))],
            cross_rows,
            total=[_("計")] + [contacts["by_consulter"][c] for c in consulters] + [total],
        ),
        Table(
            "outreach",
            _("訪問支援・同行支援"),
            [Column(_("項目"), LABEL), Column(_("件数"))],
            [
                [_("訪問件数"), outreach["visits"]],
                [_("同行件数"), outreach["accompaniment"]],
                [_("うちピアサポーターが加わった件数"), outreach["with_peer"]],
            ],
        ),
        Table(
            "referrals",
            _("つなぎ先区分別の件数"),
            [
                Column(_("つなぎ先区分"), LABEL),
                Column(_("件数")),
                Column(_("割合（%）"), RATE),
                Column(_("うち支援決定")),
            ],
            category_rows,
            total=[_("計"), referrals["total"], 100.0 if referrals["total"] else 0.0, referrals["decided"]],
            note=_(
                "割合はこの期間のつなぎ件数全体に対する割合（小数第1位で四捨五入）です。支援決定は、つなぎ先で"
                "支援が決定した件数（専門機関での支援が決定した件数）です。"
            ),
            chart=_bar_chart(category_rows, chart_id="chart-referrals", title=_("つなぎ先区分別の件数"), unit=_("件")),
        ),
        Table(
            "referral_targets",
            _("つなぎの対象"),
            [Column(_("対象"), LABEL), Column(_("件数"))],
            [[_label(target), n] for target, n in referrals["by_target"].items()],
            total=[_("計"), referrals["total"]],
        ),
        Table(
            "connected",
            _("居場所等の支援につながった件数"),
            [Column(_("対象"), LABEL), Column(_("件数"))],
            [[_("本人"), connected["本人"]], [_("家族"), connected["家族"]]],
            total=[_("計"), connected["total"]],
            note=_(
                "期間中に支援が決定したつなぎ（関係機関・居場所）のあったケースと、居場所に初めて参加したケースを、"
                "本人・家族ごとに1件と数えます。"
            ),
        ),
    ]


def _span(start: date, end: date, long: bool) -> str:
    if long:
        return f"{wareki.format_date(start)}〜{wareki.format_date(end)}"
    return f"{start.year}年{start.month}月{start.day}日〜{end.year}年{end.month}月{end.day}日"


def period_heading(period: Period) -> str:
    """期間: 2021年4月1日〜2022年3月31日（令和3年4月1日〜令和4年3月31日）"""
    return _("期間: %(western)s（%(wareki)s）") % {
        "western": _span(period.start, period.end, False),
        "wareki": _span(period.start, period.end, True),
    }


@dataclass
class Document:
    """What a download holds: whose figures, for which period, as tables."""

    org_name: str
    org_code: str
    period: Period
    period_label: str
    tables: list[Table] = field(default_factory=list)
    footnote: str = ""  # under the tables: why some figures are ranges (smallcells)

    @property
    def title(self) -> str:
        return _("%(org)s（%(code)s）統計 %(period)s") % {
            "org": self.org_name,
            "code": self.org_code,
            "period": self.period_label,
        }

    @property
    def filename_stem(self) -> str:
        return f"tsunagu-stats-{self.org_code}-{self.period.start:%Y%m%d}-{self.period.end:%Y%m%d}"


def _table_rows(document: Document, table: Table):
    """The rows of one table's sheet: the title (organisation and period in 西暦 and 和暦), the table's
    name, Japanese headers, then the rows with numbers stored as numbers, the 計 row bold, the note."""
    yield [exporting.Cell(document.title, bold=True)]
    yield [period_heading(document.period)]
    yield [exporting.Cell(table.title, bold=True)]
    yield [exporting.Cell(column.label, bold=True) for column in table.columns]
    formats = {COUNT: "#,##0", RATE: "0.0"}
    for row in table.rows:
        yield [exporting.Cell(v, number_format=formats.get(c.kind)) for v, c in zip(row, table.columns)]
    if table.total is not None:
        yield [
            exporting.Cell(v, bold=True, number_format=formats.get(c.kind)) for v, c in zip(table.total, table.columns)
        ]
    if table.note:
        yield []
        yield [table.note]
    if document.footnote:
        yield []
        yield [document.footnote]


def sheets(document: Document) -> list[Sheet]:
    """One sheet per table, for every format of the core exporter."""
    taken: set[str] = set()
    widths = {"A": 36}
    result = []
    for table in document.tables:
        columns = {get_column_letter(index): 12 for index in range(2, len(table.columns) + 1)}
        result.append(
            Sheet(
                sheet_name(table.title, taken),
                _table_rows(document, table),
                widths=widths | columns,
                freeze="B5",
            )
        )
    return result


def to_xlsx(document: Document) -> bytes:
    return exporting.xlsx_bytes(sheets(document))


def to_pdf(document: Document) -> bytes:
    """The same tables with their charts on A4, set in IPAexGothic (Debian's fonts-ipaexfont)."""
    html = render_to_string(
        "stats/report_pdf.html",
        {
            "document": document,
            "period_heading": period_heading(document.period),
            "generated": timezone.localtime(),
        },
    )
    return exporting.html_to_pdf(html)


def japanese(build, *args, **kwargs):
    """Run a builder of tables or files in Japanese (see the module docstring)."""
    with translation.override("ja"):
        return build(*args, **kwargs)

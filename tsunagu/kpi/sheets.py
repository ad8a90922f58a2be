"""The PDCA verification sheet 様式1 (「主な取組」検証票) of one measure and fiscal year Y, as the seed's
sheet lays it out: the budget table in 千円 over Y−4 … Y+1 (決算額 up to Y−1, 決算見込額 for Y, 当初予算額
for Y+1), up to three activity indicators with 実績値 over Y−4 … Y−1 and Y's A, B, A/B and 進捗状況 (from
the KPIs, so a computed indicator shows the figure its records give), the texts written on the page,
and last year's Action as this year's (2) これまでの改善案. ― marks a blank; numbers carry thousands
separators; the years are 和暦 (H28 … R3)."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tsunagu.core import exporting
from tsunagu.core.wareki import fiscal_year_label

from .indicators import plain_number
from .models import SHEET_TEXTS, Budget, Measure, SheetYear
from .queries import kpi_page

BLANK = "―"
PAST_YEARS = 4


def _year(fy: int) -> str:
    return fiscal_year_label(fy, "short") + "年度"


def _n(value) -> str:
    return plain_number(value) if value is not None else BLANK


@dataclass
class IndicatorLine:
    name: str
    past: list[str]  # 実績値 of Y−4 … Y−1
    actual: str  # A
    target: str  # B
    ratio: str  # A/B
    judgement: str


@dataclass
class PdcaSheet:
    measure: Measure
    fiscal_year: int
    budget_headers: list[tuple[str, str]]  # (year, 決算額 / 決算見込額 / 当初予算額)
    budget: list[str]
    indicator_years: list[str]
    indicators: list[IndicatorLine]
    texts: dict[str, str]
    previous_action: str
    version: int  # of this year's texts; 0 when none are written

    @property
    def year_label(self) -> str:
        return _year(self.fiscal_year)

    @property
    def previous_year_label(self) -> str:
        return _year(self.fiscal_year - 1)

    @property
    def next_year_label(self) -> str:
        return _year(self.fiscal_year + 1)

    def text(self, name: str) -> str:
        return self.texts.get(name) or BLANK


def build_sheet(measure: Measure, fy: int, *, acting=None, today=None) -> PdcaSheet:
    """The sheet of fiscal year fy as the staff of `acting` see it (the views pass it; exact without it): an
    actual that is another organisation's small cell is its range (queries.kpi_page)."""
    years = list(range(fy - PAST_YEARS, fy + 2))
    amounts = dict(Budget.objects.filter(measure=measure, fiscal_year__in=years).values_list("fiscal_year", "amount"))

    def kind(year):
        if year < fy:
            return _("決算額")
        return _("決算見込額") if year == fy else _("当初予算額")

    lines = []
    for indicator in list(measure.indicators.all())[:3]:
        row = kpi_page(measure.organisation, fy, acting=acting, only=indicator, today=today).rows[0]
        current = row.current
        lines.append(
            IndicatorLine(
                name=indicator.name,
                past=[_n(f.actual) for f in row.history[:-1]],
                actual=_n(current.actual),
                target=_n(current.target),
                ratio=current.ratio_text or BLANK,
                judgement=current.judgement[1] if current.judgement else BLANK,
            )
        )
    sheets = {s.fiscal_year: s for s in SheetYear.objects.filter(measure=measure, fiscal_year__in=[fy - 1, fy])}
    this = sheets.get(fy)
    return PdcaSheet(
        measure=measure,
        fiscal_year=fy,
        budget_headers=[(_year(y), kind(y)) for y in years],
        budget=[f"{amounts[y]:,}" if y in amounts else BLANK for y in years],
        indicator_years=[_year(y) for y in range(fy - PAST_YEARS, fy)],
        indicators=lines,
        texts={name: getattr(this, name) for name in SHEET_TEXTS} if this else {},
        previous_action=sheets[fy - 1].action if fy - 1 in sheets else "",
        version=this.version if this else 0,
    )


def _amounts(sheet: PdcaSheet) -> list:
    """The budget row for XLSX: numbers shown with thousands separators, ― for a blank year."""
    return [
        exporting.Cell(int(text.replace(",", "")), number_format="#,##0", align_right=True) if text != BLANK else BLANK
        for text in sheet.budget
    ]


def _rows(sheet: PdcaSheet) -> list[list]:
    m = sheet.measure
    rows = [
        [_("「主な取組」検証票"), f"{sheet.year_label}"],
        [_("施策展開"), m.policy or BLANK],
        [_("施策"), m.policy_item or BLANK],
        [_("施策の小項目名"), m.sub_item or BLANK],
        [_("主な取組"), m.name],
        [_("対応する主な課題"), m.issue or BLANK],
        [],
        [_("１　取組の概要（Plan）")],
        [_("取組内容"), m.content or BLANK],
        [_("年度別計画"), sheet.text("plan_text")],
        [_("実施主体"), m.implementer or BLANK],
        [_("担当部課【連絡先】"), m.department or BLANK],
        [],
        [_("２　取組の状況（Do）")],
        [_("（1）取組の進捗状況（単位：千円）")],
        [_("予算事業名"), m.budget_name or BLANK],
        [""] + [year for year, _kind in sheet.budget_headers] + [_("主な財源"), _("実施方法")],
        [""] + [k for _year, k in sheet.budget_headers] + ["", ""],
        [_("金額")] + _amounts(sheet) + [m.funding or BLANK, m.method or BLANK],
        [],
    ]
    for line in sheet.indicators or [None]:
        rows.append([_("活動指標名"), line.name if line else BLANK])
        rows.append(
            [""]
            + sheet.indicator_years
            + [
                _("%(year)s実績値(A)") % {"year": sheet.year_label},
                _("計画値(B)"),
                _("達成割合A/B"),
                _("進捗状況"),
            ]
        )
        rows.append(
            [_("実績値")]
            + (line.past + [line.actual, line.target, line.ratio, line.judgement] if line else [BLANK] * 8)
        )
    rows += [
        [],
        [_("活動概要"), sheet.text("activity")],
        [_("進捗状況の判定根拠、要因及び取組の効果"), sheet.text("basis")],
        [],
        [_("（2）これまでの改善案の反映状況")],
        [_("%(year)sの取組改善案") % {"year": _year(sheet.fiscal_year - 1)}, sheet.previous_action or BLANK],
        [_("反映状況"), sheet.text("reflection")],
        [],
        [_("３　取組の検証（Check）"), sheet.text("check_text")],
        [_("４　今後の取組方針（Action）"), sheet.text("action")],
    ]
    return rows


def filename(sheet: PdcaSheet, ext: str) -> str:
    return f"様式1_{sheet.measure.name}_{sheet.year_label}.{ext}"


def xlsx(sheet: PdcaSheet) -> bytes:
    return exporting.xlsx_bytes(
        [exporting.Sheet(_("様式1"), _rows(sheet), widths={"A": 28, **dict.fromkeys("BCDEFGHI", 12)})]
    )


def pdf(sheet: PdcaSheet) -> bytes:
    return exporting.html_to_pdf(render_to_string("kpi/sheet_pdf.html", {"sheet": sheet}))

"""The payment list as a finance office files it: one row generator, written as XLSX and PDF by the one
exporter (tsunagu.core.exporting). Always in Japanese."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation

from tsunagu.core import exporting
from tsunagu.core.exporting import Cell, Sheet

from .domain import month_label
from .models import Payee, PaymentList

HEADERS = ["支払先", "番号", "ケース番号", "種別", "対象月", "日数", "時間", "単価", "金額（円）"]
YEN = "#,##0"


def thousand_yen(amount: int) -> str:
    """千円 rounded half up, as budget tables write it: 22,500円 → 23千円."""
    return f"{int((Decimal(amount) / 1000).to_integral_value(rounding=ROUND_HALF_UP)):,}千円"


def rows(payment_list: PaymentList):
    lines = payment_list.lines.select_related("placement__case", "placement__host").order_by(
        "for_month", "placement__number", "id"
    )
    total_days, total_hours, total = 0, Decimal(0), 0
    for line in lines:
        placement = line.placement
        payee = placement.host.name if payment_list.payee == Payee.HOST else placement.case.number
        month = month_label(line.for_month) + ("（調整）" if line.for_month != payment_list.month else "")
        yield [
            payee,
            placement.number,
            placement.case.number,
            placement.get_program_display(),
            month,
            line.days,
            float(line.hours),
            line.rate,
            Cell(line.amount, number_format=YEN, align_right=True),
        ]
        total_days += line.days
        total_hours += line.hours
        total += line.amount
    yield [
        Cell("合計", bold=True),
        "",
        "",
        "",
        "",
        total_days,
        float(total_hours),
        "",
        Cell(total, bold=True, number_format=YEN, align_right=True),
    ]
    yield [Cell("合計（千円）", bold=True), "", "", "", "", "", "", "", Cell(thousand_yen(total), bold=True)]


def title(payment_list: PaymentList) -> str:
    return (
        f"支払一覧 {month_label(payment_list.month)} {Payee(payment_list.payee).label}"
        f"（{payment_list.get_status_display()}）"
    )


def sheet(payment_list: PaymentList) -> Sheet:
    return Sheet(name="支払一覧", headers=HEADERS, rows=rows(payment_list), widths={"A": 24, "H": 28})


def to_xlsx(payment_list: PaymentList) -> bytes:
    with translation.override("ja"):
        return exporting.xlsx_bytes([sheet(payment_list)])


def to_pdf(payment_list: PaymentList) -> bytes:
    with translation.override("ja"):
        return exporting.pdf_bytes(
            [sheet(payment_list)], title=f"{payment_list.organisation.name} {title(payment_list)}"
        )


def filename(payment_list: PaymentList, ext: str) -> str:
    return f"支払一覧_{payment_list.month:%Y-%m}_{Payee(payment_list.payee).label}.{ext}"

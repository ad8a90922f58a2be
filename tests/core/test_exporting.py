"""The one exporter: the same rows as CSV, XLSX and PDF, and the one formula neutraliser."""

import csv
import io
import subprocess
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from tsunagu.core.exporting import Cell, Sheet, csv_bytes, download, neutralise, pdf_bytes, unneutralise, xlsx_bytes

HEADERS = ["番号", "日付", "名前", "件数"]


def rows():
    yield ["A-1", date(2021, 4, 5), "=SUM(A1)", 12]
    yield ["A-2", date(2022, 3, 31), Cell("つなぎ", bold=True), Cell(3, number_format="#,##0")]
    yield ["A-3", None, "+81 90", -5]


def sheet():
    return Sheet("一覧", rows(), headers=HEADERS)


def test_csv_xlsx_and_pdf_hold_the_same_rows():
    data, count = csv_bytes(sheet())
    assert count == 3
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        HEADERS,
        ["A-1", "2021-04-05", "'=SUM(A1)", "12"],
        ["A-2", "2022-03-31", "つなぎ", "3"],
        ["A-3", "", "'+81 90", "-5"],
    ]
    book = load_workbook(io.BytesIO(xlsx_bytes([sheet()])))
    worksheet = book["一覧"]
    assert [list(row) for row in worksheet.iter_rows(values_only=True)] == [
        HEADERS,
        ["A-1", datetime(2021, 4, 5), "=SUM(A1)", 12],  # openpyxl reads a date back as midnight
        ["A-2", datetime(2022, 3, 31), "つなぎ", 3],
        ["A-3", None, "+81 90", -5],
    ]
    assert worksheet["C2"].data_type == "s"  # text, never a formula, and without an apostrophe
    assert worksheet["A1"].font.bold and worksheet["C3"].font.bold and not worksheet["A2"].font.bold
    assert worksheet["D3"].number_format == "#,##0"
    pdf = pdf_bytes([sheet()], title="一覧の書き出し")
    assert pdf.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.decode().splitlines()]
    assert "一覧の書き出し" in lines
    assert "番号 日付 名前 件数" in lines
    assert "A-1 2021-04-05 =SUM(A1) 12" in lines
    assert "A-3 +81 90 -5" in lines
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "IPAexGothic" in fonts


@pytest.mark.parametrize(
    "text,cell",
    [
        ("=1+1", "'=1+1"),
        ("+81", "'+81"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("-5", "-5"),
        ("-12.5", "-12.5"),
        ("R3.4.5", "R3.4.5"),
        ("令和3年4月5日", "令和3年4月5日"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_what_the_neutraliser_touches(text, cell):
    assert neutralise(text) == cell
    assert unneutralise(cell) == text


def test_a_kept_text_such_as_the_suppression_mark_stays():
    assert neutralise("-", keep=("-",)) == "-"
    assert neutralise("-") == "'-"
    data, _count = csv_bytes(Sheet("x", [["メール", "-", "=x"]]), keep=("-",))
    assert data.decode("utf-8-sig") == "メール,-,'=x\r\n"


def test_download_names_a_japanese_file_by_rfc_5987():
    response = download(b"x", "台帳_99.xlsx", private=True)
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%8F%B0%E5%B8%B3_99.xlsx"
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Cache-Control"] == "no-store"
    plain = download(b"x", "report.pdf")
    assert plain["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert plain["Content-Type"] == "application/pdf"
    assert "Cache-Control" not in plain

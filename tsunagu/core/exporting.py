"""One exporter: rows from one generator, written as CSV, XLSX or PDF, and one response to download them.

A report, the published figures and the ledger each describe their file as `Sheet`s whose rows are
lists of plain values (str, int, float, date, None) or `Cell`s (a value with how it looks in XLSX).
The writers here are the only code that turns those rows into bytes, so every download neutralises
formulas the same way (pretix's ListExporter has the same shape: one iterate_list, several renderers).
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX_TYPE,
    "pdf": "application/pdf",
    "zip": "application/zip",
}

# --- the formula neutraliser -------------------------------------------------------------------------

# A cell starting with one of these is a formula to Excel or LibreOffice (OWASP "CSV injection").
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(text: str, *, keep: Iterable[str] = ()) -> str:
    """Prefix ' to text that a spreadsheet would run as a formula. Plain numbers (-5) and the texts in
    `keep` (a suppression mark "-") are left alone. Text already starting with ' and a formula
    character gets one more, so unneutralise() gives back exactly what was stored."""
    if _FORMULA.match(text) and not _NUMBER.fullmatch(text) and text not in keep:
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """For CSV cells only: in an XLSX file a leading ' is what the person typed (Excel keeps its own
    quote prefix out of the value, and the XLSX writer stores text as text instead)."""
    if text.startswith("'") and _FORMULA.match(text[1:]):
        return text[1:]
    return text


# --- rows ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A value with its look in XLSX; CSV and PDF take only the value."""

    value: object
    bold: bool = False
    number_format: str | None = None
    align_right: bool = False


@dataclass
class Sheet:
    """One table of a file: a sheet of the workbook, one CSV file, one table of the PDF.
    `rows` may be a generator: each writer reads it once."""

    name: str
    rows: Iterable[Sequence]
    headers: Sequence | None = None  # written bold before the rows, not counted among them
    widths: dict[str, float] = field(default_factory=dict)  # XLSX column letter → width
    freeze: str | None = None  # XLSX freeze panes, e.g. "B5"


def value_of(item):
    return item.value if isinstance(item, Cell) else item


def sheet_name(title: str, taken: set[str]) -> str:
    """An XLSX sheet name from a title: without []:*?/\\, at most 31 characters, unique in `taken`."""
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    base, n = name, 2
    while name in taken:
        name = f"{base[:28]}({n})"
        n += 1
    taken.add(name)
    return name


# --- CSV -------------------------------------------------------------------------------------------


def csv_text(value, *, keep: Iterable[str] = ()) -> str:
    value = value_of(value)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value, keep=keep)
    return str(value)


def csv_bytes(sheet: Sheet, *, keep: Iterable[str] = ()) -> tuple[bytes, int]:
    """The sheet as CSV in UTF-8 with a BOM (so Japanese Excel opens it as UTF-8), CRLF line ends;
    and how many rows it wrote (headers not counted)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    if sheet.headers is not None:
        writer.writerow([csv_text(value, keep=keep) for value in sheet.headers])
    count = 0
    for row in sheet.rows:
        writer.writerow([csv_text(value, keep=keep) for value in row])
        count += 1
    return buffer.getvalue().encode("utf-8-sig"), count


# --- XLSX ------------------------------------------------------------------------------------------


def _xlsx_cell(worksheet, item, *, bold: bool = False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    value = value_of(item)
    styled = isinstance(item, Cell) and (item.bold or item.number_format or item.align_right)
    formula_like = isinstance(value, str) and value.startswith("=")
    if not (styled or bold or formula_like):
        return value
    cell = WriteOnlyCell(worksheet, value=value)
    if formula_like:
        # openpyxl stores any text starting with "=" as a formula: keep it text, shown and never run.
        cell.data_type = "s"
    if bold or (isinstance(item, Cell) and item.bold):
        cell.font = Font(bold=True)
    if isinstance(item, Cell) and item.number_format:
        cell.number_format = item.number_format
    if isinstance(item, Cell) and item.align_right:
        cell.alignment = Alignment(horizontal="right")
    return cell


def xlsx_write(sheets: Iterable[Sheet], out) -> dict[str, int]:
    """The sheets as one workbook, written to `out` (a path or a binary file) in openpyxl's write-only
    mode, so memory stays flat however many rows the generators give; returns rows per sheet.
    Text is stored as text, never as a formula, so it needs no apostrophe."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    counts = {}
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.name)
        for letter, width in sheet.widths.items():
            worksheet.column_dimensions[letter].width = width
        if sheet.freeze:
            worksheet.freeze_panes = sheet.freeze
        if sheet.headers is not None:
            worksheet.append([_xlsx_cell(worksheet, value, bold=True) for value in sheet.headers])
        count = 0
        for row in sheet.rows:
            worksheet.append([_xlsx_cell(worksheet, value) for value in row])
            count += 1
        counts[sheet.name] = count
    workbook.save(out)
    return counts


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    buffer = io.BytesIO()
    xlsx_write(sheets, buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------------


def html_to_pdf(html: str) -> bytes:
    """A self-contained HTML page as PDF. No base_url: WeasyPrint never fetches anything."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF downloads need

    return HTML(string=html).write_pdf()


def _pdf_text(value) -> str:
    # As the CSV writes it, less the apostrophe: a PDF runs nothing.
    value = value_of(value)
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def pdf_bytes(sheets: Iterable[Sheet], *, title: str, template: str = "core/export_pdf.html", **context) -> bytes:
    """The sheets as tables on A4, set in IPAexGothic (Debian's fonts-ipaexfont). A report with charts
    passes its own template; it receives `title` and `tables` (name, headers, rows of plain values)."""
    tables = [
        {
            "name": sheet.name,
            "headers": [_pdf_text(v) for v in sheet.headers] if sheet.headers is not None else None,
            "rows": [[_pdf_text(v) for v in row] for row in sheet.rows],
        }
        for sheet in sheets
    ]
    return html_to_pdf(render_to_string(template, {"title": title, "tables": tables, **context}))


# --- the response ----------------------------------------------------------------------------------


def download(body: bytes, filename: str, *, content_type: str | None = None, private: bool = False) -> HttpResponse:
    """A file to save. The name may be Japanese: Django writes it as RFC 5987 filename*=utf-8''…
    (plain filename="…" when it is ASCII). `private`: personal data, kept in no cache."""
    if content_type is None:
        content_type = CONTENT_TYPES[filename.rsplit(".", 1)[-1].lower()]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    if private:
        response["Cache-Control"] = "no-store"
    return response

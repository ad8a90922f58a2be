"""Reading a ledger's files into sheets of raw cells: one XLSX workbook, or CSV files named after the
sheets. Nothing here knows what a column means; mapping.py and importing.py do.
"""

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .mapping import unneutralise

SHEETS = ("ケース", "相談記録", "つなぎ")
REQUIRED_SHEETS = ("ケース", "相談記録")


@dataclass
class Sheet:
    name: str  # one of SHEETS
    where: str  # how messages name it: 「相談記録」シート or 「相談記録.csv」
    header: list[str]
    # (row number as Excel shows it, cells); blank rows are left out but keep their numbers counted.
    rows: list[tuple[int, list]] = field(default_factory=list)


class LedgerFileError(ValueError):
    """The files themselves cannot be read as a ledger; the message is for the person who sent them."""


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _header(cells) -> list[str]:
    return ["" if cell is None else str(cell) for cell in cells]


def decode_csv(data: bytes, name: str) -> str:
    """UTF-8 with or without BOM, or CP932 (what Japanese Excel writes as 「CSV」)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise LedgerFileError(
            _("「%(name)s」の文字コードが読み取れません（UTF-8 または Shift_JIS（CP932）で保存してください）。")
            % {"name": name}
        ) from None


def read_csv(data: bytes, name: str, sheet_name: str) -> Sheet:
    text = decode_csv(data, name)
    # newline="" semantics: quoted cells keep their line breaks, and each record is one Excel row.
    records = csv.reader(io.StringIO(text, newline=""))
    sheet = Sheet(name=sheet_name, where=_("「%(name)s」") % {"name": name}, header=[])
    for number, cells in enumerate(records, start=1):
        if number == 1:
            sheet.header = _header(cells)
        elif not _blank(cells):
            sheet.rows.append((number, [unneutralise(cell) for cell in cells]))
    return sheet


def read_xlsx(data: bytes, name: str) -> dict[str, Sheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise LedgerFileError(_("「%(name)s」はExcelファイル（.xlsx）として読めません。") % {"name": name}) from None
    sheets = {}
    try:
        titles = {_nfkc(title): title for title in workbook.sheetnames}
        for sheet_name in SHEETS:
            if sheet_name not in titles:
                continue
            worksheet = workbook[titles[sheet_name]]
            sheet = Sheet(name=sheet_name, where=_("「%(name)s」シート") % {"name": sheet_name}, header=[])
            for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if number == 1:
                    sheet.header = _header(cells)
                elif not _blank(cells):
                    sheet.rows.append((number, list(cells)))
            sheets[sheet_name] = sheet
        missing = [s for s in REQUIRED_SHEETS if s not in sheets]
        if missing:
            raise LedgerFileError(
                _("「%(name)s」に%(missing)sシートがありません（あるシート: %(found)s）。")
                % {
                    "name": name,
                    "missing": "、".join(f"「{s}」" for s in missing),
                    "found": "、".join(f"「{t}」" for t in workbook.sheetnames),
                }
            )
    finally:
        workbook.close()
    return sheets


def sheet_for_csv(name: str) -> str | None:
    """The sheet a CSV file is for, from its name (ケース.csv); macOS spells ぎ as two code points."""
    stem = _nfkc(Path(name).stem)
    return stem if stem in SHEETS else None


def check_file_names(names: list[str]) -> None:
    """One .xlsx alone, or CSV files named after the sheets, ケース and 相談記録 among them.
    Cheap enough for the upload form to say at once what is wrong with the selection."""
    if not names:
        raise LedgerFileError(_("ファイルを選んでください。"))
    if any(name.lower().endswith(".xlsx") for name in names):
        if len(names) != 1:
            raise LedgerFileError(_("Excelファイル（.xlsx）は1つだけ選んでください（CSVと一緒には取り込めません）。"))
        return
    seen = set()
    for name in names:
        if not name.lower().endswith(".csv"):
            raise LedgerFileError(
                _("「%(name)s」は取り込めません。Excelファイル（.xlsx）1つか、CSVファイルを選んでください。")
                % {"name": name}
            )
        sheet_name = sheet_for_csv(name)
        if sheet_name is None:
            raise LedgerFileError(
                _("CSVファイル「%(name)s」が何の表か分かりません。ファイル名を %(names)s のどれかにしてください。")
                % {"name": name, "names": "、".join(f"「{s}.csv」" for s in SHEETS)}
            )
        if sheet_name in seen:
            raise LedgerFileError(_("「%(sheet)s」のCSVが2つあります。") % {"sheet": sheet_name})
        seen.add(sheet_name)
    missing = [s for s in REQUIRED_SHEETS if s not in seen]
    if missing:
        raise LedgerFileError(
            _(
                "%(missing)sがありません（選んだファイル: %(names)s）。CSVで取り込むときは %(required)s を一緒に選んでください"
                "（「つなぎ.csv」は省略できます）。"
            )
            % {
                "missing": "、".join(f"「{s}.csv」" for s in missing),
                "names": "、".join(names),
                "required": "、".join(f"「{s}.csv」" for s in REQUIRED_SHEETS),
            }
        )


def read_ledger(files: list[tuple[str, bytes]]) -> dict[str, Sheet]:
    """files: (file name, contents). Raises LedgerFileError when they do not make one ledger."""
    check_file_names([name for name, _data in files])
    if files[0][0].lower().endswith(".xlsx"):
        return read_xlsx(files[0][1], files[0][0])
    return {sheet_for_csv(name): read_csv(data, name, sheet_for_csv(name)) for name, data in files}

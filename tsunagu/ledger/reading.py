"""Reading a ledger's files into sheets of raw cells: one XLSX workbook (xlsx.py), or CSV files named
after the sheets. Nothing here knows what a column means; mapping.py and importing.py do. Every file is
read within the limits of sheets.py, so that a hostile one is refused with a message instead of taking
the server's memory.
"""

import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _

from tsunagu.core import textfiles
from tsunagu.core.exporting import unneutralise

from .sheets import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    REQUIRED_SHEETS,
    SHEETS,
    CellProblem,
    LedgerFileError,
    Sheet,
    column_letter,
    fill,
    known_sheets,
    missing_required,
    too_far_right,
    too_long,
)
from .xlsx import read_xlsx
from .xlsx_zip import open_archive

__all__ = ["SHEETS", "LedgerFileError", "Sheet", "check_file_names", "check_sizes", "check_upload", "read_ledger"]


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _csv_cell(text: str):
    if len(text) <= MAX_CELL_CHARS:
        return unneutralise(text)
    if "\n" in text:
        # One cell over many lines is what a quote left open makes of the rest of the file.
        return CellProblem(
            _('%(problem)s。引用符（"）が閉じられずに、後の行まで1つのセルになっていないか確かめてください')
            % {"problem": too_long(len(text)).message}
        )
    return too_long(len(text))


def _csv_rows(data: bytes, name: str, where: str):
    for number, cells in textfiles.records(data, name, max_cells=MAX_CELLS):
        if len(cells) > MAX_COLUMNS:
            extra = next((i for i in range(MAX_COLUMNS, len(cells)) if cells[i].strip()), None)
            if extra is not None:
                raise too_far_right(where, number, column_letter(extra + 1))
            del cells[MAX_COLUMNS:]
        yield number, [_csv_cell(cell) for cell in cells]


def read_csv(data: bytes, name: str, sheet_name: str) -> Sheet:
    """One sheet from a CSV file: UTF-8 with or without BOM, or CP932 (what Japanese Excel writes)."""
    try:
        sheet = Sheet(name=sheet_name, where=_("「%(name)s」") % {"name": name}, header=[])
        return fill(sheet, _csv_rows(data, name, sheet.where))
    except textfiles.TextFileError as error:
        raise LedgerFileError(str(error)) from None


def sheet_for_csv(name: str) -> str | None:
    """The sheet a CSV file is for, from its name (ケース.csv); macOS spells ぎ as two code points."""
    stem = _nfkc(Path(name).stem)
    return stem if stem in known_sheets() else None


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
                _(
                    "CSVファイル「%(name)s」が何の表か分かりません。ファイル名を %(names)s のどれか"
                    "（活動のシートは「居場所.csv」のようにシート名）にしてください。"
                )
                % {"name": name, "names": "、".join(f"「{s}.csv」" for s in SHEETS)}
            )
        if sheet_name in seen:
            raise LedgerFileError(_("「%(sheet)s」のCSVが2つあります。") % {"sheet": sheet_name})
        seen.add(sheet_name)
    missing = missing_required(seen)
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


def check_size(name: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise LedgerFileError(
            _("「%(name)s」は大きすぎます（%(max)dMBまで）。") % {"name": name, "max": MAX_FILE_BYTES // (1024 * 1024)}
        )


def check_sizes(sizes: list[tuple[str, int]]) -> None:
    """Each file, and the files of one import together, within MAX_FILE_BYTES."""
    for name, size in sizes:
        check_size(name, size)
    total = sum(size for _name, size in sizes)
    if total > MAX_FILE_BYTES:
        raise LedgerFileError(
            _("選んだファイルは合わせて%(size)dMBあり、大きすぎます（合わせて%(max)dMBまで）。")
            % {"size": -(-total // (1024 * 1024)), "max": MAX_FILE_BYTES // (1024 * 1024)}
        )


def check_upload(name: str, data: bytes) -> None:
    """What can be said of one file without expanding or parsing it, for the upload form to say at
    once: its size, and whether it is what its name says (an .xlsx that is a zip with a readable
    directory, a .csv that is text)."""
    check_size(name, len(data))
    if name.lower().endswith(".xlsx"):
        open_archive(data, name).close()
    elif not data:
        raise LedgerFileError(_("「%(name)s」は空のファイルです（0バイト）。") % {"name": name})
    else:
        problem = textfiles.describe_binary(data, name)
        if problem:
            raise LedgerFileError(problem)


def read_ledger(files: list[tuple[str, bytes]]) -> dict[str, Sheet]:
    """files: (file name, contents). Raises LedgerFileError when they do not make one ledger."""
    check_file_names([name for name, _data in files])
    check_sizes([(name, len(data)) for name, data in files])
    if files[0][0].lower().endswith(".xlsx"):
        return read_xlsx(files[0][1], files[0][0])
    return {sheet_for_csv(name): read_csv(data, name, sheet_for_csv(name)) for name, data in files}

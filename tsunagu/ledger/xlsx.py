"""Reading an XLSX ledger: sheet names, shared strings, which styles are dates, and cell values, each part
streamed within the limits of xlsx_zip.py, with counts of strings, rows and cells that stop the reading
as soon as one is passed. A formula without its cached result, an error value or an over-long text
becomes a CellProblem on its cell.

openpyxl is not used to parse: it keeps every element of the string table and of a sheet it has read,
and builds a string as long as the file says (the spine issue's bomb took 4.2 GB through it, a million
empty rows 486 MB). It still says which number formats are dates and turns serial numbers into dates.
Peak memory and time on hostile files: bench/ledger_bombs.py.
"""

import posixpath
import re
import unicodedata

from django.utils.translation import gettext as _

from .sheets import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
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
from .xlsx_zip import MB, Book, Handler

MAX_SHEET_BYTES = 128 * MB  # a worksheet or the shared strings, expanded
MAX_PART_BYTES = 8 * MB  # the workbook, its relationships and the styles, expanded
MAX_SHARED_STRINGS = 1_000_000
# Characters of text kept from one workbook (shared and inline strings). What bounds its memory: a text
# of ASCII with one emoji takes 4 bytes a character in Python, whatever it took in the file.
MAX_TEXT_CHARS = 32_000_000
MAX_ROW_ELEMENTS = 1_048_576  # Excel's last row
MAX_SHEETS = 1_000
MAX_STYLES = 65_000  # Excel's own limit on cell formats is 64,000
MAX_RELATIONSHIPS = 10_000

PACKAGE_RELS = "_rels/.rels"
# Built-in number formats that Japanese Excel shows as dates (yyyy"年"m"月"d"日", ge.m.d, …) but that
# openpyxl does not know: they belong to the locale, so Excel does not write them into the file.
JAPANESE_DATE_FORMATS = frozenset([27, 28, 29, 30, 31, 34, 35, 36, *range(50, 59)])
_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})\d*")


class _Characters:
    """What is left of MAX_TEXT_CHARS for one workbook."""

    def __init__(self, name: str):
        self.name, self.left = name, MAX_TEXT_CHARS

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise LedgerFileError(
                _("「%(name)s」は文字が多すぎます（全体で%(max)s文字まで）。ファイルを分けて取り込んでください。")
                % {"name": self.name, "max": f"{MAX_TEXT_CHARS:,}"}
            )


class _Text:
    """Text arriving in pieces, kept up to what a cell holds and counted beyond."""

    __slots__ = ("parts", "length")

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0

    def append(self, text: str) -> None:
        self.length += len(text)
        if self.length <= MAX_CELL_CHARS:
            self.parts.append(text)

    def value(self) -> str | CellProblem:
        return too_long(self.length) if self.length > MAX_CELL_CHARS else "".join(self.parts)


def _attribute(attrs: dict, local: str) -> str | None:
    """An attribute by its local name, whatever its namespace (r:id in one file, another prefix in another)."""
    for key, value in attrs.items():
        if key == local or key.endswith("}" + local):
            return value
    return None


class _Relationships(Handler):
    def __init__(self, where: str):
        super().__init__(where)
        self.targets: dict[str, tuple[str, str]] = {}  # id -> (type, target)

    def start(self, name, attrs):
        if name == "Relationship" and attrs.get("TargetMode") != "External":
            if len(self.targets) >= MAX_RELATIONSHIPS:
                raise self.broken()
            self.targets[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    def of_type(self, suffix: str) -> str | None:
        return next((target for kind, target in self.targets.values() if kind.endswith(suffix)), None)


class _Workbook(Handler):
    def __init__(self, where: str):
        super().__init__(where)
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id)
        self.date1904 = False

    def start(self, name, attrs):
        if name == "sheet":
            if len(self.sheets) >= MAX_SHEETS:
                raise self.broken()
            self.sheets.append((attrs.get("name", ""), _attribute(attrs, "id") or ""))
        elif name == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class _Styles(Handler):
    """Which cell formats (the s of a cell) show a date, and which a duration."""

    def __init__(self, where: str):
        super().__init__(where)
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []  # number format id of each cell format, in order
        self.in_cell_formats = False

    def start(self, name, attrs):
        try:
            if name == "numFmt":
                self.custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")[:255]
            elif name == "cellXfs":
                self.in_cell_formats = True
            elif name == "xf" and self.in_cell_formats:
                self.formats.append(int(attrs.get("numFmtId", "0")))
        except ValueError:
            raise self.broken() from None
        if len(self.formats) > MAX_STYLES or len(self.custom) > MAX_STYLES:
            raise self.broken()

    def end(self, name):
        if name == "cellXfs":
            self.in_cell_formats = False

    def kinds(self) -> tuple[frozenset[str], frozenset[str]]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        dates, durations = set(), set()
        for index, format_id in enumerate(self.formats):
            code = self.custom.get(format_id) or BUILTIN_FORMATS.get(format_id)
            if format_id in JAPANESE_DATE_FORMATS or (code and is_date_format(code)):
                dates.add(str(index))
            if code and is_timedelta_format(code):
                durations.add(str(index))
        return frozenset(dates), frozenset(durations)


class _SharedStrings(Handler):
    """The shared string table: each <si> is its <t> and its runs' <t>, without the phonetic guide (rPh)."""

    def __init__(self, where: str, characters: _Characters):
        super().__init__(where)
        self.characters = characters
        self.strings: list[str | CellProblem] = []
        self.item: _Text | None = None
        self.text: _Text | None = None  # the item while inside one of its <t>
        self.phonetic = 0

    def start_element(self, name, attrs):
        local = self.enter(name, attrs)
        if local == "si":
            self.item = _Text()
        elif local == "t":
            if not self.phonetic:
                self.text = self.item
        elif local == "rPh":
            self.phonetic += 1

    def data(self, text):
        if self.text is not None:
            self.text.append(text)

    def end_element(self, name):
        self.depth -= 1
        local = self.local[name]
        if local == "t":
            self.text = None
        elif local == "si" and self.item is not None:
            if len(self.strings) >= MAX_SHARED_STRINGS:
                raise LedgerFileError(
                    _("%(where)sは文字列が多すぎます（%(max)s個まで）。ファイルを分けて取り込んでください。")
                    % {"where": self.where, "max": f"{MAX_SHARED_STRINGS:,}"}
                )
            value = self.item.value()
            self.characters.spend(min(self.item.length, MAX_CELL_CHARS))
            # openpyxl's reading of Excel's escape for an underscore, kept so that values read as before.
            self.strings.append(value.replace("x005F_", "") if isinstance(value, str) else value)
            self.item = None
        elif local == "rPh":
            self.phonetic -= 1


class _Cells(Handler):
    """The rows of one worksheet as (row number, cells); blank cells and rows are left out. The hot
    path of a big import: one call per expat event."""

    def __init__(self, where: str, strings, dates: frozenset[str], durations: frozenset[str], epoch, characters):
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        super().__init__(where)
        self.strings, self.dates, self.durations, self.epoch = strings, dates, durations, epoch
        self.characters = characters
        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.rows: list[tuple[int, list]] = []  # finished since the caller last took them
        self.row = self.row_elements = self.cells = self.column = 0
        self.in_row = False
        self.values: dict[int, object] = {}
        self.cell: dict | None = None  # the attributes of the open <c>
        self.value: list[str] | None = None  # its <v>
        self.formula: list[str] | None = None  # its <f>
        self.inline: _Text | None = None  # its <is>
        self.text = None  # where character data goes now
        self.phonetic = 0

    def broken(self) -> LedgerFileError:
        if not self.in_row:
            return super().broken()
        return LedgerFileError(
            _("%(where)s %(row)s行目が壊れています（Excelのファイルにはない形です）。")
            % {"where": self.where, "row": f"{self.row:,}"}
        )

    def start_element(self, name, attrs):
        local = self.enter(name, attrs)
        if local == "c":
            self._start_cell(attrs)
        elif self.cell is None:
            if local == "row":
                self._start_row(attrs)
        elif local == "v":
            self.value = self.text = []
        elif local == "f":
            self.formula = self.text = []
        elif local == "is":
            self.inline = _Text()
        elif local == "t":
            if self.inline is not None and not self.phonetic:
                self.text = self.inline
        elif local == "rPh":
            self.phonetic += 1

    def data(self, text):
        if self.text is not None:
            self.text.append(text)

    def end_element(self, name):
        self.depth -= 1
        local = self.local[name]
        if local == "c":
            self._end_cell()
        elif local == "v" or local == "f" or local == "t":
            self.text = None
        elif local == "row":
            if self.cell is None:
                self._end_row()
        elif local == "rPh":
            self.phonetic -= 1

    def _start_row(self, attrs):
        self.row_elements += 1
        number = attrs.get("r")
        try:
            self.row = int(number) if number is not None else self.row + 1
        except ValueError:
            self.in_row = True
            raise self.broken() from None
        self.in_row, self.values, self.column = True, {}, 0
        if self.row_elements > MAX_ROW_ELEMENTS or not 1 <= self.row <= MAX_ROW_ELEMENTS:
            raise self.broken()

    def _end_row(self):
        self.in_row = False
        if self.values:
            cells = [None] * max(self.values)
            for column, value in self.values.items():
                cells[column - 1] = value
            self.rows.append((self.row, cells))

    def _start_cell(self, attrs):
        if not self.in_row:
            raise self.broken()
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise LedgerFileError(
                _(
                    "%(where)sはセルが多すぎます（空のセルも含めて%(max)s個まで）。使っていない行や列を削除してください。"
                )
                % {"where": self.where, "max": f"{MAX_CELLS:,}"}
            )
        reference = attrs.get("r")
        if reference:
            match = _CELL_REFERENCE.fullmatch(reference)
            if match is None:
                raise self.broken()
            column = 0
            for letter in match.group(1):
                column = column * 26 + ord(letter) - 64
            self.column = column
        else:
            self.column += 1
        self.cell = attrs
        self.value = self.formula = self.inline = self.text = None
        self.phonetic = 0

    def _end_cell(self):
        value = self._value()
        self.cell = self.text = None
        if value is None or value.__class__ is str and not value.strip():
            return
        if self.column > MAX_COLUMNS:
            raise too_far_right(self.where, self.row, column_letter(self.column))
        self.values[self.column] = value

    def _value(self):
        kind = self.cell.get("t", "n")
        if kind == "inlineStr":
            if self.inline is None:
                return None
            self.characters.spend(min(self.inline.length, MAX_CELL_CHARS))
            return self.inline.value()
        if self.value is None:
            return None if self.formula is None else self._uncalculated()
        raw = "".join(self.value)
        if not raw:
            return None
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                raise self.broken() from None
        if kind == "str":
            if len(raw) > MAX_CELL_CHARS:
                return too_long(len(raw))
            self.characters.spend(len(raw))
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e":
            return CellProblem(_("数式の結果がエラー（%(error)s）になっています") % {"error": raw[:20]})
        return self._number(raw, kind)

    def _uncalculated(self) -> CellProblem:
        formula = "".join(self.formula)
        if formula:
            return CellProblem(
                _(
                    "数式（=%(formula)s）の計算結果がファイルに保存されていません。"
                    "Excelで開いて保存し直すか、値として貼り付けてください"
                )
                % {"formula": formula[:50]}
            )
        return CellProblem(
            _("数式の計算結果がファイルに保存されていません。Excelで開いて保存し直すか、値として貼り付けてください")
        )

    def _number(self, raw: str, kind: str):
        try:
            if kind == "d":
                return self.from_iso(raw)
            number = float(raw) if "." in raw or "e" in raw or "E" in raw else int(raw)
        except ValueError:
            return CellProblem(_("数値や日付として読めない値（%(value)s）です") % {"value": raw[:30]})
        style = self.cell.get("s", "0")
        if style in self.dates or style in self.durations:
            try:
                return self.from_excel(number, self.epoch, timedelta=style in self.durations)
            except (OverflowError, ValueError):
                return CellProblem(
                    _("日付の書式のセルですが、日付として読めない値（%(value)s）です") % {"value": raw[:30]}
                )
        return number


def _not_a_workbook(book: Book, office: str | None) -> LedgerFileError:
    if book.has("mimetype") and book.has("content.xml"):
        kind = _("OpenDocument（LibreOfficeなどの .ods）のファイル")
    elif office and office.startswith("word/"):
        kind = _("Wordのファイル（.docx）")
    elif office and office.startswith("ppt/"):
        kind = _("PowerPointのファイル（.pptx）")
    elif office and office.endswith(".bin"):
        kind = _("Excelバイナリブック（.xlsb）")
    else:
        kind = _("ZIPファイル")
    return LedgerFileError(
        _(
            "「%(name)s」はExcelファイル（.xlsx）ではなく、%(kind)sです。Excelで「Excel ブック（*.xlsx）」として保存してください。"
        )
        % {"name": book.name, "kind": kind}
    )


def _resolve(source: str, target: str) -> str:
    """A relationship's target as a path in the zip: relative to the folder of the part that has it."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _rels_of(path: str) -> str:
    return posixpath.join(posixpath.dirname(path), "_rels", posixpath.basename(path) + ".rels")


def _missing_sheets(name: str, workbook: _Workbook, missing: list[str]) -> LedgerFileError:
    found = "、".join(f"「{title[:31]}」" for title, _rel in workbook.sheets[:10])
    if len(workbook.sheets) > 10:
        found += "…"
    return LedgerFileError(
        _("「%(name)s」に%(missing)sシートがありません（あるシート: %(found)s）。")
        % {"name": name, "missing": "、".join(f"「{s}」" for s in missing), "found": found or _("なし")}
    )


def _rows(book: Book, path: str, cells: _Cells):
    for _chunk in book.parse(path, MAX_SHEET_BYTES, cells):
        taken, cells.rows = cells.rows, []
        yield from taken


def read_xlsx(data: bytes, name: str) -> dict[str, Sheet]:
    """The ledger's sheets of one workbook. Raises LedgerFileError when the file is not a workbook, is
    broken or hostile, or lacks a required sheet."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    book = Book(data, name)
    where = _("「%(name)s」") % {"name": name}
    office = None
    if book.has(PACKAGE_RELS):
        office = book.read(PACKAGE_RELS, MAX_PART_BYTES, _Relationships(where)).of_type("/officeDocument")
    workbook_path = _resolve("", office) if office else "xl/workbook.xml"
    if not workbook_path.endswith(".xml") or not book.has(workbook_path):
        raise _not_a_workbook(book, office)
    workbook = book.read(workbook_path, MAX_PART_BYTES, _Workbook(where))
    titles: dict[str, str] = {}  # NFKC sheet name -> relationship id
    for title, rel_id in workbook.sheets:
        titles.setdefault(unicodedata.normalize("NFKC", title).strip(), rel_id)
    missing = missing_required(titles)
    if missing:
        raise _missing_sheets(name, workbook, missing)
    rels = _Relationships(where)
    if book.has(_rels_of(workbook_path)):
        book.read(_rels_of(workbook_path), MAX_PART_BYTES, rels)

    def part(kind: str) -> str | None:
        target = rels.of_type(kind)
        return _resolve(workbook_path, target) if target and book.has(_resolve(workbook_path, target)) else None

    dates = durations = frozenset()
    if styles := part("/styles"):
        dates, durations = book.read(styles, MAX_PART_BYTES, _Styles(_("「%(name)s」の書式") % {"name": name})).kinds()
    characters = _Characters(name)
    strings: list = []
    if shared := part("/sharedStrings"):
        where_strings = _("「%(name)s」の文字列の表") % {"name": name}
        strings = book.read(shared, MAX_SHEET_BYTES, _SharedStrings(where_strings, characters)).strings
    epoch = CALENDAR_MAC_1904 if workbook.date1904 else CALENDAR_WINDOWS_1900
    sheets = {}
    for sheet_name in known_sheets():
        if sheet_name not in titles:
            continue
        sheet = Sheet(name=sheet_name, where=_("「%(name)s」シート") % {"name": sheet_name}, header=[])
        _type, target = rels.targets.get(titles[sheet_name], ("", ""))
        path = _resolve(workbook_path, target) if target else ""
        cells = _Cells(sheet.where, strings, dates, durations, epoch, characters)
        sheets[sheet_name] = fill(sheet, _rows(book, path, cells))
    return sheets

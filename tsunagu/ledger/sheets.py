"""What reading a ledger's files gives: sheets of raw cells, and the limits every file is read within.

The limits are what keeps a hostile file (tests/ledger/hostile.py) from costing more than a real one:
the largest real ledger has tens of thousands of rows, and no Excel cell holds more than 32,767
characters. A file past a limit is refused with a message; a cell that cannot be read is a CellProblem
that importing.py reports on its sheet, row and column (when the column is one the ledger reads).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

SHEETS = ("ケース", "相談記録", "つなぎ")
REQUIRED_SHEETS = ("ケース", "相談記録")

MAX_FILE_BYTES = 30 * 1024 * 1024  # one uploaded or named file
MAX_ROWS = 100_000  # rows below the header, per sheet
MAX_COLUMNS = 100  # columns read per row (the widest sheet has 15); anything typed further right is refused
MAX_CELLS = 2_000_000  # cells per sheet, empty ones included, so that time stays bounded too
MAX_CELL_CHARS = 32_767  # what one Excel cell can hold; each column has its own, lower, limit


def activity_sheet_names() -> tuple[str, ...]:
    from .activities import sheet_names  # the registry's modules load once the apps are ready

    return sheet_names()


def known_sheets() -> tuple[str, ...]:
    """The case sheets, then the activity sheets (ledger/activities)."""
    return SHEETS + activity_sheet_names()


def missing_required(present) -> list[str]:
    """The case sheets a ledger must have: ケース and 相談記録, unless it carries activity sheets only."""
    if any(name in present for name in activity_sheet_names()) and not any(name in present for name in SHEETS):
        return []
    return [s for s in REQUIRED_SHEETS if s not in present]


class LedgerFileError(ValueError):
    """The files themselves cannot be read as a ledger; the message is for the person who sent them."""


@dataclass(frozen=True)
class CellProblem:
    """A cell whose value cannot be read (a formula without its result, an error value, a text longer
    than a cell holds), with the reason in Japanese."""

    message: str


@dataclass
class Sheet:
    name: str  # one of SHEETS
    where: str  # how messages name it: 「相談記録」シート or 「相談記録.csv」
    header: list[str]
    # (row number as Excel shows it, cells); blank rows are left out but keep their numbers counted.
    rows: list[tuple[int, list]] = field(default_factory=list)


def too_long(length: int) -> CellProblem:
    return CellProblem(
        _("1つのセルに入れられるのは%(max)s文字までです（%(length)s文字あります）")
        % {"max": f"{MAX_CELL_CHARS:,}", "length": f"{length:,}"}
    )


def blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def fill(sheet: Sheet, rows) -> Sheet:
    """Put (row number, cells) into the sheet: row 1 is the header, blank rows are skipped, and a row
    with something in it past MAX_ROWS refuses the file. A cell right of the last heading belongs to no
    column, so it is not kept."""
    width = 0
    for number, cells in rows:
        if number == 1:
            sheet.header = ["" if cell is None or isinstance(cell, CellProblem) else str(cell) for cell in cells]
            width = max((i + 1 for i, heading in enumerate(sheet.header) if heading.strip()), default=0)
            continue
        del cells[width:]
        if blank(cells):
            continue
        elif number > MAX_ROWS + 1:
            raise LedgerFileError(
                _(
                    "%(where)sは行が多すぎます（見出しのほかに%(max)s行まで。%(row)s行目にも入力があります）。"
                    "ファイルを分けて取り込んでください。"
                )
                % {"where": sheet.where, "max": f"{MAX_ROWS:,}", "row": f"{number:,}"}
            )
        else:
            sheet.rows.append((number, cells))
    return sheet


def column_letter(index: int) -> str:
    """Excel's name of a column: 1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def too_far_right(where: str, row: int, column: str) -> LedgerFileError:
    return LedgerFileError(
        _("%(where)s %(row)s行目の%(column)s列に入力があります。読み取るのは%(last)s列（%(max)d列目）までです。")
        % {
            "where": where,
            "row": f"{row:,}",
            "column": column,
            "last": column_letter(MAX_COLUMNS),
            "max": MAX_COLUMNS,
        }
    )

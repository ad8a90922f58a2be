"""The optional activity sheets of the ledger (DOMAIN.md, "The activity sheets of the ledger"): one
module per record type in this package, each defining SHEETS, a list of ActivitySheet. Reading,
importing, the job page, the CLI summary and the export carry every sheet listed here, so a record type
joins the ledger by adding its module to MODULES (see /work/notes/ledger-activities.md).

The rules are the case sheets' rules: all or nothing across every sheet of the files, each problem named
by sheet, Excel row and column in Japanese, and importing the same file again changes nothing (rows are
matched on their ‡ columns, Column(key=True)). A sheet is parsed after the case sheets and after the
sheets listed before it, so its rows can refer to the cases and records of the same workbook
(Context.case_known, Context.rows), and is written in that order inside the import's one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module

from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.cases.models import Case
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.periods import OpenCheck
from tsunagu.orgs.rules import Actor

from .. import mapping as m

MODULES: list[str] = [
    "ibasho",
    "meetings",
    "outreach",
    "work",
    "employment",
]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ActivityRow:
    row: int  # as Excel shows it
    values: dict  # field -> parsed value, for every column the sheet has


@dataclass(frozen=True)
class ActivitySheet:
    """One optional sheet.

    parse_row(cells, ctx) -> values: read each cell with cells.take(field, parser); a parser raises
        mapping.CellError, which becomes that cell's problem; cells.problem(field, message) adds one.
        A row with a problem is reported and left out.
    apply(rows, ctx) -> Counts: write the checked rows through the record type's domain module (inside
        the import's transaction; audit too). A problem found only now (a locked period) goes to
        ctx.cell_error and the whole import is rolled back.
    export(organisation) -> list of rows in column order, read back by an import to the same records;
        a sheet with no rows is left out of the export.
    check(rows, ctx): problems between rows, beyond duplicated keys (which are checked for every sheet).
    key(values) -> tuple | None: what identifies a row; by default the values of the ‡ columns. None
        means the row is its own key (never a duplicate).
    """

    name: str
    columns: tuple[m.Column, ...]
    parse_row: Callable[["RowCells", "Context"], dict]
    apply: Callable[[list[ActivityRow], "Context"], Counts]
    export: Callable[[Organisation], list[list]]
    check: Callable[[list[ActivityRow], "Context"], None] | None = None
    key: Callable[[dict], tuple | None] | None = None

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def header_of(self, name: str) -> str:
        return next((c.header for c in self.columns if c.field == name), name)

    def row_key(self, values: dict) -> tuple | None:
        if self.key is not None:
            return self.key(values)
        return tuple(values.get(c.field) for c in self.columns if c.key)


_registry: list[ActivitySheet] | None = None


def registry() -> list[ActivitySheet]:
    global _registry
    if _registry is None:
        _registry = [sheet for name in MODULES for sheet in import_module(f"{__name__}.{name}").SHEETS]
    return _registry


def sheet_names() -> tuple[str, ...]:
    # The names are listed without importing the modules' models: reading a file needs only these.
    return tuple(sheet.name for sheet in registry())


def spec(name: str) -> ActivitySheet:
    return next(sheet for sheet in registry() if sheet.name == name)


class Context:
    """What a sheet's functions may know of the import: the organisation, the actor, the cases of the
    organisation and of the workbook, the rows of the sheets before it, lookups loaded once."""

    def __init__(self, *, organisation: Organisation, errors, where: dict[str, str], case_numbers: set[str]):
        self.organisation, self.errors, self.where = organisation, errors, where
        self.today = timezone.localdate()
        self.case_numbers = case_numbers  # NFKC ケース番号 of the workbook's case sheet and the organisation
        self.rows: dict[str, list[ActivityRow]] = {}  # sheet -> its checked rows
        self.present: dict[str, set[str]] = {}  # sheet -> fields it has a column for
        self.actor: Actor | None = None
        self.now = None
        self._lookups = self._counterparts = self._locks = self._case_ids = None
        self._memo: dict = {}

    def memo(self, key: str, compute: Callable):
        """A lookup a sheet loads once per import (the organisation's 居場所 names, say)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def lookups(self) -> m.Lookups:
        """Municipalities (名称 or 6-digit code) as the case sheet reads them."""
        if self._lookups is None:
            self._lookups = m.Lookups(self.organisation)
        return self._lookups

    @property
    def counterparts(self) -> m.Counterparts:
        """相手先 / 参加機関: an organisation by code or name, else the name as typed."""
        if self._counterparts is None:
            self._counterparts = m.Counterparts()
        return self._counterparts

    def case_known(self, number: str) -> bool:
        return m.nfkc(number) in self.case_numbers

    def case_ids(self) -> dict[str, int]:
        """NFKC ケース番号 -> id, cases of this workbook included (for apply: they are written by then)."""
        if self._case_ids is None:
            self._case_ids = {
                m.nfkc(number): pk
                for pk, number in Case.objects.filter(organisation=self.organisation).values_list("id", "number")
            }
        return self._case_ids

    def cell_error(self, sheet: str, row: int, column: str, problem: str) -> None:
        self.errors.add(
            _("%(where)s %(row)d行目「%(column)s」: %(problem)s")
            % {"where": self.where[sheet], "row": row, "column": column, "problem": problem}
        )

    @property
    def locks(self) -> OpenCheck:
        """The locks over the organisation, read once, less those the importing person's exceptions open."""
        if self._locks is None:
            self._locks = OpenCheck(self.organisation, actor=self.actor)
        return self._locks

    def locked(self, sheet: str, row: int, column: str, *dates: date | None) -> bool:
        """Name the cell when one of `dates` lies in a locked period (orgs.periods), for apply."""
        problem = next((message for on in dates if (message := self.locks.message(on))), None)
        if problem is not None:
            self.cell_error(sheet, row, column, problem)
        return problem is not None

    def locked_span(self, sheet: str, row: int, column: str, first: date, last: date) -> bool:
        """Name the cell when any day from `first` to `last` lies in a locked period (a fiscal year's plan)."""
        problem = self.locks.span_message(first, last)
        if problem is not None:
            self.cell_error(sheet, row, column, problem)
        return problem is not None


class RowCells:
    """The cells of one row, read column by column; problems are kept per column."""

    def __init__(self, sheet: ActivitySheet, number: int, cells: list, columns: dict[str, int]):
        self.sheet, self.number, self.cells, self.columns = sheet, number, cells, columns
        self.problems: dict[str, str] = {}

    def has(self, name: str) -> bool:
        return name in self.columns

    def raw(self, name: str):
        index = self.columns.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def take(self, name: str, parse: Callable, default=None):
        """The cell parsed, or `default` when the sheet has no such column; a problem is recorded."""
        from ..sheets import CellProblem

        if name not in self.columns:
            return default
        raw = self.raw(name)
        if isinstance(raw, CellProblem):
            self.problem(name, raw.message)
            return None
        try:
            value = parse(raw)
        except m.CellError as error:
            self.problem(name, str(error))
            return None
        if value in (None, "") and any(c.field == name and c.required for c in self.sheet.columns):
            self.problem(name, _("入力が必要です"))
        return value

    def problem(self, name: str, message: str) -> None:
        self.problems.setdefault(name, message)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ActivityLedger:
    """The activity sheets of one import, checked."""

    context: Context
    sheets: list[str] = field(default_factory=list)  # in registry order


def parse_activities(sheets: dict, ctx: Context, column_map: Callable, tick: Callable[[], None]) -> ActivityLedger:
    """Check every row of every activity sheet present; problems go to ctx.errors. Never writes."""
    parsed = ActivityLedger(context=ctx)
    for activity in registry():
        sheet = sheets.get(activity.name)
        if sheet is None or (not sheet.rows and not any(h.strip() for h in sheet.header)):
            continue  # an optional sheet left empty is no sheet
        columns = column_map(sheet, activity.columns)
        if columns is None:
            continue
        parsed.sheets.append(activity.name)
        ctx.present[activity.name] = set(columns)
        rows, first_row = [], {}
        for number, cells in sheet.rows:
            reader = RowCells(activity, number, cells, columns)
            values = activity.parse_row(reader, ctx)
            tick()
            for name, problem in reader.problems.items():
                ctx.cell_error(activity.name, number, activity.header_of(name), problem)
            if not reader.ok:
                continue
            key = activity.row_key(values)
            if key is not None and key in first_row:
                keys = "・".join(
                    f"「{c.header}」" for c in activity.columns if c.key and values.get(c.field) not in (None, "")
                )
                ctx.cell_error(
                    activity.name,
                    number,
                    next(c.header for c in activity.columns if c.key),
                    _("%(keys)sが%(first)d行目と同じです（同じ記録が2行あります）")
                    % {"keys": keys, "first": first_row[key]},
                )
                continue
            if key is not None:
                first_row[key] = number
            rows.append(ActivityRow(number, values))
        if activity.check is not None:
            activity.check(rows, ctx)
        ctx.rows[activity.name] = rows
    return parsed


def apply_activities(parsed: ActivityLedger, *, actor: Actor, now) -> dict[str, dict[str, int]]:
    """Write every checked activity sheet, in registry order, inside the caller's transaction."""
    ctx = parsed.context
    ctx.actor, ctx.now = actor, now
    counts = {}
    for name in parsed.sheets:
        counts[name] = spec(name).apply(ctx.rows[name], ctx).as_dict()
    return counts


def export_sheets(organisation: Organisation) -> list[tuple[ActivitySheet, list[list]]]:
    """(sheet, rows) of every activity sheet the organisation has records for."""
    found = []
    for activity in registry():
        rows = list(activity.export(organisation))
        if rows:
            found.append((activity, rows))
    return found


def counts_text(counts: dict[str, dict[str, int]]) -> str:
    """The CLI's summary of the activity sheets: ／居場所: 新規 1件、更新 0件、変更なし 2件."""
    return "".join(
        _("／%(sheet)s: 新規 %(created)d件、更新 %(updated)d件、変更なし %(unchanged)d件") % {"sheet": name, **c}
        for name, c in counts.items()
    )

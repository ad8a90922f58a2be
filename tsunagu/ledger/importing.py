"""Importing a ledger, all or nothing: every row of every sheet is checked first, every problem is
collected, and only a ledger without any is written (applying.py), in one transaction.

import_ledger() is what `tsunagu import-ledger` and the upload job call.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.cases import domain
from tsunagu.cases.models import Case, Status
from tsunagu.orgs.access import require
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor, Perm

from . import activities
from . import mapping as m
from .applying import apply_ledger
from .locks import one_import_at_a_time
from .models import JobPhase
from .reading import LedgerFileError, Sheet, read_ledger
from .sheets import CellProblem

MAX_ERRORS = 200
PROGRESS_EVERY = 1000

# progress(phase, processed rows, total rows); phase is a JobPhase value.
Progress = Callable[[str, int, int], None]


class Errors:
    """The first MAX_ERRORS messages, and how many there were in all."""

    def __init__(self):
        self.messages: list[str] = []
        self.count = 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.messages) < MAX_ERRORS:
            self.messages.append(message)

    def cell(self, sheet: Sheet, row: int, column: str, problem: str) -> None:
        self.add(
            _("%(where)s %(row)d行目「%(column)s」: %(problem)s")
            % {"where": sheet.where, "row": row, "column": column, "problem": problem}
        )


@dataclass
class Row:
    sheet: str
    row: int
    number: str  # ケース番号, NFKC
    values: dict


@dataclass
class ParsedLedger:
    cases: dict[str, Row] = field(default_factory=dict)
    contacts: list[Row] = field(default_factory=list)
    referrals: list[Row] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)  # sheet -> how messages name it
    present: dict[str, set[str]] = field(default_factory=dict)  # sheet -> fields it has a column for
    activities: "activities.ActivityLedger | None" = None  # the activity sheets (ledger/activities)


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    counts: dict = field(default_factory=dict)
    # activity sheet -> {"created", "updated", "unchanged"}, for the sheets the files carried
    sheet_counts: dict = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)

    def summary(self) -> str:
        c = self.counts
        if self.sheet_counts and not any(c.values()):  # activity sheets only
            text = activities.counts_text(self.sheet_counts).lstrip("／")
            if self.ignored_columns:
                text += _("（取り込まなかった列: %(columns)s）") % {"columns": "、".join(self.ignored_columns)}
            return text
        text = _(
            "ケース: 新規 %(cc)d件、更新 %(cu)d件、変更なし %(cn)d件／相談記録: 追加 %(tc)d件、登録済み %(tn)d件／"
            "つなぎ: 追加 %(rc)d件、更新 %(ru)d件、登録済み %(rn)d件"
        ) % {
            "cc": c["cases_created"],
            "cu": c["cases_updated"],
            "cn": c["cases_unchanged"],
            "tc": c["contacts_created"],
            "tn": c["contacts_unchanged"],
            "rc": c["referrals_created"],
            "ru": c["referrals_updated"],
            "rn": c["referrals_unchanged"],
        }
        text += activities.counts_text(self.sheet_counts)
        if self.ignored_columns:
            text += _("（取り込まなかった列: %(columns)s）") % {"columns": "、".join(self.ignored_columns)}
        return text


def _column_map(sheet: Sheet, errors: Errors, ignored: list[str], columns=None) -> dict[str, int] | None:
    """Column field -> index in the row; None when a required column is missing. `columns` are the
    sheet's columns (an activity sheet's), by default the case sheet's of that name."""
    columns = columns if columns is not None else m.COLUMNS[sheet.name]
    known = {m.header_key(c.header): c for c in columns}
    found: dict[str, int] = {}
    for index, typed in enumerate(sheet.header):
        key = m.header_key(typed)
        if not key:
            continue
        column = known.get(key)
        if column is None:
            ignored.append(f"{sheet.name}:{typed.strip()}")
        elif column.field in found:
            errors.add(
                _("%(where)s 1行目: 列「%(column)s」が2つあります。") % {"where": sheet.where, "column": column.header}
            )
        else:
            found[column.field] = index
    missing = [c.header for c in columns if c.required and c.field not in found]
    typed = [h.strip() for h in sheet.header if h.strip()]
    if missing and not found and typed:
        # Not one heading is ours: the wrong row, the wrong file or the wrong encoding, not a missing column.
        errors.add(
            _(
                "%(where)s 1行目: 見出しが標準様式の列名と1つも合いません（読み取った見出し: %(typed)s）。"
                "1行目が見出しの行か、文字コードが UTF-8 か Shift_JIS（CP932）かを確かめてください。"
            )
            % {"where": sheet.where, "typed": "、".join(f"「{h[:20]}」" for h in typed[:5])}
        )
        return None
    for header in missing:
        errors.add(
            _("%(where)s: 必須の列「%(column)s」がありません（1行目の見出しを確かめてください）。")
            % {"where": sheet.where, "column": header}
        )
    return None if missing else found


def _parsers(lookups: m.Lookups) -> dict[str, dict[str, Callable]]:
    dates = m.parse_date_cell
    return {
        "ケース": {
            "number": m.parse_case_number,
            "opened_on": dates,
            "name": lambda v: m.parse_text(v, domain.CASE_LIMITS["name"]),
            "furigana": lambda v: m.parse_text(v, domain.CASE_LIMITS["furigana"]),
            "birth_date": dates,
            "age_band": m.AGE_BANDS.parse,
            "sex": m.SEXES.parse,
            "municipality": lookups.municipality,
            "first_consulter": m.FIRST_CONSULTERS.parse,
            "reached_on": dates,
            "outing_level": lambda v: m.parse_int(v, 1, 4),
            "duration_months": lambda v: m.parse_int(v, 0, 1200),
            "household_8050": m.parse_yes_no,
            "status": m.STATUSES.parse,
            "closed_on": dates,
            "address": lambda v: m.parse_text(v, domain.CASE_LIMITS["address"]),
            "phone": lambda v: m.parse_text(v, domain.CASE_LIMITS["phone"]),
        },
        "相談記録": {
            "number": m.parse_case_number,
            "date": dates,
            "channel": m.CHANNELS.parse,
            "consulter": m.CONSULTERS.parse,
            "consulter_relation": m.RELATIONS.parse,
            "staff_name": lambda v: m.parse_text(v, domain.CONTACT_LIMITS["staff_name"]),
            "minutes": lambda v: m.parse_int(v, 0, 24 * 60),
            "notes": lambda v: m.parse_text(v, domain.CONTACT_LIMITS["notes"]),
        },
        "つなぎ": {
            "number": m.parse_case_number,
            "date": dates,
            "target": m.TARGETS.parse,
            "category": lookups.category,
            "partner_name": lambda v: m.parse_text(v, domain.REFERRAL_LIMITS["partner_name"]),
            "status": m.RESULTS.parse,
            "result_on": dates,
        },
    }


def _parse_rows(
    sheet: Sheet, columns: dict[str, int], parsers: dict[str, Callable], errors: Errors, tick: Callable[[], None]
):
    headers = {c.field: c.header for c in m.COLUMNS[sheet.name]}
    required = {c.field for c in m.COLUMNS[sheet.name] if c.required}
    for number, cells in sheet.rows:
        values, ok = {}, True
        for name, index in columns.items():
            raw = cells[index] if index < len(cells) else None
            if isinstance(raw, CellProblem):
                errors.cell(sheet, number, headers[name], raw.message)
                ok = False
                continue
            try:
                value = parsers[name](raw)
            except m.CellError as error:
                errors.cell(sheet, number, headers[name], str(error))
                ok = False
                continue
            if name in required and value in (None, ""):
                errors.cell(sheet, number, headers[name], _("入力が必要です"))
                ok = False
            values[name] = value
        tick()
        if ok:
            yield Row(sheet.name, number, values.pop("number"), values)


def _report(errors: Errors, sheet: Sheet, row: Row, problems: dict[str, str]) -> None:
    """The domain's messages, each on its column."""
    headers = {c.field: c.header for c in m.COLUMNS[sheet.name]}
    for name, problem in problems.items():
        errors.cell(sheet, row.row, headers.get(name, name), problem)


def _check_case(row: Row, sheet: Sheet, errors: Errors, today: date) -> None:
    # A ledger without a 状態 column has cases in 受付 (the model's default), so its 終結日 is checked too.
    _report(errors, sheet, row, domain.case_errors({"status": Status.INTAKE, **row.values}, today=today))


def _check_dated(row: Row, sheet: Sheet, errors: Errors, today: date, born: date | None) -> bool:
    if row.sheet == "つなぎ":
        problems = domain.referral_result_errors(row.values, today=today)
    else:
        # The birth date may be a stored case's: the message names the row and column, not the value.
        problems = domain.contact_errors(row.values, birth_date=born, today=today, reveal=False)
    _report(errors, sheet, row, problems)
    return not problems


def _typed_numbers(sheet: Sheet, columns: dict[str, int] | None) -> set[str]:
    if columns is None:
        return set()
    index, numbers = columns["number"], set()
    for _number, cells in sheet.rows:
        if index < len(cells) and not isinstance(cells[index], CellProblem):
            numbers.add(m.nfkc(m.cell_text(cells[index])))
    return numbers


def parse_ledger(
    sheets: dict[str, Sheet], organisation: Organisation, errors: Errors, progress: Progress | None = None
) -> ParsedLedger:
    """Every row checked; problems go to `errors`. Reads the database but never writes."""
    total = sum(len(sheet.rows) for sheet in sheets.values())
    done = 0

    def tick():
        nonlocal done
        done += 1
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(JobPhase.CHECKING, done, total)

    lookups = m.Lookups(organisation)
    parsers = _parsers(lookups)
    parsed = ParsedLedger(where={name: sheet.where for name, sheet in sheets.items()})
    today = timezone.localdate()
    first_row: dict[str, int] = {}
    columns = {
        name: _column_map(sheet, errors, parsed.ignored_columns) for name, sheet in sheets.items() if name in m.COLUMNS
    }
    parsed.present = {name: set(found) for name, found in columns.items() if found is not None}
    if columns.get("ケース") is not None:
        sheet = sheets["ケース"]
        for row in _parse_rows(sheet, columns["ケース"], parsers["ケース"], errors, tick):
            if row.number in first_row:
                errors.cell(
                    sheet,
                    row.row,
                    "ケース番号",
                    _("「%(number)s」は%(first)d行目と重複しています")
                    % {"number": row.number, "first": first_row[row.number]},
                )
                continue
            first_row[row.number] = row.row
            _check_case(row, sheet, errors, today)
            parsed.cases[row.number] = row
    # Numbers of the case sheet, rows with problems included: their contacts need no second error.
    in_file = set(first_row) | (_typed_numbers(sheets["ケース"], columns["ケース"]) if "ケース" in sheets else set())
    births = {
        m.nfkc(n): born
        for n, born in Case.objects.filter(organisation=organisation).values_list("number", "birth_date")
    }
    births.update({number: row.values.get("birth_date", births.get(number)) for number, row in parsed.cases.items()})
    # Without a readable case sheet there is no telling which numbers it holds: no reference errors then.
    check_numbers = columns.get("ケース") is not None or "ケース" not in sheets
    for name, target in (("相談記録", parsed.contacts), ("つなぎ", parsed.referrals)):
        if name not in sheets or columns[name] is None:
            continue
        sheet = sheets[name]
        for row in _parse_rows(sheet, columns[name], parsers[name], errors, tick):
            if check_numbers and row.number not in in_file and row.number not in births:
                errors.cell(
                    sheet,
                    row.row,
                    "ケース番号",
                    _("「%(number)s」はケースシートにもこの組織のケースにもありません") % {"number": row.number},
                )
                continue
            if _check_dated(row, sheet, errors, today, births.get(row.number)):
                target.append(row)
    # The activity sheets see the same cases: the workbook's and the organisation's.
    context = activities.Context(
        organisation=organisation, errors=errors, where=parsed.where, case_numbers=in_file | set(births)
    )
    parsed.activities = activities.parse_activities(
        sheets,
        context,
        lambda sheet, columns: _column_map(sheet, errors, parsed.ignored_columns, columns),
        tick,
    )
    return parsed


def import_ledger(
    *,
    actor: Actor,
    organisation: Organisation,
    files: list[tuple[str, bytes]],
    file_label: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Check everything, then write everything or nothing. `files` are (name, contents)."""
    require(actor, Perm.EDIT_CASES, organisation, message=_("他の組織には取り込めません。"))
    errors = Errors()
    try:
        sheets = read_ledger(files)
    except LedgerFileError as error:
        errors.add(str(error))
        return ImportResult(errors=errors.messages, error_count=errors.count)
    rows = sum(len(sheet.rows) for sheet in sheets.values())
    result = ImportResult(rows=rows)
    try:
        waiting = (lambda: progress(JobPhase.WAITING, 0, rows)) if progress else None
        with one_import_at_a_time(organisation.pk, waiting):
            if progress:
                progress(JobPhase.CHECKING, 0, rows)
            parsed = parse_ledger(sheets, organisation, errors, progress)
            result.ignored_columns = parsed.ignored_columns
            if errors.count == 0:
                if progress:
                    progress(JobPhase.WRITING, rows, rows)
                result.counts, result.sheet_counts = apply_ledger(
                    actor=actor,
                    organisation=organisation,
                    parsed=parsed,
                    file_label=file_label or "、".join(name for name, _data in files),
                    rows=rows,
                    errors=errors,
                )
    except LedgerFileError as error:
        errors.add(str(error))
    except IntegrityError:
        # Someone saved a record this ledger also creates (a case number typed on the case page) after
        # the check; the transaction rolled back whole.
        errors.add(
            _(
                "取り込みの途中で、同じケース番号などがほかの操作で登録されたため、何も登録しませんでした。もう一度取り込んでください。"
            )
        )
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        errors.add(
            _(
                "データベースがほかの書き込みで使われ続けていたため、何も登録しませんでした。しばらくしてからもう一度取り込んでください。"
            )
        )
    result.errors, result.error_count = errors.messages, errors.count
    if not result.ok:
        result.counts, result.sheet_counts = {}, {}
    return result

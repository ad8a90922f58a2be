"""Loading an organisation tree from a CSV file, all or nothing.

`tsunagu import-orgs` calls import_organisations(); a web upload can call it with the uploaded file.
Every row is checked before anything is written, so the person fixing the file sees every problem at once.
The file is read within limits (size, rows, cells, the length of each cell), so that no file costs more
than a real tree's or answers with anything but a message (tsunagu.core.textfiles).
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tsunagu.core import textfiles

from . import actions
from .models import Organisation, OrgKind, PartnerCategory
from .rules import Actor

# Field -> accepted headers; the first, Japanese, one is how messages name a field.
HEADERS = {
    "code": ("コード", "code"),
    "name": ("名称", "name"),
    "kind": ("種別", "kind"),
    "parent": ("上位コード", "parent"),
    "category": ("区分", "category"),
}
FIELD_LABELS = {name: headers[0] for name, headers in HEADERS.items()}
REQUIRED = ("code", "name", "kind")
PROGRESS_EVERY = 200
MAX_FILE_BYTES = 10 * 1024 * 1024  # the nation's tree is about 200 KB
MAX_ROWS = 100_000
MAX_ERRORS = 200
# The longest value each column can hold (the model's fields; a kind is one of a few labels).
MAX_LENGTHS = {
    "code": Organisation._meta.get_field("code").max_length,
    "name": Organisation._meta.get_field("name").max_length,
    "kind": 40,
    "parent": Organisation._meta.get_field("code").max_length,
    "category": PartnerCategory._meta.get_field("name").max_length,
}


def normalise(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def parse_kind(text: str) -> str:
    """The OrgKind value for an English value (municipality) or a Japanese label (市区町村). Anything
    else comes back unchanged, so validate_organisation names it in its message."""
    text = normalise(text)
    for value, label in OrgKind.choices:
        if text.lower() == value or text == normalise(str(label)):
            return value
    return text


def categories_by_name() -> dict[str, PartnerCategory]:
    # NFKC on both sides: stored names use full-width brackets, which a normalised cell no longer has.
    return {normalise(category.name): category for category in PartnerCategory.objects.all()}


@dataclass
class ImportResult:
    rows: int = 0
    created: list[Organisation] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # the first MAX_ERRORS
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _("追加 %(created)d件、変更なし %(unchanged)d件") % {
            "created": len(self.created),
            "unchanged": self.unchanged,
        }


@dataclass
class _Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    code: str
    name: str
    kind: str
    parent: str
    category: str
    category_obj: PartnerCategory | None = None
    unchanged: bool = False
    too_long: bool = False  # a cell longer than its column holds, already reported


def _file_name(source) -> str:
    return Path(source).name if isinstance(source, (str, Path)) else Path(getattr(source, "name", "") or "").name


def read_bytes(source) -> bytes:
    """The file's contents; a file over MAX_FILE_BYTES is refused before it is read."""
    name = _file_name(source) or _("ファイル")
    if isinstance(source, (str, Path)):
        size = Path(source).stat().st_size
        data = Path(source).read_bytes() if size <= MAX_FILE_BYTES else b""
    else:
        data = source.read(MAX_FILE_BYTES + 1)
        data = data.encode() if isinstance(data, str) else data
        size = len(data)
    if size > MAX_FILE_BYTES:
        raise textfiles.TextFileError(
            _("「%(name)s」は大きすぎます（%(max)dMBまで）。") % {"name": name, "max": MAX_FILE_BYTES // (1024 * 1024)}
        )
    return data


def _records(data: bytes, name: str) -> list[list[str]]:
    """The CSV records (UTF-8 with or without BOM, else CP932), within MAX_ROWS."""
    records = []
    for number, cells in textfiles.records(data, name, max_cells=MAX_ROWS * 10):
        if number > MAX_ROWS + 1 and any(map(str.strip, cells)):
            raise textfiles.TextFileError(
                _("「%(name)s」は行が多すぎます（見出しのほかに%(max)s行まで）。")
                % {"name": name, "max": f"{MAX_ROWS:,}"}
            )
        records.append(cells)
    return records


def import_organisations(source, actor: Actor, *, progress: Callable[[str], None] | None = None) -> ImportResult:
    """Add every organisation of the CSV file, or none of them. Errors are in the result, not raised."""
    result = ImportResult()
    try:
        records = _records(read_bytes(source), _file_name(source) or _("ファイル"))
    except textfiles.TextFileError as error:
        result.errors.append(str(error))
        result.error_count = 1
        return result
    if not records:
        result.errors.append(_("ファイルが空です。"))
        result.error_count = 1
        return result
    importer = _Importer(records, actor, result, progress or (lambda message: None))
    importer.run()
    return result


class _Importer:
    def __init__(self, records, actor, result, progress):
        self.actor, self.result, self.progress = actor, result, progress
        self.errors: list[tuple[int, int, str]] = []  # (row, column order, message) for sorting
        self.headers = self._read_header(records[0])
        # Blank lines are skipped but still counted, so row numbers match what the spreadsheet shows.
        numbered = enumerate(records[1:], start=2)
        self.rows = [self._read_row(n, cells) for n, cells in numbered if any(map(str.strip, cells))]
        result.rows = len(self.rows)

    def _read_header(self, cells) -> dict[str, tuple[int, str]]:
        """Field -> (column index, header as written in the file)."""
        found = {}
        for index, cell in enumerate(cells):
            text = normalise(cell)
            for name, accepted in HEADERS.items():
                if name not in found and text.lower() in accepted:
                    found[name] = (index, text)
        for name in REQUIRED:
            if name not in found:
                self.result.errors.append(
                    _("1行目: 列「%(column)s」がありません（必要な列: %(required)s）。")
                    % {"column": FIELD_LABELS[name], "required": "、".join(FIELD_LABELS[n] for n in REQUIRED)}
                )
        return found

    def _read_row(self, number: int, cells: list[str]) -> _Row:
        values = {
            name: normalise(cells[index]) if index < len(cells) else ""
            for name, (index, _header) in self.headers.items()
        }
        row = _Row(number=number, **{name: values.get(name, "") for name in HEADERS})
        for name, value in values.items():
            if len(value) > MAX_LENGTHS[name]:
                self.error(
                    row,
                    name,
                    _("%(max)d文字以内で入力してください（%(length)s文字あります）。")
                    % {"max": MAX_LENGTHS[name], "length": f"{len(value):,}"},
                )
                setattr(row, name, value[: MAX_LENGTHS[name]])
                row.too_long = True
        return row

    def error(self, row: _Row, name: str, message: str) -> None:
        header = self.headers.get(name, (0, FIELD_LABELS[name]))[1]
        order = list(HEADERS).index(name)
        self.errors.append(
            (
                row.number,
                order,
                _("%(row)d行目「%(column)s」: %(message)s")
                % {
                    "row": row.number,
                    "column": header,
                    "message": message,
                },
            )
        )

    def run(self) -> None:
        if self.result.errors:
            self.result.error_count = len(self.result.errors)
            return
        try:
            with transaction.atomic():
                self.validate()
                if not self.errors:
                    self.create()
                if self.errors:
                    # All or nothing: what was created before the failure goes too.
                    transaction.set_rollback(True)
                    self.result.created = []
        except IntegrityError:
            # Another import or a person added one of these codes after the check; nothing was kept.
            self.result.created = []
            self.errors.append(
                (
                    0,
                    0,
                    _(
                        "取り込みの途中で、同じコードの組織がほかの操作で登録されたため、何も登録しませんでした。もう一度取り込んでください。"
                    ),
                )
            )
        messages = [message for _row, _order, message in sorted(self.errors)]
        self.result.errors, self.result.error_count = messages[:MAX_ERRORS], len(messages)

    # -- checking every row before writing anything --

    def validate(self) -> None:
        codes = {row.code for row in self.rows} | {row.parent for row in self.rows}
        self.existing = {
            org.code: org
            for org in Organisation.objects.filter(code__in=codes - {""}).select_related("parent", "category")
        }
        self.categories = categories_by_name()
        self.in_file: dict[str, _Row] = {}
        for row in self.rows:
            if row.code and row.code in self.in_file:
                self.error(
                    row,
                    "code",
                    _("コード「%(code)s」は%(first)d行目と重複しています。")
                    % {
                        "code": row.code,
                        "first": self.in_file[row.code].number,
                    },
                )
            elif row.code:
                self.in_file[row.code] = row
        for done, row in enumerate(self.rows, start=1):
            self._validate_row(row)
            if done % PROGRESS_EVERY == 0:
                self.progress(_("検証中: %(done)d / %(total)d行") % {"done": done, "total": len(self.rows)})

    def _validate_row(self, row: _Row) -> None:
        if row.too_long:
            return  # its cell is reported; what the rest of it would make is not worth a guess
        row.kind = parse_kind(row.kind)
        if row.category:
            row.category_obj = self.categories.get(row.category)
            if row.category_obj is None:
                self.error(row, "category", _("区分「%(category)s」が見つかりません。") % {"category": row.category})
        existing = self.existing.get(row.code)
        if existing is not None:
            self._compare(row, existing)
            return
        parent, parent_known = self._parent(row)
        try:
            actions.validate_organisation(
                code=row.code,
                name=row.name,
                kind=row.kind,
                parent=parent,
                category=row.category_obj,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name == "parent" and not parent_known:
                    continue  # the parent's own problem is already reported
                if name == "category" and row.category and row.category_obj is None:
                    continue
                for message in messages:
                    self.error(row, name, message)

    def _parent(self, row: _Row) -> tuple[Organisation | None, bool]:
        """The parent to validate against (saved, or an unsaved stand-in for a row of the file) and
        whether it is known well enough to judge the row by."""
        if not row.parent:
            return None, True
        if row.parent in self.existing:
            return self.existing[row.parent], True
        parent_row = self.in_file.get(row.parent)
        if parent_row is None:
            self.error(row, "parent", _("組織「%(code)s」が見つかりません。") % {"code": row.parent})
            return None, False
        cycle = self._cycle_from(row)
        if cycle:
            self.error(row, "parent", _("上位コードが循環しています（%(cycle)s）。") % {"cycle": " → ".join(cycle)})
            return None, False
        if parse_kind(parent_row.kind) not in OrgKind.values:
            return None, False
        return Organisation(code=parent_row.code, name=parent_row.name, kind=parse_kind(parent_row.kind)), True

    def _cycle_from(self, row: _Row) -> list[str]:
        """The codes of the loop when following parents within the file leads back to this row."""
        chain, current = [row.code], row
        while current.parent in self.in_file and current.parent not in self.existing:
            current = self.in_file[current.parent]
            chain.append(current.code)
            if current is row:
                return chain
            if len(chain) > len(self.in_file):
                return []  # a loop further up, reported on its own rows
        return []

    def _compare(self, row: _Row, org: Organisation) -> None:
        """A code already registered: the same values are skipped, different ones are refused."""
        parent_code = org.parent.code if org.parent else ""
        category_name = org.category.name if org.category else ""
        # (value compared with the normalised cell, value shown in the message)
        stored = {
            "name": (normalise(org.name), org.name),
            "kind": (org.kind, org.get_kind_display()),
            "parent": (parent_code, parent_code or _("なし")),
            "category": (normalise(category_name), category_name or _("なし")),
        }
        wanted = {"name": row.name, "kind": row.kind, "parent": row.parent, "category": row.category}
        if row.category and row.category_obj is None:
            del stored["category"]  # already reported as unknown
        differs = False
        for name, (value, shown) in stored.items():
            if wanted[name] != value:
                differs = True
                self.error(
                    row,
                    name,
                    _(
                        "組織「%(code)s」はすでに「%(value)s」で登録されています。このコマンドは追加だけを行い、変更はしません。"
                    )
                    % {"code": org.code, "value": shown},
                )
        row.unchanged = not differs

    # -- writing, parents first --

    def create(self) -> None:
        new_rows = [row for row in self.rows if not row.unchanged]
        self.result.unchanged = len(self.rows) - len(new_rows)
        created: dict[str, Organisation] = {}
        for done, row in enumerate(sorted(new_rows, key=lambda r: (self._depth(r), r.number)), start=1):
            parent = self.existing.get(row.parent) or created.get(row.parent)
            if row.parent and parent is None:
                continue  # its parent failed and carries the error
            try:
                created[row.code] = actions.create_organisation(
                    actor=self.actor,
                    code=row.code,
                    name=row.name,
                    kind=row.kind,
                    parent=parent,
                    category=row.category_obj,
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        self.error(row, name if name in HEADERS else "code", message)
            except PermissionDenied as error:
                self.error(row, "parent", str(error))
            if done % PROGRESS_EVERY == 0:
                self.progress(_("登録中: %(done)d / %(total)d件") % {"done": done, "total": len(new_rows)})
        self.result.created = list(created.values())

    def _depth(self, row: _Row) -> int:
        depth = 0
        while row.parent in self.in_file and row.parent not in self.existing:
            row = self.in_file[row.parent]
            depth += 1
        return depth
